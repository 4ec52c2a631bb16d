"""Stage 1 of the solver on schools whose classes compete for the same staff.

Identical classes (same grade and level) have identical optimal plans when
each is solved alone, so they all want the same weeks of the navigator they
share: the planner must place them around each other and still reach the
sum of their own optima, the bound that proves the timetable optimal.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ortools.sat.python import cp_model
from sqlalchemy.engine import Engine

from scheduler import service
from scheduler.decompose import Planner
from scheduler.model import Occupancy, WeekModel, bucket_loads
from scheduler.norms import load_norms
from scheduler.problem import build_problem
from scheduler.profile import load_profile
from scheduler.settings import SolverSettings
from store.db import open_store
from tests.scheduler_helpers import check_timetable, read_current

GRADES = (9, 10, 11)
PER_GRADE = 5


def shared_staff_profile(directory: Path, grades: tuple[int, ...] = GRADES, per_grade: int = PER_GRADE) -> Path:
    """`per_grade` advanced classes in each of `grades`; per grade one navigator and one teacher serve
    all of them, one tutor and one master serve everybody, two external venues and a hall."""
    classes, staff = [], []
    for grade in grades:
        for number in range(1, per_grade + 1):
            name, teacher = f"{grade}-{number}", f"Классный руководитель {grade}-{number}"
            classes.append(f'[[classes]]\nname = "{name}"\ngrade = {grade}\nstudents = 25\nteacher = "{teacher}"\n')
            staff.append((teacher, "class_teacher", 4))
        staff += [(f"Навигатор {grade}", "navigator", 8), (f"Учитель {grade}", "teacher", 6)]
    staff += [("Педагог ДО", "tutor", 4), ("Мастер", "master", 6)]
    text = ['[school]\nid = "shared"\nname = "Школа с общими педагогами"\nregion = "RU-LEN"\n'
            'year = "2023-2024"\nlevel = "advanced"\nweek = 5\n']
    text += [f'[[slots]]\nstart = "{start}"\nminutes = 45\n' for start in ("14:20", "15:15", "16:10")]
    text.append('[evening]\nstart = "18:30"\nminutes = 60\n')
    text += classes
    text += [
        f'[[staff]]\nname = "{name}"\nroles = ["{role}"]\nmax_hours_per_week = {limit}\n'
        f'email = "s{index}@shared.example"\n'
        for index, (name, role, limit) in enumerate(staff)
    ]
    text += [f'[[venues]]\nname = "Площадка {n}"\ncapacity = 60\nkind = "external"\n' for n in (1, 2)]
    text.append('[[venues]]\nname = "Зал"\ncapacity = 120\nkind = "hall"\n')
    path = directory / "shared.toml"
    path.write_text("\n".join(text), encoding="utf-8")
    return path


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_store(f"sqlite:///{tmp_path / 'profplan.db'}")


def test_classes_sharing_a_navigator_reach_the_sum_of_their_own_optima(engine: Engine, tmp_path: Path) -> None:
    service.load_school(engine, shared_staff_profile(tmp_path))
    result = service.schedule(engine, "shared", time_limit=20, seed=0, workers=2)
    assert result.ok, result.to_json()
    solution = result.solution
    # The bound is the sum of each class's optimum alone; the week plan reaches it, and only the
    # day-level terms (stacking) can come on top, so «оптимально» exactly when they are zero.
    assert solution.stats["stage1_objective"] == solution.bound, solution.to_json()
    assert (solution.status == "optimal") == (solution.stats["stage2_objective"] == 0)
    stored = read_current(engine, "shared")
    assert check_timetable(stored) == []
    assert all(row.met for row in result.compliance)
    # The five classes of a grade did not all get the same weeks: each navigator's reflection
    # lessons (December, two per class) are spread over several weeks.
    for grade in GRADES:
        weeks = {p.day.isocalendar()[1] for p in stored.placements
                 if p.activity == "reflection" and p.class_name.startswith(f"{grade}-")}
        assert len(weeks) >= 3, (grade, sorted(weeks))


def test_a_feasible_hint_is_where_the_search_starts(tmp_path: Path) -> None:
    """A group re-solve hinted with a plan that fits starts from that plan: with almost no time it
    returns that plan's objective, never a worse one (hinting the counts alone, CP-SAT finds no
    solution at all in this time)."""
    profile = load_profile(shared_staff_profile(tmp_path))
    problem = build_problem(profile, load_norms(profile.year))
    occupancy = Occupancy(problem)
    settings = SolverSettings(20.0, 0, 1)
    planner = Planner(problem, occupancy, settings)
    plan = planner.plan()
    group = frozenset(f"9-{number}" for number in range(1, PER_GRADE + 1))
    loads = bucket_loads(problem, plan.values, plan.choices)
    own = bucket_loads(problem, {i: v for i, v in plan.values.items() if problem.tasks[i].class_name in group},
                       plan.choices)
    reserved = {key: load - own[key] if key in own else load for key, load in loads.items()}
    # As the polish solves a group: with the staff and venues its classes have (see Planner._polish).
    model = WeekModel(problem, occupancy, group, reserved=reserved, fixed_choices=plan.choices)
    model.hint(plan.values, settings, choices=plan.choices)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 0.05
    assert solver.solve(model.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert round(solver.objective_value) <= sum(plan.objective[name] for name in group)


def _anonymous(model: WeekModel) -> str:
    proto = model.model.clone().proto
    for variable in proto.variables:
        variable.clear_name()
    for constraint in proto.constraints:
        constraint.clear_name()
    return str(proto)


def test_classes_with_equal_inputs_are_the_same_model(tmp_path: Path) -> None:
    """The planner solves one class per kind alone and gives its floor to the others: that is valid
    only if equal `_inputs` mean the same model. Here the three grades differ in activities, the
    classes of a grade in their teacher's name only, and one class has a lower weekly limit; a
    class's kind is found without building its model."""
    path = shared_staff_profile(tmp_path)
    text = path.read_text(encoding="utf-8").replace(
        'name = "10-2"\ngrade = 10\n', 'name = "10-2"\ngrade = 10\nmax_hours_per_week = 2\n'
    )
    path.write_text(text, encoding="utf-8")
    profile = load_profile(path)
    problem = build_problem(profile, load_norms(profile.year))
    occupancy = Occupancy(problem)
    planner = Planner(problem, occupancy, SolverSettings(20.0, 0, 1))
    inputs = {name: planner._inputs(name) for name in planner.classes}
    models = {name: _anonymous(WeekModel(problem, occupancy, [name])) for name in planner.classes}
    for one in planner.classes:
        for other in planner.classes:
            assert (inputs[one] == inputs[other]) == (models[one] == models[other]), (one, other)
    kinds = {key: sorted(name for name in planner.classes if inputs[name] == key) for key in inputs.values()}
    # Grades 9 and 11 (both with exam preparation weeks) run the same activities.
    assert sorted(kinds.values()) == [["10-1", "10-3", "10-4", "10-5"], ["10-2"], [*(f"11-{n}" for n in range(1, 6)),
                                                                           *(f"9-{n}" for n in range(1, 6))]]


def test_a_class_model_made_from_its_kind_is_the_model_built_for_it(tmp_path: Path) -> None:
    """The planner builds one model per kind of class and makes each class's from it (`WeekModel.twin`):
    with what the others reserve, the prices and the staff and venues chosen, it must be, names aside,
    the very model built for that class from scratch, whether the choices are kept or made again."""
    profile = load_profile(shared_staff_profile(tmp_path))
    problem = build_problem(profile, load_norms(profile.year))
    occupancy = Occupancy(problem)
    planner = Planner(problem, occupancy, SolverSettings(20.0, 0, 1))
    plan = planner.plan()
    name = next(name for name in planner.classes if planner.kind[name] != name)
    scope = frozenset([name])
    loads = bucket_loads(problem, plan.values, plan.choices)
    own = bucket_loads(problem, {i: v for i, v in plan.values.items() if problem.tasks[i].class_name == name}, plan.choices)
    used = planner.candidates[name]
    reserved = {key: load - own[key] if key in own else load for key, load in loads.items() if key[0] in used}
    planner.waiting = frozenset(planner.classes)  # prices as while classes still wait
    for choose in (False, True):
        prices = planner._prices(scope, used, reserved, choose)
        assert prices
        choices = None if choose else plan.choices
        built = WeekModel(problem, occupancy, scope, reserved=reserved, class_caps=planner.caps, floors=planner.floors,
                          prices=prices, fixed_choices=choices)
        made = planner._model(scope, reserved, prices, choices)
        assert made.model.proto is not built.model.proto
        assert _anonymous(made) == _anonymous(built)
        assert made.scale == built.scale > 1
    assert len(planner.templates) < len(planner.classes)
