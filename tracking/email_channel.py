"""E-mail as a delivery channel: one SMTP connection per run, multipart Russian text and HTML, attachments.

A server that cannot be reached fails every letter of the run with the same
reason; one that drops the connection fails the rest; a refused recipient
fails only that letter. Each outcome goes back to `tracking.alerts`, which
records it and retries failed letters on the next run.
"""

from __future__ import annotations

import smtplib
from contextlib import suppress
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from types import TracebackType

from tracking.channels import Channel, Letter
from tracking.errors import TrackingError
from tracking.policy import DEFAULT_SMTP, AlertPolicy

SMTP_TIMEOUT_SECONDS = 10


def parse_smtp(address: str) -> tuple[str, int]:
    """"HOST:PORT" (or just HOST, port 25) with a Russian error for anything else."""
    host, separator, port = (address or "").strip().rpartition(":")
    if not separator:
        host, port = port, "25"
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise TrackingError(f"Неверный адрес SMTP-сервера «{address}»: ожидается ХОСТ:ПОРТ, например 127.0.0.1:25.")
    return host, int(port)


class EmailChannel:
    """Letters as e-mail through an SMTP server (no authentication: a relay on the committee's network)."""

    name = "электронная почта"

    def __init__(self, smtp: str = DEFAULT_SMTP, sender: str = AlertPolicy.sender) -> None:
        self.host, self.port = parse_smtp(smtp)
        self.sender = sender
        self._client: smtplib.SMTP | None = None
        self._down: str | None = None

    def __enter__(self) -> Channel:
        try:
            self._client = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
        except (OSError, smtplib.SMTPException) as exc:
            self._down = f"SMTP-сервер {self.host}:{self.port} недоступен: {_reason(exc)}"
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._client is not None:
            with suppress(OSError, smtplib.SMTPException):
                self._client.quit()
        self._client = None

    def send(self, letter: Letter) -> str | None:
        if self._down is not None or self._client is None:
            return self._down or f"SMTP-сервер {self.host}:{self.port}: соединение не открыто"
        try:
            self._client.send_message(self.message(letter))
        except smtplib.SMTPServerDisconnected as exc:
            self._down = f"SMTP-сервер {self.host}:{self.port} разорвал соединение: {_reason(exc)}"
            return self._down
        except smtplib.SMTPException as exc:  # before OSError, its base class
            return f"сервер отклонил письмо: {_reason(exc)}"
        except OSError as exc:
            self._down = f"SMTP-сервер {self.host}:{self.port} разорвал соединение: {_reason(exc)}"
            return self._down
        return None

    def message(self, letter: Letter) -> EmailMessage:
        """A multipart/alternative e-mail (Russian plain text and the same as HTML), attachments after it."""
        message = EmailMessage()
        message["Subject"] = letter.subject
        message["From"] = self.sender
        message["To"] = formataddr((letter.name, letter.address))
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(letter.text)
        message.add_alternative(letter.html, subtype="html")
        for attachment in letter.attachments:
            maintype, _, subtype = attachment.media_type.partition("/")
            message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
        return message


def _reason(exc: BaseException) -> str:
    """A short, human reason from an SMTP or socket exception."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}".strip()
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "адрес получателя отклонён: " + ", ".join(exc.recipients)
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
