"""`profplan feeds export DIR`: every active subscription's feed written as a file.

For publishing through any static web server or for inspection. Files are
named by kind and subscription id (`school-12.ics`), never by token, since
the token is not stored; each is written to a temporary file and renamed, so
a server reading the directory never sees half a feed, and the files of
subscriptions revoked since the last export are removed (only files with
that naming, nothing else in the directory).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from calendars.data_files import os_error_reason
from calendars.errors import ProfplanError
from feeds.cache import Collector, RenderedFeed, refresh_feed
from feeds.collect import TARGET_KINDS, collect_feed
from feeds.tables import Subscription
from store.db import transaction

_EXPORTED_NAME = re.compile(rf"^({'|'.join(TARGET_KINDS)})-\d+\.ics$")


class ExportError(ProfplanError):
    """The export directory cannot be written."""


@dataclass(frozen=True)
class ExportedFeed:
    """One written file and what it holds."""

    subscription_id: int
    prefix: str
    kind: str
    target: str
    path: Path
    etag: str
    size: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.subscription_id, "prefix": self.prefix, "kind": self.kind, "target": self.target,
                "path": str(self.path), "etag": self.etag, "bytes": self.size}


def refresh_all(engine: Engine, collector: Collector = collect_feed) -> Iterator[tuple[Subscription, RenderedFeed]]:
    """Every active subscription with its feed, refreshed, in one transaction (one commit for all)."""
    with transaction(engine) as session:
        active = session.exec(
            select(Subscription).where(col(Subscription.revoked_at).is_(None)).order_by(col(Subscription.id))
        ).all()
        for subscription in active:
            yield subscription, refresh_feed(session, subscription, collector)


def file_name(subscription: Subscription) -> str:
    return f"{subscription.target_kind}-{subscription.id}.ics"


def export_feeds(engine: Engine, directory: Path, collector: Collector = collect_feed) -> list[ExportedFeed]:
    """Write every active subscription's current feed into `directory` (created if missing)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"Не удалось создать каталог «{directory}»: {exc.strerror}.") from None
    written: list[ExportedFeed] = []
    for subscription, feed in refresh_all(engine, collector):
        assert subscription.id is not None
        path = directory / file_name(subscription)
        _write_atomically(path, feed.body)
        written.append(ExportedFeed(subscription.id, subscription.token_prefix, subscription.target_kind,
                                    subscription.target, path, feed.etag, len(feed.body)))
    keep = {entry.path.name for entry in written}
    for stale in directory.iterdir():
        if _EXPORTED_NAME.match(stale.name) and stale.name not in keep:
            stale.unlink()
    return written


def _write_atomically(path: Path, body: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(body)
        os.replace(temporary, path)
    except OSError as exc:
        raise ExportError(f"Не удалось записать «{path}»: {os_error_reason(exc)}.") from None
