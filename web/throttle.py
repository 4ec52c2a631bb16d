"""Failed logins: after `MAX_FAILURES` of them an account, and the address they came from, wait `WAIT`.

The counters live in the database so every server process counts the same
failures. Each change is a single UPDATE (an INSERT for a key seen the first
time), never a read followed by a write, so two processes failing at once
cannot lose a count, and SQLite takes its write lock at the first statement.
Failures older than `FORGET_AFTER` are forgotten; a successful login clears
its account's count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, delete, func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from store.db import transaction
from web.tables import LoginThrottle

MAX_FAILURES = 5
WAIT = timedelta(minutes=1)
FORGET_AFTER = timedelta(minutes=15)


def throttle_keys(login: str, address: str | None) -> tuple[str, ...]:
    """The counters a login attempt touches: its account's and its address's."""
    return (f"account:{login}", f"address:{address or 'неизвестен'}")


def wait_left(engine: Engine, keys: Iterable[str], now: datetime | None = None) -> timedelta | None:
    """How long these keys must still wait, or None when they may try."""
    now = now or _now()
    with transaction(engine) as session:
        until = session.exec(select(func.max(LoginThrottle.locked_until)).where(
            col(LoginThrottle.key).in_(list(keys)), col(LoginThrottle.locked_until) > now)).first()
    return until - now if until else None


def record_failure(engine: Engine, keys: Iterable[str], now: datetime | None = None) -> timedelta | None:
    """Count one failed login for every key; returns the wait when this failure locked one of them."""
    now = now or _now()
    locked = False
    for key in keys:
        locked = _count(engine, key, now) or locked
    return WAIT if locked else None


def record_success(engine: Engine, keys: Iterable[str]) -> None:
    with transaction(engine) as session:
        session.execute(delete(LoginThrottle).where(col(LoginThrottle.key).in_(list(keys))))


def _count(engine: Engine, key: str, now: datetime) -> bool:
    """Add one failure to `key` (starting afresh after FORGET_AFTER); True when it reached the limit and locked."""
    fresh = col(LoginThrottle.last_failure_at) > now - FORGET_AFTER
    for _ in range(3):
        try:
            with transaction(engine) as session:
                counted = session.execute(
                    update(LoginThrottle).where(col(LoginThrottle.key) == key)
                    .values(failures=case((fresh, col(LoginThrottle.failures) + 1), else_=1), last_failure_at=now)
                )
                if counted.rowcount == 0:  # type: ignore[attr-defined]
                    session.add(LoginThrottle(key=key, failures=1, last_failure_at=now))
                    session.flush()
                locking = session.execute(
                    update(LoginThrottle)
                    .where(col(LoginThrottle.key) == key, col(LoginThrottle.failures) >= MAX_FAILURES)
                    .values(failures=0, locked_until=now + WAIT)
                )
                return bool(locking.rowcount)  # type: ignore[attr-defined]
        except IntegrityError:
            continue  # another process inserted the key first: count on its row
    return False


def _now() -> datetime:
    return datetime.now(UTC)
