"""Where the bundled data lives and how its TOML files are read.

Norms, calendars and roadmaps change every school year, so they are data
files under `data/`, never code. `PROFPLAN_DATA_DIR` points elsewhere (a
committee's own copy) without touching the installation.
"""

from __future__ import annotations

import codecs
import errno
import functools
import importlib.util
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from calendars.errors import ProfplanError

_REPO_DATA = Path(__file__).resolve().parent.parent / "data"
"""The repository's data folder, for code run from a checkout that was never installed."""

_OS_REASONS = {
    errno.ENOSPC: "нет места на диске",
    errno.EDQUOT: "исчерпана дисковая квота",
    errno.EFBIG: "файл больше допустимого размера",
    errno.EACCES: "нет прав доступа",
    errno.EPERM: "операция не разрешена",
    errno.EROFS: "файловая система только для чтения",
    errno.ENOENT: "файл или папка не найдены",
    errno.EISDIR: "это папка, а не файл",
    errno.ENOTDIR: "часть пути — не папка",
    errno.EADDRINUSE: "адрес уже занят другой программой",
}


def os_error_reason(exc: OSError) -> str:
    """What the operating system refused, in Russian (the system's own words for a rare error)."""
    return _OS_REASONS.get(exc.errno or 0) or exc.strerror or str(exc)


def os_error_message(exc: OSError) -> str:
    """One Russian line for what the operating system refused, naming the file when it is known."""
    reason = os_error_reason(exc)
    return f"{exc.filename}: {reason}." if exc.filename else f"{reason[:1].upper()}{reason[1:]}."


def data_dir() -> Path:
    """The data root: `$PROFPLAN_DATA_DIR` when set, else the bundled data (see `bundled_data`)."""
    override = os.environ.get("PROFPLAN_DATA_DIR")
    return Path(override) if override else bundled_data()


@functools.cache
def bundled_data() -> Path:
    """The installed package `profplan_data` (a wheel or an editable install), else the checkout's `data/`.

    setup.py ships the repository's `data/` folder under that name, so an
    installed profplan finds its norms and calendars wherever it was installed.
    """
    spec = importlib.util.find_spec("profplan_data")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return _REPO_DATA


def decode_text(data: bytes, name: str, error: type[ProfplanError] = ProfplanError) -> str:
    """Text saved by hand in any encoding Russian offices use: UTF-8 (BOM or not), UTF-16, Windows-1251.

    UTF-16 without a BOM is recognised by its zero bytes all on one side of
    each pair (Latin letters, digits and TOML punctuation have a zero high
    byte). Other zero bytes mean a binary file (a spreadsheet, an archive, a
    picture): `error` names the file and says what to save instead.
    """
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    elif b"\x00" in data:
        encodings = (utf16,) if (utf16 := _utf16_without_bom(data)) else ()
    else:
        encodings = ("utf-8", "cp1251")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise error(
        f"{name}: файл не текстовый (двоичные данные или неизвестная кодировка): "
        "сохраните его как текст в кодировке UTF-8 или Windows-1251."
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """utf-16-le or -be when every zero byte of an even-length text sits on one side of its pair."""
    if len(data) % 2:
        return None
    low, high = data[0::2].count(0), data[1::2].count(0)
    if high and not low:
        return "utf-16-le"
    if low and not high:
        return "utf-16-be"
    return None


def read_text(path: Path, error: type[ProfplanError] = ProfplanError) -> str:
    """A text file decoded by `decode_text`, every failure a Russian error of class `error` naming the file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{path}: файл не найден.") from None
    except OSError as exc:
        raise error(f"{path}: не удалось прочитать файл ({os_error_reason(exc)}).") from None
    return decode_text(data, str(path), error)


def read_toml(path: Path, error: type[ProfplanError] = ProfplanError) -> dict[str, Any]:
    """Read a TOML file in any encoding `decode_text` knows, turning every failure into a Russian error naming the file."""
    try:
        return tomllib.loads(read_text(path, error))
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: {toml_error_message(exc)}") from None


_TOML_PROBLEMS = {
    "Invalid statement": "непонятная строка",
    "Invalid value": "неверное значение",
    "Expected '=' after a key in a key/value pair": "после ключа ожидается «=»",
    "Unclosed array": "не закрыт список «]»",
    "Unclosed inline table": "не закрыта таблица «}»",
    "Unterminated string": "не закрыта строка",
    "Illegal character in string": "недопустимый символ в строке",
    "Invalid initial character for a key part": "недопустимый символ в начале ключа",
    "Expected newline or end of document after a statement": "после значения ожидается конец строки",
    "Cannot overwrite a value": "ключ указан дважды",
    "Expected ']' at the end of a table declaration": "заголовок таблицы не закрыт «]»",
}
_TOML_POSITION = re.compile(r"^(?P<problem>.*?) \(at line (?P<line>\d+), column (?P<column>\d+)\)$|^(?P<whole>.*?) \(at end of document\)$")


def toml_error_message(exc: tomllib.TOMLDecodeError) -> str:
    """tomllib's English complaint as a Russian one with its line and column."""
    text = str(exc)
    found = _TOML_POSITION.match(text)
    if found is None:
        return f"ошибка формата TOML: {text}."
    problem = found["problem"] or found["whole"]
    where = f"строка {found['line']}, столбец {found['column']}" if found["line"] else "конец файла"
    return f"ошибка формата TOML ({where}): {_TOML_PROBLEMS.get(problem, problem)}."
