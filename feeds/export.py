"""`profplan feeds export DIR`: every active subscription's feed written as a file named by its token.

For publishing through any static web server: `DIR/<token>.ics` (and its
gzipped copy `<token>.ics.gz`, for servers that send precompressed files)
served under /feeds/ answers at exactly the URL the subscriber was given, and
a file name is as secret as that URL — never `class-5.ics`, which anyone
could guess. The token is derived from the feed key (`feeds.tokens`), so the
export needs the same key file the subscriptions were made with. Each file is
written to a temporary file and renamed, so a server reading the directory
never sees half a feed; the files of revoked and rotated subscriptions are
removed (only token-named feed files, nothing else in the directory).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from calendars.data_files import os_error_reason
from calendars.errors import ProfplanError
from feeds.cache import RenderedFeed, refresh_feed
from feeds.collect import Collector, collect_feed
from feeds.tables import Subscription
from feeds.tokens import derive_token, hash_token, is_token_shaped
from store.db import transaction

SUFFIXES = (".ics", ".ics.gz")


class ExportError(ProfplanError):
    """The export directory cannot be written, or the feed key is not the one the subscriptions were made with."""


@dataclass(frozen=True)
class ExportedFeed:
    """One written file and what it holds (its name is the secret token: never printed, only its prefix)."""

    subscription_id: int
    prefix: str
    kind: str
    target: str
    path: Path
    etag: str
    size: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.subscription_id, "prefix": self.prefix, "kind": self.kind, "target": self.target,
                "etag": self.etag, "bytes": self.size}


@dataclass(frozen=True)
class Export:
    """What an export wrote and removed, and the subscriptions it could not name (made before derived tokens)."""

    directory: Path
    written: list[ExportedFeed]
    removed: int
    unnamed: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"directory": str(self.directory), "feeds": [feed.to_json() for feed in self.written],
                "removed": self.removed, "need_rotation": self.unnamed}

    def render(self) -> str:
        lines = [f"Записано календарей: {len(self.written)} в {self.directory} (имена файлов — секретные токены "
                 f"подписок); удалено файлов отозванных и заменённых подписок: {self.removed}."]
        if self.unnamed:
            lines.append("Подписки, созданные до версии с экспортом по токену, не записаны — выпустите им новый "
                         "адрес: " + "; ".join(f"profplan subscription rotate {prefix}" for prefix in self.unnamed))
        return "\n".join(lines)


def refresh_all(engine: Engine, collector: Collector = collect_feed) -> Iterator[tuple[Subscription, RenderedFeed]]:
    """Every active subscription with its feed, refreshed, in one transaction (one commit for all)."""
    with transaction(engine) as session:
        active = session.exec(
            select(Subscription).where(col(Subscription.revoked_at).is_(None)).order_by(col(Subscription.id))
        ).all()
        for subscription in active:
            yield subscription, refresh_feed(session, subscription, collector)


def feed_token(subscription: Subscription, key: bytes) -> str | None:
    """The subscription's token, derived again; None for one made before tokens were derived (no salt)."""
    if subscription.salt is None:
        return None
    token = derive_token(key, subscription.salt)
    if hash_token(token) != subscription.token_hash:
        raise ExportError("Ключ адресов календарей не тот, которым созданы подписки: файлы были бы названы не их "
                          "адресами. Укажите прежний файл ключа (PROFPLAN_FEEDS_KEY_FILE).")
    return token


def export_feeds(engine: Engine, directory: Path, key: bytes, collector: Collector = collect_feed) -> Export:
    """Write every active subscription's current feed into `directory` (created if missing)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"Не удалось создать каталог «{directory}»: {exc.strerror}.") from None
    written: list[ExportedFeed] = []
    unnamed: list[str] = []
    keep: set[str] = set()
    for subscription, feed in refresh_all(engine, collector):
        assert subscription.id is not None
        token = feed_token(subscription, key)
        if token is None:
            unnamed.append(subscription.token_prefix)
            continue
        path = directory / f"{token}.ics"
        _write_atomically(path, feed.body)
        _write_atomically(path.with_name(f"{token}.ics.gz"), feed.body_gzip)
        keep.add(token)
        written.append(ExportedFeed(subscription.id, subscription.token_prefix, subscription.target_kind,
                                    subscription.target, path, feed.etag, len(feed.body)))
    removed = 0
    for stale in directory.iterdir():
        token = next((stale.name.removesuffix(suffix) for suffix in SUFFIXES[::-1] if stale.name.endswith(suffix)), None)
        if token is not None and is_token_shaped(token) and token not in keep:
            stale.unlink()
            removed += 1
    return Export(directory, written, removed, unnamed)


def _write_atomically(path: Path, body: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(body)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        raise ExportError(f"Не удалось записать «{path}»: {os_error_reason(exc)}.") from None
