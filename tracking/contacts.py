"""E-mail addresses of executors and controllers, loaded from a TOML file into the database.

Roadmaps name executors as free text, so an executor's contact is matched by
its name (or an alias) through the importer's `executor_key`: case, ё/е,
quotes, dashes and spacing do not matter. Controllers are matched by roadmap key, because the controller
text ("первого заместителя председателя комитета") is the same in roadmaps
of different committees. The file is the whole truth: loading it replaces
every stored contact.

    [[executor]]
    name = "Комитет общего и профессионального образования Ленинградской области"
    email = "komitet@example.org"
    aliases = ["КОПО ЛО"]          # optional

    [[controller]]
    roadmap = "<ключ дорожной карты>"
    name = "Первый заместитель председателя комитета"
    email = "zam@example.org"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from calendars.data_files import read_toml
from calendars.errors import ProfplanError
from calendars.fields import FieldReader
from roadmaps.executors import executor_key
from roadmaps.tables import Executor, Roadmap
from store.db import transaction
from tracking.errors import ContactsError
from tracking.tables import Contact
from tracking.values import Audience

_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
# The keys an entry of each section may hold (FieldReader.only refuses others, suggesting the closest).
ENTRY_KEYS = {"executor": ("name", "email", "aliases"), "controller": ("roadmap", "name", "email")}


@dataclass(frozen=True)
class ContactsLoad:
    """What loading a contacts file stored, and what still has no address."""

    path: str
    executors: int
    controllers: int
    unknown_names: list[str]
    executors_without_address: list[str]
    roadmaps_without_controller: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "executors": self.executors, "controllers": self.controllers,
            "unknown_names": self.unknown_names, "executors_without_address": self.executors_without_address,
            "roadmaps_without_controller": self.roadmaps_without_controller,
        }

    def render(self) -> str:
        lines = [f"Загружено из {self.path}: адресов исполнителей — {self.executors}, "
                 f"контролирующих лиц — {self.controllers}."]
        for title, names in (
            ("Нет в загруженных дорожных картах", self.unknown_names),
            ("Исполнители без адреса (напоминания им не уйдут)", self.executors_without_address),
            ("Дорожные карты без адреса контролирующего лица", self.roadmaps_without_controller),
        ):
            if names:
                lines.append(f"{title}: " + "; ".join(names))
        return "\n".join(lines)


@dataclass(frozen=True)
class _Entry:
    role: str
    name: str
    email: str
    keys: tuple[str, ...]  # normalised names and aliases, or the roadmap key


def load_contacts(engine: Engine, path: Path | str) -> ContactsLoad:
    """Replace the stored contacts with the file's, after checking every entry."""
    file = Path(path)
    entries = _read(file)
    contacts: dict[tuple[str, str], Contact] = {}
    for entry in entries:
        for key in entry.keys:
            previous = contacts.get((entry.role, key))
            if previous is not None and previous.email != entry.email:
                raise ContactsError(f"{file}: «{key}» указан дважды с разными адресами: "
                                    f"{previous.email} и {entry.email}.")
            contacts[(entry.role, key)] = Contact(role=Audience(entry.role), key=key, name=entry.name, email=entry.email)
    with transaction(engine) as session:
        session.execute(delete(Contact))
        session.add_all(contacts.values())
        executor_names = dict(session.exec(select(Executor.key, Executor.name)).all())
        roadmap_keys = set(session.exec(select(Roadmap.key)).all())
    executors = [entry for entry in entries if entry.role == "executor"]
    controllers = [entry for entry in entries if entry.role == "controller"]
    covered = {key for entry in executors for key in entry.keys}
    return ContactsLoad(
        path=str(file),
        executors=len(executors),
        controllers=len(controllers),
        unknown_names=[entry.name for entry in executors if not set(entry.keys) & executor_names.keys()]
        + [f"дорожная карта «{entry.keys[0]}»" for entry in controllers if entry.keys[0] not in roadmap_keys],
        executors_without_address=sorted(name for key, name in executor_names.items() if key not in covered),
        roadmaps_without_controller=sorted(roadmap_keys - {entry.keys[0] for entry in controllers}),
    )


def _read(file: Path) -> list[_Entry]:
    """Every entry of the file, checked, with a Russian error naming the file and entry."""
    try:
        table = read_toml(file)
    except ProfplanError as exc:
        raise ContactsError(str(exc)) from None
    reader = FieldReader(file, ContactsError)
    reader.only(table, "", ENTRY_KEYS)
    entries = []
    for role in ("executor", "controller"):
        for index, entry in enumerate(_tables(table, role, file)):
            reader.only(entry, f"{role}[{index + 1}]", ENTRY_KEYS[role])
            where = f"{file}: [[{role}]] № {index + 1}"
            name, email = _text(entry, "name", where), _text(entry, "email", where)
            if not _EMAIL.match(email):
                raise ContactsError(f"{where}: «{email}» не похоже на адрес электронной почты.")
            keys = ((_text(entry, "roadmap", where),) if role == "controller"
                    else tuple(dict.fromkeys(executor_key(text) for text in (name, *_aliases(entry, where)))))
            entries.append(_Entry(role, name, email, keys))
    return entries


def executor_contacts(session: Session) -> dict[str, Contact]:
    """Executor contacts by normalised name."""
    return {c.key: c for c in session.exec(select(Contact).where(Contact.role == "executor")).all()}


def controller_contacts(session: Session) -> dict[str, Contact]:
    """Controller contacts by roadmap key."""
    return {c.key: c for c in session.exec(select(Contact).where(Contact.role == "controller")).all()}


def _tables(table: dict[str, Any], role: str, file: Path) -> list[dict[str, Any]]:
    entries = table.get(role, [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ContactsError(f"{file}: {role} должен быть списком таблиц [[{role}]].")
    return entries


def _text(entry: dict[str, Any], field: str, where: str) -> str:
    value = entry.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ContactsError(f"{where}: не указано поле {field} (непустая строка).")
    return value.strip()


def _aliases(entry: dict[str, Any], where: str) -> list[str]:
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(alias, str) and alias.strip() for alias in aliases):
        raise ContactsError(f"{where}: aliases должен быть списком непустых строк.")
    return aliases
