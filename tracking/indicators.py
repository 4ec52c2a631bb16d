"""Monitoring indicators (показатели) of a roadmap: stored on import, planned and measured by the committee.

The Kaliningrad plan (002) ends with a table of indicators: goal, name, unit.
Each becomes an `Indicator` of its roadmap when the document is imported,
identified across re-imports by its number and name (one the document no
longer lists is retired, its values kept). A document's own baseline and
yearly targets are read from columns headed «базовое значение» and by a
year («2024», «2024 год»); the committee sets or corrects them with
`profplan indicator plan`, and records what was actually reached, with the
date it was measured, with `profplan indicator set`. The summary shows each
indicator's target for the report's year next to its last actual value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.table import Table
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from calendars.suggest import did_you_mean
from roadmaps.document import Indicator as DocumentIndicator
from roadmaps.tables import Roadmap
from store.db import transaction
from tracking.clock import today_in, utc_now
from tracking.errors import InputDateError, TrackingError, UnknownItemError
from tracking.refs import resolve_roadmap
from tracking.screen import Column, cell, fixed_table, two_lines
from tracking.tables import Indicator, IndicatorTarget, IndicatorValue
from tracking.wording import fmt_date

_YEAR_HEADER = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_BASELINE_HEADER = re.compile(r"базов|исходн", re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


@dataclass(frozen=True)
class ActualValue:
    value: float
    on_date: date
    by: str | None
    note: str | None

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "on_date": self.on_date.isoformat(), "by": self.by, "note": self.note}


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator with its plan and its last actual value, as lists and the summary show it."""

    id: int
    ref: str
    roadmap: str
    number: str | None
    goal: str | None
    name: str
    unit: str | None
    baseline: float | None
    targets: Mapping[int, float]
    actual: ActualValue | None
    year: int  # the year whose target `target` is

    @property
    def target(self) -> float | None:
        return self.targets.get(self.year)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "ref": self.ref, "roadmap": self.roadmap, "number": self.number, "goal": self.goal,
                "name": self.name, "unit": self.unit, "baseline": self.baseline,
                "targets": {str(year): value for year, value in sorted(self.targets.items())},
                "year": self.year, "target": self.target,
                "actual": self.actual.to_json() if self.actual else None}


@dataclass(frozen=True)
class IndicatorSync:
    created: int
    kept: int
    retired: int

    def to_json(self) -> dict[str, int]:
        return {"created": self.created, "kept": self.kept, "retired": self.retired}

    def render(self) -> str:
        return f"Показатели: новых — {self.created}, сохранено — {self.kept}, снято — {self.retired}."


def indicator_ref(roadmap_key: str, ordinal: int) -> str:
    return f"{roadmap_key}#{ordinal}"


def number_of(text: str, where: str) -> float:
    """A value as a committee writes it: 120, 12.5 or 12,5 (spaces between thousands allowed)."""
    compact = text.replace("\u00a0", "").replace(" ", "")
    if not _NUMBER.match(compact):
        raise TrackingError(f"{where}: «{text}» — ожидается число, например 120 или 12,5.")
    return float(compact.replace(",", "."))


def _document_plan(indicator: DocumentIndicator) -> tuple[float | None, dict[int, float]]:
    """Baseline and yearly targets from the document's extra columns, where it has them as numbers."""
    baseline: float | None = None
    targets: dict[int, float] = {}
    for header, text in indicator.extra.items():
        try:
            value = number_of(text, header)
        except TrackingError:  # a remark, a dash or an empty cell: not a value
            continue
        if _BASELINE_HEADER.search(header):
            baseline = value
        elif (year := _YEAR_HEADER.search(header)) is not None:
            targets[int(year.group(1))] = value
    return baseline, targets


def _identity(number: str | None, name: str) -> tuple[str, str]:
    return number or "", " ".join(name.split()).casefold()


def store_indicators(session: Session, roadmap: Roadmap, indicators: Sequence[DocumentIndicator]) -> IndicatorSync:
    """Bring a roadmap's stored indicators in line with the document's (inside the import's transaction)."""
    assert roadmap.id is not None
    stored = {_identity(row.number, row.name): row for row in session.exec(
        select(Indicator).where(Indicator.roadmap_id == roadmap.id)).all()}
    for row in stored.values():  # ordinals are unique per roadmap: move them out of the way first
        row.ordinal = -abs(row.ordinal) - 1_000_000
    session.flush()
    created = kept = 0
    seen: set[tuple[str, str]] = set()
    for ordinal, found in enumerate(indicators, 1):
        identity = _identity(found.number, found.name)
        if identity in seen:
            continue
        seen.add(identity)
        baseline, targets = _document_plan(found)
        known = stored.get(identity)
        if known is None:
            row = Indicator(roadmap_id=roadmap.id, ordinal=ordinal, name=found.name)
            created += 1
        else:
            row, kept = known, kept + 1
        row.ordinal, row.number, row.goal, row.name, row.unit = ordinal, found.number, found.goal, found.name, found.unit
        row.source_line, row.active = found.source_line, True
        if baseline is not None:
            row.baseline = baseline
        session.add(row)
        session.flush()
        assert row.id is not None
        for year, value in targets.items():
            session.merge(IndicatorTarget(indicator_id=row.id, year=year, value=value))
    retired = 0
    next_ordinal = len(indicators) + 1
    for identity, row in stored.items():
        if identity not in seen:
            retired += row.active
            row.active, row.ordinal = False, next_ordinal
            next_ordinal += 1
            session.add(row)
    session.flush()
    return IndicatorSync(created, kept, retired)


def indicator_rows(session: Session, as_of: date, roadmap_id: int | None = None,
                   ids: Iterable[int] | None = None) -> list[IndicatorRow]:
    """Active indicators (of one roadmap, or these ids) with their targets and last actual value."""
    query = (select(Indicator, Roadmap.key).join(Roadmap, col(Roadmap.id) == Indicator.roadmap_id)
             .where(col(Indicator.active)).order_by(col(Roadmap.key), col(Indicator.ordinal)))
    if roadmap_id is not None:
        query = query.where(Indicator.roadmap_id == roadmap_id)
    if ids is not None:
        query = query.where(col(Indicator.id).in_(list(ids)))
    found = session.exec(query).all()
    wanted = [row.id for row, _ in found]
    targets: dict[int, dict[int, float]] = {}
    for target in session.exec(select(IndicatorTarget).where(col(IndicatorTarget.indicator_id).in_(wanted))):
        targets.setdefault(target.indicator_id, {})[target.year] = target.value
    actual: dict[int, ActualValue] = {}
    values = session.exec(select(IndicatorValue).where(col(IndicatorValue.indicator_id).in_(wanted))
                          .order_by(col(IndicatorValue.on_date), col(IndicatorValue.id)))
    for value in values:  # the latest measurement wins: ordered by date, then by when it was recorded
        actual[value.indicator_id] = ActualValue(value.value, value.on_date, value.by, value.note)
    return [
        IndicatorRow(row.id or 0, indicator_ref(key, row.ordinal), key, row.number, row.goal, row.name, row.unit,
                     row.baseline, targets.get(row.id or 0, {}), actual.get(row.id or 0), as_of.year)
        for row, key in found
    ]


def resolve_indicator(session: Session, ref: str) -> Indicator:
    """An indicator by "KEY#ORDINAL" (as `profplan indicators` lists it) or its id."""
    text = (ref or "").strip()
    if text.isdigit():
        found = session.get(Indicator, int(text))
        if found is None:
            raise UnknownItemError(f"Показатель с номером в базе {text} не найден (см. profplan indicators).")
        return found
    roadmap_ref, separator, ordinal = text.rpartition("#")
    if not separator or not ordinal.isdigit():
        raise UnknownItemError(f"Неверная ссылка на показатель «{ref}»: ожидается КЛЮЧ#ПОРЯДКОВЫЙ_НОМЕР или номер "
                               "в базе (см. profplan indicators).")
    roadmap = resolve_roadmap(session, roadmap_ref)
    found = session.exec(select(Indicator).where(Indicator.roadmap_id == roadmap.id, Indicator.ordinal == int(ordinal),
                                                 col(Indicator.active))).first()
    if found is None:
        known = [indicator_ref(roadmap.key, row.ordinal) for row in session.exec(
            select(Indicator).where(Indicator.roadmap_id == roadmap.id, col(Indicator.active)).order_by(col(Indicator.ordinal)))]
        hint = did_you_mean(text, known) or (" У этой дорожной карты нет показателей." if not known else "")
        raise UnknownItemError(f"Показатель «{ref}» не найден.{hint}")
    return found


@dataclass(frozen=True)
class IndicatorList:
    as_of: date
    rows: list[IndicatorRow]

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "indicators": [row.to_json() for row in self.rows]}


def list_indicators(engine: Engine, roadmap: str | None = None, as_of: date | None = None) -> IndicatorList:
    """`profplan indicators`: every active indicator (of one roadmap), the targets of the year of `as_of`."""
    with transaction(engine) as session:
        chosen = resolve_roadmap(session, roadmap) if roadmap else None
        day = as_of or today_in(chosen.region if chosen else None)
        return IndicatorList(day, indicator_rows(session, day, chosen.id if chosen else None))


def record_value(engine: Engine, ref: str, value: float, on: date | None = None, by: str | None = None,
                 note: str | None = None) -> IndicatorRow:
    """Record an actual value measured on a day (default today in the roadmap's region); never in the future."""
    with transaction(engine) as session:
        indicator = resolve_indicator(session, ref)
        roadmap = session.get_one(Roadmap, indicator.roadmap_id)
        today = today_in(roadmap.region)
        day = on or today
        if day > today:
            raise InputDateError(f"Дата измерения {fmt_date(day)} ещё не наступила (сегодня {fmt_date(today)}).")
        assert indicator.id is not None
        session.add(IndicatorValue(indicator_id=indicator.id, value=value, on_date=day, by=by, note=note,
                                   recorded_at=utc_now()))
        session.flush()
        return indicator_rows(session, day, ids=[indicator.id or 0])[0]


def set_plan(engine: Engine, ref: str, baseline: float | None = None,
             targets: Mapping[int, float] | None = None) -> IndicatorRow:
    """Set an indicator's baseline and/or its targets for some years (other years' targets are kept)."""
    if baseline is None and not targets:
        raise TrackingError("Укажите базовое значение (--baseline) и/или цель на год (--target ГОД=ЗНАЧЕНИЕ).")
    with transaction(engine) as session:
        indicator = resolve_indicator(session, ref)
        if baseline is not None:
            indicator.baseline = baseline
            session.add(indicator)
        assert indicator.id is not None
        for year, value in (targets or {}).items():
            session.merge(IndicatorTarget(indicator_id=indicator.id, year=year, value=value))
        session.flush()
        roadmap = session.get_one(Roadmap, indicator.roadmap_id)
        return indicator_rows(session, today_in(roadmap.region), ids=[indicator.id or 0])[0]


def fmt_value(value: float | None, unit: str | None = None) -> str:
    """120 → "120", 12.5 → "12,5" (Russian decimal comma); "—" for no value."""
    if value is None:
        return "—"
    text = f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} {unit}" if unit else text


def render_indicators(rows: Sequence[IndicatorRow], width: int, title: str | None = None) -> Table:
    """One or two lines per indicator: its reference, name, unit, baseline, target of the year, last actual."""
    year = max((row.year for row in rows), default=0)
    columns = [Column("Показатель", 24), Column("Наименование"), Column("Ед.", 8), Column("Базовое", 8, True),
               Column(f"Цель {year}", 9, True), Column("Факт", 8, True), Column("Измерено", 10)]
    table, flex = fixed_table(title, columns, width)
    for row in rows:
        actual = row.actual
        table.add_row(cell(row.ref), cell(two_lines(row.name, flex)), cell(row.unit or ""), cell(fmt_value(row.baseline)),
                      cell(fmt_value(row.target)), cell(fmt_value(actual.value) if actual else "—"),
                      cell(fmt_date(actual.on_date) if actual else ""))
    return table
