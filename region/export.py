"""The region report as a workbook the committee filters and sorts: schools, municipalities, shortfalls, overdue items."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from region.errors import RegionError
from region.report import PlanState, RegionReport, Totals
from store.workbook import add_sheet, new_workbook


def export_xlsx(report: RegionReport, path: Path) -> int:
    """Write the workbook; returns the number of schools."""
    book = new_workbook()
    schools = report.schools
    add_sheet(book, "Школы", [
        ("Муниципалитет", 28), ("Школа", 40), ("Код", 18), ("Классов", 9), ("В профминимуме", 9), ("Уровень", 24),
        ("Расписание", 18), ("Отрыв от оптимума, %", 10), ("Причина", 60), ("Классов с выполненными нормами", 12),
        ("Просрочено пунктов", 10),
    ], ([
        row.municipality, row.name, row.school_id, row.classes, row.taking_part,
        ", ".join(f"{level}: {count}" for level, count in row.levels.items()) or row.level, row.plan.text,
        None if row.plan.gap is None else round(100 * row.plan.gap, 2), row.plan.reason,
        row.compliance.met if row.compliance else None, len(row.overdue),
    ] for row in schools))
    add_sheet(book, "Муниципалитеты", [
        ("Муниципалитет", 28), ("Школ", 8), ("Классов", 9), ("Оптимально", 11), ("В пределах отрыва", 11),
        ("Невыполнимо", 11), ("Сбой", 8), ("Не составлено", 11), ("Нормы выполнены (школ)", 12), ("Просрочено пунктов", 10),
    ], (_totals_row(m.name, m.totals) for m in report.municipalities))
    add_sheet(book, "Нормы", [("Школа", 18), ("Класс", 8), ("Направление", 30), ("План, ч", 8), ("Норма, ч", 8)], (
        [row.school_id, s.class_name, s.direction, s.planned, s.required]
        for row in schools if row.compliance for s in row.compliance.shortfalls
    ))
    add_sheet(book, "Просрочено", [("Школа", 18), ("Мероприятие", 22), ("№", 8), ("Наименование", 60), ("Срок", 12),
                                ("Дней просрочки", 10), ("Исполнитель", 40)], (
        [row.school_id, item.item, item.number, item.title, item.due, item.days_overdue, item.executor]
        for row in schools for item in row.overdue
    ))
    try:
        book.save(path)
    except OSError as exc:
        raise RegionError(f"Не удалось записать файл {path}: {exc.strerror or exc}.") from None
    return len(schools)


def _totals_row(name: str, totals: Totals) -> list[Any]:
    states = totals.states
    return [name, totals.schools, totals.classes, *(states.get(state, 0) for state in PlanState), totals.norms_met,
            totals.overdue]

