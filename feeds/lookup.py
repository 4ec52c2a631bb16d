"""The lookup every feed request makes, as one prepared statement on raw driver connections.

A 304 answer is the server's most common one and must cost no more than a
static file server's (`bench/bench_feeds.py` measures it against Starlette's
StaticFiles and nginx). Going through SQLAlchemy's execution and pool layers
costs about three times the query itself, so the lookup of `feeds.stamps` is
compiled once for the engine's dialect and run on a few driver connections
of its own, detached from the engine's pool, in autocommit mode (a lookup is
one read; no transaction is left open), at most `CONNECTIONS` at once. A
connection that fails is dropped and replaced. Values come back as the
driver gives them — timestamps as text on SQLite — and are read through
`feeds.stamps.canonical`, which makes them compare equal to the same values
read through SQLAlchemy.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

from feeds.stamps import STAMP_COLUMNS, lookup


@dataclass(frozen=True)
class LookedUp:
    """A row of the lookup with its values by name (what `feeds.stamps.input_stamp` reads)."""

    values: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def last_modified_utc(self) -> datetime | None:
        value = self.values["last_modified"]
        if value is None:
            return None
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


CONNECTIONS = 8


class PreparedLookup:
    """The feeds lookup compiled for one engine: `find(token_hash)` → the row, or None."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        statement = lookup()
        compiled = statement.compile(dialect=engine.dialect)
        self.sql = compiled.string
        self.names: Sequence[str] = [column.name for column in statement.selected_columns]
        self.positional = engine.dialect.positional
        self.order = list(compiled.positiontup or []) if self.positional else []
        missing = set(STAMP_COLUMNS) - set(self.names)
        assert not missing, f"the lookup must return every stamp column, missing {missing}"
        self._idle: queue.LifoQueue[Any] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(CONNECTIONS)

    def find(self, token_hash: str) -> LookedUp | None:
        parameters: Any = [token_hash for _ in self.order] if self.positional else {"token_hash": token_hash}
        with self._slots:
            connection = self._take()
            try:
                cursor = connection.cursor()
                cursor.execute(self.sql, parameters)
                row = cursor.fetchone()
                cursor.close()
            except BaseException:
                connection.close()
                raise
            self._idle.put(connection)
        return None if row is None else LookedUp(dict(zip(self.names, row, strict=True)))

    def _take(self) -> Any:
        """An idle connection, or a new one from the engine, detached from its pool and in autocommit."""
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pooled = self.engine.raw_connection()
            pooled.detach()
            connection = pooled.dbapi_connection
            assert connection is not None
            if self.engine.dialect.name == "sqlite":
                connection.isolation_level = None
            else:
                connection.autocommit = True
            return connection
