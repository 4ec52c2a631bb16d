"""Staff members and venues chosen by the solver among the qualified; `leads` and a re-plan's staff stay."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from calendars.academic import Period
from scheduler import service
from scheduler.norms import load_norms
from scheduler.placement import Placement
from scheduler.problem import build_problem
from scheduler.profile import load_profile
from scheduler.tables import StoredPlacement
from store.db import open_store
from tests.scheduler_helpers import check_timetable, read_current, write_profile

SECOND = "Второва Е. Е."
MAIN = "Навигаторова Г. Г."
THIRD = "Третьякова Ж. Ж."
QUARANTINE = Period("Карантин", date(2024, 2, 5), date(2024, 2, 11))


def two_navigator_profile(directory: Path, leads: str = "") -> Path:
    """The small school with a second navigator who may lead one hour a week: the load-balancing
    rule proposes her for the advanced class's two-hour reflection, which she cannot lead."""
    path = write_profile(directory, navigator_limit=8)
    text = path.read_text(encoding="utf-8").replace("[[venues]]", (
        f'[[staff]]\nname = "{SECOND}"\nroles = ["navigator"]\nmax_hours_per_week = 1\n'
        'email = "second@small.example"\n[[venues]]'
    ), 1)
    if leads:
        text = text.replace('name = "8А"\n', f'name = "8А"\nleads = {{ {leads} }}\n', 1)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_store(f"sqlite:///{tmp_path / 'profplan.db'}")


def test_the_solver_moves_a_session_off_the_proposed_navigator_who_cannot_lead_it(engine: Engine, tmp_path: Path) -> None:
    path = two_navigator_profile(tmp_path)
    profile = load_profile(path)
    problem = build_problem(profile, load_norms(profile.year))
    reflection = next(task for task in problem.tasks if task.key == "10А/reflection")
    # The proposal is the navigator whose weekly hour cannot hold one two-hour session; she and the
    # other are the candidates (before, this school was reported infeasible because of her limit).
    assert reflection.staff == SECOND and reflection.hours == 2
    assert set(reflection.staff_options) == {SECOND, MAIN}
    service.load_school(engine, path)
    result = service.schedule(engine, "small", time_limit=20, seed=0, workers=2)
    assert result.ok, result.to_json()
    assert result.solution.stats["reassigned"] >= 1
    stored = read_current(engine, "small")
    assert check_timetable(stored) == []
    assert all(row.met for row in result.compliance)
    roles = {person.name: set(person.roles) for person in profile.staff}
    norms = load_norms(profile.year)
    for row in stored.placements:
        role = norms.activity(row.activity).role
        assert role == "class_teacher" or role in roles[row.staff], (row.uid, row.staff)
    assert {row.staff for row in stored.placements if row.activity == "reflection" and row.class_name == "10А"} == {MAIN}
    # `school show` gives the hours each person leads and each venue hosts: the loads the choice gave them.
    details = service.school_details(engine, "small").to_json()
    led = {entry["name"]: entry["scheduled_hours"] for entry in details["staff"]}
    assert led == {person.name: sum(row.hours for row in stored.placements if row.staff == person.name)
                   for person in profile.staff}
    assert led[SECOND] > 0 and sum(entry["scheduled_hours"] for entry in details["venues"]) == sum(
        row.hours for row in stored.placements if row.venue)
    # One person leads each (class, activity): the solver chooses per activity, not per session.
    leaders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in stored.placements:
        leaders[(row.class_name, row.activity)].add(row.staff)
    assert all(len(people) == 1 for people in leaders.values()), leaders


def test_a_leads_entry_is_never_reassigned(engine: Engine, tmp_path: Path) -> None:
    """`leads` names the second navigator for 8А's first diagnostics, where the rule proposes the main one."""
    path = two_navigator_profile(tmp_path, leads=f'diag_stage1 = "{SECOND}"')
    profile = load_profile(path)
    problem = build_problem(profile, load_norms(profile.year))
    assert next(task for task in problem.tasks if task.key == "8А/diag_stage1").staff_options == (SECOND,)
    plain = tmp_path / "plain"
    plain.mkdir()
    unpinned = build_problem(load_profile(two_navigator_profile(plain)), load_norms(profile.year))
    assert next(task for task in unpinned.tasks if task.key == "8А/diag_stage1").staff == MAIN
    service.load_school(engine, path)
    result = service.schedule(engine, "small", time_limit=20, seed=0, workers=2)
    assert result.ok, result.to_json()
    stored = read_current(engine, "small")
    assert {row.staff for row in stored.placements if row.task == "8А/diag_stage1"} == {SECOND}
    assert check_timetable(stored) == []


def test_a_replan_keeps_who_leads_and_where(engine: Engine, tmp_path: Path) -> None:
    """After the first schedule a third navigator joins; the balancing rule would now propose her, but
    a re-plan keeps every activity with the person and venue it had."""
    path = two_navigator_profile(tmp_path)
    service.load_school(engine, path)
    assert service.school_details(engine, "small").to_json()["staff"][0]["scheduled_hours"] is None
    assert service.schedule(engine, "small", time_limit=20, seed=0, workers=2).ok
    before = _leaders(read_current(engine, "small").placements)
    path.write_text(path.read_text(encoding="utf-8").replace("[[venues]]", (
        f'[[staff]]\nname = "{THIRD}"\nroles = ["navigator"]\nmax_hours_per_week = 8\nemail = "third@small.example"\n'
        "[[venues]]"
    ), 1), encoding="utf-8")
    profile = load_profile(path)
    assert any(task.staff == THIRD for task in build_problem(profile, load_norms(profile.year)).tasks)
    # A full re-plan's instance (not only the closed week's sessions) leaves her no candidacy either.
    previous = [Placement.of(row) for row in read_current(engine, "small").placements]
    replanned = build_problem(profile, load_norms(profile.year), as_of=date(2024, 2, 1), previous=previous)
    assert replanned.tasks and not any(THIRD in task.staff_options for task in replanned.tasks)
    assert all({(task.staff, task.venue)} == before[(task.class_name, task.activity)]
               for task in replanned.tasks if (task.class_name, task.activity) in before)
    service.load_school(engine, path)
    result = service.replan(engine, "small", [QUARANTINE], as_of=date(2024, 2, 1), time_limit=20, seed=0)
    assert result.solution.ok, result.solution.to_json()
    after = read_current(engine, "small")
    assert not any(QUARANTINE.start <= row.day <= QUARANTINE.end for row in after.placements if row.series is None)
    assert result.changes, "the quarantine moved sessions"
    assert _leaders(after.placements) == before
    assert check_timetable(after) == []


def _leaders(rows: list[StoredPlacement]) -> dict[tuple[str, str], set[tuple[str, str | None]]]:
    """Who leads each (class, activity) and where, over all its sessions."""
    leaders: dict[tuple[str, str], set[tuple[str, str | None]]] = defaultdict(set)
    for row in rows:
        leaders[(row.class_name, row.activity)].add((row.staff, row.venue))
    return dict(leaders)
