"""Errors of the scheduler a user can fix, each one Russian line naming what was wrong."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from calendars.errors import ProfplanError


@dataclass(frozen=True)
class FieldProblem:
    """One refused field of a profile: the file (or stored school) it is in, the field's path as the file
    names it («classes[3].grade»; "" for the file as a whole) and why, in Russian."""

    source: str
    field: str
    message: str

    def __str__(self) -> str:
        return ": ".join(part for part in (self.source, self.field, self.message) if part)


class ProfileError(ProfplanError):
    """A school profile file (or stored profile) with bad data.

    It carries every refused field (`problems`), so an upload shows each one
    next to its field and `profplan school load` prints them all at once; its
    message is one line per problem, each naming the file and the field.
    """

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __reduce__(self) -> tuple[Any, ...]:  # a child process's error pickles with its problems
        return (type(self), (self.problems,))


class NormsError(ProfplanError):
    """A norms data file that cannot be used: the message names the file and field."""


class SchedulingError(ProfplanError):
    """A scheduling request that cannot run: unknown school, no timetable yet, a bad date range."""
