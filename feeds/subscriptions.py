"""Subscriptions: a secret feed URL per subscriber and target; created, listed, rotated and revoked.

The token in the URL is the only credential a calendar client can carry (see
`feeds.tokens`): shown once at creation, stored only as its hash. Lists show
an 8-character prefix, enough to tell subscriptions apart and far too little
to guess the rest. Rotating gives the same subscription (target, options,
revisions) a new token; the old URL answers 404 from the next request on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from calendars.errors import ProfplanError
from feeds.cache import utc_now
from feeds.collect import TARGETS, resolve_target
from feeds.kinds import FeedKind
from feeds.model import FeedOptions
from feeds.tables import Subscription
from feeds.tokens import PREFIX_LENGTH, hash_token, is_token_shaped, new_token
from store.db import transaction
from store.settings import DEFAULT_FEEDS_URL


class SubscriptionError(ProfplanError):
    """A subscription that cannot be made or found."""


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


def feed_kind(text: str) -> FeedKind:
    try:
        return FeedKind(text)
    except ValueError:
        raise SubscriptionError(f"Неизвестный вид подписки «{text}»: допустимы {', '.join(FeedKind)}.") from None


@dataclass(frozen=True)
class SubscriptionInfo:
    """A subscription as lists show it: never the token, only its prefix."""

    id: int
    prefix: str
    kind: FeedKind
    target: str
    label: str
    options: FeedOptions
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, session: Session, row: Subscription) -> SubscriptionInfo:
        assert row.id is not None
        return cls(row.id, row.token_prefix, row.target_kind, row.target,
                   TARGETS[row.target_kind].label(session, row.target), FeedOptions.from_json(row.options),
                   row.created_at, row.revoked_at)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "prefix": self.prefix,
            "kind": self.kind,
            "kind_name": self.kind.label,
            "target": self.target,
            "label": self.label,
            "options": self.options.to_json(),
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "active": self.revoked_at is None,
        }


@dataclass(frozen=True)
class NewSubscription:
    """A subscription just made or rotated: the only time its token and URLs are shown."""

    info: SubscriptionInfo
    token: str
    url: str
    webcal_url: str

    def to_json(self) -> dict[str, Any]:
        return {**self.info.to_json(), "token": self.token, "url": self.url, "webcal_url": self.webcal_url}


def _issue(session: Session, row: Subscription, key: bytes, root: str) -> NewSubscription:
    """Give the row a new salt and the token derived from it, store it; the subscription with its new URLs."""
    row.salt, token = new_token(key)
    row.token_hash, row.token_prefix = hash_token(token), token[:PREFIX_LENGTH]
    session.add(row)
    session.flush()
    url, webcal = feed_urls(root, token)
    return NewSubscription(SubscriptionInfo.of(session, row), token, url, webcal)


def create_subscription(engine: Engine, kind: FeedKind | str, target: str, *, key: bytes, base: str | None = None,
                        options: FeedOptions | None = None) -> NewSubscription:
    """Subscribe to a target: `executor` (name), `school` (id), `class` (SCHOOL_ID/NAME), `staff` (NAME or SCHOOL_ID/NAME).

    `key` is the deployment's feed key (`feeds.tokens.load_key`).
    """
    chosen = feed_kind(kind)
    root = base_url(base)
    with transaction(engine) as session:
        resolved = resolve_target(session, chosen, target)
        row = Subscription(token_hash="", token_prefix="", target_kind=chosen, target=resolved,
                           school_id=TARGETS[chosen].school_of(resolved),
                           options=(options or FeedOptions()).to_json(), created_at=utc_now())
        return _issue(session, row, key, root)


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


def _find(session: Session, token_or_prefix: str) -> Subscription:
    """A subscription by its token, feed URL, or the prefix `subscriptions` shows."""
    value = _token_from(token_or_prefix)
    row = None
    if is_token_shaped(value):
        row = session.exec(select(Subscription).where(Subscription.token_hash == hash_token(value))).first()
    elif len(value) == PREFIX_LENGTH:
        matches = session.exec(select(Subscription).where(Subscription.token_prefix == value)).all()
        if len(matches) > 1:
            raise SubscriptionError(f"Префикс «{value}» подходит к нескольким подпискам: укажите адрес подписки целиком.")
        row = matches[0] if matches else None
    if row is None:
        raise SubscriptionError("Подписка не найдена: укажите её адрес, токен или префикс из списка подписок.")
    return row


def revoke_subscription(engine: Engine, token_or_prefix: str) -> SubscriptionInfo:
    """Revoke by token, feed URL, or the prefix `subscriptions` shows; revoking twice changes nothing."""
    with transaction(engine) as session:
        row = _find(session, token_or_prefix)
        if row.revoked_at is None:
            row.revoked_at = utc_now()
            session.add(row)
        return SubscriptionInfo.of(session, row)


def rotate_subscription(engine: Engine, token_or_prefix: str, *, key: bytes, base: str | None = None) -> NewSubscription:
    """A new token for the same subscription (a URL that leaked); the old one stops working at once."""
    root = base_url(base)
    with transaction(engine) as session:
        row = _find(session, token_or_prefix)
        if row.revoked_at is not None:
            raise SubscriptionError(f"Подписка {row.token_prefix}… отозвана: новый адрес для неё не выпускается, "
                                    "создайте новую подписку (profplan subscribe).")
        return _issue(session, row, key, root)
