"""The subscription server: `/feeds/<token>.ics` for calendar clients, as an ASGI app (served by `web.server`).

Answers are built for how calendar clients poll: a strong ETag and
Last-Modified on every feed, 304 with no body to If-None-Match or to an
If-Modified-Since that is truly not older than the feed's last change (a
server that always answers 304 froze Apple subscribers), HEAD like GET
without the body, gzip when the client accepts it (compressed once per feed
version, with its own ETag), and the same bodiless 404 for a malformed,
unknown, revoked or rotated token — and for any near miss of a feed path
(a trailing slash, a missing ".ics"): never a redirect, so a token never
lands in a `Location` built from the client's Host header.

Every request reads, in one statement, the subscription, its stored feed's
validators and its change stamp (`feeds.stamps`); the feed is collected
again only when the stamp moved, so a new timetable, a re-plan or a status
change shows on the next request, in every server process on one
PostgreSQL. Bodies are kept in memory by ETag. Tokens never reach the logs
in full: uvicorn's log records are filtered down to the 8-character prefix.
"""

from __future__ import annotations

import copy
import functools
import hmac
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import uvicorn
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from feeds.cache import RenderedFeed, refresh_feed, stored_feed, utc_now
from feeds.collect import Collector, collect_feed, feed_day
from feeds.lookup import PreparedLookup
from feeds.stamps import input_stamp
from feeds.tables import Subscription
from feeds.tokens import PREFIX_LENGTH, hash_token, is_token_shaped
from store.db import transaction

CONTENT_TYPE = b"text/calendar; charset=utf-8"
GZIP_TAG = "-gzip"
_REFRESH_ATTEMPTS = 3
_TOKEN_IN_PATH = re.compile(rf"(/feeds/[A-Za-z0-9_-]{{{PREFIX_LENGTH}}})[A-Za-z0-9_-]+")

log = logging.getLogger(__name__)


def hide_tokens(text: str) -> str:
    """A path or log line with every feed token cut to its prefix: "/feeds/AbCdEfGh….ics"."""
    return _TOKEN_IN_PATH.sub(r"\1…", text)


class HideTokens(logging.Filter):
    """Rewrites log records (uvicorn's access line carries the path in `args`) so no full token is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = hide_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(hide_tokens(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with `HideTokens` on its handlers and its access logger."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["filters"] = {"hide_tokens": {"()": HideTokens}}
    for handler in config["handlers"].values():
        handler["filters"] = ["hide_tokens"]
    config["loggers"]["uvicorn.access"]["filters"] = ["hide_tokens"]
    return config


@dataclass(frozen=True)
class FeedHead:
    """What a conditional request is answered from: no body needed."""

    subscription_id: int
    etag: str
    last_modified: datetime


@dataclass(frozen=True)
class Found:
    """An active token's subscription as the lookup found it: its current stamp, and its validators if current."""

    subscription_id: int
    stamp: str
    head: FeedHead | None  # None: the stored feed is missing or older than the stamp, refresh first


@dataclass
class FeedService:
    """Answers feed requests; bodies are kept in memory by ETag (up to `memory` bytes, least recently used first out).

    `find` is one indexed lookup that also returns the change stamp — cheap
    enough to run on the event loop, cheaper than a hop to a worker thread,
    which is what makes a 304 cost less than a static file server's. The
    rest blocks for longer and runs in worker threads: `refresh` (collect,
    render) when the stamp moved, `body` when the body is not in memory.
    """

    engine: Engine
    collector: Collector = collect_feed
    memory: int = 64 * 1024 * 1024
    _lookup: PreparedLookup = field(init=False)
    _bodies: OrderedDict[int, RenderedFeed] = field(default_factory=OrderedDict)
    _held: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._lookup = PreparedLookup(self.engine)

    def find(self, token: str, now: datetime) -> Found | None:
        """The active subscription of a token, with its validators when its stored feed is current; None for any
        other token, malformed, unknown, revoked or rotated alike."""
        if not is_token_shaped(token):
            return None
        wanted = hash_token(token)
        row = self._lookup.find(wanted)
        if row is None or not hmac.compare_digest(row.token_hash, wanted):
            return None
        stamp = input_stamp(row, feed_day(now))
        last_modified = row.last_modified_utc
        if row.etag is None or row.input_stamp != stamp or last_modified is None:
            return Found(row.id, stamp, None)
        return Found(row.id, stamp, FeedHead(row.id, row.etag, last_modified))

    def refresh(self, found: Found) -> FeedHead:
        """The feed collected again for the stamp found (rendered and stored if its content changed)."""
        for attempt in range(_REFRESH_ATTEMPTS):
            try:
                with transaction(self.engine) as session:
                    feed = refresh_feed(session, session.get_one(Subscription, found.subscription_id), self.collector,
                                        stamp=found.stamp)
                break
            except OperationalError:
                # Another process held the rows (SQLite lock, PostgreSQL deadlock): its result is as good.
                if attempt == _REFRESH_ATTEMPTS - 1:
                    raise
        self._keep(feed)
        return FeedHead(feed.subscription_id, feed.etag, feed.last_modified)

    def kept(self, head: FeedHead) -> RenderedFeed | None:
        """The body for these validators if it is in memory."""
        with self._lock:
            kept = self._bodies.get(head.subscription_id)
            if kept is not None and kept.etag == head.etag:
                self._bodies.move_to_end(head.subscription_id)
                return kept
        return None

    def body(self, head: FeedHead) -> RenderedFeed:
        """The stored body (possibly newer than these validators), kept in memory from now on."""
        with Session(self.engine) as session:
            feed = stored_feed(session, head.subscription_id)
        assert feed is not None
        self._keep(feed)
        return feed

    def _keep(self, feed: RenderedFeed) -> None:
        with self._lock:
            old = self._bodies.pop(feed.subscription_id, None)
            self._held -= _size(old) if old else 0
            self._bodies[feed.subscription_id] = feed
            self._held += _size(feed)
            while self._held > self.memory and len(self._bodies) > 1:
                _, dropped = self._bodies.popitem(last=False)
                self._held -= _size(dropped)


@dataclass(frozen=True)
class Answer:
    """An HTTP answer as it goes on the wire: status, header pairs (latin-1 bytes) and body."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes = b""

    async def __call__(self, send: Send, method: str) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else self.body})


_NOT_FOUND = Answer(404, [(b"cache-control", b"no-store"), (b"content-length", b"0")])
_STATIC_HEADERS = [(b"vary", b"Accept-Encoding"), (b"cache-control", b"private, no-cache"),
                   (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]


async def answer(service: FeedService, token: str, request_headers: Headers) -> Answer:
    """The answer to GET or HEAD of one token's feed (HEAD sends the same headers and no body)."""
    now = utc_now()
    found = service.find(token, now)
    if found is None:
        return _NOT_FOUND
    head = found.head if found.head is not None else await run_in_threadpool(service.refresh, found)
    gzipped = accepts_gzip(request_headers)
    if _not_modified(request_headers, head, now):
        return Answer(304, _validators(head, gzipped))
    kept = service.kept(head)
    feed = kept if kept is not None else await run_in_threadpool(service.body, head)
    body = feed.body_gzip if gzipped else feed.body
    headers = _validators(FeedHead(feed.subscription_id, feed.etag, feed.last_modified), gzipped)
    headers += [(b"content-type", CONTENT_TYPE), (b"content-length", str(len(body)).encode())]
    if gzipped:
        headers.append((b"content-encoding", b"gzip"))
    return Answer(200, headers, body)


def _size(feed: RenderedFeed) -> int:
    return len(feed.body) + len(feed.body_gzip)


def accepts_gzip(headers: Headers) -> bool:
    """Whether Accept-Encoding allows gzip (RFC 9110 §12.5.3: "gzip;q=0" refuses it, "*" allows it)."""
    allowed: dict[str, float] = {}
    for part in headers.get("accept-encoding", "").split(","):
        coding, _, parameters = part.strip().partition(";")
        quality = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        if coding.strip():
            allowed[coding.strip().lower()] = quality
    return allowed.get("gzip", allowed.get("*", 0.0)) > 0


def _validators(head: FeedHead, gzipped: bool) -> list[tuple[bytes, bytes]]:
    """ETag (of the representation sent: the gzipped one has its own), Last-Modified and the caching rules."""
    return [(b"etag", f'"{head.etag}{GZIP_TAG if gzipped else ""}"'.encode()),
            (b"last-modified", _http_date(head.last_modified)), *_STATIC_HEADERS]


@functools.lru_cache(maxsize=4096)
def _http_date(moment: datetime) -> bytes:
    return format_datetime(moment, usegmt=True).encode()


def _not_modified(headers: Headers, feed: FeedHead, now: datetime) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; else If-Modified-Since, if a valid past date."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip() for tag in if_none_match.split(",")]
        current = {f'"{feed.etag}"', f'"{feed.etag}{GZIP_TAG}"'}
        return "*" in tags or any(tag.removeprefix("W/") in current for tag in tags)
    if_modified_since = headers.get("if-modified-since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None or since > now:
        # Not an HTTP-date, or in the future (a wrong client clock): it proves nothing about our feed.
        return False
    return feed.last_modified <= since


@dataclass(frozen=True)
class FeedEndpoint:
    """The ASGI endpoint of /feeds/{name}: a plain ASGI callable, so a request costs no Request object and no
    per-request wrappers; anything but <token>.ics gets the bodiless 404."""

    service: FeedService

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name: str = scope["path_params"]["name"]
        if "/" in name or not name.endswith(".ics"):
            reply = _NOT_FOUND
        else:
            reply = await answer(self.service, name.removesuffix(".ics"), Headers(scope=scope))
        await reply(send, scope["method"])


def create_app(engine: Engine, *, collector: Collector = collect_feed) -> Starlette:
    """The ASGI app over one store; `collector` is replaceable so tests can serve hand-built content.

    One route takes every path under /feeds/ and answers anything but
    /feeds/<token>.ics with the same 404, and the router never redirects
    (no trailing-slash fix-ups that would echo the path into a Location).
    """
    endpoint = FeedEndpoint(FeedService(engine, collector))
    app = Starlette(routes=[Route("/feeds/{name:path}", endpoint, methods=["GET", "HEAD"])])
    app.router.redirect_slashes = False
    return app

