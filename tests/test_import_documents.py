"""Importing real files of every format into the store: exactly the seed's or fixture's items, row by row;
re-import by content; bad documents refused; the preview is what gets stored; roadmaps listed and removed."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from document_fixtures import build_flattened, build_html, build_odt, build_pdf, build_xlsx
from docx_fixtures import build_docx
from kpvr_fixtures import ITEMS as KPVR_ITEMS
from kpvr_fixtures import build_kpvr_docx
from sqlmodel import select
from tracking_helpers import EARLY_TRACK_FROM

from calendars.academic import load_calendar
from cli import cli
from roadmaps.errors import RoadmapError
from roadmaps.importer import import_documents
from roadmaps.preview import UnreadableDocumentError, preview_document
from roadmaps.queries import list_items, list_removed, list_roadmaps
from roadmaps.removal import remove_roadmap
from roadmaps.tables import Item, RemovedRoadmap, Roadmap
from store.db import open_store, transaction
from tracking.archive import archive_marks
from tracking.imports import ImportTracker
from tracking.status import mark_done
from tracking.tables import DeadlineOccurrence, OccurrenceEvent

SEEDS = sorted((Path(__file__).resolve().parent.parent / "data" / "roadmaps").glob("*.txt"))
BUILDERS = {"pdf": build_pdf, "xlsx": build_xlsx, "odt": build_odt, "html": build_html, "flattened.txt": build_flattened}


def shape(engine, loose: bool = False) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Every stored item as the committee sees it, in order."""

    def text(value: str) -> str:
        return re.sub(r"\s+", " ", value).strip() if loose else value

    with transaction(engine) as session:
        return [
            (i.roadmap, i.number, text(i.title), text(i.deadline_text), i.kind, i.start, i.end, i.executors, i.grades, i.participants)
            for i in list_items(session)
        ]


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_every_format_imports_to_exactly_the_seed_items(tmp_path: Path, kind: str) -> None:
    seeds = {"pdf": [SEEDS[3]], "flattened.txt": SEEDS[:4]}.get(kind, SEEDS)  # PDF: 003, the seed exported from a PDF
    text_engine = open_store(tmp_path / "txt.db")
    other_engine = open_store(tmp_path / f"{kind}.db")
    import_documents(text_engine, seeds)
    folder = tmp_path / kind
    folder.mkdir()
    extension = kind.rsplit(".", 1)[-1]  # the same file names, so documents without an order number keep their keys
    import_documents(other_engine, [BUILDERS[kind](seed, folder / f"{seed.stem}.{extension}") for seed in seeds])
    loose = kind in ("pdf", "html")
    expected, found = shape(text_engine, loose), shape(other_engine, loose)
    assert len(found) == len(expected)
    for ours, theirs in zip(found, expected, strict=True):
        assert ours == theirs


def test_an_unnumbered_kpvr_with_module_rows_imports_row_by_row(db_url: str, tmp_path: Path) -> None:
    engine = open_store(db_url)
    report = import_documents(engine, [build_kpvr_docx(tmp_path / "kpvr.docx")], region="RU-LEN", on_stored=ImportTracker(EARLY_TRACK_FROM))[0]
    assert (report.rows, report.needs_review, report.school_year) == (6, [], "2024-2025")
    with transaction(engine) as session:
        items = list_items(session)
        stored = session.exec(select(Item).order_by(Item.ordinal)).all()  # type: ignore[arg-type]
    assert [(i.section, i.title, i.grades, i.deadline_text, i.executors, i.participants) for i in items] == KPVR_ITEMS
    assert all(item.section_path == [item.section] for item in stored)
    assert [item.extra["Классы"] for item in stored][:3] == ["6-11", "все", "8–11"]
    autumn = load_calendar("RU-LEN", "2024-2025").vacations[0]
    excursion = stored[2]
    assert autumn.name == "Осенние каникулы"
    assert (excursion.kind, excursion.span_start, excursion.span_end) == ("window", autumn.start, autumn.end)
    assert excursion.spec["windows"][0]["school"]["season"] == "autumn"


def test_the_same_content_as_txt_and_as_docx_is_unchanged_on_reimport(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "p.db")
    first = import_documents(engine, [SEEDS[0]], on_stored=ImportTracker(EARLY_TRACK_FROM))[0]
    with transaction(engine) as session:
        ids = [item.id for item in session.exec(select(Item)).all()]
    again = import_documents(engine, [build_docx(SEEDS[0], tmp_path / "000.docx")], on_stored=ImportTracker(EARLY_TRACK_FROM))[0]
    assert first.roadmap == again.roadmap
    assert again.unchanged and (again.added, again.changed, again.removed) == ([], [], [])
    with transaction(engine) as session:
        assert [item.id for item in session.exec(select(Item)).all()] == ids
        assert session.exec(select(Roadmap)).one().source_name == "000.docx"


def _random_plan(path: Path, rows: int) -> Path:
    words = "альфа бета гамма дельта эпсилон зета эта тета йота каппа лямбда мю ню кси омикрон".split()
    generator = random.Random(7)
    lines = ["№\tМероприятие\tСроки\tОтветственные"]
    lines += [
        f"{number}\t{' '.join(generator.choices(words, k=4))}\t{' '.join(generator.choices(words, k=2))}\t"
        for number in range(1, rows + 1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_table_of_random_text_is_refused_with_counts_unless_forced(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "p.db")
    path = _random_plan(tmp_path / "noise.txt", 300)
    with pytest.raises(UnreadableDocumentError) as caught:
        import_documents(engine, [SEEDS[0], path])
    message = str(caught.value)
    assert message.startswith("Файл «noise.txt»: из 300 строк таблицы не прочитаны 300") and "--force" in message and "\n" not in message
    with transaction(engine) as session:
        assert session.exec(select(Roadmap)).all() == []  # the good file of the batch was not written either
    report = import_documents(engine, [path], force=True)[0]
    assert report.rows == 300 and report.unreadable == 300 and len(report.needs_review) == 300


def test_what_the_preview_shows_is_what_gets_stored(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "p.db")
    preview = preview_document(SEEDS[2])
    import_documents(engine, [SEEDS[2]])
    with transaction(engine) as session:
        stored = session.exec(select(Item).order_by(Item.ordinal)).all()  # type: ignore[arg-type]
        fields = [{name: getattr(item, name) for name in row.item_fields()} for item, row in zip(stored, preview.rows, strict=True)]
    assert fields == [row.item_fields() for row in preview.rows]
    view = preview.to_json()
    assert view["roadmap"] == "ПД-КПО-242_2023-05-11" and len(view["rows"]) == 52 and not view["refused"]
    assert all(row["explanation"] for row in view["rows"])


def test_cli_preview_stores_nothing_and_shows_how_each_row_was_understood(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    plan = tmp_path / "plan.txt"
    plan.write_text(
        "План мероприятий на 2024-2025 учебный год\n\n№\tМероприятие\tСроки\tОтветственные\n"
        "1\tЭкскурсия\tв период осенних каникул\tКл. руководители\n2\tКонкурс\tоктябрь 2024 ориентировочно\tПедагог организатор\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(plan), "--preview", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)[0]["rows"]
    assert rows[0]["explanation"].startswith("Окно: осенние каникулы 2024-2025 учебного года")
    assert rows[0]["executors"] == ["Классные руководители"] and not rows[0]["needs_review"]
    assert rows[1]["kind"] == "unrecognised" and rows[1]["unread"] == ["ориентировочно"] and rows[1]["needs_review"]
    assert not db.exists()
    table = CliRunner().invoke(cli, ["--db", str(db), "import", str(plan), "--preview"])
    assert "требуют проверки: 1" in table.output and "можно загружать" in table.output


def test_remove_archives_the_history_of_marks_and_is_transactional(db_url: str) -> None:
    engine = open_store(db_url)
    import_documents(engine, [SEEDS[0], SEEDS[4]], on_stored=ImportTracker(EARLY_TRACK_FROM))
    mark_done(engine, "2448-р_2023-10-09:1", on=None, by="Иванова", evidence="приказ № 5")
    with pytest.raises(RuntimeError):  # an archiver failing: nothing removed, nothing archived
        remove_roadmap(engine, "2448-р_2023-10-09", archivers=[archive_marks, _failing])
    with transaction(engine) as session:
        assert len(list_roadmaps(session)) == 2 and list_removed(session) == []
    report = remove_roadmap(engine, "2448-р_2023-10-09", archivers=[archive_marks])
    assert (report.items, report.marks) == (44, 1)
    with transaction(engine) as session:
        assert [row.key for row in list_roadmaps(session)] == ["1828-у_2023-08-07"]
        assert session.exec(select(OccurrenceEvent)).all() == []  # gone with the roadmap: kept only in the archive
        assert session.exec(select(DeadlineOccurrence)).all()  # the other roadmap's occurrences stay
        archived = session.exec(select(RemovedRoadmap)).one()
    tracking = archived.record["layers"][0]
    assert tracking["layer"] == "tracking" and tracking["marks"] == 1
    (occurrence,) = tracking["occurrences"]
    assert occurrence["item"]["number"] == "1" and occurrence["status"] == "done"
    assert [(e["action"], e["by"], e["evidence"]) for e in occurrence["events"]] == [("done", "Иванова", "приказ № 5")]
    assert len(archived.record["items"]) == 44 and archived.record["roadmap"]["key"] == "2448-р_2023-10-09"


def _failing(session, roadmap):  # type: ignore[no-untyped-def]
    raise RuntimeError("archive unavailable")


def test_cli_roadmap_list_and_remove(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "import", str(SEEDS[0]), str(SEEDS[1])]).exit_code == 0
    listed = json.loads(runner.invoke(cli, ["--db", db, "roadmap", "list", "--json"]).output)
    assert [(row["key"], row["items"]) for row in listed] == [("1302-б_2020-07-27", 34), ("2448-р_2023-10-09", 44)]
    typo = runner.invoke(cli, ["--db", db, "roadmap", "remove", "2448-р_2023-10-9", "--yes"])
    assert typo.exit_code == 1 and "Возможно, имелось в виду: «2448-р_2023-10-09»" in str(typo.exception)
    declined = runner.invoke(cli, ["--db", db, "roadmap", "remove", "2448-р_2023-10-09"], input="n\n")
    assert declined.exit_code == 1
    removed = runner.invoke(cli, ["--db", db, "roadmap", "remove", "2448-р_2023-10-09"], input="y\n")
    assert removed.exit_code == 0 and "удалена: пунктов 44" in removed.output
    archive = json.loads(runner.invoke(cli, ["--db", db, "roadmap", "list", "--removed", "--json"]).output)
    assert [(row["key"], row["items"], row["marks"]) for row in archive] == [("2448-р_2023-10-09", 44, 0)]
    assert [row["key"] for row in json.loads(runner.invoke(cli, ["--db", db, "roadmap", "list", "--json"]).output)] == ["1302-б_2020-07-27"]


def test_an_unreadable_file_is_one_russian_line(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_text("<html><body>Страница не найдена</body></html>", encoding="utf-8")
    with pytest.raises(RoadmapError, match=r"^Файл «plan\.pdf» — не PDF: внутри HTML-страница"):
        preview_document(path)
