"""The key that signs cookies and form tokens, and the signatures made with it.

An operator may set `PROFPLAN_SECRET_KEY` (store.settings); when it is not
set, a random key is generated once and kept in the database, so every
server process (and every restart) signs with the same key and nobody has to
invent one to try the workspace. Two processes starting at once race to
store theirs; the loser reads the winner's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from store.db import transaction
from store.settings import Settings
from web.tables import WebSecret

_STORED_KEY = "session-signing-key"


def secret_key(engine: Engine, settings: Settings) -> str:
    """The configured key, else the one kept in the database (generated on first use)."""
    if settings.secret_key:
        return settings.secret_key
    for _ in range(2):
        with transaction(engine) as session:
            stored = session.get(WebSecret, _STORED_KEY)
            if stored is not None:
                return stored.value
        try:
            with transaction(engine) as session:
                session.add(WebSecret(name=_STORED_KEY, value=secrets.token_urlsafe(48), created_at=datetime.now(UTC)))
        except IntegrityError:
            continue  # another process stored its key first: read that one
    with transaction(engine) as session:
        return session.get_one(WebSecret, _STORED_KEY).value


class Signer:
    """HMAC-SHA256 signatures of short strings under the secret key, each for one purpose."""

    def __init__(self, key: str) -> None:
        self._key = key.encode("utf-8")

    def mac(self, purpose: str, value: str) -> str:
        digest = hmac.new(self._key, f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def sign(self, purpose: str, value: str) -> str:
        """`value.signature`: what a cookie carries."""
        return f"{value}.{self.mac(purpose, value)}"

    def unsign(self, purpose: str, signed: str | None) -> str | None:
        """The value of a signed string, or None when it was not signed by this key for this purpose."""
        value, _, signature = (signed or "").rpartition(".")
        if not value or not hmac.compare_digest(signature, self.mac(purpose, value)):
            return None
        return value

    def matches(self, purpose: str, value: str, signature: str | None) -> bool:
        return hmac.compare_digest(self.mac(purpose, value), signature or "")
