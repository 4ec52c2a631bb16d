"""The error of a vacation table or КУГ that cannot be imported: one Russian line naming the file and row."""

from calendars.errors import ProfplanError


class CalendarImportError(ProfplanError):
    """A row, a date or a count of an imported calendar document that is wrong; nothing is stored."""
