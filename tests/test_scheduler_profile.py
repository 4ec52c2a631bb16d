"""School profiles and norms files: good ones load, bad ones are rejected naming the file and field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from scheduler.errors import NormsError, ProfileError
from scheduler.norms import load_norms
from scheduler.profile import load_profile, parse_profile
from tests.scheduler_helpers import write_profile

DEMO = Path(__file__).resolve().parent.parent / "data" / "schools" / "demo.toml"


def test_demo_profile_loads_and_round_trips() -> None:
    profile = load_profile(DEMO)
    assert profile.region == "RU-LEN" and str(profile.year) == "2023-2024"
    assert {cls.level for cls in profile.classes} == {"basic", "main", "advanced"}
    assert {cls.grade for cls in profile.classes} >= {6, 7, 8, 9, 10, 11}
    again = parse_profile(profile.to_json(), "stored")
    assert again.to_json() == profile.to_json()


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('teacher = "Белов Б. Б."', 'teacher = "Неизвестный И. И."', "classes[2].teacher"),
        ("grade = 8\n", "grade = 13\n", "classes[2].grade"),
        ('start = "16:10"', 'start = "21:50"', "slots[3]"),
        ("capacity = 100", "capacity = 0", "venues[1].capacity"),
        ('start = "15:15"\nminutes = 45', 'start = "14:40"\nminutes = 45', "slots[2]"),
        ('level = "basic"', 'level = "expert"', "classes[1].level"),
        ('email = "dop@small.example"', 'email = "not-an-email"', "staff[5].email"),
        ('roles = ["tutor", "master"]', "roles = []", "staff[5].roles"),
    ],
)
def test_bad_profile_is_rejected_naming_file_and_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    path = write_profile(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and f": {field}" in message
    assert re.search(r"[а-яА-Я]", message)


def test_unknown_region_and_bad_year_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"school.region: Неизвестный регион «RU-XXX»"):
        load_profile(write_profile(tmp_path, region="RU-XXX"))
    with pytest.raises(ProfileError, match=r"school.year: Учебный год «2023-2025»"):
        load_profile(write_profile(tmp_path, year="2023-2025"))


def test_course_slot_must_be_a_slot(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"school.course_slot: «13:00» не начало"):
        load_profile(write_profile(tmp_path, course_slot="13:00"))


def test_norms_hold_the_domain_table() -> None:
    norms = load_norms("2023-2024")
    assert norms.total == {"basic": 40, "main": 60, "advanced": 80}
    assert norms.directions["upbringing"].minimum == {"basic": 2, "main": 12, "advanced": 18}
    assert norms.activity("horizons").weekday == 3
    assert load_norms("2026-2027").total == norms.total


def test_bad_norms_file_is_rejected_naming_the_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(__file__).resolve().parent.parent / "data"
    shutil.copytree(root / "calendars", tmp_path / "calendars")
    (tmp_path / "norms").mkdir()
    text = (root / "norms" / "2023-2024.toml").read_text(encoding="utf-8")
    (tmp_path / "norms" / "2023-2024.toml").write_text(
        text.replace('direction = "vocational"', 'direction = "welding"'), encoding="utf-8"
    )
    monkeypatch.setenv("PROFPLAN_DATA_DIR", str(tmp_path))
    with pytest.raises(NormsError, match=r"2023-2024\.toml: activities\[\d+\]\.direction: неизвестное направление «welding»"):
        load_norms("2023-2024")
    with pytest.raises(NormsError, match=r"нет файла нормативов"):
        load_norms("2030-2031")


def test_every_refused_field_is_reported_at_once(tmp_path: Path) -> None:
    path = write_profile(tmp_path)
    text = path.read_text(encoding="utf-8")
    for old, new in [("grade = 8\n", "grade = 13\n"), ("capacity = 100", "capacity = 0"),
                     ('email = "dop@small.example"', 'email = "not-an-email"'), ("students = 27", "studnets = 27"),
                     ('start = "16:10"', 'start = "4:70"')]:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    fields = [problem.field for problem in caught.value.problems]
    assert sorted(fields) == sorted(["classes[2].grade", "venues[1].capacity", "staff[5].email",
                                     "classes[2].studnets", "classes[2].students", "slots[3].start"])
    lines = str(caught.value).splitlines()
    assert len(lines) == len(fields) and all(line.startswith(f"{path}: ") for line in lines)
    assert any("classes[2].studnets: нет такого поля; возможно, students" in line for line in lines)


def test_a_refused_section_is_reported_once_not_at_every_field_that_needs_it(tmp_path: Path) -> None:
    path = write_profile(tmp_path, year="2023-2025", level="expert")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[[staff]]", "[[stuff]]"), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    fields = [problem.field for problem in caught.value.problems]
    # the classes naming their teachers and taking the school's level are not reported again
    assert fields[:3] == ["stuff", "school.year", "school.level"] and "staff" in fields
    assert not any(field.startswith("classes") for field in fields)
