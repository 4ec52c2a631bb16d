"""Where the bundled data lives and how its TOML files are read.

Norms, calendars and roadmaps change every school year, so they are data
files under `data/`, never code. `PROFPLAN_DATA_DIR` points elsewhere (a
committee's own copy) without touching the installation.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from calendars.errors import ProfplanError

_REPO_DATA = Path(__file__).resolve().parent.parent / "data"


def data_dir() -> Path:
    """The data root: `$PROFPLAN_DATA_DIR` when set, else the bundled `data/`."""
    override = os.environ.get("PROFPLAN_DATA_DIR")
    return Path(override) if override else _REPO_DATA


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning every failure into a Russian error naming the file."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ProfplanError(f"{path}: файл не найден.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfplanError(f"{path}: ошибка формата TOML: {exc}.") from None
    except OSError as exc:
        raise ProfplanError(f"{path}: не удалось прочитать файл ({exc.strerror}).") from None
