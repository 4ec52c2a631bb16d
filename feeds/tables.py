"""Feed tables: subscriptions, the rendered feed of each, and the revision state of every UID.

Everything a feed server needs lives in the database, so several server
processes can answer for one PostgreSQL and agree on bytes, ETags and
Last-Modified. The secret token is never stored: only its SHA-256 (what a
request is looked up by) and a short prefix that is safe to show in lists.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary
from sqlmodel import Field, SQLModel

from feeds.kinds import FeedKind
from tracking.tables import enum_field


class Subscription(SQLModel, table=True):
    """One subscriber's feed of one target: an executor, a school, a class or a staff member.

    `target` is the resolved identity (an executor's key, a school id,
    "school id/class name", "school id/staff name"), fixed when the
    subscription is made so later name clashes cannot widen what it shows.
    The token is derived from `salt` and the deployment's feed key (see
    `feeds.tokens`), so the exporter can name files by it while the database
    alone never reveals it; subscriptions made before tokens were derived
    have no salt and get one when rotated.
    """

    __tablename__ = "feed_subscription"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True, max_length=64)
    token_prefix: str = Field(max_length=12)
    salt: str | None = Field(default=None, max_length=64)
    target_kind: FeedKind = enum_field(FeedKind, 10)
    target: str = Field(max_length=600)
    # The school whose timetable the feed follows (school, class and staff feeds): its change stamp is checked.
    school_id: str | None = Field(default=None, max_length=64, index=True)
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime
    revoked_at: datetime | None = None


class FeedCache(SQLModel, table=True):
    """The last rendered feed of a subscription, served as is while its content is unchanged.

    `input_stamp` digests the change stamps of what the feed is made of (see
    `feeds.stamps`): while it is unchanged, nothing is collected at all.
    `content_hash` digests the collected content and options; only when it
    differs is the feed rendered again (and gzipped once, `body_gzip`) and
    `etag` (digest of the bytes) and `last_modified` (whole seconds, strictly
    increasing) changed.
    """

    __tablename__ = "feed_cache"

    subscription_id: int = Field(foreign_key="feed_subscription.id", primary_key=True, ondelete="CASCADE")
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    body_gzip: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    input_stamp: str = Field(max_length=64)
    content_hash: str = Field(max_length=64)
    etag: str = Field(max_length=64)
    last_modified: datetime


class FeedComponent(SQLModel, table=True):
    """Revision state of one UID shared by every feed that shows it.

    Clients keep an edited event's old time unless SEQUENCE rises, and
    DTSTAMP must not be "now" or the bytes (and ETag) would change on every
    request. So each UID's content fingerprint is remembered: when it
    changes, `sequence` is raised and `changed_at` (DTSTAMP, LAST-MODIFIED)
    set, once, for all feeds and all server processes.
    """

    __tablename__ = "feed_component"

    uid: str = Field(primary_key=True, max_length=255)
    fingerprint: str = Field(max_length=64)
    sequence: int = 0
    changed_at: datetime
