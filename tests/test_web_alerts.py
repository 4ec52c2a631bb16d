"""Alert letters link to the reader's list in the workspace, and the link opens exactly that list.

Sent through a real local SMTP server (aiosmtpd, as the alert tests do) and followed on the real app.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from web_helpers import AS_OF, browser, server

from tests.tracking_helpers import smtp_server
from tracking.alerts import send_alerts
from tracking.contacts import load_contacts
from tracking.digest import LINK_LABEL
from tracking.email_channel import EmailChannel
from tracking.overdue import overdue_report

pytest_plugins = ["web_fixtures"]  # the seeded stores

MAIL = "executor@example.org"


def test_a_digest_links_to_the_executors_overdue_list_on_the_workspace(web_engine: Engine, tmp_path: Path) -> None:
    day = date.fromisoformat(AS_OF)
    group = next(group for group in overdue_report(web_engine, as_of=day).executors if group.overdue)
    contacts = tmp_path / "contacts.toml"
    contacts.write_text(f'[[executor]]\nname = "{group.executor}"\nemail = "{MAIL}"\n', encoding="utf-8")
    load_contacts(web_engine, contacts)
    with server(web_engine) as url:
        with smtp_server() as inbox:
            send_alerts(web_engine, EmailChannel(inbox.address), as_of=day, web_url=url + "/")
            [message] = inbox.to(MAIL)
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        found = re.search(rf"{LINK_LABEL}: (\S+)", text)
        assert found and found.group(1).startswith(f"{url}/overdue?executor=")
        link = found.group(1)
        assert f'href="{link}"' in html
        with browser(url, login="komitet") as person:
            target = urlsplit(link)
            page = person.get(f"{target.path}?{target.query}")
    assert page.status_code == 200
    sections = re.findall(r'<section class="card">\s*<h2>(.*?)</h2>', page.text)
    assert sections == [group.executor]  # the reader's own rows, nobody else's
    shown = re.findall(r'class="muted small">(\S+#\d+) · ', page.text)
    [today] = overdue_report(web_engine, executor=group.executor).executors  # the page is of the day it is opened
    assert shown == [row.item for row in (*today.overdue, *today.soon)] and shown


def test_without_a_web_address_a_digest_has_no_link(web_engine: Engine, tmp_path: Path) -> None:
    day = date.fromisoformat(AS_OF)
    group = next(group for group in overdue_report(web_engine, as_of=day).executors if group.overdue)
    contacts = tmp_path / "contacts.toml"
    contacts.write_text(f'[[executor]]\nname = "{group.executor}"\nemail = "{MAIL}"\n', encoding="utf-8")
    load_contacts(web_engine, contacts)
    with smtp_server() as inbox:
        send_alerts(web_engine, EmailChannel(inbox.address), as_of=day)
        [message] = inbox.to(MAIL)
    assert LINK_LABEL not in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
