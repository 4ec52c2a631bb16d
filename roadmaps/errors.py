"""The error raised when a roadmap document cannot be read."""

from calendars.errors import ProfplanError


class RoadmapError(ProfplanError):
    """A roadmap file that cannot be read: unreadable, unsupported, or without a usable table.

    The message is one Russian line that names the file, so the user knows which
    upload to fix.
    """
