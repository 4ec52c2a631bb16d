"""Shared helpers of the tracking tests: roadmaps inserted row by row, and a real local SMTP server.

Roadmaps are built directly (not through the importer) so each test states
exactly the deadline texts and executors it relies on; specs come from the
real deadline grammar, as the importer stores them.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from services import scratch_postgres
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from calendars.academic import region_calendars
from calendars.deadlines import parse_deadline
from calendars.school_year import SchoolYear
from roadmaps.executors import executor_key
from roadmaps.tables import Executor, Item, ItemExecutor, Roadmap
from store.db import open_store, transaction
from tracking.occurrences import sync_roadmap
from tracking.tables import (
    AlertDelivery,
    Contact,
    DeadlineOccurrence,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    ItemCheckins,
    OccurrenceEvent,
    RoadmapTracking,
)

LEN_KEY = "LEN-2448-р"
LEN_CONTROLLER = "первого заместителя председателя комитета"
KOMITET = "Комитет общего и профессионального образования Ленинградской области"
LOIRO = "ЛОИРО"
MOUO = "Муниципальные органы управления образованием"


@dataclass(frozen=True)
class Row:
    """One item as a test writes it: number, title, deadline text, executors."""

    number: str | None
    title: str
    deadline: str
    executors: Sequence[str] = ()


# A small Leningrad roadmap with every kind of deadline the reports must handle.
LEN_ROWS = [
    Row("1", "Подготовка распоряжения о внедрении профминимума", "октябрь 2023 г.", [KOMITET]),
    Row("36", "Неделя без турникетов", "октябрь 2023 г., апрель 2024 г.", [KOMITET, MOUO]),
    Row("40", "Родительские собрания по профориентации", "не реже 1 раза в четверть", [MOUO]),
    Row("31", "Семинар для педагогов-навигаторов", "ноябрь 2023 г.", [LOIRO]),
    Row("31", "Вебинар для родителей", "декабрь 2023 г.", [LOIRO]),
    Row("5", "Информационное сопровождение", "Постоянно", [LOIRO]),
]


# Where a test roadmap without a school year is tracked from (with one: the school year's start).
EARLY_TRACK_FROM = date(2020, 1, 1)


def add_roadmap(session: Session, key: str, rows: Sequence[Row], region: str | None = "RU-LEN",
                school_year: str | None = "2023-2024", controller: str | None = LEN_CONTROLLER,
                title: str | None = None, sync: bool = True, track_from: date | None = None) -> Roadmap:
    """Insert a roadmap with its items and executors (specs parsed as the importer does) and sync it.

    Tracking starts at the school year's start unless `track_from` says otherwise, so what the tests
    expect never depends on the day they run.
    """
    year = SchoolYear.parse(school_year) if school_year else None
    roadmap = Roadmap(
        key=key, source_name=f"{key}.txt", content_hash="0" * 64, title=title or f"Дорожная карта {key}",
        region=region, school_year=school_year, controller=controller,
        period_start=year.start if year else None, period_end=year.end if year else None,
        imported_at=datetime.now(UTC),
    )
    session.add(roadmap)
    session.flush()
    executors = {e.key: e for e in session.exec(select(Executor)).all()}
    for ordinal, row in enumerate(rows, 1):
        item = Item(roadmap_id=roadmap.id, ordinal=ordinal, number=row.number, title=row.title,
                    deadline_text=row.deadline, source_line=ordinal, **spec_fields(row.deadline, year, region))
        session.add(item)
        session.flush()
        for position, name in enumerate(row.executors):
            executor = executors.get(executor_key(name))
            if executor is None:
                executor = executors[executor_key(name)] = Executor(key=executor_key(name), name=name)
                session.add(executor)
                session.flush()
            session.add(ItemExecutor(item_id=item.id, executor_id=executor.id, position=position))
    session.flush()
    if sync:
        sync_roadmap(session, roadmap, track_from or (year.start if year else EARLY_TRACK_FROM))
    return roadmap


def spec_fields(text: str, year: SchoolYear | None, region: str | None) -> dict[str, object]:
    """The Item columns the importer derives from a deadline text."""
    spec = parse_deadline(text, year)
    start, end = spec.span(region_calendars(region) if region else None)
    return {"kind": spec.kind, "spec": spec.to_dict(), "span_start": start, "span_end": end}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One migrated database per test module and backend (migrating per test would take most of the run).

    Tests take it through `emptied`, so each still starts from an empty store.
    """
    if request.param == "sqlite":
        engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('store') / 'profplan.db'}")
        yield engine
        engine.dispose()
        return
    with scratch_postgres("profplan_tracking") as url:
        engine = open_store(url)
        try:
            yield engine
        finally:
            engine.dispose()


def emptied(engine: Engine) -> Engine:
    """The store with every row these tests write deleted, children first."""
    with transaction(engine) as session:
        for table in (AlertDelivery, OccurrenceEvent, DeadlineOccurrence, RoadmapTracking, ItemCheckins, IndicatorValue,
                      IndicatorTarget, Indicator, Contact, ItemExecutor, Item, Executor, Roadmap):
            session.execute(delete(table))
    return engine


def url_of(engine: Engine) -> str:
    """The engine's URL with its password, to open more engines on the same database."""
    return engine.url.render_as_string(hide_password=False)


def seed_len(engine: Engine, key: str = LEN_KEY) -> None:
    with transaction(engine) as session:
        add_roadmap(session, key, LEN_ROWS)


@dataclass
class Inbox:
    """What the local SMTP server received: envelopes and parsed messages."""

    host: str
    port: int
    envelopes: list[Envelope] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(e.original_content or b"", policy=policy.default)  # type: ignore[misc]
                for e in self.envelopes]

    def to(self, recipient: str) -> list[EmailMessage]:
        return [m for e, m in zip(self.envelopes, self.messages(), strict=True) if recipient in e.rcpt_tos]

    def clear(self) -> None:
        self.envelopes.clear()


class _Collect:
    """Keeps every message; answers 550 for the refused addresses, as a real server does for unknown users."""

    def __init__(self, inbox: Inbox, refuse: frozenset[str]) -> None:
        self.inbox = inbox
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope: Envelope, address: str, options) -> str:  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope: Envelope) -> str:  # type: ignore[no-untyped-def]
        self.inbox.envelopes.append(envelope)
        return "250 OK"


def header(message: EmailMessage, name: str) -> str:
    """A header decoded as mail clients do (RFC 2047: no space between adjacent encoded words).

    The stdlib's own address parser puts spaces between the encoded words of a
    long display name, which real clients do not.
    """
    return str(make_header(decode_header(dict(message.raw_items())[name])))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(refuse: Iterable[str] = ()) -> Iterator[Inbox]:
    """A real aiosmtpd server on 127.0.0.1 and a free port, for the duration of the block."""
    inbox = Inbox("127.0.0.1", free_port())
    controller = Controller(_Collect(inbox, frozenset(refuse)), hostname=inbox.host, port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def day(text: str) -> date:
    return date.fromisoformat(text)
