"""/region and /region.xlsx: the committee's region report in the workspace, against `profplan region report`.

One store for the module: the seed roadmaps of Leningrad and Kaliningrad, the
seed schools of web_helpers (not planned), two small Leningrad schools and an
infeasible one solved by `profplan region schedule` on a real LocalCluster,
and a Kaliningrad school that is stored but not planned. Every figure the
page shows is compared with `region report --json` of the same store, and
the downloaded workbook with the page.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser
from web_helpers import AS_OF, PHONE, SCHOOL, browser, error_text, open_page, seed_store, server, shot

from cli import cli
from scheduler.service import load_school
from tests.region_helpers import write_region
from tests.scheduler_helpers import write_profile

pytest_plugins = ["web_fixtures"]  # the browser

SOLVED = ["alpha", "beta"]
KGD_SCHOOL = "kgd-one"


@dataclass(frozen=True)
class Region:
    url: str
    site: str

    def report_json(self, *options: str) -> dict[str, Any]:
        result = CliRunner().invoke(cli, ["--db", self.url, "region", "report", "--as-of", AS_OF, "--json", *options])
        assert result.exit_code == 0, result.output
        data: dict[str, Any] = json.loads(result.stdout)
        return data


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Region]:
    root = tmp_path_factory.mktemp("web-region")
    url = f"sqlite:///{root / 'region.db'}"
    engine = seed_store(url, root)
    load_school(engine, write_profile(root, id=KGD_SCHOOL, name="Школа Калининграда", region="RU-KGD",
                                      municipality="Калининград"))
    folder = write_region(root / "schools", SOLVED, infeasible="delta")
    solved = CliRunner().invoke(cli, ["--db", url, "region", "schedule", "--schools", str(folder), "--workers", "1",
                                      "--time-limit", "10", "--json"])
    outcomes = {o["school"]: o["outcome"] for o in json.loads(solved.stdout)["outcomes"]}
    assert outcomes == {"alpha": "solved", "beta": "solved", "delta": "infeasible"}, solved.output
    with server(engine) as site:
        yield Region(url, site)
    engine.dispose()


def _text(fragment: str) -> str:
    spaced = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()
    return re.sub(r" ([,;])", r"\1", spaced)


def _rows(page: str, kind: str) -> dict[str, dict[str, str]]:
    """The page's rows `<tr data-KIND="key">` as {key: {cell label: cell text}}."""
    return {html.unescape(key): {label: _text(cell) for label, cell in re.findall(r'data-label="([^"]+)">(.*?)</td>', row, re.S)}
            for key, row in re.findall(rf'<tr data-{kind}="([^"]+)">(.*?)</tr>', page, re.S)}


def _levels(school: dict[str, Any]) -> str:
    levels = school["levels"]
    return ", ".join(f"{level} — {count} кл." for level, count in levels.items()) if len(levels) > 1 else school["level"]


def _expected_schools(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The cells the page must show for each school, computed from `region report --json`."""
    expected = {}
    for municipality in data["municipalities"]:
        for school in municipality["schools"]:
            compliance = school["compliance"]
            expected[school["school"]] = {
                "Школа": f"{school['name']} {school['school']}",
                "Классов (в профминимуме)": f"{school['classes']} ({school['taking_part']})",
                "Уровень": _levels(school),
                "Расписание": school["timetable"]["text"] + (" расписание" if school["timetable"]["timetable"] else ""),
                "Нормы": f"{compliance['met']} из {compliance['classes']} классов" if compliance else "—",
                "Просрочено пунктов": str(len(school["overdue"])),
            }
    return expected


def _expected_municipalities(data: dict[str, Any]) -> dict[str, list[int]]:
    states = ["optimal", "within", "infeasible", "failed", "not_planned"]
    return {m["name"]: [m["totals"]["schools"], m["totals"]["classes"], *(m["totals"]["states"][s] for s in states),
                        m["totals"]["norms_met"], m["totals"]["overdue"]] for m in data["municipalities"]}


def _shown_municipalities(page: str) -> dict[str, list[int]]:
    return {name: [int(value) for label, value in cells.items() if label != "Муниципалитет"]
            for name, cells in _rows(page, "municipality").items()}


def test_the_committee_sees_the_figures_of_region_report(region: Region) -> None:
    with browser(region.site, "komitet") as person:
        answer = person.get(f"/region?as_of={AS_OF}")
        assert answer.status_code == 200
        page = answer.text
        assert '<a href="/region" aria-current="page">Регион</a>' in page
        data = region.report_json()
        assert _rows(page, "school") == _expected_schools(data)
        assert _shown_municipalities(page) == _expected_municipalities(data)
        assert list(_rows(page, "municipality")) == [m["name"] for m in data["municipalities"]]
        totals = data["totals"]
        assert (f"Все регионы: школ {totals['schools']}, классов {totals['classes']}; нормы выполнены в "
                f"{totals['norms_met']} из {totals['schools']} школ; просроченных пунктов {totals['overdue']} "
                "на 15.02.2024") in _text(re.search(r'<p id="region-totals">(.*?)</p>', page, re.S).group(1))  # type: ignore[union-attr]
        # What the figures are made of: both regions, an infeasible school with its reason, overdue items.
        schools = _rows(page, "school")
        assert {*SOLVED, "delta", KGD_SCHOOL} <= set(schools)
        assert schools["delta"]["Расписание"].startswith("невыполнимо: сотрудники с ролью «navigator»")
        assert schools[KGD_SCHOOL]["Расписание"] == "не составлено"
        assert any(schools[school]["Просрочено пунктов"] != "0" for school in SOLVED)
        delta = next(s for m in data["municipalities"] for s in m["schools"] if s["school"] == "delta")
        assert html.escape(delta["timetable"]["reason"], quote=False) in page  # the whole reason, not only its headline
        shown_items = re.findall(r'<tr data-item="([^"]+)">', page)
        assert len(shown_items) == totals["overdue"] > 0
        link = html.unescape(re.search(r'href="(/overdue\?executor=[^"]+)"', page).group(1))  # type: ignore[union-attr]
        assert link.endswith(f"&as_of={AS_OF}")
        executor = person.get(link)
        name = parse_qs(urlsplit(link).query)["executor"][0]
        assert executor.status_code == 200 and f"<h2>{html.escape(name)}</h2>" in executor.text

    with browser(region.site, "len") as person:  # bound to Leningrad: only its schools, another region refused
        page = person.get(f"/region?as_of={AS_OF}").text
        leningrad = region.report_json("--region", "RU-LEN")
        assert _rows(page, "school") == _expected_schools(leningrad) and KGD_SCHOOL not in _rows(page, "school")
        assert _shown_municipalities(page) == _expected_municipalities(leningrad)
        refused = person.get("/region?region=RU-KGD")
        assert refused.status_code == 403 and "относится к региону RU-LEN" in refused.text
        assert person.get("/region.xlsx?region=RU-KGD").status_code == 403


def test_the_workbook_holds_what_the_page_shows(region: Region) -> None:
    with browser(region.site, "komitet") as person:
        page = person.get(f"/region?region=RU-LEN&as_of={AS_OF}").text
        answer = person.get(f"/region.xlsx?region=RU-LEN&as_of={AS_OF}")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == f'attachment; filename="region-RU-LEN-{AS_OF}.xlsx"'
    assert f'href="/region.xlsx?region=RU-LEN&amp;as_of={AS_OF}"' in page
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    shown = _rows(page, "school")
    sheet = {row[2]: row for row in book["Школы"].iter_rows(min_row=2, values_only=True)}
    assert set(sheet) == set(shown) and KGD_SCHOOL not in sheet
    for school, cells in shown.items():
        _, name, _, classes, taking_part, _, plan, _, reason, met, overdue = sheet[school]
        assert cells["Школа"] == f"{name} {school}"
        assert cells["Классов (в профминимуме)"] == f"{classes} ({taking_part})"
        assert cells["Расписание"].startswith(plan)
        assert (cells["Нормы"] == "—") if met is None else cells["Нормы"].startswith(f"{met} из ")
        assert cells["Просрочено пунктов"] == str(overdue)
        assert (reason is None) == (school != "delta")
    municipalities = {row[0]: list(row[1:]) for row in book["Муниципалитеты"].iter_rows(min_row=2, values_only=True)}
    assert municipalities == _shown_municipalities(page)
    items = re.findall(r'<tr data-item="([^"]+)">', page)
    assert sorted(row[1] for row in book["Просрочено"].iter_rows(min_row=2, values_only=True)) == sorted(
        html.unescape(item) for item in items)
    shortfalls = len(re.findall(r"<tr><td data-label=\"Класс\">", page))
    assert book["Нормы"].max_row - 1 == shortfalls


def test_a_coordinator_and_staff_are_refused(region: Region) -> None:
    for login in ("coord", "teacher"):
        with browser(region.site, login) as person:
            for path in ("/region", "/region.xlsx"):
                refused = person.get(path)
                assert refused.status_code == 403, (login, path)
                assert "недоступна для роли" in error_text(refused)
            assert 'href="/region"' not in person.get("/me" if login == "teacher" else f"/schools/{SCHOOL}").text


def test_an_unknown_region_or_date_is_an_error_with_suggestions(region: Region) -> None:
    with browser(region.site, "komitet") as person:
        typo = person.get("/region?region=RU-LNE")
        assert typo.status_code == 400
        message = error_text(typo)
        assert message.startswith("Неизвестный регион «RU-LNE». Возможно, имелось в виду: ") and "RU-LEN (Ленинградская" in message
        assert 'data-school="' not in typo.text
        empty = person.get("/region?region=RU-MOW")
        assert empty.status_code == 400 and error_text(empty).startswith("В базе нет школ региона RU-MOW.")
        bad_date = person.get("/region?as_of=31.02.2024")
        assert bad_date.status_code == 400 and "Дата отчёта: «31.02.2024» — такой даты нет." in error_text(bad_date)
        assert person.get("/region.xlsx?region=RU-LNE").status_code == 400


def test_the_page_fits_a_phone(chromium: Browser, region: Region, tmp_path: Path) -> None:
    page = open_page(chromium, region.site, viewport=PHONE)
    page.goto("/region")
    page.fill("input[name=as_of]", "15.02.2024")  # as Russians write dates; htmx swaps the report in place
    page.click("button:has-text('Показать')")
    page.wait_for_url(re.compile(r"as_of=15\.02\.2024"))
    assert page.locator("tr[data-school='delta'] .badge.bad").first.is_visible()
    page.locator("details#s-delta summary").click()
    assert page.locator("details#s-delta p.error").is_visible()
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1] == PHONE["width"], widths
    shot(page, tmp_path, "region-phone")
