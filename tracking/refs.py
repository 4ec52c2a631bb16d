"""How a committee member names things on the command line: dates, roadmaps, items, occurrences.

Item numbers repeat inside real roadmaps (numbers 31 and 32 appear twice in
the Leningrad plan), so besides "KEY:NUMBER" an item is reachable by its
position in the document, "KEY#ORDINAL", and by its database id; a number
that matches several rows is an error listing the unambiguous references.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from calendars.dates import parse_date
from calendars.suggest import did_you_mean
from roadmaps.tables import Item, Roadmap
from tracking.errors import UnknownItemError
from tracking.tables import DeadlineOccurrence
from tracking.wording import cut, occurrence_what


def item_ref(roadmap_key: str, ordinal: int) -> str:
    """The unambiguous reference of an item, as reports print it and commands take it: "KEY#ORDINAL"."""
    return f"{roadmap_key}#{ordinal}"


def resolve_roadmap(session: Session, ref: str) -> Roadmap:
    """A roadmap by its key, or by its id when no key matches."""
    found = session.exec(select(Roadmap).where(Roadmap.key == ref)).first()
    if found is None and ref.strip().isdigit():
        found = session.get(Roadmap, int(ref))
    if found is None:
        keys = session.exec(select(Roadmap.key).order_by(Roadmap.key)).all()
        hint = did_you_mean(ref, keys) or (f" Загруженные: {', '.join(keys)}." if keys else " Дорожные карты не загружены.")
        raise UnknownItemError(f"Дорожная карта «{ref}» не найдена (укажите её ключ или номер в базе).{hint}")
    return found


def resolve_item(session: Session, ref: str) -> tuple[Roadmap, Item]:
    """An item by "KEY#ORDINAL", "KEY:NUMBER" or its id; an ambiguous number lists the candidates."""
    text = (ref or "").strip()
    if text.isdigit():
        item = session.get(Item, int(text))
        if item is None:
            raise UnknownItemError(f"Мероприятие с номером в базе {text} не найдено.")
        return session.get_one(Roadmap, item.roadmap_id), item
    by_ordinal = "#" in text
    roadmap_ref, _, local = text.rpartition("#" if by_ordinal else ":")
    if not roadmap_ref or not local:
        raise UnknownItemError(
            f"Неверная ссылка на мероприятие «{ref}»: ожидается КЛЮЧ:НОМЕР, КЛЮЧ#ПОРЯДКОВЫЙ_НОМЕР или номер в базе."
        )
    if by_ordinal and not local.isdigit():
        raise UnknownItemError(f"«{ref}»: после # нужен порядковый номер строки плана.")
    roadmap = resolve_roadmap(session, roadmap_ref)
    query = select(Item).where(Item.roadmap_id == roadmap.id).order_by(col(Item.ordinal))
    items = session.exec(query.where(Item.ordinal == int(local)) if by_ordinal else query.where(Item.number == local)).all()
    if not items:
        raise UnknownItemError(f"Мероприятие «{local}» в дорожной карте «{roadmap.key}» не найдено.")
    if len(items) > 1:
        candidates = ", ".join(f"{item_ref(roadmap.key, item.ordinal)} ({cut(item.title, 50)})" for item in items)
        raise UnknownItemError(
            f"Номер «{local}» встречается в «{roadmap.key}» несколько раз: укажите одно из {candidates}."
        )
    return roadmap, items[0]


def item_occurrences(session: Session, item: Item) -> list[DeadlineOccurrence]:
    """The item's current occurrences in the order `--occurrence N` counts them (1-based)."""
    query = (
        select(DeadlineOccurrence)
        .where(DeadlineOccurrence.item_id == item.id, DeadlineOccurrence.active)
        .order_by(col(DeadlineOccurrence.due), col(DeadlineOccurrence.id))
    )
    return list(session.exec(query).all())


def resolve_occurrence(session: Session, roadmap: Roadmap, item: Item, selector: str | None) -> DeadlineOccurrence:
    """The occurrence chosen by its due date or 1-based number; optional when the item has only one."""
    occurrences = item_occurrences(session, item)
    where = item_ref(roadmap.key, item.ordinal)
    if not occurrences:
        raise UnknownItemError(f"У мероприятия {where} нет отслеживаемых сроков.")
    if selector is None or not selector.strip():
        if len(occurrences) == 1:
            return occurrences[0]
        raise UnknownItemError(
            f"У мероприятия {where} {len(occurrences)} сроков: укажите --occurrence (дату или номер): "
            + list_occurrences(occurrences)
        )
    text = selector.strip()
    if text.isdigit():
        number = int(text)
        if not 1 <= number <= len(occurrences):
            raise UnknownItemError(
                f"У мероприятия {where} нет срока № {number} (их {len(occurrences)}): " + list_occurrences(occurrences)
            )
        return occurrences[number - 1]
    day = parse_date(text, "--occurrence")
    matches = [occurrence for occurrence in occurrences if occurrence.due == day]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UnknownItemError(f"У мероприятия {where} нет срока {day:%d.%m.%Y}: " + list_occurrences(occurrences))
    raise UnknownItemError(
        f"У мероприятия {where} несколько сроков {day:%d.%m.%Y}: укажите номер: " + list_occurrences(occurrences)
    )


def occurrence_label(occurrence: DeadlineOccurrence) -> str:
    """Russian: "31.10.2023", "отчёт 31.12.2023" or "Создание: 31.12.2020"."""
    return occurrence_what(occurrence.kind, occurrence.phase, occurrence.due)


def list_occurrences(occurrences: list[DeadlineOccurrence]) -> str:
    return "; ".join(f"{number}) {occurrence_label(occurrence)}" for number, occurrence in enumerate(occurrences, 1))
