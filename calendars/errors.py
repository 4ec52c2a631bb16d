"""Errors a user can fix: each carries a one-line Russian message naming what was wrong."""


class ProfplanError(Exception):
    """Base of every error reported to the user as one Russian line (exit code 1)."""


class CalendarError(ProfplanError):
    """A region, school year or calendar data file that cannot be used."""


class DateInputError(ProfplanError):
    """A date typed in the wrong format, or one that cannot be true."""
