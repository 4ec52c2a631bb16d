"""What the committee's pages read about roadmaps, items and executors: the library's queries, within a viewer's reach.

This is the thin layer between the pages and `roadmaps` / `tracking`: each
function opens one transaction, calls the same query functions the CLI
calls (`roadmaps.queries`, `tracking.refs`, `tracking.status`,
`tracking.contacts`), keeps what the viewer may see, and returns plain
values for the templates. Nothing here decides what "overdue" means; that
is `tracking.state`, reused as is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, false, func
from sqlalchemy import select as sql_select
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from calendars.academic import region_calendars
from calendars.deadlines import DeadlineSpec
from roadmaps.queries import ItemRow, executors_by_item, list_executors, list_items
from roadmaps.tables import Executor, Item, ItemExecutor, Roadmap
from store.db import transaction
from tracking.clock import AsOf, today_in
from tracking.contacts import controller_contacts, executor_contacts
from tracking.errors import TrackingError
from tracking.occurrences import roadmap_span
from tracking.overdue import DEFAULT_SOON_DAYS
from tracking.refs import item_occurrences, item_ref, occurrence_label
from tracking.state import counts_as_done, due_soon, overdue, tracked
from tracking.status import OccurrenceHistory, occurrence_history
from tracking.summary import Counts
from tracking.tables import DeadlineOccurrence as Occ
from web.roles import NotFound, Role, Viewer


def region_condition(viewer: Viewer) -> ColumnElement[bool] | None:
    """The SQL condition of the roadmaps the viewer may see: a committee member's region, None for every region;
    other roles see no roadmap (their pages never ask, and if one did it would find nothing)."""
    if viewer.role is not Role.COMMITTEE:
        return false()
    return col(Roadmap.region) == viewer.region if viewer.region else None


def report_date(roadmap: Roadmap, given: date | None) -> date:
    """The date a roadmap is reported on: the one chosen, else today in its region kept inside its period.

    A roadmap whose period has ended is shown as it stood on its last day
    (not with every deadline "overdue" for years), one not yet begun as on
    its first.
    """
    if given is not None:
        return given
    today, span = today_in(roadmap.region), roadmap_span(roadmap)
    return min(max(today, span[0]), span[1]) if span else today


@dataclass(frozen=True)
class RoadmapCard:
    """A roadmap as lists show it."""

    key: str
    title: str | None
    region: str | None
    school_year: str | None
    period: tuple[date, date] | None
    issuer: str | None
    number: str | None
    doc_date: date | None
    controller: str | None
    source_name: str
    items: int
    warnings: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.title or self.key

    @classmethod
    def of(cls, roadmap: Roadmap, items: int) -> RoadmapCard:
        return cls(roadmap.key, roadmap.title, roadmap.region, roadmap.school_year, roadmap_span(roadmap),
                   roadmap.issuer, roadmap.number, roadmap.doc_date, roadmap.controller, roadmap.source_name, items,
                   tuple(roadmap.warnings))


def visible_roadmaps(session: Session, viewer: Viewer) -> list[Roadmap]:
    """The roadmaps the viewer may see, by key."""
    query = select(Roadmap).order_by(Roadmap.key)
    condition = region_condition(viewer)
    return list(session.exec(query if condition is None else query.where(condition)).all())


def roadmap_cards(engine: Engine, viewer: Viewer) -> list[RoadmapCard]:
    with transaction(engine) as session:
        roadmaps = visible_roadmaps(session, viewer)
        counts: dict[int | None, int] = {
            roadmap_id: count for roadmap_id, count in session.execute(
                sql_select(col(Item.roadmap_id), func.count()).group_by(col(Item.roadmap_id)))
        }
        return [RoadmapCard.of(roadmap, counts.get(roadmap.id, 0)) for roadmap in roadmaps]


def find_visible_roadmap(session: Session, viewer: Viewer, key: str) -> Roadmap:
    """The roadmap with this key if the viewer may see it: 404 when there is none, 403 for another region's."""
    roadmap = session.exec(select(Roadmap).where(Roadmap.key == key)).first()
    if roadmap is None:
        raise NotFound(f"Дорожная карта «{key}» не найдена.")
    viewer.check_region(roadmap.region, f"Дорожная карта «{key}»")
    return roadmap


@dataclass(frozen=True)
class ItemLine:
    """One item on its roadmap's page: what `profplan items` prints, and how its occurrences stand."""

    row: ItemRow
    counts: Counts

    @property
    def status(self) -> str:
        """Russian: "просрочено 1 из 4", "скоро срок (1)", "выполнено 2 из 4", "выполнено", "сроков нет"."""
        counts = self.counts
        if counts.total == 0:
            return "сроков нет"
        if counts.overdue:
            return f"просрочено {counts.overdue} из {counts.total}"
        if counts.done == counts.total:
            return "выполнено"
        if counts.due_soon:
            return f"скоро срок ({counts.due_soon})"
        return f"выполнено {counts.done} из {counts.total}"

    @property
    def tone(self) -> str:
        """The status's colour class in the stylesheet."""
        if self.counts.overdue:
            return "bad"
        if self.counts.due_soon:
            return "warn"
        return "good" if self.counts.total and self.counts.done == self.counts.total else "plain"


@dataclass(frozen=True)
class RoadmapPage:
    card: RoadmapCard
    as_of: date
    chosen: bool
    items: list[ItemLine]
    controller_email: str | None


def roadmap_page(engine: Engine, viewer: Viewer, key: str, as_of: date | None,
                 soon: int = DEFAULT_SOON_DAYS) -> RoadmapPage:
    """A roadmap's items (as `profplan items --roadmap KEY`) with the state of each item's occurrences."""
    with transaction(engine) as session:
        roadmap = find_visible_roadmap(session, viewer, key)
        day = report_date(roadmap, as_of)
        rows = list_items(session, roadmap=key)
        counts = _item_counts(session, roadmap, AsOf.resolve(day, [roadmap.region]), soon)
        contact = controller_contacts(session).get(roadmap.key)
        return RoadmapPage(RoadmapCard.of(roadmap, len(rows)), day, as_of is not None,
                           [ItemLine(row, counts.get(row.id, Counts())) for row in rows],
                           contact.email if contact else None)


def _item_counts(session: Session, roadmap: Roadmap, as_of: AsOf, soon: int) -> dict[int, Counts]:
    """Per item of the roadmap: its tracked occurrences done, overdue and due soon on the report date."""
    def number(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((condition, 1), else_=0))

    query = (
        sql_select(col(Occ.item_id), func.count(), number(counts_as_done()), number(overdue(as_of)),
                   number(due_soon(as_of, soon)))
        .join(Item, col(Item.id) == Occ.item_id)
        .join(Roadmap, col(Roadmap.id) == Item.roadmap_id)
        .where(tracked(), col(Item.roadmap_id) == roadmap.id)
        .group_by(col(Occ.item_id))
    )
    return {item_id: Counts(total=total, done=int(done or 0), overdue=int(late or 0), due_soon=int(soon_ or 0))
            for item_id, total, done, late, soon_ in session.execute(query)}


@dataclass(frozen=True)
class OccurrenceCard:
    """One occurrence on its item's page: its state on the report date, its history and what the forms post."""

    id: int
    number: int  # 1-based, as `--occurrence N` counts
    due: date
    start: date | None
    days_overdue: int
    history: OccurrenceHistory

    @property
    def status(self) -> str:
        return self.history.status

    @property
    def label(self) -> str:
        return self.history.occurrence


@dataclass(frozen=True)
class ItemPage:
    roadmap: RoadmapCard
    item: ItemRow
    ref: str
    explanation: str
    review_reason: str | None
    executors: tuple[str, ...]
    today: date
    occurrences: list[OccurrenceCard]


def item_page(engine: Engine, viewer: Viewer, item_id: int) -> ItemPage:
    """An item with its deadline explained and every occurrence with its full history (`profplan history`)."""
    for _ in range(3):
        with transaction(engine) as session:
            roadmap, item = _visible_item(session, viewer, item_id)
            row = next(line for line in list_items(session, roadmap=roadmap.key) if line.id == item_id)
            rows = item_occurrences(session, item)
            calendar = region_calendars(roadmap.region) if roadmap.region else None
            explanation = DeadlineSpec.from_dict(item.spec).explain(calendar)
            names = tuple(executor.name for executor in executors_by_item(session, [item_id]).get(item_id, []))
            card, ref, reason = RoadmapCard.of(roadmap, 0), item_ref(roadmap.key, item.ordinal), item.review_reason
        histories = occurrence_history(engine, str(item_id)) if rows else []
        if [history.occurrence for history in histories] == [occurrence_label(occurrence) for occurrence in rows]:
            break
        # The roadmap was re-imported between the two reads: read both again.
    else:
        raise TrackingError("Мероприятие меняется прямо сейчас (идёт загрузка дорожной карты): обновите страницу.")
    today = today_in(card.region)
    cards = [
        OccurrenceCard(occurrence.id or 0, number, occurrence.due, occurrence.start,
                       (today - occurrence.due).days, history)
        for number, (occurrence, history) in enumerate(zip(rows, histories, strict=True), 1)
    ]
    return ItemPage(card, row, ref, explanation, reason, names, today, cards)


def _visible_item(session: Session, viewer: Viewer, item_id: int) -> tuple[Roadmap, Item]:
    """The item and its roadmap: 404 when there is no such item, 403 when it is of another region."""
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound(f"Мероприятие № {item_id} не найдено.")
    roadmap = session.get_one(Roadmap, item.roadmap_id)
    viewer.check_region(roadmap.region, f"Мероприятие № {item_id}")
    return roadmap, item


def occurrence_selector(engine: Engine, viewer: Viewer, item_id: int, occurrence_id: int) -> str:
    """The `--occurrence N` the status functions take, for an occurrence a page posted by its id."""
    with transaction(engine) as session:
        _, item = _visible_item(session, viewer, item_id)
        for number, occurrence in enumerate(item_occurrences(session, item), 1):
            if occurrence.id == occurrence_id:
                return str(number)
    raise NotFound(f"У мероприятия № {item_id} нет такого срока (его сняли при повторной загрузке карты).")


@dataclass(frozen=True)
class ExecutorCard:
    """An executor of the viewer's roadmaps, with the address its reminders go to (or none)."""

    name: str
    items: int
    roadmaps: tuple[str, ...]
    email: str | None


def executor_cards(engine: Engine, viewer: Viewer) -> list[ExecutorCard]:
    """`profplan executors` within the viewer's region, each with its contact from `profplan contacts load`."""
    with transaction(engine) as session:
        visible = {roadmap.key for roadmap in visible_roadmaps(session, viewer)}
        contacts = executor_contacts(session)
        rows = list_executors(session)
        per_roadmap = session.exec(
            select(Executor.key, Roadmap.key, func.count())
            .join(ItemExecutor, col(ItemExecutor.executor_id) == Executor.id)
            .join(Item, col(Item.id) == ItemExecutor.item_id)
            .join(Roadmap, col(Roadmap.id) == Item.roadmap_id)
            .group_by(col(Executor.key), col(Roadmap.key))
        ).all()
    items: dict[str, int] = {}
    for executor, roadmap, count in per_roadmap:
        if roadmap in visible:
            items[executor] = items.get(executor, 0) + count
    cards = [
        ExecutorCard(row.name, items[row.key], tuple(key for key in row.roadmaps if key in visible),
                     contact.email if (contact := contacts.get(row.key)) else None)
        for row in rows if row.key in items
    ]
    return sorted(cards, key=lambda card: (-card.items, card.name.casefold()))
