"""The subscription server on real uvicorn: 200, 304, 404, HEAD, ETag after a re-plan, tokens, logs."""

from __future__ import annotations

import gzip
from dataclasses import replace
from datetime import date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import httpx
import icalendar
import pytest
from feeds_helpers import FEED_KEY, FakeCollector, running_server, sample_content
from sqlalchemy import text
from sqlalchemy.engine import Engine
from tracking_helpers import LEN_KEY, seed_len

from feeds.model import FeedOptions
from feeds.render import render_calendar
from feeds.server import create_app, hide_tokens
from feeds.subscriptions import (
    SubscriptionError,
    create_subscription,
    list_subscriptions,
    revoke_subscription,
    rotate_subscription,
)
from feeds.tables import FeedCache
from roadmaps.executors import executor_key
from roadmaps.tables import Executor
from store.db import open_store, transaction
from tracking.status import mark_done, reopen

EXECUTOR = "Комитет общего и профессионального образования Ленинградской области"


@pytest.fixture
def engine(db_url: str) -> Engine:
    engine = open_store(db_url)
    with transaction(engine) as session:
        session.add(Executor(key=executor_key(EXECUTOR), name=EXECUTOR))
    return engine


def subscribe(engine: Engine, collector: FakeCollector, **options: object) -> tuple[str, int]:
    """A subscription whose feed is the sample content; returns its feed path and id."""
    created = create_subscription(engine, "executor", "комитет общего", key=FEED_KEY, base="https://feeds.example.ru/",
                                  options=FeedOptions(**options))  # type: ignore[arg-type]
    collector.contents[created.info.id] = sample_content()
    return created.url.removeprefix("https://feeds.example.ru"), created.info.id


def test_tokens_are_long_random_stored_only_hashed_and_listed_by_prefix(engine: Engine) -> None:
    first = create_subscription(engine, "executor", EXECUTOR, key=FEED_KEY, base="https://feeds.example.ru")
    second = create_subscription(engine, "executor", EXECUTOR, key=FEED_KEY, base="https://feeds.example.ru")
    assert len(first.token) >= 43 and first.token != second.token  # 256 bits, URL-safe base64
    assert first.url == f"https://feeds.example.ru/feeds/{first.token}.ics"
    assert first.webcal_url == f"webcal://feeds.example.ru/feeds/{first.token}.ics"
    with engine.connect() as connection:
        dump = repr(connection.execute(text("SELECT * FROM feed_subscription")).all())
    assert first.token not in dump and first.token[:8] in dump
    listed = list_subscriptions(engine)
    assert [row.prefix for row in listed] == [first.token[:8], second.token[:8]]
    assert listed[0].label == EXECUTOR and listed[0].to_json()["kind_name"] == "исполнитель"
    assert "token" not in listed[0].to_json() and first.to_json()["token"] == first.token
    with pytest.raises(SubscriptionError, match="http"):
        create_subscription(engine, "executor", EXECUTOR, key=FEED_KEY, base="ftp://x")


def test_get_head_304_and_404(engine: Engine) -> None:
    collector = FakeCollector()
    path, _ = subscribe(engine, collector)
    with running_server(create_app(engine, collector=collector)) as base, \
            httpx.Client(base_url=base, headers={"accept-encoding": "identity"}) as client:
        got = client.get(path)
        assert got.status_code == 200
        assert got.headers["content-type"] == "text/calendar; charset=utf-8"
        etag, last_modified = got.headers["etag"], got.headers["last-modified"]
        assert etag.startswith('"') and not etag.startswith("W/")
        assert icalendar.Calendar.from_ical(got.content).walk("VEVENT")

        head = client.head(path)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-length"] == str(len(got.content))
        assert (head.headers["etag"], head.headers["last-modified"]) == (etag, last_modified)

        for conditional in ({"if-none-match": etag}, {"if-none-match": f'"other", W/{etag}'},
                            {"if-modified-since": last_modified}):
            answer = client.get(path, headers=conditional)
            assert answer.status_code == 304 and answer.content == b"", conditional
            assert answer.headers["etag"] == etag
        assert client.head(path, headers={"if-none-match": etag}).status_code == 304

        earlier = format_datetime(parsedate_to_datetime(last_modified) - timedelta(seconds=1), usegmt=True)
        future = format_datetime(datetime.now().astimezone() + timedelta(days=365), usegmt=True)
        for conditional in ({"if-none-match": '"stale"'}, {"if-modified-since": earlier},
                            {"if-modified-since": future}, {"if-modified-since": "yesterday"},
                            {"if-none-match": '"stale"', "if-modified-since": last_modified}):
            assert client.get(path, headers=conditional).status_code == 200, conditional

        revoke_subscription(engine, f"webcal://feeds.example.ru{path}")
        missing = [client.get(path), client.get("/feeds/" + "A" * 43 + ".ics"), client.get("/feeds/x.ics"),
                   client.get(path.removesuffix(".ics")), client.head(path)]
        assert {(r.status_code, r.content, r.headers.get("etag")) for r in missing} == {(404, b"", None)}


def test_near_misses_of_a_feed_path_never_echo_the_token_into_a_location(engine: Engine) -> None:
    collector = FakeCollector()
    path, _ = subscribe(engine, collector)
    token = path.removeprefix("/feeds/").removesuffix(".ics")
    with running_server(create_app(engine, collector=collector)) as base, \
            httpx.Client(base_url=base, follow_redirects=False, headers={"host": "evil.example"}) as client:
        assert client.get(path).status_code == 200
        for near in (path + "/", path.removesuffix(".ics") + "/", path + "/x", f"/feeds/{token}.ICS", "/feeds/",
                     f"/feeds//{token}.ics", f"/feeds/{token}.ics%2F", "/feeds"):
            answer = client.get(near)
            assert answer.status_code == 404 and "location" not in answer.headers, near
            assert token not in answer.text and token not in str(answer.headers), near


def test_gzip_is_sent_when_accepted_compressed_once_per_version_and_has_its_own_etag(engine: Engine) -> None:
    collector = FakeCollector()
    path, subscription_id = subscribe(engine, collector)
    with running_server(create_app(engine, collector=collector)) as base, httpx.Client(base_url=base) as client:
        plain = client.get(path, headers={"accept-encoding": "identity"})
        zipped = client.get(path, headers={"accept-encoding": "gzip, deflate"})
        refused = client.get(path, headers={"accept-encoding": "gzip;q=0, identity"})
        assert "content-encoding" not in plain.headers and "content-encoding" not in refused.headers
        assert zipped.headers["content-encoding"] == "gzip" and zipped.headers["vary"] == "Accept-Encoding"
        assert zipped.content == plain.content  # httpx decoded the gzip body: the same calendar
        assert int(zipped.headers["content-length"]) < len(plain.content) / 3
        assert zipped.headers["etag"] == plain.headers["etag"][:-1] + '-gzip"'
        for tag in (plain.headers["etag"], zipped.headers["etag"]):
            assert client.get(path, headers={"accept-encoding": "gzip", "if-none-match": tag}).status_code == 304
    with transaction(engine) as session:
        stored = session.get_one(FeedCache, subscription_id)
        assert gzip.decompress(stored.body_gzip) == stored.body == plain.content


def test_rotation_gives_a_new_url_and_the_old_one_answers_404_at_once(engine: Engine) -> None:
    collector = FakeCollector()
    path, subscription_id = subscribe(engine, collector)
    with running_server(create_app(engine, collector=collector)) as base, httpx.Client(base_url=base) as client:
        before = client.get(path)
        rotated = rotate_subscription(engine, path.removeprefix("/feeds/").removesuffix(".ics"), key=FEED_KEY,
                                      base="https://feeds.example.ru")
        new_path = rotated.url.removeprefix("https://feeds.example.ru")
        assert new_path != path and rotated.info.id == subscription_id and rotated.info.kind == "executor"
        assert client.get(path).status_code == 404
        after = client.get(new_path)
        assert after.status_code == 200 and after.content == before.content  # the same feed at a new address
    with pytest.raises(SubscriptionError, match="не найдена"):
        rotate_subscription(engine, path.removeprefix("/feeds/").removesuffix(".ics"), key=FEED_KEY)
    revoke_subscription(engine, rotated.token)
    with pytest.raises(SubscriptionError, match="отозвана"):
        rotate_subscription(engine, rotated.token, key=FEED_KEY)


def test_etag_changes_only_when_the_content_changes_and_sequence_rises(engine: Engine) -> None:
    seed_len(engine)
    collector = FakeCollector()
    path, subscription_id = subscribe(engine, collector)
    with running_server(create_app(engine, collector=collector)) as base, httpx.Client(base_url=base) as client:
        first = client.get(path)
        again = client.get(path, headers={"if-none-match": first.headers["etag"]})
        assert again.status_code == 304 and collector.calls == 1  # the change stamp held: nothing collected again
        mark_done(engine, f"{LEN_KEY}:1", on=date(2023, 10, 20))  # moves the stamp, but shows nothing new here
        unchanged = client.get(path, headers={"if-none-match": first.headers["etag"]})
        assert unchanged.status_code == 304 and collector.calls == 2

        content = collector.contents[subscription_id]
        moved = replace(content.events[0], start=content.events[0].start + timedelta(days=1),
                        end=content.events[0].end + timedelta(days=1))
        collector.contents[subscription_id] = replace(content, events=(moved, *content.events[1:]))
        reopen(engine, f"{LEN_KEY}:1")  # the next change the store sees
        changed = client.get(path, headers={"if-none-match": first.headers["etag"],
                                              "if-modified-since": first.headers["last-modified"]})
        assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]
        assert parsedate_to_datetime(changed.headers["last-modified"]) > parsedate_to_datetime(first.headers["last-modified"])
        assert client.get(path, headers={"if-modified-since": first.headers["last-modified"]}).status_code == 200

    def sequences(body: bytes) -> dict[str, int]:
        return {str(e["UID"]): int(e["SEQUENCE"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}

    before, after = sequences(first.content), sequences(changed.content)
    assert after == {**before, "p-trial": before["p-trial"] + 1}


def test_processes_sharing_one_database_serve_the_same_bytes(engine: Engine) -> None:
    """Two apps (as two server processes) over one store: the second serves what the first stored."""
    collector = FakeCollector()
    path, subscription_id = subscribe(engine, collector, deadlines_as="both")
    with running_server(create_app(engine, collector=collector)) as one, \
            running_server(create_app(engine, collector=collector)) as two:
        first, second = httpx.get(one + path), httpx.get(two + path)
    assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
    assert first.headers["last-modified"] == second.headers["last-modified"]
    stamped = icalendar.Calendar.from_ical(first.content)
    assert len(stamped.walk("VTODO")) == len(sample_content().deadlines)
    assert render_calendar(sample_content(), FeedOptions()) != first.content  # stamped revisions, not the raw ones


def test_access_log_never_prints_a_full_token(engine: Engine, capfd: pytest.CaptureFixture[str]) -> None:
    collector = FakeCollector()
    path, _ = subscribe(engine, collector)
    token = path.removeprefix("/feeds/").removesuffix(".ics")
    with running_server(create_app(engine, collector=collector)) as base:
        assert httpx.get(base + path).status_code == 200
        assert httpx.get(base + path + "?x=1").status_code == 200
    output = capfd.readouterr()
    logged = output.out + output.err
    assert f"/feeds/{token[:8]}…" in logged and token not in logged
    assert hide_tokens(f"GET /feeds/{token}.ics") == f"GET /feeds/{token[:8]}….ics"


def test_unsubscribe_by_prefix_and_errors(engine: Engine) -> None:
    created = create_subscription(engine, "executor", EXECUTOR, key=FEED_KEY)
    assert created.url.startswith("http://127.0.0.1:8080/feeds/")
    revoked = revoke_subscription(engine, created.token[:8])
    assert revoked.revoked_at is not None
    assert revoke_subscription(engine, created.token).revoked_at == revoked.revoked_at
    assert list_subscriptions(engine, include_revoked=False) == []
    with pytest.raises(SubscriptionError, match="не найдена"):
        revoke_subscription(engine, "B" * 43)
    with pytest.raises(SubscriptionError, match="вид подписки"):
        create_subscription(engine, "region", "RU-LEN", key=FEED_KEY)

