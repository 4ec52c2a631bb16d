"""Subscriptions: a secret feed URL per subscriber and target; created, listed and revoked.

The token in the URL is the only credential a calendar client can carry, so
it is random (256 bits from `secrets`), shown once at creation, and stored
only as its SHA-256: a leaked database does not leak working URLs. The
server looks a request up by that hash (an indexed equality) and confirms it
with a constant-time comparison. Lists show an 8-character prefix, enough to
tell subscriptions apart and far too little to guess the rest.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from calendars.errors import ProfplanError
from feeds.cache import utc_now
from feeds.collect import TARGET_KINDS, resolve_target, target_label
from feeds.model import FeedOptions
from feeds.tables import Subscription
from store.db import transaction
from store.settings import DEFAULT_FEEDS_URL

PREFIX_LENGTH = 8
_TOKEN_BYTES = 32
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
_KIND_NAMES = {"executor": "исполнитель", "school": "школа", "class": "класс", "staff": "сотрудник"}


class SubscriptionError(ProfplanError):
    """A subscription that cannot be made or found."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_token_shaped(text: str) -> bool:
    """Whether text could be a token at all: anything else is refused before touching the database."""
    return bool(_TOKEN_RE.match(text))


def base_url(given: str | None = None) -> str:
    """The public address of the feed server: the argument (the CLI passes its settings), or the local default."""
    value = (given or DEFAULT_FEEDS_URL).rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SubscriptionError(f"Адрес сервера календарей «{value}» должен начинаться с http:// или https://.")
    return value


def feed_urls(base: str, token: str) -> tuple[str, str]:
    """The feed's http(s) URL and its webcal:// form (which phones open straight in their calendar)."""
    url = f"{base}/feeds/{token}.ics"
    return url, "webcal://" + url.split("://", 1)[1]


@dataclass(frozen=True)
class SubscriptionInfo:
    """A subscription as lists show it: never the token, only its prefix."""

    id: int
    prefix: str
    kind: str
    target: str
    label: str
    options: FeedOptions
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, session: Session, row: Subscription) -> SubscriptionInfo:
        assert row.id is not None
        return cls(row.id, row.token_prefix, row.target_kind, row.target,
                   target_label(session, row.target_kind, row.target), FeedOptions.from_json(row.options),
                   row.created_at, row.revoked_at)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "prefix": self.prefix,
            "kind": self.kind,
            "kind_name": _KIND_NAMES[self.kind],
            "target": self.target,
            "label": self.label,
            "options": self.options.to_json(),
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "active": self.revoked_at is None,
        }


@dataclass(frozen=True)
class NewSubscription:
    """A subscription just made: the only time its token and URLs are ever shown."""

    info: SubscriptionInfo
    token: str
    url: str
    webcal_url: str

    def to_json(self) -> dict[str, Any]:
        return {**self.info.to_json(), "token": self.token, "url": self.url, "webcal_url": self.webcal_url}


def create_subscription(engine: Engine, kind: str, target: str, *, base: str | None = None,
                        options: FeedOptions | None = None) -> NewSubscription:
    """Subscribe to a target: `executor` (name), `school` (id), `class` (SCHOOL_ID/NAME), `staff` (NAME or SCHOOL_ID/NAME)."""
    if kind not in TARGET_KINDS:
        raise SubscriptionError(f"Неизвестный вид подписки «{kind}»: допустимы {', '.join(TARGET_KINDS)}.")
    root = base_url(base)
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    with transaction(engine) as session:
        resolved = resolve_target(session, kind, target)
        row = Subscription(
            token_hash=hash_token(token),
            token_prefix=token[:PREFIX_LENGTH],
            target_kind=kind,
            target=resolved,
            options=(options or FeedOptions()).to_json(),
            created_at=utc_now(),
        )
        session.add(row)
        session.flush()
        info = SubscriptionInfo.of(session, row)
    url, webcal = feed_urls(root, token)
    return NewSubscription(info, token, url, webcal)


def list_subscriptions(engine: Engine, *, include_revoked: bool = True) -> list[SubscriptionInfo]:
    with transaction(engine) as session:
        query = select(Subscription).order_by(col(Subscription.id))
        if not include_revoked:
            query = query.where(col(Subscription.revoked_at).is_(None))
        return [SubscriptionInfo.of(session, row) for row in session.exec(query)]


def _token_from(text: str) -> str:
    """The token in a pasted feed URL (http, https or webcal), or the text itself."""
    value = text.strip()
    if "://" in value:
        value = urlsplit(value).path.rsplit("/", 1)[-1].removesuffix(".ics")
    return value


def revoke_subscription(engine: Engine, token_or_prefix: str) -> SubscriptionInfo:
    """Revoke by token, feed URL, or the prefix `subscriptions` shows; revoking twice changes nothing."""
    value = _token_from(token_or_prefix)
    with transaction(engine) as session:
        row = None
        if is_token_shaped(value):
            wanted = hash_token(value)
            row = session.exec(select(Subscription).where(Subscription.token_hash == wanted)).first()
        elif len(value) == PREFIX_LENGTH:
            matches = session.exec(select(Subscription).where(Subscription.token_prefix == value)).all()
            if len(matches) > 1:
                raise SubscriptionError(f"Префикс «{value}» подходит к нескольким подпискам: укажите адрес подписки целиком.")
            row = matches[0] if matches else None
        if row is None:
            raise SubscriptionError("Подписка не найдена: укажите её адрес, токен или префикс из списка подписок.")
        if row.revoked_at is None:
            row.revoked_at = utc_now()
            session.add(row)
        return SubscriptionInfo.of(session, row)
