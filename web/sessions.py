"""Logins that last: sessions kept in the database, named by a signed cookie, with their CSRF token.

The cookie carries a random token signed with the secret key; the database
keeps only the token's SHA-256, so neither a leaked database nor a forged
cookie opens a session. A session ends when its owner logs out, when the
account is disabled or its password changed (web.accounts), after
`IDLE_TIMEOUT` without a request and, in any case, `LIFETIME` after the
login. Every form that changes something carries the session's CSRF token,
and the server compares it on every such request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from store.db import transaction
from web.accounts import Account, account
from web.tables import WebSession

IDLE_TIMEOUT = timedelta(hours=2)
LIFETIME = timedelta(hours=12)
# last_seen_at is written at most this often, so reading pages does not write on every request.
_TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class LiveSession:
    """A valid session of an active account, as one request sees it."""

    id: int
    account: Account
    csrf_token: str
    flash: tuple[str, ...] = ()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(engine: Engine, user: Account) -> str:
    """A new session for the account; returns its token (for the cookie). Expired sessions are swept here."""
    token, now = secrets.token_urlsafe(32), _now()
    with transaction(engine) as session:
        session.execute(delete(WebSession).where(or_(
            col(WebSession.expires_at) <= now, col(WebSession.last_seen_at) <= now - IDLE_TIMEOUT)))
        session.add(WebSession(token_hash=token_hash(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                               created_at=now, last_seen_at=now, expires_at=now + LIFETIME))
    return token


def load_session(engine: Engine, token: str) -> LiveSession | None:
    """The session of this token if it is still valid; its flash messages are handed out once."""
    now = _now()
    with transaction(engine) as session:
        row = session.exec(select(WebSession).where(WebSession.token_hash == token_hash(token))).first()
        if row is None or row.id is None:
            return None
        if row.expires_at <= now or row.last_seen_at <= now - IDLE_TIMEOUT:
            session.delete(row)
            return None
        owner = account(session, row.user_id)
        if owner is None:
            return None
        flash = tuple(row.flash)
        if flash or now - row.last_seen_at >= _TOUCH_EVERY:
            session.execute(update(WebSession).where(col(WebSession.id) == row.id).values(last_seen_at=now, flash=[]))
        return LiveSession(row.id, owner, row.csrf_token, flash)


def add_flash(engine: Engine, session_id: int, message: str) -> None:
    """A message for the next page this session opens (after a redirect)."""
    with transaction(engine) as session:
        row = session.get(WebSession, session_id)
        if row is not None:
            row.flash = [*row.flash, message]


def close_session(engine: Engine, session_id: int) -> None:
    with transaction(engine) as session:
        session.execute(delete(WebSession).where(col(WebSession.id) == session_id))


def _now() -> datetime:
    return datetime.now(UTC)
