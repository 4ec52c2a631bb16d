"""The profile as HTML forms: classes, staff, venues, slots and closures edited in the browser.

The form is the profile file's own shape: every input is named by the path
the parser's messages use (`classes[3].grade`, `school.closed[1].start`), so
a refused field comes back next to its input. A save builds the whole
profile table from the stored one (the [school] head and each class's
`leads`, which the form does not show, are kept) and the rows sent, and
checks it with the same function as an uploaded school.toml
(`web.schools.check_profile`, i.e. `scheduler.profile.parse_profile`);
nothing is stored until every field is valid, and then the profile is
stored whole, in one transaction, as `profplan school load` stores a file.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    """One input of a row: the profile key it writes, its Russian label, and its kind of input."""

    key: str
    label: str
    kind: str = "text"  # text | number | time | date | level | roles | venue_kind
    hint: str = ""  # how to fill it in, said once under the table (a phone repeats labels on every row)


@dataclass(frozen=True)
class Section:
    """A list of the profile edited as rows (one table of the form); `prefix` names its rows in paths."""

    key: str
    title: str
    prefix: str
    columns: tuple[Column, ...]
    single: bool = False  # one row without a number (the evening slot)

    def path(self, number: int) -> str:
        return self.prefix if self.single else f"{self.prefix}[{number}]"


# Russian names of the staff roles and venue kinds the norms' activities ask for (data/norms); the profile file
# holds the codes, the form shows and takes the names (a code typed as is, or an unknown one, stays as typed).
STAFF_ROLE_TITLES = {
    "class_teacher": "классный руководитель",
    "navigator": "педагог-навигатор",
    "teacher": "учитель",
    "tutor": "тьютор",
    "master": "мастер производственного обучения",
}
VENUE_KIND_TITLES = {"hall": "актовый зал", "room": "кабинет", "external": "внешняя площадка (предприятие, колледж)"}
_ROLE_CODES = {title.casefold(): code for code, title in STAFF_ROLE_TITLES.items()}

SECTIONS = (
    Section("classes", "Классы", "classes", (
        Column("name", "Класс"), Column("grade", "Параллель", "number"), Column("students", "Учеников", "number"),
        Column("teacher", "Классный руководитель"), Column("level", "Уровень", "level"),
        Column("max_hours_per_day", "Часов в день, не больше", "number"),
        Column("max_hours_per_week", "Часов в неделю, не больше", "number"),
    )),
    Section("staff", "Сотрудники", "staff", (
        Column("name", "ФИО"), Column("roles", "Роли", "roles",
                                      "через запятую: " + ", ".join(STAFF_ROLE_TITLES.values())),
        Column("max_hours_per_week", "Часов в неделю, не больше", "number"), Column("email", "Эл. почта"),
    )),
    Section("venues", "Площадки", "venues", (
        Column("name", "Название"), Column("capacity", "Мест", "number"), Column("kind", "Вид", "venue_kind"),
    )),
    Section("slots", "Слоты после уроков", "slots", (
        Column("start", "Начало", "time"), Column("minutes", "Минут", "number"),
    )),
    Section("evening", "Вечерний слот (родительские собрания)", "evening", (
        Column("start", "Начало", "time"), Column("minutes", "Минут", "number"),
    ), single=True),
    Section("closed", "Закрытия школы (карантин, свои каникулы)", "school.closed", (
        Column("start", "С", "date"), Column("end", "По", "date"),
    )),
)
_NUMBER = re.compile(r"^[+-]?\d{1,9}$")


@dataclass(frozen=True)
class Row:
    """One row of a section: its path, its values as the inputs show them, and whether it is a blank one."""

    path: str
    values: dict[str, str]
    origin: str  # the stored class this row started from (its leads are kept), "" for a new row
    blank: bool = False


@dataclass(frozen=True)
class ProfileForm:
    """The form's sections with their rows, and the refused fields: by path, and those no input shows."""

    rows: dict[str, list[Row]]
    errors: dict[str, str]

    @property
    def sections(self) -> tuple[Section, ...]:
        return SECTIONS

    @property
    def unplaced(self) -> list[tuple[str, str]]:
        """Errors about no input or row of the form (a whole list, the [school] head): shown above the form."""
        shown = {section.key for section in SECTIONS} | {section.prefix for section in SECTIONS}
        for section in SECTIONS:
            for row in self.rows[section.key]:
                shown |= {row.path} | {f"{row.path}.{column.key}" for column in section.columns}
        return [(path, message) for path, message in self.errors.items() if path not in shown]

    def error(self, path: str) -> str | None:
        return self.errors.get(path)


def form_of(table: dict[str, Any], errors: Mapping[str, str] | None = None, stored: bool = True) -> ProfileForm:
    """The form showing a profile table (the `stored` one, or the one a refused save built), plus a blank
    row to add to each list."""
    rows: dict[str, list[Row]] = {}
    for section in SECTIONS:
        entries = _entries(table, section)
        rows[section.key] = [
            Row(section.path(number), {column.key: _shown(column, entry.get(column.key)) for column in section.columns},
                str(number) if stored and section.key == "classes" else str(entry.get("_origin", "")))
            for number, entry in enumerate(entries, start=1)
        ]
        if not section.single:
            rows[section.key].append(Row(section.path(len(entries) + 1), {}, "", blank=True))
    return ProfileForm(rows, dict(errors or {}))


def table_from_form(stored: dict[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
    """The profile table a save asks for: the stored head and leads, and the sections as the form sent them.

    A row whose inputs are all empty, or whose «удалить» is ticked, is left
    out; an empty input is left out too, so the parser names it as missing
    (or applies its default); a number that is not one stays text, for the
    parser to refuse. Classes remember the stored class they came from
    (`_origin`) only inside this table, to keep its leads; it is dropped
    before the table is checked.
    """
    table = copy.deepcopy(stored)
    old_classes = stored.get("classes", [])
    for section in SECTIONS:
        entries = []
        for number in _numbers(form, section):
            path = section.path(number)
            if form.get(f"{path}.delete"):
                continue
            entry = {column.key: _value(column, form.get(f"{path}.{column.key}", "").strip())
                     for column in section.columns}
            entry = {key: value for key, value in entry.items() if value not in ("", [])}
            if not entry:
                continue
            if section.key == "classes":
                origin = form.get(f"{path}.origin", "")
                if origin.isdigit() and 1 <= int(origin) <= len(old_classes):
                    entry["leads"] = dict(old_classes[int(origin) - 1].get("leads", {}))
                    entry["_origin"] = int(origin)
            entries.append(entry)
        if section.single:
            table[section.key] = entries[0] if entries else {}
        elif section.key == "closed":
            table.setdefault("school", {})["closed"] = [[entry.get("start", ""), entry.get("end", "")]
                                                        for entry in entries]
        else:
            table[section.key] = entries
    return table


def without_origins(table: dict[str, Any]) -> dict[str, Any]:
    """The table as the parser and the store see it (no form bookkeeping)."""
    clean = dict(table)
    clean["classes"] = [{key: value for key, value in entry.items() if key != "_origin"}
                        for entry in table.get("classes", [])]
    return clean


def _entries(table: dict[str, Any], section: Section) -> list[dict[str, Any]]:
    if section.key == "closed":
        pairs = table.get("school", {}).get("closed", [])
        return [{"start": pair[0], "end": pair[1]} if isinstance(pair, list) and len(pair) == 2 else {}
                for pair in pairs]
    value = table.get(section.key)
    if section.single:
        return [value if isinstance(value, dict) else {}]
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _numbers(form: Mapping[str, str], section: Section) -> list[int]:
    """The row numbers the form sent for a section, in order (one row for the evening slot)."""
    if section.single:
        return [0]
    pattern = re.compile(rf"^{re.escape(section.prefix)}\[(\d+)\]\.")
    return sorted({int(found[1]) for name in form if (found := pattern.match(name))})


def _value(column: Column, text: str) -> Any:
    if column.kind == "number" and _NUMBER.match(text):
        return int(text)
    if column.kind == "roles":
        return [_ROLE_CODES.get(" ".join(role.split()).casefold(), role.strip()) for role in text.split(",") if role.strip()]
    return text


def _shown(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.kind == "roles" and isinstance(value, list):
        return ", ".join(STAFF_ROLE_TITLES.get(str(item), str(item)) for item in value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
