"""Who may see what: the three roles and the one place their reach is decided.

Every handler asks the `Viewer` of its request before it reads anything,
so a rule is enforced on the server for every request, whatever a page
links to: a committee member sees the roadmaps of their region (all
regions when their account names none), a coordinator their own school, a
staff member their own page. Something of another region or school is
refused (403); something that does not exist is not found (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    COMMITTEE = "committee"
    COORDINATOR = "coordinator"
    STAFF = "staff"

    @property
    def label(self) -> str:
        """The Russian name of the role, as pages and `user list` show it."""
        return ROLE_LABELS[self]

    def home(self, school_id: str | None) -> str:
        """Where a person of this role lands after logging in (their school's page for a coordinator)."""
        return ROLE_HOMES[self].format(school=school_id or "")


ROLE_LABELS = {Role.COMMITTEE: "комитет", Role.COORDINATOR: "координатор школы", Role.STAFF: "сотрудник школы"}
ROLE_HOMES = {Role.COMMITTEE: "/", Role.COORDINATOR: "/schools/{school}", Role.STAFF: "/me"}


class AccessDenied(Exception):
    """The viewer's role or reach does not cover what was asked (answered 403 with a Russian page)."""


class NotFound(Exception):
    """Nothing of that name exists (answered 404 with a Russian page)."""


@dataclass(frozen=True)
class Viewer:
    """The logged-in person of one request and the reach of their role."""

    user_id: int
    login: str
    role: Role
    name: str
    region: str | None = None
    school_id: str | None = None
    staff_name: str | None = None

    @property
    def home(self) -> str:
        return self.role.home(self.school_id)

    def require(self, *roles: Role) -> None:
        """Refuse the request unless the viewer holds one of the roles."""
        if self.role not in roles:
            raise AccessDenied(f"Эта страница недоступна для роли «{self.role.label}».")

    def sees_region(self, region: str | None) -> bool:
        """A committee member's reach: their own region, or every region when their account names none."""
        return self.role is Role.COMMITTEE and (self.region is None or self.region == region)

    def check_region(self, region: str | None, what: str) -> None:
        if not self.sees_region(region):
            raise AccessDenied(f"{what} относится к другому региону ({region or 'регион не указан'}).")

    def check_school(self, school_id: str, school_region: str) -> None:
        """A school's pages: its own coordinator and staff, and the committee of its region."""
        if self.role is Role.COMMITTEE:
            self.check_region(school_region, f"Школа «{school_id}»")
        elif self.school_id != school_id:
            raise AccessDenied(f"Страницы школы «{school_id}» доступны только её сотрудникам.")
