"""Importing vacation orders and КУГ built by the tests, as text and Word files, and checking every date.

Each imported calendar is compared day by day, for a whole school year and
for each grade group, with what the document says — computed here from the
document's own dates and the production calendar (the `holidays` package),
not by the calendar code under test.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

import holidays
import pdfplumber
import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import select
from tracking_helpers import EARLY_TRACK_FROM

import cli
from calendar_orders.errors import CalendarImportError
from calendar_orders.importer import preview_import, store_import
from calendars.academic import AcademicCalendar, load_calendar, region_calendars
from calendars.stored import StoredCalendar
from roadmaps.importer import import_documents
from scheduler.service import load_school
from store.db import open_store, transaction
from tests.calendar_docs import (
    MODULAR_KUG,
    REGION_ORDER,
    SCHOOL_KUG,
    TRIMESTER_KUG,
    write_docx,
    write_html,
    write_ods,
    write_odt,
    write_pdf,
    write_text,
    write_xlsx,
)
from tests.scheduler_helpers import write_profile
from tracking.imports import ImportTracker
from tracking.tables import DeadlineOccurrence

YEAR = "2026-2027"
FIRST, LAST_OF_YEAR = date(2026, 9, 1), date(2027, 8, 31)
PRODUCTION = holidays.country_holidays("RU", years=[2026, 2027], language="ru")
Span = tuple[date, date]


def d(text: str) -> date:
    day, month, year = (int(part) for part in text.split("."))
    return date(year, month, day)


def expected_day_off(
    day: date, terms: Sequence[Span], vacations: Sequence[tuple[str, Span]], *,
    last_day: date | None = None, school_last: date | None = None, who: str = "", week: int = 5,
) -> str | None:
    """What the document says about a day, from its own dates and the production calendar."""
    for name, (start, end) in vacations:
        if start <= day <= end:
            return name
    if day in PRODUCTION and terms[0][0] <= day <= max(terms[-1][1], school_last or terms[-1][1]):
        return f"праздник: {PRODUCTION[day]}"
    if last_day is not None and school_last is not None and last_day < day <= school_last:
        return f"для {who} учебный год окончен {last_day:%d.%m.%Y}"
    if not any(start <= day <= end for start, end in terms):
        return "вне учебного периода"
    if day in PRODUCTION.weekend_workdays or (day.weekday() < week and day.weekday() != 6):
        return None
    return "выходной"


def every_day() -> list[date]:
    return [FIRST + timedelta(days=offset) for offset in range((LAST_OF_YEAR - FIRST).days + 1)]


def assert_every_day(calendar: AcademicCalendar, grade: int | None, class_name: str | None, **expected: object) -> None:
    wrong = [
        (day, calendar.day_off(day, grade, class_name), want)
        for day in every_day()
        if calendar.day_off(day, grade, class_name) != (want := expected_day_off(day, **expected))  # type: ignore[arg-type]
    ]
    assert wrong == [], wrong[:5]


def main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the real entry point (its error mapping included) and return exit code, stdout and stderr."""
    monkeypatch.setattr(sys, "argv", ["profplan", *args])
    try:
        cli.main()
        code = 0
    except SystemExit as exited:
        code = int(exited.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def stored_rows(engine: Engine) -> list[StoredCalendar]:
    with transaction(engine) as session:
        return list(session.exec(select(StoredCalendar)).all())


# ------------------------------------------------------------------ the regional order, text

REGION_TERMS = [(d("01.09.2026"), d("23.10.2026")), (d("02.11.2026"), d("30.12.2026")),
                (d("11.01.2027"), d("26.03.2027")), (d("05.04.2027"), d("26.05.2027"))]
REGION_VACATIONS = [("Осенние каникулы", (d("24.10.2026"), d("01.11.2026"))),
                    ("Зимние каникулы", (d("31.12.2026"), d("10.01.2027"))),
                    ("Весенние каникулы", (d("27.03.2027"), d("04.04.2027"))),
                    ("Летние каникулы", (d("27.05.2027"), d("31.08.2027")))]
FIRST_GRADE_WEEK = ("Дополнительные каникулы для 1 классов", (d("15.02.2027"), d("21.02.2027")))


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_store(f"sqlite:///{tmp_path / 'profplan.db'}")


def check_region_order(calendar: AcademicCalendar) -> None:
    """Every date REGION_ORDER sets: for the school, the first graders' week, the exam grades' last day, classes 7М,С and 8М,С."""
    assert [(t.start, t.end) for t in calendar.terms] == REGION_TERMS
    assert [(v.name, (v.start, v.end)) for v in calendar.vacations] == REGION_VACATIONS
    assert calendar.vacations[0].stated_days == 9
    school = dict(terms=REGION_TERMS, vacations=REGION_VACATIONS)
    assert_every_day(calendar, 5, "5А", **school)
    assert_every_day(calendar, None, None, **school)
    assert_every_day(calendar, 1, "1Б", terms=REGION_TERMS, vacations=sorted([*REGION_VACATIONS, FIRST_GRADE_WEEK], key=lambda v: v[1]))
    for grade in (9, 11):
        exam_terms = REGION_TERMS[:3] + [(REGION_TERMS[3][0], d("19.05.2027"))]
        assert_every_day(calendar, grade, None, terms=exam_terms, vacations=REGION_VACATIONS,
                         last_day=d("19.05.2027"), school_last=d("26.05.2027"), who=f"{grade} класса")
    own_autumn = [("Осенние каникулы", (d("25.10.2026"), d("01.11.2026"))), *REGION_VACATIONS[1:]]
    for class_name in ("7М", "7С", "8М", "8 C"):  # «7М,С и 8М,С классы»; a Latin C typed is the class 8С
        assert_every_day(calendar, int(class_name[0]), class_name, vacations=own_autumn,
                         terms=[(d("01.09.2026"), d("24.10.2026")), *REGION_TERMS[1:]])
    assert calendar.day_off(d("24.10.2026"), 7, "7А") == "Осенние каникулы"  # 7А is not in the group


def test_a_regional_order_read_from_text_sets_every_date_per_grade_and_class(tmp_path: Path, db_url: str) -> None:
    engine = open_store(db_url)
    path = write_text(tmp_path / "order.txt", REGION_ORDER)
    preview = preview_import(engine, path, "RU-LEN", YEAR)
    assert preview.reading.skipped == []  # the attestation paragraph is not a table row: preamble, ignored
    assert preview.reading.inherited == ["первый учебный день 01.09.2026"]
    result = store_import(engine, preview)
    assert result.created and not result.unchanged
    with transaction(engine) as session:
        calendar = load_calendar("RU-LEN", YEAR, session=session)
    assert calendar.stored is not None and calendar.stored.source_name == "order.txt"
    assert calendar.source.startswith("Распоряжение комитета общего и профессионального образования Ленинградской области")
    assert calendar.vacations[0].source == "order.txt, строка 5"
    check_region_order(calendar)


WRITERS: dict[str, Callable[[Path, Sequence[str]], Path]] = {
    "docx": write_docx, "pdf": write_pdf, "html": write_html, "xlsx": write_xlsx, "ods": write_ods, "odt": write_odt,
}


@pytest.mark.parametrize(
    ("kind", "first_row"),
    [("docx", "таблица 1, строка 2"), ("pdf", "таблица 1, строка 2"), ("html", "таблица 1, строка 2"), ("xlsx", "строка 5"),
     ("ods", "строка 5"), ("odt", "таблица 1, строка 2")],
)
def test_the_same_order_in_every_format_sets_the_same_dates(tmp_path: Path, engine: Engine, kind: str, first_row: str) -> None:
    """Word, PDF (fpdf2), a site's page, Excel and OpenDocument files, each read by its own reader into the same rows."""
    path = WRITERS[kind](tmp_path / f"order.{kind}", REGION_ORDER)
    preview = preview_import(engine, path, "RU-LEN", YEAR)
    assert (preview.reading.skipped, preview.reading.warnings) == ([], [])
    assert preview.reading.inherited == ["первый учебный день 01.09.2026"]
    assert "Распоряжение комитета общего и профессионального образования Ленинградской области" in preview.calendar.source
    assert preview.calendar.vacations[0].source == f"order.{kind}, {first_row}"
    check_region_order(preview.calendar)
    store_import(engine, preview)
    with transaction(engine) as session:
        check_region_order(load_calendar("RU-LEN", YEAR, session=session))


def test_in_a_sheet_a_vacation_row_without_dates_is_no_line_of_text(tmp_path: Path, engine: Engine) -> None:
    """A sheet's one-cell rows are its lines of text (the title, «Для 10–11 классов»), but «Осенние» alone under
    the header is a row whose dates are missing."""
    lines = list(REGION_ORDER)
    lines[4] = "Осенние\t\t"
    with pytest.raises(CalendarImportError, match=r"^order\.xlsx, строка 5: «Осенние» — не указаны даты\.$"):
        preview_import(engine, write_xlsx(tmp_path / "order.xlsx", lines), "RU-LEN", YEAR)


PAGE_BREAK_BLANK_LINES = 51
"""Blank lines before the vacation table that put the PDF's page break after its third row (the first graders' week)."""


def test_a_vacation_table_broken_across_two_pdf_pages_with_its_header_repeated_reads_the_same(tmp_path: Path, engine: Engine) -> None:
    path = write_pdf(tmp_path / "order.pdf", REGION_ORDER, blank_lines_before_table=PAGE_BREAK_BLANK_LINES)
    with pdfplumber.open(path) as pdf:  # the layout, seen independently of the reader under test
        first, second = (page.extract_text() for page in pdf.pages)
    header = "Тип каникул Период Количество календарных"
    assert header in first and "Дополнительные каникулы для 1-х классов" in first and "Весенние" not in first
    assert second.startswith(header) and "Весенние" in second and "Летние" in second
    preview = preview_import(engine, path, "RU-LEN", YEAR)
    check_region_order(preview.calendar)
    assert [v.source for v in preview.calendar.vacations] == [
        "order.pdf, таблица 1, строка 2", "order.pdf, таблица 1, строка 3", "order.pdf, таблица 1, строка 6",
        "order.pdf, таблица 1, строка 8",
    ]  # the header repeated on page 2 is row 5 of the table


# ---------------------------------------------------------------- a school's КУГ, Word, --school

KUG_TERMS = [(d("01.09.2026"), d("23.10.2026")), (d("02.11.2026"), d("29.12.2026")),
             (d("11.01.2027"), d("19.03.2027")), (d("29.03.2027"), d("26.05.2027"))]
KUG_VACATIONS = [("Осенние каникулы", (d("24.10.2026"), d("01.11.2026"))),
                 ("Зимние каникулы", (d("30.12.2026"), d("10.01.2027"))),
                 ("Весенние каникулы", (d("20.03.2027"), d("28.03.2027"))),
                 ("Летние каникулы", (d("27.05.2027"), d("31.08.2027")))]
HALF_YEARS = [(d("01.09.2026"), d("29.12.2026")), (d("11.01.2027"), d("26.05.2027"))]


def import_school_kug(engine: Engine, tmp_path: Path, kind: str) -> None:
    """SCHOOL_KUG written as `kind` and imported for the school «kug-school» (loaded here), nothing left aside but its total."""
    load_school(engine, write_profile(tmp_path, id="kug-school", region="RU-KGD", year=YEAR))
    path = WRITERS[kind](tmp_path / f"kug.{kind}", SCHOOL_KUG)
    preview = preview_import(engine, path, "RU-KGD", YEAR, school="kug-school")
    assert preview.reading.warnings == [] and preview.reading.inherited == []
    assert [entry.text for entry in preview.reading.skipped] == ["Итого 35 169"]
    store_import(engine, preview)


def test_a_school_kug_with_terms_applies_to_that_school_only(tmp_path: Path, db_url: str) -> None:
    engine = open_store(db_url)
    load_school(engine, write_profile(tmp_path, id="other-school", region="RU-KGD", year=YEAR))
    import_school_kug(engine, tmp_path, "docx")
    with transaction(engine) as session:
        mine = load_calendar("RU-KGD", YEAR, school="kug-school", session=session)
        other = load_calendar("RU-KGD", YEAR, school="other-school", session=session)
        region = region_calendars("RU-KGD", session)
        assert [(t.start, t.end) for t in region.terms(mine.year)] == [(t.start, t.end) for t in load_calendar("RU-KGD", YEAR).terms]
    assert other.stored is None and other.source_file is not None  # the bundled regional file
    assert mine.stored is not None and mine.stored.school_id == "kug-school"
    check_school_kug(mine)


def check_school_kug(calendar: AcademicCalendar) -> None:
    """Every date SCHOOL_KUG sets: its quarters with their weeks and days, the first graders' week, the exam
    grades' last day, the half-years of grades 10–11."""
    assert [(t.name, t.start, t.end, t.weeks, t.stated_days) for t in calendar.terms] == [
        ("1 четверть", *KUG_TERMS[0], 8, 39), ("2 четверть", *KUG_TERMS[1], 8, 41),
        ("3 четверть", *KUG_TERMS[2], 10, 48), ("4 четверть", *KUG_TERMS[3], 9, 41),
    ]
    assert [(v.name, (v.start, v.end)) for v in calendar.vacations] == KUG_VACATIONS
    for grade in (2, 5, 8):
        assert_every_day(calendar, grade, None, terms=KUG_TERMS, vacations=KUG_VACATIONS)
    assert_every_day(calendar, 1, None, terms=KUG_TERMS,
                     vacations=sorted([*KUG_VACATIONS, FIRST_GRADE_WEEK], key=lambda v: v[1]))
    exam = KUG_TERMS[:3] + [(KUG_TERMS[3][0], d("21.05.2027"))]
    assert_every_day(calendar, 9, None, terms=exam, vacations=KUG_VACATIONS, last_day=d("21.05.2027"),
                     school_last=d("26.05.2027"), who="9 класса")
    assert [(t.name, t.start, t.end) for t in calendar.schedule(10).terms] == [
        ("1 полугодие", *HALF_YEARS[0]), ("2 полугодие", *HALF_YEARS[1]),
    ]
    assert_every_day(calendar, 10, None, terms=HALF_YEARS, vacations=KUG_VACATIONS)
    assert_every_day(calendar, 11, None, terms=[HALF_YEARS[0], (HALF_YEARS[1][0], d("21.05.2027"))], vacations=KUG_VACATIONS,
                     last_day=d("21.05.2027"), school_last=d("26.05.2027"), who="11 класса")


@pytest.mark.parametrize(
    ("kind", "first_term", "first_half"),
    [("pdf", "таблица 1, строка 2", "таблица 2, строка 1"), ("html", "таблица 1, строка 2", "таблица 2, строка 1"),
     ("xlsx", "строка 4", "строка 11"), ("ods", "строка 4", "строка 11"),  # a sheet has an empty row after each table
     ("odt", "таблица 1, строка 2", "таблица 2, строка 1")],
)
def test_the_school_kug_in_every_format_sets_the_same_dates(
    tmp_path: Path, engine: Engine, kind: str, first_term: str, first_half: str,
) -> None:
    import_school_kug(engine, tmp_path, kind)
    with transaction(engine) as session:
        mine = load_calendar("RU-KGD", YEAR, school="kug-school", session=session)
    assert mine.stored is not None and mine.stored.source_name == f"kug.{kind}"
    assert mine.terms[0].source == f"kug.{kind}, {first_term}"
    assert mine.schedule(10).terms[0].source == f"kug.{kind}, {first_half}"
    check_school_kug(mine)


PROSE_KUG = (
    "Календарный учебный график на 2026-2027 учебный год",
    "Первая четверть — 01.09.2026 г. (вторник) – 23.10.2026 г. (пятница)",
    "Четверть 2: с 02.11.2026 по 29.12.2026 (8 недель)",
    "III четверть — с 11 января (понедельник) по 19 марта (пятница) 2027 года",
    "4-я четверть: 29.03.2027–26.05.2027",
)


def test_a_kug_written_as_prose_names_its_terms_in_any_spelling(tmp_path: Path, engine: Engine) -> None:
    """A term's name and its dates in one line: the name is read by its words, the dates (and weekdays) by the grammar."""
    preview = preview_import(engine, write_docx(tmp_path / "kug.docx", PROSE_KUG), "RU-KGD", YEAR)
    calendar = preview.calendar
    assert [(t.name, t.start, t.end) for t in calendar.terms] == [(f"{n} четверть", *span) for n, span in enumerate(KUG_TERMS, 1)]
    assert calendar.terms[1].weeks == 8 and calendar.terms[0].source == "kug.docx, абзац 2"
    assert preview.reading.notes == ["каникулы — промежутки между учебными периодами документа"]
    assert_every_day(calendar, 5, None, terms=KUG_TERMS, vacations=KUG_VACATIONS)
    wrong = [line.replace("(понедельник)", "(вторник)") for line in PROSE_KUG]
    with pytest.raises(CalendarImportError, match=r"^kug\.txt, строка 4: «с 11 января \(вторник\) по 19 марта \(пятница\) 2027 года»: "
                                                  r"11 января 2027 г\. — понедельник, а в тексте — вторник"):
        preview_import(engine, write_text(tmp_path / "kug.txt", wrong), "RU-KGD", YEAR)


def test_a_modular_year(tmp_path: Path, engine: Engine) -> None:
    store_import(engine, preview_import(engine, write_text(tmp_path / "modules.txt", MODULAR_KUG), "RU-MOW", YEAR))
    with transaction(engine) as session:
        calendar = load_calendar("RU-MOW", YEAR, session=session)
    assert calendar.term_system.key == "modules" and [t.name for t in calendar.terms] == [f"{n} модуль" for n in range(1, 7)]
    terms = [(d(a), d(b)) for a, b in (("01.09.2026", "02.10.2026"), ("12.10.2026", "13.11.2026"), ("23.11.2026", "30.12.2026"),
                                        ("11.01.2027", "12.02.2027"), ("22.02.2027", "02.04.2027"), ("12.04.2027", "26.05.2027"))]
    vacations = [("Осенние каникулы", (d("03.10.2026"), d("11.10.2026"))),
                 ("Осенние каникулы (вторые)", (d("14.11.2026"), d("22.11.2026"))),
                 ("Зимние каникулы", (d("31.12.2026"), d("10.01.2027"))),
                 ("Зимние каникулы (вторые)", (d("13.02.2027"), d("21.02.2027"))),
                 ("Весенние каникулы", (d("03.04.2027"), d("11.04.2027"))),
                 ("Летние каникулы", (d("27.05.2027"), d("31.08.2027")))]
    assert [(t.start, t.end) for t in calendar.terms] == terms
    assert [(v.name, (v.start, v.end)) for v in calendar.vacations] == vacations
    assert_every_day(calendar, 6, None, terms=terms, vacations=vacations)


def test_a_trimester_region(tmp_path: Path, engine: Engine) -> None:
    preview = preview_import(engine, write_docx(tmp_path / "trimesters.docx", TRIMESTER_KUG), "RU-MOW", YEAR)
    assert preview.reading.warnings == []
    store_import(engine, preview)
    with transaction(engine) as session:
        calendar = load_calendar("RU-MOW", YEAR, session=session)
    terms = [(d("01.09.2026"), d("27.11.2026")), (d("30.11.2026"), d("26.02.2027")), (d("01.03.2027"), d("26.05.2027"))]
    assert calendar.term_system.key == "trimesters" and [t.name for t in calendar.terms] == ["1 триместр", "2 триместр", "3 триместр"]
    assert [(t.start, t.end) for t in calendar.terms] == terms
    vacations = [("Осенние каникулы", (d("03.10.2026"), d("11.10.2026"))),
                 ("Осенние каникулы (вторые)", (d("07.11.2026"), d("15.11.2026"))),
                 ("Зимние каникулы", (d("31.12.2026"), d("10.01.2027"))),
                 ("Зимние каникулы (вторые)", (d("13.02.2027"), d("21.02.2027"))),
                 ("Весенние каникулы", (d("10.04.2027"), d("18.04.2027"))),
                 ("Летние каникулы", (d("27.05.2027"), d("31.08.2027")))]
    assert [(v.name, (v.start, v.end)) for v in calendar.vacations] == vacations
    assert_every_day(calendar, 8, None, terms=terms, vacations=vacations)  # the breaks lie inside the trimesters
    assert len(region_calendars("RU-MOW").terms(calendar.year)) == 4  # without the session: the federal quarters


def test_a_vacation_table_in_a_trimester_school_needs_its_terms(tmp_path: Path, engine: Engine,
                                                                monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_text(tmp_path / "order.txt", REGION_ORDER)
    code, _, err = main(monkeypatch, capsys, "--db", str(engine.url.database), "calendar", "import", str(path),
                        "--region", "RU-MOW", "--year", YEAR, "--terms", "trimesters", "--yes")
    assert code == 1 and err.strip() == ("Ошибка: order.txt: учебные периоды (триместры) не указаны, а по каникулам их не найти: "
                                         "добавьте строки периодов («1 триместр», … с датами начала и окончания).")
    assert stored_rows(engine) == []


# -------------------------------------------------------------------------------- bad input

BAD_ROWS = [
    ("Осенние\tс 24.10.2025 по 01.11.2025\t9",
     "order.txt, строка 5: «Осенние» — даты 24.10.2025–01.11.2025 вне учебного года 2026-2027 (01.09.2026–31.08.2027)."),
    ("Осенние\tс 24.10.2026 по 02.11.2026\t9",
     "order.txt, строка 5: «Осенние» — указано 9 дней, а с 24.10.2026 по 02.11.2026 — 10 дней."),
    ("Осенние\tс 24 октября 2026 года (пятница) по 1 ноября 2026 года\t9",
     "order.txt, строка 5: «с 24 октября 2026 года (пятница) по 1 ноября 2026 года»: 24 октября 2026 г. — суббота, "
     "а в тексте — пятница; проверьте число и год."),
    ("Осенние\tс 24 октября 2026 года по 1 ноября 2026 года (суббота)\t9",
     "order.txt, строка 5: «с 24 октября 2026 года по 1 ноября 2026 года (суббота)»: 1 ноября 2026 г. — воскресенье, "
     "а в тексте — суббота; проверьте число и год."),
    ("Экскурсия в музей\tс 24.10.2026 по 25.10.2026\t2",
     "order.txt, строка 5: «Экскурсия в музей с 24.10.2026 по 25.10.2026» — не названы ни каникулы, ни учебный период "
     "(четверть, триместр), ни начало или окончание учебного года."),
    ("Осенние\tс 01.11.2026 по 24.10.2026\t",
     "order.txt, строка 5: не прочитаны даты — «с 01.11.2026 по 24.10.2026»: начало позже окончания."),
    ("Осенние\tс 24.10.2026 по 01.11.2026 и с 07.11.2026 по 15.11.2026\t",
     "order.txt, строка 5: в одной строке несколько периодов (24.10.2026–01.11.2026; 07.11.2026–15.11.2026): разнесите их по строкам."),
    ("Осенние\tс 29.12.2026 по 05.01.2027\t8",
     "order.txt, строка 6: «Зимние каникулы» 31.12.2026–10.01.2027 пересекается с «Осенние каникулы» 29.12.2026–05.01.2027 "
     "(order.txt, строка 5)."),
]


@pytest.mark.parametrize(("row", "message"), BAD_ROWS)
def test_a_bad_row_is_one_russian_line_and_nothing_is_stored(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], row: str, message: str,
) -> None:
    store_import(engine, preview_import(engine, write_text(tmp_path / "earlier.txt", REGION_ORDER), "RU-LEN", YEAR))
    before = [(row.source_name, row.content_hash, row.body) for row in stored_rows(engine)]
    lines = list(REGION_ORDER)
    lines[4] = row
    path = write_text(tmp_path / "order.txt", lines)
    code, out, err = main(monkeypatch, capsys, "--db", str(engine.url.database), "calendar", "import", str(path),
                          "--region", "RU-LEN", "--year", YEAR, "--yes")
    assert code == 1 and out == ""
    assert err == f"Ошибка: {message}\n"
    assert [(row.source_name, row.content_hash, row.body) for row in stored_rows(engine)] == before


def test_a_vacation_overlapping_a_term_of_a_kug(tmp_path: Path, engine: Engine) -> None:
    lines = [line.replace("I четверть\t01.09.2026\t23.10.2026", "I четверть\t01.09.2026\t27.10.2026") for line in SCHOOL_KUG]
    with pytest.raises(Exception, match=r"^kug\.txt: vacations\[1\] «Осенние каникулы» \(kug\.txt, строка 14\) "
                                        r"пересекается с периодом «1 четверть» \(kug\.txt, строка 4\)\.$"):
        preview_import(engine, write_text(tmp_path / "kug.txt", lines), "RU-KGD", YEAR)


@pytest.mark.parametrize(
    ("lines", "name", "message"),
    [
        (["Приказ о каникулах", "Каникулы будут объявлены позже."], "empty.txt",
         "empty.txt: не найдено ни каникул, ни учебных периодов (четвертей, триместров): нужна таблица или строки вида "
         "«Осенние каникулы — с 24.10.2026 по 01.11.2026»."),
        (["Каникулы\tСроки", "Осенние\t"], "nodates.txt", "nodates.txt, строка 2: «Осенние» — не указаны даты."),
    ],
)
def test_documents_without_dates(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str], lines: list[str], name: str, message: str) -> None:
    path = write_text(tmp_path / name, lines)
    code, _, err = main(monkeypatch, capsys, "--db", str(engine.url.database), "calendar", "import", str(path),
                        "--region", "RU-LEN", "--year", YEAR, "--yes")
    assert (code, err) == (1, f"Ошибка: {message}\n")
    assert stored_rows(engine) == []


def test_wrong_school_region_or_format(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    load_school(engine, write_profile(tmp_path, id="kug-school", region="RU-KGD", year=YEAR))
    path = write_text(tmp_path / "order.txt", REGION_ORDER)
    db = ["--db", str(engine.url.database), "calendar", "import"]
    code, _, err = main(monkeypatch, capsys, *db, str(path), "--region", "RU-KGD", "--year", YEAR, "--school", "kug-schol", "--yes")
    assert code == 1 and err.startswith("Ошибка: Школа «kug-schol» не загружена") and "«kug-school»" in err
    code, _, err = main(monkeypatch, capsys, *db, str(path), "--region", "RU-LEN", "--year", YEAR, "--school", "kug-school", "--yes")
    assert code == 1 and "относится к региону RU-KGD, а не к RU-LEN" in err
    code, _, err = main(monkeypatch, capsys, *db, str(path), "--region", "RU-LNE", "--year", YEAR, "--yes")
    assert code == 1 and "Неизвестный регион «RU-LNE»" in err and "RU-LEN" in err
    pdf = tmp_path / "order.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    code, _, err = main(monkeypatch, capsys, *db, str(pdf), "--region", "RU-LEN", "--year", YEAR, "--yes")
    assert code == 1 and err.startswith("Ошибка: Не удалось прочитать файл «order.pdf»: PDF повреждён")
    assert stored_rows(engine) == []


# ---------------------------------------------------------------------------- the command line

def test_preview_then_confirm_then_idempotent_then_remove(tmp_path: Path, engine: Engine) -> None:
    path = write_text(tmp_path / "order.txt", REGION_ORDER)
    db = ["--db", str(engine.url.database)]
    args = [*db, "calendar", "import", str(path), "--region", "RU-LEN", "--year", YEAR]
    declined = CliRunner().invoke(cli.cli, args, input="n\n")
    assert declined.exit_code == 0, declined.output
    assert "Что изменится" in declined.output and "Осенние каникулы" in declined.output and "31.10.2026–08.11.2026" in declined.output
    assert "Ничего не сохранено." in declined.output and stored_rows(engine) == []
    accepted = CliRunner().invoke(cli.cli, args, input="y\n")
    assert accepted.exit_code == 0 and "Календарь сохранён в базе." in accepted.output
    again = CliRunner().invoke(cli.cli, [*args, "--json"], input="y\n")
    report = json.loads(again.output)
    assert report["unchanged"] is True and report["stored"] is None and len(stored_rows(engine)) == 1
    shown = CliRunner().invoke(cli.cli, [*db, "calendar", "--region", "RU-LEN", "--year", YEAR, "--grade", "1", "--json"])
    data = json.loads(shown.output)
    assert data["origin"] == "region" and data["stored"]["source_name"] == "order.txt"
    assert data["groups_applied"] == ["1 классы"]
    assert {"name": "Дополнительные каникулы для 1 классов", "start": "2027-02-15", "end": "2027-02-21", "kind": "extra",
            "days": 7, "source": "order.txt, строка 7"} in data["vacations"]
    assert data["terms"][0]["source"] == "рассчитано по датам каникул"
    text = CliRunner().invoke(cli.cli, [*db, "calendar", "--region", "RU-LEN", "--year", YEAR, "--class", "7М"])
    assert "С учётом групп классов: «7М, 7С, 8М, 8С»" in text.output and "25.10.2026" in text.output
    removed = CliRunner().invoke(cli.cli, [*db, "calendar", "remove", "--region", "RU-LEN", "--year", YEAR])
    assert removed.exit_code == 0 and "удалён" in removed.output and stored_rows(engine) == []
    again = CliRunner().invoke(cli.cli, [*db, "calendar", "remove", "--region", "RU-LEN", "--year", YEAR])
    assert again.exit_code == 1 and "нет загруженного календаря региона RU-LEN" in str(again.exception)


def test_export_writes_the_data_file_that_reads_back_the_same(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    store_import(engine, preview_import(engine, write_text(tmp_path / "order.txt", REGION_ORDER), "RU-LEN", YEAR))
    target = tmp_path / "data" / "calendars" / "RU-LEN" / f"{YEAR}.toml"
    result = CliRunner().invoke(cli.cli, ["--db", str(engine.url.database), "calendar", "export", "--region", "RU-LEN",
                                          "--year", YEAR, "--output", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Ленинградская область (RU-LEN), 2026-2027 учебный год.\n# Источник: Распоряжение комитета")
    with transaction(engine) as session:
        stored = load_calendar("RU-LEN", YEAR, session=session)
    root = Path(__file__).resolve().parent.parent / "data" / "calendars"
    for name in ("regions.toml", "term_systems.toml", "federal.toml"):
        (target.parent.parent / name).write_text((root / name).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("PROFPLAN_DATA_DIR", str(tmp_path / "data"))
    bundled = load_calendar("RU-LEN", YEAR)
    assert bundled.source_file == target and bundled.stored is None
    for grade, name in ((None, None), (1, None), (9, None), (8, "8С")):
        assert [bundled.day_off(day, grade, name) for day in every_day()] == [stored.day_off(day, grade, name) for day in every_day()]


# ------------------------------------------------------------- consumers see the stored calendar

ROADMAP = (
    "План мероприятий на 2026-2027 учебный год",
    "№\tМероприятие\tСроки\tИсполнители",
    "1\tРодительские собрания по профминимуму\tне реже 1 раза в четверть\tШколы",
)


def test_deadline_occurrences_follow_an_imported_order(tmp_path: Path, db_url: str) -> None:
    engine = open_store(db_url)
    roadmap = write_text(tmp_path / "roadmap.txt", ROADMAP)
    import_documents(engine, [roadmap], region="RU-LEN", year=YEAR, on_stored=ImportTracker(EARLY_TRACK_FROM))

    def dues() -> list[date]:
        with transaction(engine) as session:
            rows = session.exec(select(DeadlineOccurrence).where(DeadlineOccurrence.active)).all()
            return sorted(row.due for row in rows)

    bundled = [term.end for term in load_calendar("RU-LEN", YEAR).terms]
    assert dues() == bundled
    result = store_import(engine, preview_import(engine, write_text(tmp_path / "order.txt", REGION_ORDER), "RU-LEN", YEAR))
    assert dues() == [end for _, end in REGION_TERMS]
    assert (result.synced.created, result.synced.kept, result.synced.retired) == (3, 1, 3)  # 26.03 is the 3rd quarter's end in both
    # A roadmap imported after the order expands on it too, and removing the order brings the bundled dates back.
    CliRunner().invoke(cli.cli, ["--db", db_url, "calendar", "remove", "--region", "RU-LEN", "--year", YEAR])
    assert dues() == bundled


def test_the_calendar_of_one_school_shows_its_own_dates_closures_and_week(tmp_path: Path, engine: Engine) -> None:
    load_school(engine, write_profile(tmp_path, id="kug-school", region="RU-KGD", year=YEAR, week=6,
                                      closed=[["2026-12-01", "2026-12-04"]]))
    db = ["--db", str(engine.url.database)]
    imported = CliRunner().invoke(cli.cli, [*db, "calendar", "import", str(write_docx(tmp_path / "kug.docx", SCHOOL_KUG)),
                                            "--region", "RU-KGD", "--year", YEAR, "--school", "kug-school", "--yes", "--json"])
    assert imported.exit_code == 0, imported.output
    report = json.loads(imported.output)
    assert report["stored"]["created"] is True and report["school"] == "kug-school" and report["sha256"]
    assert {"scope": "вся школа", "what": "Осенние каникулы", "before": "31.10.2026–08.11.2026",
            "after": "24.10.2026–01.11.2026"} in report["differences"]
    shown = CliRunner().invoke(cli.cli, [*db, "calendar", "--region", "RU-KGD", "--year", YEAR, "--school", "kug-school",
                                         "--grade", "10", "--json"])
    data = json.loads(shown.output)
    assert data["origin"] == "school" and data["week"] == 6 and data["groups_applied"] == ["10, 11 классы"]
    assert [t["name"] for t in data["terms"]] == ["1 полугодие", "2 полугодие"]
    assert data["closures"] == [{"name": "Закрытие школы", "start": "2026-12-01", "end": "2026-12-04"}]
    assert data["terms"][0]["source"] == "kug.docx, таблица 2, строка 1"
    region = CliRunner().invoke(cli.cli, [*db, "calendar", "--region", "RU-KGD", "--year", YEAR, "--json"])
    assert json.loads(region.output)["origin"] == "data"
    missing = CliRunner().invoke(cli.cli, [*db, "calendar", "--region", "RU-KGD", "--year", YEAR, "--school", "nowhere"])
    assert missing.exit_code == 1 and "Школа «nowhere» не загружена" in str(missing.exception)


def test_the_deadline_command_expands_on_the_stored_region_calendar(tmp_path: Path, engine: Engine) -> None:
    args = ["--db", str(engine.url.database), "deadline", "не реже 1 раза в четверть", "--year", YEAR, "--region", "RU-LEN", "--json"]
    before = json.loads(CliRunner().invoke(cli.cli, args).output)
    store_import(engine, preview_import(engine, write_text(tmp_path / "order.txt", REGION_ORDER), "RU-LEN", YEAR))
    after = json.loads(CliRunner().invoke(cli.cli, args).output)
    assert [o["due"] for o in before["occurrences"]] == [t.end.isoformat() for t in load_calendar("RU-LEN", YEAR).terms]
    assert [o["due"] for o in after["occurrences"]] == [end.isoformat() for _, end in REGION_TERMS]
