"""Errors of deadline tracking a committee member can fix; each is one Russian line."""

from calendars.errors import DateInputError, ProfplanError


class TrackingError(ProfplanError):
    """Base of the tracking errors."""


class UnknownItemError(TrackingError):
    """An item, roadmap or occurrence reference that names nothing, or more than one thing."""


class InputDateError(TrackingError, DateInputError):
    """A date in the wrong format, or one that cannot be true (a done date in the future)."""


class StatusChangeError(TrackingError):
    """A status change that makes no sense for the occurrence's current status."""


class ContactsError(TrackingError):
    """A contacts file that cannot be read or holds an invalid entry."""


class AlertDeliveryError(TrackingError):
    """Some alerts could not be sent; they are recorded as failed and retried on the next run."""
