"""Web workspace tables: accounts, their sessions, login throttling, the signing secret and pending uploads.

Everything a request needs lives in the database, not in a server's
memory, so any number of server processes behind one PostgreSQL agree on
who is logged in, which address must wait after failed logins, which key
signs the cookies and which uploaded document waits for confirmation.
Session tokens are never stored: only their SHA-256, as with feed tokens.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, LargeBinary
from sqlmodel import Field, SQLModel


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
