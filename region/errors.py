"""Errors of the regional batch a user can fix, each one Russian line naming what was wrong."""

from calendars.errors import ProfplanError


class RegionError(ProfplanError):
    """A region run that cannot start or go on: no schools selected, no cluster, no workers, a bad folder."""
