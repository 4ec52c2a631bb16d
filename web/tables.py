"""Web workspace tables: accounts, their sessions, login throttling, the signing secret, pending uploads and
the schedule jobs that run in the background.

Everything a request needs lives in the database, not in a server's
memory, so any number of server processes behind one PostgreSQL agree on
who is logged in, which address must wait after failed logins, which key
signs the cookies and which uploaded document waits for confirmation.
Session tokens are never stored: only their SHA-256, as with feed tokens.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary
from sqlmodel import Field, SQLModel

from tracking.tables import enum_field


class User(SQLModel, table=True):
    """A person who logs in: a committee member, a school coordinator or a staff member.

    `region` bounds a committee member to one region's roadmaps (None: every
    region); `school_id` is the coordinator's or staff member's school, and
    `staff_name` the staff member's name in that school's profile.
    """

    __tablename__ = "web_user"

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(unique=True, index=True, max_length=64)
    role: str = Field(max_length=12)  # web.roles.Role
    full_name: str | None = None
    email: str | None = Field(default=None, max_length=320)
    region: str | None = Field(default=None, max_length=10)
    school_id: str | None = Field(default=None, max_length=64)
    staff_name: str | None = None
    password_hash: str = Field(max_length=200)
    active: bool = True
    created_at: datetime
    password_changed_at: datetime
    last_login_at: datetime | None = None


class WebSession(SQLModel, table=True):
    """One login: the cookie's token (hashed), the CSRF token of its forms, and when it ends."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True, max_length=64)
    user_id: int = Field(foreign_key="web_user.id", index=True, ondelete="CASCADE")
    csrf_token: str = Field(max_length=64)
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    # Messages for the next page after a redirect ("Срок отмечен выполненным"), read once.
    flash: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class LoginThrottle(SQLModel, table=True):
    """Failed logins of one account or one address, and until when it must wait."""

    __tablename__ = "web_login_throttle"

    key: str = Field(primary_key=True, max_length=200)  # "account:<login>" or "address:<ip>"
    failures: int = 0
    last_failure_at: datetime
    locked_until: datetime | None = None


class WebSecret(SQLModel, table=True):
    """A generated secret every server process shares (the cookie-signing key when none is configured)."""

    __tablename__ = "web_secret"

    name: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)
    created_at: datetime


class Upload(SQLModel, table=True):
    """An uploaded roadmap document between its preview and the import its uploader confirms.

    The bytes are kept here (not in a server's temporary folder) so the
    confirmation may reach another process than the upload; `result` holds
    the import's report once confirmed, so the result page can be reloaded.
    """

    __tablename__ = "web_upload"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(unique=True, index=True, max_length=64)
    user_id: int = Field(foreign_key="web_user.id", index=True, ondelete="CASCADE")
    file_name: str = Field(max_length=300)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    region: str | None = Field(default=None, max_length=10)
    school_year: str | None = Field(default=None, max_length=9)
    created_at: datetime
    imported_at: datetime | None = None
    result: list[dict[str, object]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class JobState(StrEnum):
    """Where a schedule job stands; the first two are active (one per school at a time)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"queued": "в очереди", "running": "составляется", "done": "составлено", "failed": "не составлено",
                "cancelled": "отменено"}[self.value]

    @property
    def active(self) -> bool:
        return self in (JobState.QUEUED, JobState.RUNNING)


class ScheduleJob(SQLModel, table=True):
    """One request to plan a school's timetable, run in the background and followed by any server process.

    `active_school` holds the school's id while the job is queued or
    running and NULL after, so a unique index allows one active job per
    school (NULLs never collide). `heartbeat_at` is refreshed by the process
    running it; a running job whose heartbeat stopped was cut off with its
    server. `result` is the schedule's summary (`ScheduleResult.to_json`
    without the placements) once done.
    """

    __tablename__ = "web_schedule_job"

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True, ondelete="CASCADE", max_length=64)
    active_school: str | None = Field(default=None, unique=True, max_length=64)
    user_id: int | None = Field(default=None, foreign_key="web_user.id", ondelete="SET NULL")
    state: JobState = enum_field(JobState, 10)
    stage: str = Field(max_length=200)
    time_limit: float
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = None
    cancel_requested: bool = False
    error: str | None = None
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # How far the solve is (`web.jobs.JobProgress.to_json`), refreshed by the process running it.
    progress: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
