"""Rendered feeds kept in the database: rebuilt only when what they show has changed.

A refresh first compares the feed's change stamp (`feeds.stamps`) with the
one it was last built from: equal, and nothing is collected at all. Else it
collects the subscription's content, gives every component its revision
(SEQUENCE and DTSTAMP from `FeedComponent`), and digests content and options.
Only a new digest renders the feed again (and gzips it, once per version);
only new bytes get a new ETag and Last-Modified. Every write is conditional
on the value it replaces, so server processes refreshing the same feed at
once agree on one result instead of raising SEQUENCE twice or moving
Last-Modified back.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Row, Table, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, col, select

from feeds.collect import Collector, feed_day
from feeds.model import UNSTAMPED, AllDayWindow, Deadline, FeedContent, FeedOptions, TimedEvent, WeeklySeries
from feeds.render import FORMAT, render_calendar
from feeds.stamps import by_subscription, input_stamp
from feeds.tables import FeedCache, FeedComponent, Subscription

Component = TimedEvent | WeeklySeries | AllDayWindow | Deadline
T = TypeVar("T")

_CHUNK = 500  # bound on IN (...) lists: SQLite allows 32766 parameters, keep queries small anyway
_BY_SUBSCRIPTION = by_subscription()


@dataclass(frozen=True)
class RenderedFeed:
    """A subscription's current feed: its bytes (and gzipped), strong ETag (without quotes) and Last-Modified."""

    subscription_id: int
    body: bytes
    body_gzip: bytes
    etag: str
    last_modified: datetime

    @classmethod
    def of(cls, cache: FeedCache) -> RenderedFeed:
        return cls(cache.subscription_id, cache.body, cache.body_gzip, cache.etag, cache.last_modified)


def utc_now() -> datetime:
    """Now in UTC, in whole seconds: what DTSTAMP and HTTP dates can carry."""
    return datetime.now(UTC).replace(microsecond=0)


def _digest(value: Any) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=1 << 16)
def fingerprint(component: Component) -> str:
    """What a component shows, without its revision: equal fingerprints mean nothing changed.

    Kept per component value: the feeds of one school share most components.
    """
    return _digest(replace(component, sequence=0, last_modified=UNSTAMPED))


@functools.lru_cache(maxsize=1 << 16)
def _with_revision(component: Component, sequence: int, changed_at: datetime) -> Component:
    """The component with its SEQUENCE and last change; kept, so a school's feeds share one stamped value."""
    return replace(component, sequence=sequence, last_modified=changed_at)


def _components(content: FeedContent) -> list[Component]:
    return [*content.events, *content.series, *content.windows, *content.deadlines]


def content_digest(collected: FeedContent, stamped: FeedContent, options: FeedOptions) -> str:
    """What the rendered feed depends on: the format, options, the calendar's own fields, and per component
    its fingerprint (kept from stamping `collected`) and the revision stamped on it.

    Equal to a digest of the whole stamped content in what it tells apart,
    without writing out every component of every feed again.
    """
    revisions = [(fingerprint(component), revised.sequence, revised.last_modified)
                 for component, revised in zip(_components(collected), _components(stamped), strict=True)]
    return _digest((FORMAT, options, stamped.uid, stamped.name, stamped.description, stamped.timezone, revisions))


# content_digest names every field of FeedContent: a new field must be added there.
assert [field.name for field in fields(FeedContent)] == [
    "uid", "name", "description", "timezone", "events", "series", "windows", "deadlines"]


def _insert_ignoring_conflicts(session: Session, table: Table, rows: list[dict[str, Any]]) -> int:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL (another process may insert first), as one
    statement executed for many rows (compiled once); returns how many rows were inserted."""
    if not rows:
        return 0
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).on_conflict_do_nothing()
    if len(rows) == 1:
        return int(session.execute(statement, rows[0]).rowcount)  # type: ignore[attr-defined]
    session.execute(statement, rows)
    return len(rows)


def _chunks(values: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def _load_components(session: Session, uids: Sequence[str]) -> dict[str, Row[Any]]:
    """uid → (uid, fingerprint, sequence, changed_at) as stored now (plain rows: no identity map to go stale)."""
    found: dict[str, Row[Any]] = {}
    columns = (FeedComponent.uid, FeedComponent.fingerprint, FeedComponent.sequence, FeedComponent.changed_at)
    for chunk in _chunks(uids):
        found.update((row.uid, row) for row in session.execute(select(*columns).where(col(FeedComponent.uid).in_(chunk))))
    return found


def stamp_revisions(session: Session, content: FeedContent, now: datetime) -> FeedContent:
    """The content with each component's SEQUENCE and last change from `FeedComponent`, updated first.

    A UID seen for the first time starts at SEQUENCE 0, changed now; a UID
    whose fingerprint differs from the stored one gets SEQUENCE + 1, changed
    now. The update is conditional on the old fingerprint, so when two
    processes see the same change only one raises the sequence and both then
    read its result.
    """
    components = _components(content)
    prints = {component.uid: fingerprint(component) for component in components}
    uids = sorted(prints)
    stored = _load_components(session, uids)
    missing = [uid for uid in uids if uid not in stored]
    _insert_ignoring_conflicts(
        session, SQLModel.metadata.tables["feed_component"],
        [{"uid": uid, "fingerprint": prints[uid], "sequence": 0, "changed_at": now} for uid in missing],
    )
    changed = [uid for uid, row in stored.items() if row.fingerprint != prints[uid]]
    for uid in changed:
        session.execute(
            update(FeedComponent)
            .where(col(FeedComponent.uid) == uid, col(FeedComponent.fingerprint) == stored[uid].fingerprint)
            .values(fingerprint=prints[uid], sequence=FeedComponent.sequence + 1, changed_at=now)
        )
    if missing or changed:
        stored.update(_load_components(session, [*missing, *changed]))

    def stamped(component: Component) -> Any:
        row = stored[component.uid]
        return _with_revision(component, row.sequence, row.changed_at)

    return replace(
        content,
        events=tuple(stamped(event) for event in content.events),
        series=tuple(stamped(series) for series in content.series),
        windows=tuple(stamped(window) for window in content.windows),
        deadlines=tuple(stamped(deadline) for deadline in content.deadlines),
    )


def _current_cache(session: Session, subscription_id: int) -> FeedCache | None:
    query = select(FeedCache).where(FeedCache.subscription_id == subscription_id).execution_options(populate_existing=True)
    return session.exec(query).first()


def stored_feed(session: Session, subscription_id: int) -> RenderedFeed | None:
    """The feed as last stored, whoever rendered it, or None if it never was."""
    cache = _current_cache(session, subscription_id)
    return None if cache is None else RenderedFeed.of(cache)


def refresh_feed(session: Session, subscription: Subscription, collector: Collector,
                 now: datetime | None = None, stamp: str | None = None) -> RenderedFeed:
    """The subscription's feed: as stored while its change stamp holds, else collected and, if changed, rendered.

    `stamp` is the change stamp the caller already read (the server reads it
    with the token lookup); it is read here otherwise. Last-Modified only
    moves forward and by at least one second per change, so a client holding
    an older copy never hears "not modified" (HTTP dates have whole seconds).
    """
    assert subscription.id is not None
    moment = now or utc_now()
    stored = session.connection().execute(_BY_SUBSCRIPTION, {"subscription_id": subscription.id}).one()
    stamp = stamp or input_stamp(stored, feed_day(moment))
    cached = stored.subscription_id is not None
    if cached and stored.input_stamp == stamp:
        return RenderedFeed(subscription.id, stored.body, stored.body_gzip, stored.etag, stored.last_modified)
    options = FeedOptions.from_json(subscription.options)
    collected = collector(session, subscription, feed_day(moment))
    content = stamp_revisions(session, collected, moment)
    content_hash = content_digest(collected, content, options)
    if cached and stored.content_hash == content_hash:
        session.execute(update(FeedCache).where(col(FeedCache.subscription_id) == subscription.id,
                                                col(FeedCache.content_hash) == content_hash).values(input_stamp=stamp))
        return RenderedFeed(subscription.id, stored.body, stored.body_gzip, stored.etag, stored.last_modified)
    body = render_calendar(content, options)
    body_gzip = gzip.compress(body, compresslevel=6, mtime=0)
    etag = hashlib.sha256(body).hexdigest()[:32]
    last_modified = moment if not cached else stored.last_modified if etag == stored.etag else max(
        moment, stored.last_modified + timedelta(seconds=1))
    values: dict[str, Any] = {"body": body, "body_gzip": body_gzip, "input_stamp": stamp, "content_hash": content_hash,
                              "etag": etag, "last_modified": last_modified}
    if not cached:
        written = _insert_ignoring_conflicts(session, SQLModel.metadata.tables["feed_cache"],
                                             [{**values, "subscription_id": subscription.id}])
    else:
        written = session.execute(
            update(FeedCache)
            .where(col(FeedCache.subscription_id) == subscription.id, col(FeedCache.content_hash) == stored.content_hash)
            .values(**values)
        ).rowcount  # type: ignore[attr-defined]
    if written == 1:
        return RenderedFeed(subscription.id, body, body_gzip, etag, last_modified)
    rendered = stored_feed(session, subscription.id)  # another process wrote first: its result is as good
    assert rendered is not None
    return rendered
