"""Errors of the scheduler a user can fix, each one Russian line naming what was wrong."""

from calendars.errors import ProfplanError


class ProfileError(ProfplanError):
    """A school profile file (or stored profile) with bad data: the message names the file and field."""


class NormsError(ProfplanError):
    """A norms data file that cannot be used: the message names the file and field."""


class SchedulingError(ProfplanError):
    """A scheduling request that cannot run: unknown school, no timetable yet, a bad date range."""
