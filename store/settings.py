"""profplan's deployment settings, read from the environment in one place.

Every knob an operator sets lives here with its default and the variable
that overrides it (Starlette's `Config` is the model). The CLI reads them
once when it starts and a command-line option wins over its variable; the
web server hands them to its worker processes with `environment()`; library
functions take explicit values and never read the environment themselves.
The bundled data folder is the one exception, `PROFPLAN_DATA_DIR`, read by
`calendars.data_files` because the lowest layer needs it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import unquote

from calendars.errors import ProfplanError

DEFAULT_DATABASE_URL = "sqlite:///profplan.db"
DEFAULT_FEEDS_URL = "http://127.0.0.1:8080"
DEFAULT_LOCK_TIMEOUT = 120.0
"""Seconds a command waits for another one writing the same data (a schedule solves up to a minute by default)."""


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL for a URL or an SQLite file path; None is the embedded default, ./profplan.db."""
    value = str(db) if db else DEFAULT_DATABASE_URL
    if "://" not in value:
        value = f"sqlite:///{value}"
    if value.startswith("postgresql://") or value.startswith("postgres://"):
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite URL; None for other servers and for in-memory SQLite.

    Read from the text as SQLAlchemy's `make_url` reads it (tests compare the
    two) rather than by calling it: a light command such as `profplan
    deadline` asks whether a database exists and should not pay the ~0.7 s
    import of SQLAlchemy to find out that it does not.
    """
    scheme, _, rest = url.partition("://")
    if not scheme.startswith("sqlite"):
        return None
    _, slash, database = rest.split("?", 1)[0].partition("/")
    database = unquote(database) if slash else ""
    return None if database in ("", ":memory:") else Path(database)


def _default_log_dir() -> Path:
    """Where crash logs go: $XDG_STATE_HOME/profplan (~/.local/state/profplan), as the XDG spec puts logs."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "profplan"


def _typed(variable: str, value: str, kind: str) -> object:
    """A variable's text as its field's type; a number that is not one is a Russian error naming the variable."""
    if kind == "Path":
        return Path(value)
    if kind == "float":
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not number >= 0:
            raise ProfplanError(f"{variable}: ожидается число секунд не меньше 0, указано «{value}».")
        return number
    return value


def _default_feeds_key_file() -> Path:
    """The key feed tokens are derived from: beside the logs, never in the database (see feeds.tokens)."""
    return _default_log_dir() / "feeds.key"


@dataclass(frozen=True)
class Settings:
    """What a deployment may change; each field names its environment variable in `metadata["env"]`."""

    database_url: str = field(default=DEFAULT_DATABASE_URL, metadata={"env": "PROFPLAN_DATABASE_URL"})
    feeds_url: str = field(default=DEFAULT_FEEDS_URL, metadata={"env": "PROFPLAN_FEEDS_URL"})
    log_dir: Path = field(default_factory=_default_log_dir, metadata={"env": "PROFPLAN_LOG_DIR"})
    lock_timeout: float = field(default=DEFAULT_LOCK_TIMEOUT, metadata={"env": "PROFPLAN_LOCK_TIMEOUT"})
    feeds_key_file: Path = field(default_factory=_default_feeds_key_file, metadata={"env": "PROFPLAN_FEEDS_KEY_FILE"})
    # Signs the web workspace's session cookies; unset, the web app keeps a generated one in the database
    # (web.secrets), so every server process agrees without anyone having to invent a key.
    secret_key: str | None = field(default=None, repr=False, metadata={"env": "PROFPLAN_SECRET_KEY"})

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults overridden by every variable that is set and not empty."""
        environ = os.environ if environ is None else environ
        given: dict[str, object] = {}
        for spec in fields(cls):
            value = environ.get(spec.metadata["env"])
            if value:
                given[spec.name] = _typed(spec.metadata["env"], value, str(spec.type))
        return cls(**given)  # type: ignore[arg-type]

    def with_database(self, database: str | os.PathLike[str] | None) -> Settings:
        """These settings with `--db` applied (a URL or an SQLite file path); None keeps the current one."""
        return replace(self, database_url=str(database)) if database else self

    def environment(self) -> dict[str, str]:
        """The variables that reproduce these settings in a child process (uvicorn's worker processes)."""
        values = {spec.metadata["env"]: getattr(self, spec.name) for spec in fields(self)}
        return {name: str(value) for name, value in values.items() if value is not None}

    def writable_log_dir(self) -> Path:
        """The log folder, created if needed; the system temporary folder when it cannot be written."""
        try:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            return self.log_dir
        except OSError:
            return Path(tempfile.gettempdir())
