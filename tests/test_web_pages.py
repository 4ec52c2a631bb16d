"""The committee's pages over HTTP: each shows what the library (and the CLI) computes, and its forms change it."""

from __future__ import annotations

import csv
import html
import io
import re
import socket
import threading
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from web_helpers import AS_OF, KGD_KEY, KGD_SEED, LEN_KEY, LEN_SEED, browser, error_text, server

from roadmaps.tables import Item, Roadmap
from store.db import transaction
from tracking.overdue import MIN_ROWS_PER_EXECUTOR, overdue_report
from tracking.status import mark_done, occurrence_history
from tracking.summary import summary
from tracking.tables import DeadlineOccurrence, OccurrenceEvent
from web.catalog import occurrence_selector, report_date
from web.chart import bar_chart
from web.http import MAX_REQUEST_BYTES
from web.imports import MAX_UPLOAD_BYTES
from web.reports import Bar, OverdueQuery, dashboard, overdue_page
from web.roles import Role, Viewer

pytest_plugins = ["web_fixtures"]  # the seeded stores


EVERYONE = Viewer(0, "komitet", Role.COMMITTEE, "Комитет")
DAY = date.fromisoformat(AS_OF)


def numbers(html: str, label: str) -> list[int]:
    """The numbers of the dashboard cells labelled `label`, in row order."""
    return [int(value) for value in re.findall(rf'data-label="{label}">(?:<a [^>]*>)?(\d+)', html)]


def test_the_dashboard_shows_the_summary_counts_of_each_roadmap(web_store: Engine) -> None:
    library = {row.key: row.counts for row in summary(web_store, as_of=DAY).roadmaps}
    with server(web_store) as url, browser(url, login="komitet") as person:
        page = person.get(f"/?as_of={AS_OF}").text
    rows = re.findall(r'<tr>\s*<td class="wide" data-label="Дорожная карта">.*?</tr>', page, re.S)
    assert len(rows) == 2
    for row in rows:
        key = LEN_KEY if LEN_KEY in row else KGD_KEY
        counts = library[key]
        assert numbers(row, "Просрочено") == [counts.overdue] and numbers(row, "Скоро срок") == [counts.due_soon]
        assert numbers(row, "Без срока") == [counts.no_fixed_date]
        assert f"{counts.done} из {counts.total}" in row and "15.02.2024" in row
    assert library[LEN_KEY].overdue > 0 and "<svg class=\"chart\"" in page


def test_without_a_date_each_roadmap_is_counted_inside_its_period(web_engine: Engine) -> None:
    report = dashboard(web_engine, EVERYONE, None)
    with transaction(web_engine) as session:
        roadmaps = {r.key: r for r in session.exec(select(Roadmap))}
    for row in report.rows:
        expected = report_date(roadmaps[row.key], None)
        assert row.as_of == expected
        assert row.counts == next(r.counts for r in summary(web_engine, as_of=expected).roadmaps if r.key == row.key)
    # the seeds' periods ended long before the tests run: each shows its last day, not years of "overdue"
    assert {row.key: row.as_of for row in report.rows}[LEN_KEY] == date(2024, 8, 31)
    per_executor: dict[str, int] = {}
    for row in report.rows:  # the chart adds up each roadmap's overdue on that roadmap's own date
        for due in overdue_report(web_engine, as_of=row.as_of, roadmap=row.key, soon=0).rows():
            if due.is_overdue:
                name = due.executor or "Исполнитель не указан"
                per_executor[name] = per_executor.get(name, 0) + 1
    expected = sorted(per_executor.items(), key=lambda pair: (-pair[1], pair[0]))
    assert [(bar.executor, bar.overdue) for bar in report.bars] == expected[:len(report.bars)]


def test_the_chart_bars_are_overdue_occurrences_per_executor(web_engine: Engine) -> None:
    report = dashboard(web_engine, EVERYONE, DAY)
    rows = overdue_report(web_engine, as_of=DAY, soon=0).rows()
    per_executor: dict[str, set[int]] = {}
    for row in rows:
        if row.is_overdue:
            per_executor.setdefault(row.executor or "Исполнитель не указан", set()).add(row.occurrence_id)
    expected = sorted(((len(ids), name) for name, ids in per_executor.items()), key=lambda pair: (-pair[0], pair[1]))
    assert [(bar.overdue, bar.executor) for bar in report.bars] == expected[:len(report.bars)]
    # the summary's counts (one date, every roadmap) = the overdue report's
    counted = sorted(((row.counts.overdue, row.name) for row in summary(web_engine, as_of=DAY).executors
                      if row.counts.overdue), key=lambda pair: (-pair[0], pair[1]))
    assert [(bar.overdue, bar.executor) for bar in report.bars] == counted[:len(report.bars)]
    chart = bar_chart([Bar("Очень длинное название исполнителя " * 5, 10), Bar("Короткое", 1)])
    assert chart.bars[0].width == 85.0 and chart.bars[1].width == 8.5
    assert len(chart.bars[0].short_label) <= 40 and chart.bars[0].short_label.endswith("…")


def test_the_overdue_page_lists_the_library_rows_by_executor_with_the_controller(web_store: Engine) -> None:
    library = overdue_report(web_store, as_of=DAY)
    with server(web_store) as url, browser(url, login="komitet") as person:
        page = person.get(f"/overdue?as_of={AS_OF}").text
    sections = re.findall(r'<section class="card">\s*<h2>(.*?)</h2>(.*?)</section>', page, re.S)
    assert [name for name, _ in sections] == [group.executor for group in library.executors]
    for (name, body), group in zip(sections, library.executors, strict=True):
        shown = re.findall(r"class=\"muted small\">(\S+#\d+) · ", body)
        assert shown == [row.item for row in (*group.overdue, *group.soon)][:len(shown)], name
    assert "первого заместителя председателя комитета" in page
    distinct = {row.occurrence_id for row in library.rows() if row.is_overdue}
    assert f"просрочено — <strong>{len(distinct)}</strong>" in page


def test_downloads_hold_exactly_the_rows_of_the_query(web_engine: Engine) -> None:
    query = f"as_of={AS_OF}&roadmap={LEN_KEY}&executor=лоиро&soon=30"
    library = overdue_report(web_engine, as_of=DAY, roadmap=LEN_KEY, executor="лоиро", soon=30)
    expected = [(row.item, row.executor, row.due) for row in library.rows()]
    assert expected
    with server(web_engine) as url, browser(url, login="komitet") as person:
        page = person.get(f"/overdue?{query}").text
        links = {suffix: html.unescape(href) for href, suffix in re.findall(r'href="(/overdue\.(xlsx|csv)\?[^"]+)"', page)}
        workbook = person.get(links["xlsx"])
        spreadsheet = person.get(links["csv"])
    shown = re.findall(r'class="muted small">(\S+#\d+) · ', page)
    assert sorted(shown) == sorted(item for item, _, _ in expected)
    assert workbook.headers["content-disposition"] == f'attachment; filename="overdue-{AS_OF}.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    sheet_rows = [row for sheet in book.worksheets for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [(row[2], row[1], row[9].date()) for row in sheet_rows] == expected
    text = spreadsheet.content.decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [(row[2], row[1], date.fromisoformat(row[9])) for row in parsed[1:]] == expected


@pytest.mark.parametrize(("query", "message"), [
    ("executor=ЛОИРА", "Исполнитель «ЛОИРА» не найден в загруженных дорожных картах. Возможно, имелось в виду:"),
    ("as_of=31.02.2024", "Дата отчёта: «31.02.2024» — такой даты нет."),
    ("soon=-3", "«Скоро срок»: «-3» — нужно целое число дней"),
    ("roadmap=2448-р", "Дорожная карта «2448-р» не найдена."),
])
def test_a_filter_that_matches_nothing_is_an_error_not_an_all_clear(web_engine: Engine, query: str,
                                                                     message: str) -> None:
    with server(web_engine) as url, browser(url, login="komitet") as person:
        page = person.get(f"/overdue?{query}")
    assert page.status_code in (400, 404) and message in (error_text(page) or page.text)
    assert "Просроченных сроков" not in page.text


def test_each_executor_shows_its_most_urgent_rows_and_links_to_the_rest(web_engine: Engine) -> None:
    whole = overdue_page(web_engine, EVERYONE, OverdueQuery(as_of=DAY), budget=None)
    assert overdue_page(web_engine, EVERYONE, OverdueQuery(as_of=DAY)) == whole  # the seeds' rows fit the page
    bounded = overdue_page(web_engine, EVERYONE, OverdueQuery(as_of=DAY), budget=20)
    assert [s.executor for s in bounded.sections] == [s.executor for s in whole.sections]
    for short, full in zip(bounded.sections, whole.sections, strict=True):
        assert (short.overdue, short.soon) == (full.overdue, full.soon)
        assert short.rows == full.rows[:MIN_ROWS_PER_EXECUTOR] and short.hidden == full.total - len(short.rows)
    assert (bounded.overdue, bounded.soon) == (whole.overdue, whole.soon) and not bounded.complete
    one = overdue_page(web_engine, EVERYONE, OverdueQuery(as_of=DAY, executor=whole.sections[0].executor), budget=20)
    assert one.sections[0].rows == whole.sections[0].rows  # asked for by name: every row


def test_import_preview_confirm_result_and_a_second_confirmation_changes_nothing(web_engine: Engine) -> None:
    with transaction(web_engine) as session:
        session.delete(session.exec(select(Roadmap).where(Roadmap.key == LEN_KEY)).one())
    with server(web_engine) as url, browser(url, login="komitet") as person:
        token = person.csrf("/roadmaps/import")
        uploaded = person.client.post("/roadmaps/import", data={"csrf_token": token, "region": "", "year": ""},
                                      files={"document": (LEN_SEED.name, LEN_SEED.read_bytes(), "text/plain")})
        assert uploaded.status_code == 200 and re.search(r"/roadmaps/import/[\w-]+$", str(uploaded.url))
        preview = uploaded.text
        assert f"Ключ в базе: <strong>{LEN_KEY}</strong>" in preview and "новая дорожная карта" in preview
        assert preview.count('data-label="Строка"') == 44
        assert "еженедельно по четвергам" in preview.lower() and "Еженедельно по четвергам:" in preview
        assert "Номер пункта 31 повторяется" in preview  # the document's warnings, as `profplan import --preview` prints them
        with transaction(web_engine) as session:
            assert session.exec(select(Roadmap).where(Roadmap.key == LEN_KEY)).first() is None  # nothing stored yet

        confirmed = person.post(str(uploaded.url.path), {"track_from": "01.09.2023"})
        assert confirmed.status_code == 200 and "добавлено: 44" in confirmed.text and "Загружено: «" in confirmed.text
        again = person.post(str(uploaded.url.path), {})
        assert "добавлено: 44" in again.text  # the same result, not a second import

        token = person.csrf("/roadmaps/import")
        second = person.client.post("/roadmaps/import", data={"csrf_token": token},
                                    files={"document": (LEN_SEED.name, LEN_SEED.read_bytes(), "text/plain")})
        assert "такая карта уже загружена" in second.text
        unchanged = person.post(str(second.url.path), {})
        assert "не изменился: ничего не поменялось" in unchanged.text
        items = person.get(f"/roadmaps/{LEN_KEY}").text
        assert items.count('<tr id="item-') == 44 and "Неделя без турникетов" in items
    with transaction(web_engine) as session:
        stored = session.exec(select(Roadmap).where(Roadmap.key == LEN_KEY)).one()
        occurrences = session.exec(select(func.count()).select_from(DeadlineOccurrence).join(Item)
                                   .where(Item.roadmap_id == stored.id)).one()
    assert occurrences > 44  # the importer's transaction synchronised the deadlines too


def test_a_bad_upload_is_refused_with_a_russian_line_and_nothing_stored(web_engine: Engine) -> None:
    with server(web_engine) as url, browser(url, login="len") as person:
        token = person.csrf("/roadmaps/import")
        wrong = person.client.post("/roadmaps/import", data={"csrf_token": token},
                                   files={"document": ("plan.doc", b"binary", "application/msword")})
        assert wrong.status_code == 422 and "не документ Word 97–2003 (.doc)" in error_text(wrong)
        token = person.csrf("/roadmaps/import")
        other = person.client.post("/roadmaps/import", data={"csrf_token": token},
                                   files={"document": (KGD_SEED.name, KGD_SEED.read_bytes(), "text/plain")})
        assert other.status_code == 403 and "относится к региону RU-KGD" in error_text(other)
        token = person.csrf("/roadmaps/import")
        empty = person.client.post("/roadmaps/import", data={"csrf_token": token, "year": "2023-2025"},
                                   files={"document": (LEN_SEED.name, LEN_SEED.read_bytes(), "text/plain")})
        assert empty.status_code == 422 and "второй год должен следовать за первым" in error_text(empty)


def first_overdue(web_engine: Engine, key: str = LEN_KEY) -> tuple[int, int]:
    """(item id, occurrence id) of the most overdue open deadline of the roadmap today."""
    row = overdue_report(web_engine, roadmap=key).rows()[0]
    with transaction(web_engine) as session:
        occurrence = session.get_one(DeadlineOccurrence, row.occurrence_id)
        return occurrence.item_id, row.occurrence_id


def test_marking_done_reopening_and_cancelling_through_the_item_page(web_store: Engine) -> None:
    item, occurrence = first_overdue(web_store)
    with server(web_store) as url, browser(url, login="komitet") as person:
        page = f"/items/{item}"
        done = person.post(f"{page}/done", {"occurrence": str(occurrence), "on": "2024-01-10", "by": "Петрова Е. В.",
                                            "evidence": "https://example.org/otchet"}, token_from=page)
        assert done.status_code == 200 and done.url.path == page and "открыт → выполнен" in done.text
        assert 'href="https://example.org/otchet"' in done.text and "кто: Петрова Е. В." in done.text
        reopened = person.post(f"{page}/reopen", {"occurrence": str(occurrence), "why": "Отчёт неполный"}, token_from=page)
        assert "выполнен → открыт" in reopened.text and "причина: Отчёт неполный" in reopened.text
        no_reason = person.post(f"{page}/cancel", {"occurrence": str(occurrence), "why": ""}, token_from=page)
        assert no_reason.status_code == 422 and "Укажите причину отмены" in error_text(no_reason)
        future = person.post(f"{page}/done", {"occurrence": str(occurrence), "on": "2999-01-01", "by": "Кто-то",
                                              "evidence": "сохранится"}, token_from=page)
        assert future.status_code == 422 and "ещё не наступила" in error_text(future)
        assert 'value="сохранится"' in future.text  # the typed values are kept
        cancelled = person.post(f"{page}/cancel", {"occurrence": str(occurrence), "why": "Мероприятие отменено приказом"},
                                token_from=page)
        assert "→ отменён" in cancelled.text
    [history] = [entry for entry in occurrence_history(web_store, str(item)) if entry.entries]
    assert [entry.action for entry in history.entries] == ["done", "reopen", "cancel"]
    assert history.entries[0].by == "Петрова Е. В." and history.entries[0].on_date == date(2024, 1, 10)


def test_a_marked_occurrence_leaves_the_overdue_page(web_engine: Engine) -> None:
    item, occurrence = first_overdue(web_engine)
    total = len({row.occurrence_id for row in overdue_report(web_engine, roadmap=LEN_KEY).rows() if row.is_overdue})
    with server(web_engine) as url, browser(url, login="komitet") as person:
        before = person.get(f"/overdue?roadmap={LEN_KEY}").text
        assert f'href="/items/{item}"' in before and f"просрочено — <strong>{total}</strong>" in before
        person.post(f"/items/{item}/done", {"occurrence": str(occurrence), "by": "Комитет"}, token_from=f"/items/{item}")
        after = person.get(f"/overdue?roadmap={LEN_KEY}").text
    assert f"просрочено — <strong>{total - 1}</strong>" in after
    assert occurrence not in {row.occurrence_id for row in overdue_report(web_engine, roadmap=LEN_KEY).rows()}


def test_htmx_swaps_only_the_changed_occurrence(web_engine: Engine) -> None:
    item, occurrence = first_overdue(web_engine)
    with server(web_engine) as url, browser(url, login="komitet") as person:
        answer = person.post(f"/items/{item}/done", {"occurrence": str(occurrence)}, token_from=f"/items/{item}",
                             headers={"HX-Request": "true"})
        assert answer.status_code == 200 and f'id="occ-{occurrence}"' in answer.text
        assert 'class="card occurrence changed"' in answer.text and 'id="messages"' in answer.text


def test_two_people_marking_the_same_occurrence_at_once_both_land_in_its_history(web_store: Engine) -> None:
    item, occurrence = first_overdue(web_store)
    answers: list[int] = []
    with server(web_store) as url, browser(url, login="komitet") as first, browser(url, login="len") as second:
        forms = [(person, person.csrf(f"/items/{item}")) for person in (first, second)]
        start = threading.Barrier(2)

        def mark(person, token: str, who: str) -> None:  # type: ignore[no-untyped-def]
            start.wait()
            answer = person.client.post(f"/items/{item}/done", data={"csrf_token": token, "occurrence": str(occurrence),
                                                                      "by": who, "evidence": f"отметка {who}"})
            answers.append(answer.status_code)

        threads = [threading.Thread(target=mark, args=(person, token, who))
                   for (person, token), who in zip(forms, ("Первый", "Второй"), strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert answers == [200, 200]
    with transaction(web_store) as session:
        events = session.exec(select(OccurrenceEvent).where(OccurrenceEvent.occurrence_id == occurrence)
                              .order_by(col(OccurrenceEvent.version))).all()
    assert [event.version for event in events] == [1, 2] and {event.by for event in events} == {"Первый", "Второй"}


def test_the_executors_page_shows_each_address_or_a_warning(web_engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tracking.contacts import load_contacts

    contacts = tmp_path / "contacts.toml"
    contacts.write_text('[[executor]]\nname = "ГАОУ ДПО «ЛОИРО»"\nemail = "loiro@example.org"\n', encoding="utf-8")
    load_contacts(web_engine, contacts)
    with server(web_engine) as url, browser(url, login="len") as person:
        page = person.get("/executors").text
    rows = re.findall(r"<tr>\s*<td(.*?)</tr>", page, re.S)
    loiro = next(row for row in rows if "ЛОИРО" in row)
    assert "mailto:loiro@example.org" in loiro
    without = [row for row in rows if "нет адреса — письма не дойдут" in row]
    assert len(without) == len(rows) - 1 and "напоминания о сроках им не дойдут" in page
    assert "Калининград" not in page  # the Leningrad committee sees its executors only


def test_mark_done_from_the_cli_shows_on_the_pages_at_once(web_engine: Engine) -> None:
    item, occurrence = first_overdue(web_engine)
    mark_done(web_engine, str(item), occurrence_selector(web_engine, EVERYONE, item, occurrence),
              by="Из командной строки")
    with server(web_engine) as url, browser(url, login="komitet") as person:
        assert "кто: Из командной строки" in person.get(f"/items/{item}").text


def test_uploads_beyond_the_limit_are_refused(web_engine: Engine) -> None:
    with server(web_engine) as url, browser(url, login="komitet") as person:
        token = person.csrf("/roadmaps/import")
        big = person.client.post("/roadmaps/import", data={"csrf_token": token},
                                 files={"document": ("plan.txt", b"x" * (MAX_UPLOAD_BYTES + 1), "text/plain")})
        assert big.status_code == 422 and "больше 20 МБ" in error_text(big)
        # a body announced too large is refused from its headers, before a byte of it is read
        host, port = url.removeprefix("http://").split(":")
        cookie = person.client.cookies["profplan_session"]
        with socket.create_connection((host, int(port)), timeout=30) as raw:
            raw.sendall(f"POST /roadmaps/import HTTP/1.1\r\nHost: {host}\r\nCookie: profplan_session={cookie}\r\n"
                        f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {MAX_REQUEST_BYTES + 1}"
                        "\r\n\r\n".encode())
            received = b""
            while b"</html>" not in received and (chunk := raw.recv(65536)):
                received += chunk
        answer = received.decode("utf-8", "replace")
        assert answer.startswith("HTTP/1.1 413") and "файл слишком велик" in answer


def test_every_deadline_kind_has_one_russian_name_the_pages_show() -> None:
    from calendars.deadlines import KIND_NAMES, KINDS, kind_name, parse_deadline
    from web.render import environment

    assert list(KIND_NAMES) == list(KINDS)  # `unrecognised` included: a flagged row is named, not shown raw
    unread = parse_deadline("когда-нибудь потом, как получится", None)
    assert unread.kind == "unrecognised" and kind_name(unread.kind) == "не распознан"
    assert environment().from_string("{{ kind|kind_name }}").render(kind="on_demand") == "по необходимости"
    assert kind_name("kind-of-a-later-version") == "kind-of-a-later-version"
