"""Generate a realistic region: one school.toml per school, each valid for `profplan school load`.

Sizes follow a Leningrad-oblast-like spread: many small rural schools of 5–9
classes (grades 1–9, some grades merged), small-town schools of 10–20,
town schools of 21–39 and urban ones of 40–60 classes (grades 1–11, up to
five parallels). Levels are mixed the way schools choose them: rural schools
mostly basic, towns main, urban schools main with advanced pre-professional
classes in grades 10–11. Each school has its own staff (a class teacher per
class, navigators, teachers, tutors and masters scaled with the classes in
the profminimum, as in bench_solver) and its own venues (halls and the
college or company venues of the professional trials). The same --seed gives
the same region.

    .venv/bin/python bench/region_gen.py --schools 400 --out region-ru-len [--seed 1] [--region RU-LEN] [--year 2023-2024]
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduler.profile import load_profile  # noqa: E402

MUNICIPALITIES = (  # Leningrad oblast: 17 districts and Sosnovy Bor; weights ~ their number of schools
    ("Бокситогорский район", 3), ("Волосовский район", 3), ("Волховский район", 5), ("Всеволожский район", 12),
    ("Выборгский район", 8), ("Гатчинский район", 9), ("Кингисеппский район", 4), ("Киришский район", 3),
    ("Кировский район", 5), ("Лодейнопольский район", 2), ("Ломоносовский район", 5), ("Лужский район", 5),
    ("Подпорожский район", 2), ("Приозерский район", 4), ("Сланцевский район", 2), ("Тихвинский район", 4),
    ("Тосненский район", 5), ("Сосновоборский городской округ", 2),
)


@dataclass(frozen=True)
class Kind:
    """A kind of school: its share of the region, class count range, class sizes and how it picks levels."""

    name: str
    abbreviation: str
    share: float
    classes: tuple[int, int]
    students: tuple[int, int]
    levels: tuple[tuple[str, float], ...]
    advanced_seniors: bool = False


KINDS = (
    Kind("сельская основная", "ООШ", 0.40, (5, 9), (6, 15), (("basic", 0.7), ("main", 0.3))),
    Kind("малого города", "СОШ", 0.25, (10, 20), (14, 25), (("basic", 0.4), ("main", 0.6))),
    Kind("городская", "СОШ", 0.15, (21, 39), (20, 28), (("main", 1.0),)),
    Kind("крупная городская", "Лицей", 0.20, (40, 60), (22, 30), (("main", 1.0),), advanced_seniors=True),
)
SURNAMES = ("Иванова", "Петрова", "Смирнова", "Кузнецова", "Попова", "Васильева", "Соколова", "Михайлова", "Новикова",
            "Фёдорова", "Морозова", "Волкова", "Алексеева", "Лебедева", "Семёнова", "Егорова", "Павлова", "Козлова")
INITIALS = "АБВГДЕИКЛМНОПРСТ"
LETTERS = "АБВГДЕ"
PARTICIPATING = range(6, 12)


def generate(count: int, seed: int, region: str = "RU-LEN", year: str = "2023-2024") -> list[dict[str, Any]]:
    """`count` school profiles (as TOML tables) with ids region-001, region-002, …"""
    rng = random.Random(seed)
    prefix = region.split("-")[-1].lower()
    names, weights = zip(*MUNICIPALITIES, strict=True)
    schools = []
    for number in range(1, count + 1):
        kind = rng.choices(KINDS, weights=[k.share for k in KINDS])[0]
        municipality = rng.choices(names, weights=weights)[0]
        schools.append(_school(rng, f"{prefix}-{number:03d}", number, kind, municipality, region, year))
    return schools


def _school(rng: random.Random, school_id: str, number: int, kind: Kind, municipality: str, region: str,
            year: str) -> dict[str, Any]:
    level = rng.choices([name for name, _ in kind.levels], weights=[w for _, w in kind.levels])[0]
    staff: list[dict[str, Any]] = []
    people = _names(rng)

    def person(roles: list[str], limit: int) -> str:
        name = next(people)
        staff.append({"name": name, "roles": roles, "max_hours_per_week": limit,
                      "email": f"staff{len(staff) + 1}@{school_id}.example"})
        return name

    classes = []
    for grade, letter in _classes(rng, rng.randint(*kind.classes)):
        row: dict[str, Any] = {"name": f"{grade}{letter}", "grade": grade, "students": rng.randint(*kind.students),
                               "teacher": person(["class_teacher"], 4)}
        if kind.advanced_seniors and grade >= 10 and letter == "А":
            row["level"] = "advanced"  # the pre-professional class of each senior grade
        classes.append(row)
    taking_part = sum(1 for row in classes if row["grade"] in PARTICIPATING)
    per = lambda share: max(1, -(-taking_part // share))  # noqa: E731
    for role, count, limit in (("navigator", per(5), 8), ("teacher", per(5), 6), ("tutor", per(20), 4), ("master", per(10), 6)):
        for _ in range(count):
            person([role], limit)
    biggest = max(row["students"] for row in classes)
    venues = [{"name": f"Площадка профпроб {index + 1}", "capacity": max(40, biggest), "kind": "external"}
              for index in range(per(6))]
    venues += [{"name": f"Актовый зал {index + 1}", "capacity": max(60, 4 * biggest), "kind": "hall"} for index in range(per(20))]
    first = "13:40" if kind.classes[1] < 10 else "14:20"
    return {
        "school": {"id": school_id, "name": f"МОУ «{kind.abbreviation} № {number}»", "region": region, "year": year,
                   "municipality": municipality, "level": level, "week": 5},
        "slots": [{"start": start, "minutes": 45} for start in _slots(first)],
        "evening": {"start": "18:30", "minutes": 60},
        "classes": classes,
        "staff": staff,
        "venues": venues,
    }


def _classes(rng: random.Random, count: int) -> list[tuple[int, str]]:
    """Grades and letters of `count` classes: below 11 a basic school (grades 6–9 always, primary grades
    merged to what is left, a second parallel in the youngest), else grades 1–11 with the extra parallels in
    the younger grades, as enrolment usually runs."""
    if count < 11:
        grades = sorted([*rng.sample(range(1, 6), min(count - 4, 5)), 6, 7, 8, 9])
        return [(grade, "А") for grade in grades] + [(grade, "Б") for grade in grades[: count - len(grades)]]
    per_grade = [count // 11 + (1 if grade <= count % 11 else 0) for grade in range(1, 12)]
    return [(grade, LETTERS[index]) for grade, n in zip(range(1, 12), per_grade, strict=True) for index in range(n)]


def _slots(first: str) -> list[str]:
    hour, minute = map(int, first.split(":"))
    starts = []
    for _ in range(3):
        starts.append(f"{hour:02d}:{minute:02d}")
        minute += 55
        hour, minute = hour + minute // 60, minute % 60
    return starts


def _names(rng: random.Random) -> Any:
    """Unique staff names «Фамилия И. О.»."""
    seen: set[str] = set()
    while True:
        name = f"{rng.choice(SURNAMES)} {rng.choice(INITIALS)}. {rng.choice(INITIALS)}."
        if name not in seen:
            seen.add(name)
            yield name


def to_toml(table: dict[str, Any]) -> str:
    """The profile as TOML in the shape `profplan school load` reads ([school], [[slots]], [evening], …)."""
    lines = ["[school]", *(_pair(key, value) for key, value in table["school"].items())]
    lines += ["", "[evening]", *(_pair(key, value) for key, value in table["evening"].items())]
    for section in ("slots", "classes", "staff", "venues"):
        for entry in table[section]:
            lines += ["", f"[[{section}]]", *(_pair(key, value) for key, value in entry.items())]
    return "\n".join(lines) + "\n"


def _pair(key: str, value: Any) -> str:
    return f"{key} = {_value(value)}"


def _value(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return str(value)


def write_region(folder: Path, count: int, seed: int, region: str = "RU-LEN", year: str = "2023-2024") -> list[Path]:
    """Write the region's files into `folder` and check each as `profplan school load` would."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for table in generate(count, seed, region, year):
        path = folder / f"{table['school']['id']}.toml"
        path.write_text(to_toml(table), encoding="utf-8")
        load_profile(path)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=400)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--region", default="RU-LEN")
    parser.add_argument("--year", default="2023-2024")
    args = parser.parse_args()
    paths = write_region(args.out, args.schools, args.seed, args.region, args.year)
    sizes = [len(load_profile(path).classes) for path in paths]
    print(f"{len(paths)} школ в {args.out}: классов от {min(sizes)} до {max(sizes)}, всего {sum(sizes)}.")


if __name__ == "__main__":
    main()
