"""Random input never gets past the readers as anything but a result or a ProfplanError (one Russian line).

The school, contacts and norms loaders get the bundled files with random
parts replaced, removed, retyped or added, and random TOML text; the
importer gets tables of random width with random cells and deadline phrases
made of real deadline words. Any other exception would reach the user as the
crash guard's "внутренняя ошибка".
"""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from cli_helpers import DEMO_SCHOOL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.data_files import data_dir
from calendars.errors import ProfplanError
from roadmaps.importer import import_documents
from scheduler.errors import ProfileError
from scheduler.norms import load_norms
from scheduler.profile import Profile, load_profile, parse_profile
from store.db import open_store
from tracking.contacts import ContactsLoad, load_contacts

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

scalars = (st.text(max_size=12) | st.integers(-5, 200) | st.booleans() | st.floats(allow_nan=False, allow_infinity=False)
           | st.dates(dt.date(2019, 1, 1), dt.date(2031, 12, 31)) | st.sampled_from(["14:20", "25:99", "RU-LEN", "2023-2024", ""]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                      max_leaves=8)


def _mutate(data: st.DataObject, node: Any, depth: int = 0) -> Any:
    """The node with some of its parts replaced by random values, removed, or joined by unknown keys."""
    if isinstance(node, dict):
        result = {}
        for key, value in node.items():
            choice = data.draw(st.sampled_from(["keep", "keep", "keep", "mutate", "replace", "drop", "rename"]))
            if choice == "drop":
                continue
            if choice == "rename":
                key = data.draw(st.sampled_from([key[:-1], key + "s", key.upper(), key.replace("_", "")])) or key
            result[key] = data.draw(values) if choice == "replace" else _mutate(data, value, depth + 1) if choice == "mutate" else value
        if data.draw(st.integers(0, 9)) == 0:
            result[data.draw(st.text(min_size=1, max_size=10))] = data.draw(values)
        return result
    if isinstance(node, list) and node:
        items = [_mutate(data, item, depth + 1) for item in node]
        return items[: data.draw(st.integers(0, len(items)))] if data.draw(st.booleans()) else items
    return data.draw(values) if data.draw(st.integers(0, 3)) == 0 else node


def _ok_or_user_error(load: Any, *args: Any) -> Any:
    try:
        return load(*args)
    except ProfileError as exc:  # every refused field, one line each naming the file and the field
        assert exc.problems and str(exc).split("\n") == [str(problem) for problem in exc.problems]
        assert all(problem.source == str(args[-1]) and "\n" not in str(problem) for problem in exc.problems)
        return None
    except ProfplanError as exc:
        assert str(exc) and "\n" not in str(exc).strip()
        return None


SCHOOL = tomllib.loads(DEMO_SCHOOL.read_text(encoding="utf-8"))


@FUZZ
@given(st.data())
def test_a_mutated_school_profile_is_a_profile_or_a_user_error(data: st.DataObject) -> None:
    result = _ok_or_user_error(parse_profile, _mutate(data, copy.deepcopy(SCHOOL)), "school.toml")
    assert result is None or isinstance(result, Profile)


@FUZZ
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode) | st.text(max_size=300).map(lambda text: text.encode("utf-16")))
def test_random_bytes_as_a_school_file_are_a_profile_or_a_user_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "school.toml"
    path.write_bytes(content)
    result = _ok_or_user_error(load_profile, path)
    assert result is None or isinstance(result, Profile)


@pytest.fixture(scope="module")
def norms_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


NORMS = tomllib.loads((data_dir() / "norms" / "2023-2024.toml").read_text(encoding="utf-8"))


@FUZZ
@given(st.data())
def test_mutated_norms_are_norms_or_a_user_error(monkeypatch: pytest.MonkeyPatch, norms_folder: Path, data: st.DataObject) -> None:
    (norms_folder / "norms").mkdir(exist_ok=True)
    (norms_folder / "norms" / "2023-2024.toml").write_text(tomli_w.dumps(_mutate(data, copy.deepcopy(NORMS))), encoding="utf-8")
    monkeypatch.setenv("PROFPLAN_DATA_DIR", str(norms_folder))
    _ok_or_user_error(load_norms, "2023-2024")


CONTACTS = tomllib.loads((data_dir() / "contacts.example.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def contacts_engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return open_store(tmp_path_factory.mktemp("contacts") / "profplan.db")


@FUZZ
@given(st.data())
def test_mutated_contacts_are_loaded_or_a_user_error(contacts_engine: Any, tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / "contacts.toml"
    path.write_text(tomli_w.dumps(_mutate(data, copy.deepcopy(CONTACTS))), encoding="utf-8")
    result = _ok_or_user_error(load_contacts, contacts_engine, path)
    assert result is None or isinstance(result, ContactsLoad)


DEADLINE_WORDS = ["до", "01", "сентября", "2023", "г.", "Октябрь", "–", "-", "—", "квартал", "4", "2-4", "полугодие",
                  "ежегодно", ",", "далее", "еженедельно", "по", "четвергам", "не реже 1 раза в четверть", "Постоянно",
                  "В течение", "учебного года", "15.09", "Создание:", "Организация работы:", "2020-2030 г.г.", "\n", "(", ")"]
cells = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\r\n\x00"), max_size=20)
deadlines = st.lists(st.sampled_from(DEADLINE_WORDS), max_size=8).map(" ".join).map(lambda text: text.replace("\n", " "))
numbers = st.sampled_from(["1", "2.", "3.1", "3.1.2", "", "31", "IV", "а)"])


@pytest.fixture(scope="module")
def import_engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return open_store(tmp_path_factory.mktemp("import") / "profplan.db")


@FUZZ
@given(rows=st.lists(st.tuples(numbers, cells, deadlines, cells, st.lists(cells, max_size=3)), min_size=0, max_size=8),
       preface=st.lists(cells, max_size=3), width=st.integers(2, 7))
def test_a_table_of_random_cells_imports_or_is_a_user_error(import_engine: Any, tmp_path: Path, rows: list[Any],
                                                            preface: list[str], width: int) -> None:
    header = ["№ п/п", "Наименование мероприятия", "Сроки проведения", "Ответственные исполнители", "Результат", "Примечание",
              "Ссылка"][:width]
    lines = [*preface, "\t".join(header)]
    for number, title, deadline, executors, extra in rows:
        lines.append("\t".join([number, title, deadline, executors, *extra]))
    path = tmp_path / "random.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    _ok_or_user_error(import_documents, import_engine, [path])
