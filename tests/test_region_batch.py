"""A region solved on real Dask clusters on 127.0.0.1: a LocalCluster the command starts, and separate
`dask scheduler` / `dask worker` processes — including a worker killed mid-run and a school past its limit.

Every stored timetable is re-checked by the independent checker of the scheduler tests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from sqlmodel import select
from tracking_helpers import EARLY_TRACK_FROM

from calendars.data_files import data_dir
from cli import cli
from region import adapter
from region.batch import BatchOptions, run_batch, select_schools
from region.cluster import ClusterSpec, Connected, open_cluster
from region.outcome import Outcome, OutcomeKind
from region.report import PlanState, region_report
from region.tables import RegionResult, RegionRun
from region.worker import solve_school
from roadmaps.importer import import_documents
from scheduler import service
from store.db import open_store, transaction
from tests.region_helpers import running_cluster, wait_for_workers, write_region
from tests.scheduler_helpers import check_timetable, read_current
from tracking.imports import ImportTracker
from tracking.overdue import overdue_report

LIMIT = "10"
AS_OF = date(2024, 2, 15)
LENINGRAD = data_dir() / "roadmaps" / "000_a5b718c3f457eac6.txt"
GOOD = ["alpha", "beta", "gamma"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_cluster(tmp_path_factory.mktemp("dask")) as address:
        yield address


@dataclass(frozen=True)
class Solved:
    db: Path
    exit_code: int
    data: dict[str, Any]
    stderr: str
    message: str

    def copy(self, folder: Path) -> str:
        target = folder / "copy.db"
        shutil.copy(self.db, target)
        return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Solved:
    """`profplan region schedule --schools` on a LocalCluster of 2 workers: three schools, an infeasible
    one and a file that is not a school; the Leningrad roadmap imported first."""
    root = tmp_path_factory.mktemp("region")
    folder = write_region(root / "schools", GOOD, infeasible="delta")
    (folder / "broken.toml").write_text('[school]\nid = "broken"\n', encoding="utf-8")
    db = root / "region.db"
    import_documents(open_store(f"sqlite:///{db}"), [LENINGRAD], on_stored=ImportTracker(EARLY_TRACK_FROM))
    result = CliRunner().invoke(cli, ["--db", str(db), "region", "schedule", "--schools", str(folder), "--workers", "2",
                                      "--time-limit", LIMIT, "--json"])
    return Solved(db, result.exit_code, json.loads(result.stdout), result.stderr, str(result.exception))


def _outcomes(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {outcome["school"]: outcome for outcome in data["outcomes"]}


def test_a_local_cluster_solves_the_region_and_an_infeasible_school_keeps_its_reason(solved: Solved) -> None:
    assert solved.exit_code == 1
    outcomes = _outcomes(solved.data)
    assert solved.data["workers"] == 2 and solved.data["cluster"] == "локальный кластер Dask"
    assert {school: outcomes[school]["outcome"] for school in outcomes} == {
        "alpha": "solved", "beta": "solved", "gamma": "solved", "delta": "infeasible", "broken.toml": "invalid"}
    delta = outcomes["delta"]
    assert "Навигаторова Г. Г." in delta["reason"]
    assert delta["details"]["requirements"] or delta["details"]["capacity"]  # explained by a conflict or by hours
    assert "school.region" in outcomes["broken.toml"]["reason"]
    assert "Не составлено расписаний: 2 из 5" in solved.message and "delta" in solved.message
    assert re.search(r"Панель Dask: http://127\.0\.0\.1:\d+/status", solved.stderr)
    engine = open_store(f"sqlite:///{solved.db}")
    for school in GOOD:
        stored = read_current(engine, school)
        assert check_timetable(stored) == []
        assert stored.timetable.id == outcomes[school]["timetable"] and stored.timetable.workers == 1
    with transaction(engine) as session:
        results = {row.school_id: row for row in session.exec(select(RegionResult)).all()}
        run = session.exec(select(RegionRun)).one()
    assert results["delta"].outcome == "infeasible" and results["delta"].timetable_id is None
    assert results["delta"].reason == delta["reason"]
    assert (run.schools, run.solved, run.failed, run.workers) == (5, 3, 2, 2) and run.finished_at is not None


def test_a_rerun_on_a_running_cluster_skips_the_solved_schools(solved: Solved, cluster: str, tmp_path: Path) -> None:
    url = solved.copy(tmp_path)
    runner = CliRunner()
    again = runner.invoke(cli, ["--db", url, "region", "schedule", "--all", "--scheduler", cluster, "--workers", "2",
                                "--time-limit", LIMIT, "--json"])
    assert again.exit_code == 1  # delta is still infeasible
    outcomes = _outcomes(json.loads(again.stdout))
    first = _outcomes(solved.data)
    for school in GOOD:
        assert outcomes[school]["outcome"] == "skipped" and outcomes[school]["timetable"] == first[school]["timetable"]
    assert outcomes["delta"]["outcome"] == "infeasible" and outcomes["delta"]["attempts"] == 1


def test_the_region_report_numbers_equal_the_per_school_ones(solved: Solved, tmp_path: Path) -> None:
    url = solved.copy(tmp_path)
    engine = open_store(url)
    report = region_report(engine, "RU-LEN", AS_OF)
    rows = {row.school_id: row for row in report.schools}
    assert set(rows) == {*GOOD, "delta"}
    assert [m.name for m in report.municipalities] == ["Всеволожский район", "Гатчинский район"]
    overdue = [row for row in overdue_report(engine, as_of=AS_OF, soon=0).rows() if row.is_overdue]
    for school in GOOD:
        row = rows[school]
        view = service.timetable(engine, school)
        assert row.plan.state is (PlanState.OPTIMAL if view.status == "optimal" else PlanState.WITHIN)
        assert row.plan.timetable_id == view.timetable_id
        compliance = service.compliance_report(engine, school).rows
        classes = {r.class_name for r in compliance}
        met = {name for name in classes if all(r.met for r in compliance if r.class_name == name)}
        assert row.compliance is not None and (row.compliance.classes, row.compliance.met) == (len(classes), len(met))
        assert (row.classes, row.taking_part) == (3, 3)
        # The schools' business per the overdue report, less what the school's own sessions did in time.
        served = {(p.item_ref, p.day) for p in view.placements if p.item_ref}
        expected = {
            r.item for r in overdue
            if r.executor and ("бщеобразовательн" in r.executor or "бразовательных организаций" in r.executor
                               or r.executor == "Образовательные организации")
            and not any(number == r.number and (r.start or r.due) <= day <= r.due for number, day in served)
        }
        assert {item.item for item in row.overdue} == expected
        assert len(row.overdue) == len({(item.item, item.due) for item in row.overdue})
    alpha = {item.item for item in rows["alpha"].overdue}
    assert "2448-р_2023-10-09#4" in alpha  # the school's own plan: «Общеобразовательные организации»
    assert "2448-р_2023-10-09#24" not in alpha  # ГАОУ ДПО «ЛОИРО» only
    # «Неделя без турникетов» (October) and the Thursday course are overdue in the committee's report, but
    # alpha's timetable holds their sessions in time, so they are not alpha's overdue items.
    assert {"2448-р_2023-10-09#38", "2448-р_2023-10-09#17"} <= {r.item for r in overdue}
    assert not alpha & {"2448-р_2023-10-09#38", "2448-р_2023-10-09#17"}
    delta = rows["delta"]
    assert delta.plan.state is PlanState.INFEASIBLE and delta.compliance is None
    # Found by the capacity check before any search: the navigator's hours, with the numbers.
    assert delta.plan.text.startswith("невыполнимо: сотрудники с ролью «navigator» (1 чел.): нужно 47 ч")
    totals = report.totals
    assert (totals.schools, totals.classes, totals.states["optimal"] + totals.states["within"]) == (4, 12, 3)
    assert totals.overdue == sum(len(row.overdue) for row in rows.values())

    runner = CliRunner()
    data = json.loads(runner.invoke(cli, ["--db", url, "region", "report", "--as-of", "15.02.2024", "--json"]).stdout)
    assert data["totals"] == totals.to_json() and data["last_run"]["solved"] == 3
    text = runner.invoke(cli, ["--db", url, "region", "report", "--region", "RU-LEN", "--as-of", "2024-02-15"])
    assert text.exit_code == 0 and "Гатчинский район" in text.stdout and "невыполнимо: сотрудники с ролью" in text.stdout
    book = tmp_path / "region.xlsx"
    written = runner.invoke(cli, ["--db", url, "region", "report", "--as-of", "2024-02-15", "--xlsx", str(book)])
    assert written.exit_code == 0, written.output
    sheets = openpyxl.load_workbook(book)
    schools = {r[2]: r for r in sheets["Школы"].iter_rows(min_row=2, values_only=True)}
    assert set(schools) == set(rows)
    assert all(schools[school][10] == len(rows[school].overdue) for school in rows)
    assert sheets["Просрочено"].max_row - 1 == totals.overdue


class Killer:
    """Kills the process of the worker that starts `victim`, once, as an operator's machine dying would."""

    def __init__(self, victim: str) -> None:
        self.victim, self.killed, self.pids, self.names = victim, None, {}, {}
        self.outcomes: list[Outcome] = []

    def begin(self, total: int, cluster: Connected) -> None:
        self.pids, self.names = cluster.client.run(os.getpid), cluster.workers()

    def started(self, school: str, worker: str) -> None:
        if school == self.victim and self.killed is None:
            self.killed = self.names[worker]
            os.kill(self.pids[worker], signal.SIGKILL)

    def retrying(self, outcome: Outcome) -> None:
        return None

    def finished(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    def tick(self) -> None:
        return None

    def end(self) -> None:
        return None


def test_a_worker_killed_mid_run_and_its_school_is_retried_on_another(cluster: str, tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'region.db'}")
    folder = write_region(tmp_path / "schools", ["k1", "k2", "k3"])
    killer = Killer("k2")
    with open_cluster(ClusterSpec(cluster, 2)) as connected:
        report = run_batch(engine, connected, select_schools(engine, None, folder), BatchOptions(time_limit=float(LIMIT)), killer)
        names = connected.workers()
    wait_for_workers(cluster, 2)
    assert report.ok and killer.killed is not None
    k2 = next(o for o in report.outcomes if o.school == "k2")
    assert k2.kind is OutcomeKind.SOLVED and k2.attempts == 2
    assert names.get(k2.worker or "", k2.worker) != killer.killed  # the retry ran on the other worker
    for school in ("k1", "k2", "k3"):
        assert check_timetable(read_current(engine, school)) == []


def test_a_school_past_the_wall_clock_limit_is_stopped_retried_once_and_reported(cluster: str, tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'region.db'}")
    service.load_school(engine, data_dir() / "schools" / "demo.toml")  # seven classes: seconds of CP-SAT
    selection = select_schools(engine, None, None)
    with open_cluster(ClusterSpec(cluster, 2)) as connected:
        report = run_batch(engine, connected, selection, BatchOptions(time_limit=30, overrun=1.0))
    wait_for_workers(cluster, 2)
    [outcome] = report.outcomes
    assert outcome.kind is OutcomeKind.OVERRAN and outcome.attempts == 2 and not report.ok
    assert "дольше 1 с" in (outcome.reason or "")
    with transaction(engine) as session:
        result = session.get(RegionResult, "demo-kudrovo")
        assert result is not None and result.outcome == "overran" and result.timetable_id is None
        assert adapter.current_record(session, "demo-kudrovo") is None


def test_a_worker_with_other_data_refuses_the_school(cluster: str, tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'region.db'}")
    service.load_school(engine, write_region(tmp_path / "schools", ["odd"]) / "odd.toml")
    with transaction(engine) as session:
        school = adapter.InputReader().read(session, "odd")
    with open_cluster(ClusterSpec(cluster)) as connected:
        attempt = connected.client.submit(solve_school, replace(school, data_digest="other"),
                                          adapter.solver_settings(5, 0), pure=False).result()
    assert attempt.outcome.kind is OutcomeKind.CRASHED and attempt.solved is None
    assert "другие нормы, учебный календарь или версия OR-Tools" in (attempt.outcome.reason or "")


def test_the_scheduler_option_runs_on_a_running_cluster_with_postgres_and_force_solves_again(cluster: str, pg_url: str, tmp_path: Path) -> None:
    folder = write_region(tmp_path / "schools", ["pg1", "pg2"])
    result = CliRunner().invoke(cli, ["--db", pg_url, "region", "schedule", "--schools", str(folder), "--scheduler", cluster,
                                      "--workers", "2", "--time-limit", LIMIT])
    assert result.exit_code == 0, result.output
    assert "Составлено: 2, без изменений: 0, не составлено: 0 из 2" in result.stdout
    assert f"Кластер: {cluster}, исполнителей: 2" in result.stderr
    engine = open_store(pg_url)
    first = {school: read_current(engine, school).timetable.id for school in ("pg1", "pg2")}
    forced = CliRunner().invoke(cli, ["--db", pg_url, "region", "schedule", "--all", "--region", "RU-LEN",
                                      "--scheduler", cluster, "--time-limit", LIMIT, "--force", "--json"])
    redone = _outcomes(json.loads(forced.stdout))
    for school in ("pg1", "pg2"):
        assert redone[school]["outcome"] == "solved" and redone[school]["timetable"] != first[school]
        stored = read_current(engine, school)
        assert stored.timetable.id == redone[school]["timetable"] and check_timetable(stored) == []


def test_the_dashboard_serves_its_scripts_itself(cluster: str) -> None:
    """No internet here: every script of the dashboard page must come from the scheduler."""
    with open_cluster(ClusterSpec(cluster)) as connected:
        assert connected.dashboard
        page = urllib.request.urlopen(connected.dashboard, timeout=30).read().decode()
        scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
        assert scripts and not [src for src in scripts if "://" in src or src.startswith("//")]
        base = connected.dashboard.rsplit("/", 1)[0]
        for src in scripts:
            with urllib.request.urlopen(f"{base}/{src}", timeout=30) as response:
                assert response.status == 200 and len(response.read()) > 1000
