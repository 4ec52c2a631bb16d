"""How letters reach people: a small channel interface, so delivery is not the digest's business.

The digest layout (`tracking.digest`) turns what an executor or controller
must hear into a `Letter`; a `Channel` delivers letters one by one and says,
for each, whether it was accepted. E-mail is one channel
(`tracking.email_channel`); a messenger bot would be another class with the
same two methods, and neither the digests nor the alert bookkeeping
(`tracking.alerts`: stages, "sent once", retries) would change.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Protocol


@dataclass(frozen=True)
class Attachment:
    """A file sent with a letter (the full list of an executor's deadlines as XLSX)."""

    filename: str
    content: bytes
    media_type: str  # "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Letter:
    """One message to one person: the plain text is what every channel can carry, HTML where it can."""

    address: str
    name: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()


class Channel(Protocol):
    """Delivers letters; used as a context manager around one run (a connection, a session …)."""

    @property
    def name(self) -> str:
        """Russian name for reports: "электронная почта"."""
        ...

    def __enter__(self) -> Channel: ...

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None: ...

    def send(self, letter: Letter) -> str | None:
        """Deliver one letter: None when the channel accepted it, else the Russian reason it did not."""
        ...
