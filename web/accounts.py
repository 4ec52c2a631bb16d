"""Accounts of the web workspace: who may log in, with which role and reach, and their password.

Passwords are kept only as Argon2id hashes (argon2-cffi, its RFC 9106
parameters); a hash made with older parameters is replaced at the next
successful login. An unknown login costs as much time as a wrong password,
so the answer does not tell which logins exist. Disabling an account or
changing its password ends every session it has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from calendars.academic import region as find_region
from calendars.errors import ProfplanError
from calendars.suggest import did_you_mean
from scheduler.profile import parse_profile
from scheduler.tables import School
from store.db import transaction
from web.roles import Role, Viewer
from web.tables import User, WebSession

MIN_PASSWORD_LENGTH = 8
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
_HASHER = PasswordHasher()
# Verified against when the login is unknown, so that case takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("profplan: no such account")


class AccountError(ProfplanError):
    """An account that cannot be created or changed as asked; one Russian line naming the field."""


@dataclass(frozen=True)
class Account:
    """An account as `profplan user list` and the pages show it (never its password hash)."""

    id: int
    login: str
    role: Role
    full_name: str | None
    email: str | None
    region: str | None
    school_id: str | None
    staff_name: str | None
    active: bool
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    def of(cls, user: User) -> Account:
        assert user.id is not None
        return cls(user.id, user.login, Role(user.role), user.full_name, user.email, user.region, user.school_id,
                   user.staff_name, user.active, user.created_at, user.last_login_at)

    @property
    def display_name(self) -> str:
        return self.full_name or self.login

    def viewer(self) -> Viewer:
        """The account as the requests of its sessions see it."""
        return Viewer(self.id, self.login, self.role, self.display_name, self.region, self.school_id, self.staff_name)

    @property
    def reach(self) -> str:
        """Russian: what the account may see ("регион RU-LEN", "все регионы", "школа demo-kudrovo")."""
        if self.role is Role.COMMITTEE:
            return f"регион {self.region}" if self.region else "все регионы"
        school = f"школа {self.school_id}"
        return f"{school}, {self.staff_name}" if self.role is Role.STAFF else school

    def to_json(self) -> dict[str, Any]:
        return {
            "login": self.login, "role": self.role.value, "full_name": self.full_name, "email": self.email,
            "region": self.region, "school": self.school_id, "staff": self.staff_name, "active": self.active,
            "created_at": self.created_at.isoformat(),
            "last_login_at": self.last_login_at.isoformat() if self.last_login_at else None,
        }


@dataclass(frozen=True)
class Reach:
    """What an account is bound to, as given on the command line; checked against the store by `add_user`."""

    region: str | None = None
    school_id: str | None = None
    staff_name: str | None = None


def normalise_login(login: str) -> str:
    return (login or "").strip().casefold()


def parse_role(text: str) -> Role:
    try:
        return Role((text or "").strip().casefold())
    except ValueError:
        names = [role.value for role in Role]
        raise AccountError(f"Неизвестная роль «{text}»: допустимы {', '.join(names)}.{did_you_mean(text, names)}") from None


def add_user(engine: Engine, login: str, role: Role, password: str, reach: Reach = Reach(),
             full_name: str | None = None, email: str | None = None) -> Account:
    """Create an account; the login must be new, the reach must fit the role and exist in the store."""
    name = _checked_login(login)
    _check_password(password)
    now = _now()
    with transaction(engine) as session:
        if _find(session, name) is not None:
            raise AccountError(f"Учётная запись «{name}» уже есть (сменить пароль: profplan user password {name}).")
        checked = _checked_reach(session, role, reach)
        user = User(login=name, role=role.value, full_name=_blank_to_none(full_name), email=_checked_email(email),
                    region=checked.region, school_id=checked.school_id, staff_name=checked.staff_name,
                    password_hash=_HASHER.hash(password), created_at=now, password_changed_at=now)
        session.add(user)
        session.flush()
        return Account.of(user)


def ensure_user(engine: Engine, login: str, role: Role, password: str, reach: Reach = Reach(),
                full_name: str | None = None) -> Account:
    """The account with exactly this role, reach and password, created or reset (the demo's login, run twice)."""
    name = _checked_login(login)
    _check_password(password)
    now = _now()
    with transaction(engine) as session:
        checked = _checked_reach(session, role, reach)
        user = _find(session, name)
        if user is None:
            user = User(login=name, role=role.value, password_hash=_HASHER.hash(password), created_at=now,
                        password_changed_at=now)
            session.add(user)
        elif not _verifies(user.password_hash, password):
            user.password_hash, user.password_changed_at = _HASHER.hash(password), now
            _end_sessions(session, user)
        user.role, user.full_name, user.active = role.value, full_name, True
        user.region, user.school_id, user.staff_name = checked.region, checked.school_id, checked.staff_name
        session.flush()
        return Account.of(user)


def list_users(engine: Engine) -> list[Account]:
    with transaction(engine) as session:
        return [Account.of(user) for user in session.exec(select(User).order_by(User.login)).all()]


def disable_user(engine: Engine, login: str) -> Account:
    """Refuse the account's future logins and end its sessions; its history stays."""
    with transaction(engine) as session:
        user = _existing(session, login)
        user.active = False
        _end_sessions(session, user)
        return Account.of(user)


def set_password(engine: Engine, login: str, password: str) -> Account:
    """A new password; every open session of the account ends (a leaked one stops working at once)."""
    _check_password(password)
    with transaction(engine) as session:
        user = _existing(session, login)
        user.password_hash, user.password_changed_at = _HASHER.hash(password), _now()
        _end_sessions(session, user)
        return Account.of(user)


def authenticate(engine: Engine, login: str, password: str) -> Account | None:
    """The active account this login and password open, or None (unknown login, wrong password, disabled)."""
    with transaction(engine) as session:
        user = _find(session, normalise_login(login))
        if user is None:
            _verifies(_DUMMY_HASH, password)
            return None
        if not _verifies(user.password_hash, password) or not user.active:
            return None
        if _HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = _HASHER.hash(password)
        user.last_login_at = _now()
        return Account.of(user)


def account(session: Session, user_id: int) -> Account | None:
    """The active account with this id (what a session belongs to), or None once it was disabled."""
    user = session.get(User, user_id)
    return Account.of(user) if user is not None and user.active else None


def _verifies(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _end_sessions(session: Session, user: User) -> None:
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))  # type: ignore[arg-type]


def _find(session: Session, login: str) -> User | None:
    return session.exec(select(User).where(User.login == login)).first()


def _existing(session: Session, login: str) -> User:
    name = normalise_login(login)
    user = _find(session, name)
    if user is None:
        known = session.exec(select(User.login)).all()
        raise AccountError(f"Учётная запись «{login}» не найдена.{did_you_mean(name, known)}")
    return user


def _checked_login(login: str) -> str:
    name = normalise_login(login)
    if not _LOGIN.match(name):
        raise AccountError(f"Логин «{login}»: от 2 до 64 знаков — латинские буквы, цифры, «.», «_», «-»; "
                           "первый знак — буква или цифра.")
    return name


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Пароль слишком короткий: нужно не меньше {MIN_PASSWORD_LENGTH} знаков.")


def _checked_email(email: str | None) -> str | None:
    value = _blank_to_none(email)
    if value is not None and not _EMAIL.match(value):
        raise AccountError(f"--email: «{value}» не похоже на адрес электронной почты.")
    return value


def _blank_to_none(text: str | None) -> str | None:
    return (text.strip() or None) if text else None


def _checked_reach(session: Session, role: Role, reach: Reach) -> Reach:
    """The reach the role needs: a committee's optional region, a coordinator's school, a staff member's name."""
    region, school_id, staff_name = (_blank_to_none(value) for value in (reach.region, reach.school_id, reach.staff_name))
    if role is Role.COMMITTEE:
        if school_id or staff_name:
            raise AccountError("Роль committee не привязывается к школе: уберите --school и --staff (регион: --region).")
        return Reach(region=find_region(region).code if region else None)
    if region:
        raise AccountError(f"--region задаётся только для роли committee; у роли {role.value} регион — регион школы.")
    if not school_id:
        raise AccountError(f"Для роли {role.value} укажите школу: --school ID.")
    school = session.get(School, school_id)
    if school is None:
        known = session.exec(select(School.id)).all()
        raise AccountError(f"Школа «{school_id}» не найдена (загрузите её: profplan school load).{did_you_mean(school_id, known)}")
    if role is Role.COORDINATOR:
        if staff_name:
            raise AccountError("--staff задаётся только для роли staff.")
        return Reach(school_id=school_id)
    if not staff_name:
        raise AccountError("Для роли staff укажите сотрудника: --staff «ФИО» (как в профиле школы).")
    names = [member.name for member in parse_profile(school.profile, f"школа {school_id}").staff]
    if staff_name not in names:
        raise AccountError(f"В профиле школы «{school_id}» нет сотрудника «{staff_name}».{did_you_mean(staff_name, names)}")
    return Reach(school_id=school_id, staff_name=staff_name)


def _now() -> datetime:
    return datetime.now(UTC)
