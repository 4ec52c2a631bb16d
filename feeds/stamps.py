"""Change stamps: a cheap digest of everything a feed is made of, read with the token lookup on every request.

A feed is made of the roadmaps' items and occurrences (all feeds show
deadlines), the school's profile and current timetable (school, class and
staff feeds), the subscription's options, the day (an executor's feed reaches
a year ahead of it) and the renderer's format. Each of these leaves a trace
that is cheap to read:

- tracking: the newest status change (`occurrence_event.id`), the newest
  import and the number of roadmaps (`roadmap.imported_at`, `count`), the
  newest change of a tracking start or check-in frequency
  (`roadmap_tracking.updated_at`);
- a school: its `updated_at` (profile loaded again) and the id of its current
  timetable (every schedule and re-plan stores a new one).

The stamp is the digest of those values. One SQL statement returns them with
the subscription itself (scalar sub-selects and two outer joins, all on
indexes or tiny tables), so a request learns whether the stored feed is still
current at the cost of the lookup it needs anyway; only a changed stamp makes
the server collect the feed again. Nothing is cached between requests, so
every server process on one PostgreSQL sees a change on its next request.
"""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, func, select
from sqlmodel import col

from feeds.render import FORMAT
from feeds.tables import FeedCache, Subscription
from roadmaps.tables import Roadmap
from scheduler.tables import School, Timetable
from tracking.tables import OccurrenceEvent, RoadmapTracking

_TRACKING = (
    select(func.max(OccurrenceEvent.id)).scalar_subquery().label("last_event"),
    select(func.max(Roadmap.imported_at)).scalar_subquery().label("last_import"),
    select(func.count(col(Roadmap.id))).scalar_subquery().label("roadmaps"),
    select(func.max(RoadmapTracking.updated_at)).scalar_subquery().label("last_tracking"),
)
STAMP_COLUMNS = ("last_event", "last_import", "roadmaps", "last_tracking", "school_updated", "timetable_id")


def lookup() -> Select[Any]:
    """The active subscription of a token hash (`:token_hash`), its stored feed's validators and its change stamp."""
    return (
        select(col(Subscription.id), col(Subscription.token_hash), col(Subscription.options),
               col(FeedCache.etag), col(FeedCache.last_modified), col(FeedCache.input_stamp), *_TRACKING,
               col(School.updated_at).label("school_updated"), col(Timetable.id).label("timetable_id"))
        .outerjoin(FeedCache, col(FeedCache.subscription_id) == Subscription.id)
        .outerjoin(School, col(School.id) == Subscription.school_id)
        .outerjoin(Timetable, and_(col(Timetable.school_id) == Subscription.school_id, col(Timetable.current).is_(True)))
        .where(col(Subscription.token_hash) == bindparam("token_hash"), col(Subscription.revoked_at).is_(None))
    )


def by_subscription() -> Select[Any]:
    """One subscription (`:subscription_id`) with its stored feed and its change stamp, for refreshes outside a
    request: all a refresh of an unchanged feed reads."""
    return (
        select(col(Subscription.options), col(FeedCache.subscription_id), col(FeedCache.body), col(FeedCache.body_gzip),
               col(FeedCache.etag), col(FeedCache.last_modified), col(FeedCache.input_stamp),
               col(FeedCache.content_hash), *_TRACKING,
               col(School.updated_at).label("school_updated"), col(Timetable.id).label("timetable_id"))
        .outerjoin(FeedCache, col(FeedCache.subscription_id) == Subscription.id)
        .outerjoin(School, col(School.id) == Subscription.school_id)
        .outerjoin(Timetable, and_(col(Timetable.school_id) == Subscription.school_id, col(Timetable.current).is_(True)))
        .where(col(Subscription.id) == bindparam("subscription_id"))
    )


def tracking_version(connection: Connection) -> tuple[Any, ...]:
    """The tracking part of the stamp alone: what every feed's deadlines depend on."""
    return tuple(connection.execute(select(*_TRACKING)).one())


def canonical(value: Any) -> str:
    """A stamp value the same however it was read: a timestamp as the driver returns it (SQLite: text) or as
    SQLAlchemy converts it gives the same UTC ISO text; JSON text and its parsed dict the same sorted items."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    return str(value)


def options_of(value: Any) -> dict[str, Any]:
    """A subscription's options as stored: a dict from SQLAlchemy or psycopg, JSON text from raw SQLite."""
    return json.loads(value) if isinstance(value, str) else dict(value)


def input_stamp(row: Any, day: date) -> str:
    """The digest of a looked-up row's stamp values, the subscription's options, the day and the format."""
    options = row.options if isinstance(row.options, str) else json.dumps(row.options, sort_keys=True)
    return _digest(tuple(getattr(row, name) for name in STAMP_COLUMNS), options, day)


@functools.lru_cache(maxsize=4096)
def _digest(values: tuple[Any, ...], options: str, day: date) -> str:
    """Kept per distinct input: between changes, every request of a feed asks for the same digest."""
    canonical_values = tuple(canonical(value) for value in values)
    return hashlib.sha256(repr((FORMAT, day.isoformat(), sorted(options_of(options).items()),
                                canonical_values)).encode()).hexdigest()
