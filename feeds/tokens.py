"""Feed tokens: secret, derived from a key kept outside the database, stored only as their hash.

A token is the only credential a calendar client can carry, so it is 256
bits, shown once when the subscription is made, and the database holds only
its SHA-256 (what a request is looked up by) and a random salt. The token is
HMAC-SHA256(feed key, salt): whoever holds the key file (the committee's
server, where `feeds export` runs) can name exported files by their token,
so a published folder answers at the very URLs subscribers have, while a
copy of the database alone reveals no working URL. Rotating a subscription
draws a new salt: a new token, the old one gone at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from calendars.errors import ProfplanError

PREFIX_LENGTH = 8
_KEY_BYTES = 32
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")


class FeedKeyError(ProfplanError):
    """The feed key file cannot be read or made."""


def load_key(path: Path) -> bytes:
    """The deployment's feed key, made (readable by its owner only) on first use."""
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return _new_key(path)
    except OSError as exc:
        raise FeedKeyError(f"Не удалось прочитать ключ адресов календарей {path}: {exc.strerror or exc}.") from None
    try:
        key = bytes.fromhex(content.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) < _KEY_BYTES:
        raise FeedKeyError(f"Файл {path} не похож на ключ адресов календарей (ожидается {_KEY_BYTES * 2} шестнадцатеричных "
                           "цифр). Восстановите его из резервной копии: без него файлы календарей не назвать.")
    return key


def _new_key(path: Path) -> bytes:
    key = secrets.token_bytes(_KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return load_key(path)
    except OSError as exc:
        raise FeedKeyError(f"Не удалось создать ключ адресов календарей {path}: {exc.strerror or exc}.") from None
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key


def new_token(key: bytes) -> tuple[str, str]:
    """A fresh salt and the token derived from it. A token never starts with "-": typed after a
    command (`profplan unsubscribe -Tx…`, or its prefix from `subscriptions`) it would be read as an
    option, so a salt that gives one (one in 64) is drawn again."""
    while True:
        salt = secrets.token_hex(16)
        token = derive_token(key, salt)
        if not token.startswith("-"):
            return salt, token


def derive_token(key: bytes, salt: str) -> str:
    """The subscription's token: URL-safe, 43 characters."""
    digest = hmac.new(key, b"profplan-feed\x00" + salt.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_token_shaped(text: str) -> bool:
    """Whether text could be a token at all: anything else is refused before touching the database."""
    return bool(_TOKEN_RE.match(text))
