"""The region run's parts that need no cluster: choosing schools, usage errors, outcomes, the progress bar,
the generated region, the tables on both databases, and the worker's solve run in-process."""

from __future__ import annotations

import io
import pickle
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from rich.console import Console
from sqlmodel import select

from calendars.errors import CalendarError
from cli import cli
from region import adapter
from region.batch import BatchOptions, select_schools
from region.cluster import ClusterSpec, open_cluster
from region.errors import RegionError
from region.outcome import Outcome, OutcomeKind, headline
from region.overdue import school_executors
from region.progress import ProgressBar
from region.report import PlanState, PlanStatus, region_report
from region.tables import RegionResult, RegionRun
from scheduler import service
from scheduler.profile import load_profile
from scheduler.tables import School
from store.db import open_store, transaction
from tests.region_helpers import write_region

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import region_gen  # noqa: E402


@pytest.fixture
def engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    return open_store(f"sqlite:///{tmp_path / 'region.db'}")


def test_a_folder_is_loaded_largest_first_and_a_bad_file_is_that_files_failure(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = write_region(tmp_path / "schools", ["b", "a"])
    (folder / "typo.toml").write_text('[school]\nid = "typo"\nregion = "RU-LEN"\n', encoding="utf-8")
    region_gen.write_region(folder, 1, seed=3)  # len-001: more classes than the small schools
    selection = select_schools(engine, "ru-len", folder)
    assert selection.school_ids[0] == "len-001" and selection.school_ids[1:] == ["a", "b"]
    assert selection.region == "RU-LEN" and selection.total == 4
    [bad] = selection.unreadable
    assert bad.school == "typo.toml" and bad.kind is OutcomeKind.INVALID and "typo.toml" in (bad.reason or "")
    assert select_schools(engine, None, None).school_ids == selection.school_ids  # --all: what the store holds


def test_choosing_schools_that_do_not_exist_is_an_error_naming_what_was_typed(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RegionError, match="Нет школ в базе"):
        select_schools(engine)
    with pytest.raises(CalendarError, match="Неизвестный регион «RU-XXX»"):
        select_schools(engine, "RU-XXX")
    write_region(tmp_path / "schools", ["a"])
    select_schools(engine, None, tmp_path / "schools")
    with pytest.raises(RegionError, match=r"Нет школ региона RU-LIP в базе\. Возможно, имелось в виду: «RU-LEN»"):
        select_schools(engine, "RU-LIP")
    with pytest.raises(RegionError, match="папка .* не найдена"):
        select_schools(engine, None, tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(RegionError, match="нет файлов школ"):
        select_schools(engine, None, tmp_path / "empty")


def test_files_of_another_region_are_left_out_and_named(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = write_region(tmp_path / "schools", ["a", "b"])
    moved = folder / "b.toml"
    moved.write_text(moved.read_text(encoding="utf-8").replace('"RU-LEN"', '"RU-MOW"'), encoding="utf-8")
    selection = select_schools(engine, "RU-LEN", folder)
    assert selection.school_ids == ["a"] and selection.other_region == [("b.toml", "RU-MOW")]
    assert selection.other_region_note() == "Пропущено файлов школ другого региона, не RU-LEN: 1 — b.toml (RU-MOW)."
    assert select_schools(engine, None, folder).other_region_note() is None
    with pytest.raises(RegionError, match=r"Нет школ региона RU-LIP в папке .*: в ней школы регионов RU-LEN, RU-MOW\."):
        select_schools(engine, "RU-LIP", folder)


def test_a_school_id_in_two_files_is_the_second_files_failure(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = write_region(tmp_path / "schools", ["same"])
    (folder / "z-copy.toml").write_text((folder / "same.toml").read_text(encoding="utf-8"), encoding="utf-8")
    selection = select_schools(engine, None, folder)
    assert selection.school_ids == ["same"]
    assert "уже занят файлом same.toml" in (selection.unreadable[0].reason or "")


def test_usage_errors_exit_2_and_missing_schools_exit_1(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "region.db")
    for args in (["region", "schedule"], ["region", "schedule", "--all", "--schools", str(tmp_path)],
                 ["region", "schedule", "--all", "--workers", "0"]):
        assert runner.invoke(cli, ["--db", db, *args]).exit_code == 2
    write_region(tmp_path / "schools", ["a"])
    service.load_school(open_store(f"sqlite:///{db}"), tmp_path / "schools" / "a.toml")
    assert runner.invoke(cli, ["--db", db, "region", "report", "--json", "--xlsx", "x.xlsx"]).exit_code == 2
    missing = runner.invoke(cli, ["--db", db, "region", "report", "--region", "RU-LIP"])
    assert missing.exit_code == 1 and "Возможно, имелось в виду: «RU-LEN»" in str(missing.exception)
    with pytest.raises(RegionError, match="Не удалось подключиться к планировщику Dask tcp://127.0.0.1:9"):
        with open_cluster(ClusterSpec("tcp://127.0.0.1:9", timeout=1)):
            pass


def test_a_school_never_planned_is_reported_as_such(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    service.load_school(engine, write_region(tmp_path / "schools", ["a"]) / "a.toml")
    [row] = region_report(engine).schools
    assert row.plan.state is PlanState.NOT_PLANNED and row.plan.text == "не составлено" and row.compliance is None
    assert row.municipality == "Всеволожский район" and row.levels == {"базовый": 2, "продвинутый": 1}


def test_the_worker_solve_runs_without_a_database_and_explains_an_infeasible_school(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = write_region(tmp_path / "schools", [], infeasible="tight")
    service.load_school(engine, folder / "tight.toml")
    with transaction(engine) as session:
        school = adapter.InputReader().read(session, "tight")
    again = adapter.SchoolInput(school.school_id, school.profile, school.items, school.data_digest)
    assert len(school.input_hash) == 64 and again.input_hash == school.input_hash
    assert adapter.SchoolInput("tight", {**school.profile, "x": 1}, school.items, school.data_digest).input_hash != school.input_hash
    outcome = adapter.solve_input(school, adapter.solver_settings(5, 0)).outcome("tight", "w")
    assert outcome.kind is OutcomeKind.INFEASIBLE and outcome.status == "infeasible"
    assert "Навигаторова Г. Г." in (outcome.reason or "") and outcome.details["capacity"]
    assert headline(outcome.reason).startswith("сотрудники с ролью «navigator» (1 чел.): нужно")


def test_outcome_kinds_say_what_is_retried_and_what_counts_as_success() -> None:
    assert {kind for kind in OutcomeKind if kind.retryable} == {OutcomeKind.CRASHED, OutcomeKind.OVERRAN}
    assert {kind for kind in OutcomeKind if kind.succeeded} == {OutcomeKind.SOLVED, OutcomeKind.SKIPPED}
    assert headline("одна строка") == "одна строка" and headline(None) == "причина неизвестна"
    assert BatchOptions(time_limit=60).wall_limit == 180 and BatchOptions(overrun=5).wall_limit == 5
    assert PlanStatus(PlanState.WITHIN, gap=0.0123).text == "в пределах 1.2 % от оптимума"
    assert PlanStatus(PlanState.FAILED, reason="ValueError: x", kept=True).text == "сбой: ValueError: x (действует прежнее расписание)"


def test_the_progress_bar_counts_and_estimates_on_a_terminal() -> None:
    stream = io.StringIO()
    bar = ProgressBar(Console(file=stream, force_terminal=True, width=160, highlight=False, color_system=None))
    cluster = SimpleNamespace(threads=lambda: 2, spec=SimpleNamespace(describe=lambda: "локальный кластер Dask"),
                              dashboard="http://127.0.0.1:8787/status", note=None)
    bar.begin(3, cluster)  # type: ignore[arg-type]
    bar.finished(Outcome("a", OutcomeKind.SOLVED, seconds=1.0))
    bar.retrying(Outcome("b", OutcomeKind.OVERRAN, reason="решение шло дольше 3 с"))
    bar.finished(Outcome("b", OutcomeKind.OVERRAN, reason="решение шло дольше 3 с", attempts=2))
    assert bar._counts() == "готово 1 · ошибок 1 · осталось 1" and bar._estimate().startswith("ещё ≈ 0:00:")
    bar.end()
    text = stream.getvalue()
    assert "Панель Dask: http://127.0.0.1:8787/status" in text and "повтор на другом исполнителе" in text
    assert "b: превышено время: решение шло дольше 3 с" in text


def test_school_executors_are_the_schools_business_but_colleges_and_the_committee_are_not() -> None:
    owners = school_executors()
    for name in ("Общеобразовательные организации", "Руководители образовательных организаций", "Администрация ОО",
                 "Заместитель директора", "Образовательные организации Ленинградской области"):
        assert owners.owns(name, "МОУ «СОШ № 1»"), name
    for name in ("Комитет общего и профессионального образования Ленинградской области", "ГАОУ ДПО «ЛОИРО»",
                 "Профессиональные образовательные организации", "Образовательные организации высшего образования",
                 None):
        assert not owners.owns(name, "МОУ «СОШ № 1»"), name
    assert owners.owns("МОУ «СОШ № 1»", "МОУ \"СОШ № 1\"")  # the school itself, however quoted


def test_the_generated_region_is_loadable_mixed_and_reproducible(tmp_path: Path) -> None:
    paths = region_gen.write_region(tmp_path / "a", 60, seed=7)
    profiles = [load_profile(path) for path in paths]
    sizes = [len(p.classes) for p in profiles]
    assert min(sizes) >= 5 and max(sizes) <= 60 and any(s <= 9 for s in sizes) and any(s >= 40 for s in sizes)
    assert {p.level for p in profiles} == {"basic", "main"}
    assert any(c.level == "advanced" for p in profiles for c in p.classes)
    assert len({p.municipality for p in profiles}) > 5 and all(p.region == "RU-LEN" for p in profiles)
    for profile in profiles:
        roles = {role for person in profile.staff for role in person.roles}
        assert {"class_teacher", "navigator", "teacher", "tutor", "master"} <= roles
        assert {v.kind for v in profile.venues} == {"external", "hall"}
    again = region_gen.write_region(tmp_path / "b", 60, seed=7)
    assert [p.read_text(encoding="utf-8") for p in paths] == [p.read_text(encoding="utf-8") for p in again]


def test_region_tables_on_both_databases_and_a_deleted_school_takes_its_result(db_url: str, tmp_path: Path) -> None:
    engine = open_store(db_url)
    service.load_school(engine, write_region(tmp_path / "schools", ["a"]) / "a.toml")
    now = datetime.now(UTC)
    with transaction(engine) as session:
        run = RegionRun(started_at=now, cluster="локальный кластер Dask", workers=2, seed=0, time_limit=60)
        session.add(run)
        session.flush()
        session.add(RegionResult(school_id="a", run_id=run.id, input_hash="h" * 64, seed=0, outcome="infeasible",
                                 reason="Расписание невозможно", details={"requirements": []}, finished_at=now))
    with transaction(engine) as session:
        result = session.get(RegionResult, "a")
        assert result is not None and result.details == {"requirements": []} and result.finished_at == now
        session.delete(session.get(School, "a"))
    with transaction(engine) as session:
        assert session.exec(select(RegionResult)).all() == []


def test_the_solver_settings_a_batch_sends_to_its_workers_survive_pickling() -> None:
    """Dask ships `adapter.solver_settings` to every worker; a lock inside them once made every submit fail."""
    settings = adapter.solver_settings(30, 1)
    settings.cpu.add(1.5)
    copy = pickle.loads(pickle.dumps(settings))
    assert copy == settings and copy.cpu.seconds == 1.5
    copy.cpu.add(0.5)  # the copy counts on its own lock
    assert copy.cpu.seconds == 2.0 and settings.cpu.seconds == 1.5
