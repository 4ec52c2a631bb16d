"""Writer locks: two profplan processes that change the same data take turns instead of colliding.

Two imports of one file, two schedules of one school or two first runs
migrating a fresh database would otherwise both read "not there yet" and
both insert, and the loser would die on a unique constraint. A transaction
that writes such data names its `Lock`s (`store.db.transaction(engine, lock)`);
the lock is held until the transaction ends, and a process that cannot get it
within the store's lock timeout stops with one Russian line, having changed
nothing.

- PostgreSQL: transaction-level advisory locks (`pg_try_advisory_xact_lock`,
  `…_shared` for readers that must not see a half-done writer), one per
  lock key, so schedules of different schools run side by side.
- SQLite has one writer at a time anyway: a locked transaction starts with
  `BEGIN IMMEDIATE` (the write lock taken at once, other writers wait up to
  the busy timeout), instead of a deferred `BEGIN` that would only find the
  conflict at its first write, after it had read stale data.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import text
from sqlalchemy.engine import Connection

from store.errors import StoreBusy

WRITER = "profplan_writer"
"""Execution option asking for a transaction that writes under locks (SQLite: BEGIN IMMEDIATE)."""
LOCK_TIMEOUT = "profplan_lock_timeout"
"""Execution option of a store's engine: seconds to wait for a lock (see Settings.lock_timeout)."""

_POLL_SECONDS = (0.05, 0.1, 0.2, 0.5)


@dataclass(frozen=True)
class Lock:
    """A named lock and what holds it, in Russian, for the message of the one that waits."""

    key: str
    purpose: str
    shared: bool = False

    def as_shared(self) -> Lock:
        """The same lock taken by a reader: any number of readers, but never beside a writer."""
        return replace(self, shared=True)

    @property
    def number(self) -> int:
        """The 64-bit advisory lock number of the key (stable across processes and versions)."""
        return int.from_bytes(hashlib.blake2b(self.key.encode(), digest_size=8).digest(), "big", signed=True)


MIGRATIONS = Lock("migrations", "обновление схемы базы данных")


def busy(db: str, locks: Sequence[Lock], timeout: float) -> StoreBusy:
    """The error of a process that waited `timeout` seconds for the locks in vain."""
    wanted = ", ".join(dict.fromkeys(lock.purpose for lock in locks))
    return StoreBusy(
        f"База данных {db} занята другой командой profplan: за {timeout:g} с она не освободилась для операции «{wanted}»; "
        "ничего не изменено. Повторите позже (время ожидания задаёт PROFPLAN_LOCK_TIMEOUT, с)."
    )


def hold(connection: Connection, locks: Sequence[Lock], timeout: float, db: str) -> None:
    """Take every lock for the rest of the connection's transaction, waiting up to `timeout` s in all.

    PostgreSQL only: on SQLite the transaction's BEGIN IMMEDIATE already is the lock.
    Locks are taken in key order, so two processes asking for the same set never deadlock.
    """
    if connection.dialect.name != "postgresql":
        return
    deadline = time.monotonic() + timeout
    for lock in sorted(locks, key=lambda lock: lock.key):
        function = "pg_try_advisory_xact_lock_shared" if lock.shared else "pg_try_advisory_xact_lock"
        for attempt in itertools.count():
            if connection.execute(text(f"SELECT {function}(:number)"), {"number": lock.number}).scalar_one():
                break
            if time.monotonic() >= deadline:
                raise busy(db, locks, timeout)
            time.sleep(_POLL_SECONDS[min(attempt, len(_POLL_SECONDS) - 1)])
