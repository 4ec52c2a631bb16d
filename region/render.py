"""The region report in the terminal: a table per municipality, then the shortfalls and the region's totals."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from region.report import PlanState, RegionReport, SchoolRow, Totals

STATE_STYLES = {PlanState.OPTIMAL: "green", PlanState.WITHIN: "green", PlanState.INFEASIBLE: "bold red",
                PlanState.FAILED: "bold red", PlanState.NOT_PLANNED: "yellow"}


def render_region(report: RegionReport) -> RenderableType:
    where = f"Регион {report.region}" if report.region else "Все регионы"
    parts: list[RenderableType] = [Text(f"{where}: {totals_line(report.totals)}; просрочка на {report.as_of.describe()}.",
                                        style="bold")]
    if report.last_run:
        run = report.last_run
        end = f"{run.finished_at:%d.%m.%Y %H:%M} UTC" if run.finished_at else "ещё идёт"
        parts.append(Text(f"Последний пересчёт региона: начат {run.started_at:%d.%m.%Y %H:%M} UTC, окончен: {end}; "
                          f"{run.cluster}, исполнителей {run.workers}; составлено {run.solved}, без изменений {run.skipped}, "
                          f"не составлено {run.failed}."))
    for municipality in report.municipalities:
        table = Table(title=f"{municipality.name}: {totals_line(municipality.totals)}", title_justify="left", expand=True)
        for header in ("Школа", "Классов (в профминимуме)", "Уровень", "Расписание", "Нормы", "Просрочено пунктов"):
            table.add_column(header, overflow="fold")
        for row in municipality.schools:
            table.add_row(f"{row.name} ({row.school_id})", f"{row.classes} ({row.taking_part})", _levels(row),
                          Text(row.plan.text, style=STATE_STYLES[row.plan.state]), _norms(row), str(len(row.overdue)))
        parts.append(table)
    shortfalls = [(row, s) for row in report.schools if row.compliance for s in row.compliance.shortfalls]
    if shortfalls:
        table = Table(title="Не выполнены нормы", title_justify="left")
        for header in ("Школа", "Класс", "Направление", "План, ч", "Норма, ч"):
            table.add_column(header)
        for row, shortfall in shortfalls:
            table.add_row(row.school_id, shortfall.class_name, shortfall.direction, str(shortfall.planned), str(shortfall.required))
        parts.append(table)
    return Group(*parts)


def totals_line(totals: Totals) -> str:
    states = totals.states
    planned = states.get(PlanState.OPTIMAL, 0) + states.get(PlanState.WITHIN, 0)
    return (f"школ {totals.schools}, классов {totals.classes}; расписание составлено {planned} "
            f"(оптимально {states.get(PlanState.OPTIMAL, 0)}), невыполнимо {states.get(PlanState.INFEASIBLE, 0)}, "
            f"сбоев {states.get(PlanState.FAILED, 0)}, не составлено {states.get(PlanState.NOT_PLANNED, 0)}; "
            f"нормы выполнены в {totals.norms_met}; просроченных пунктов {totals.overdue}")


def _levels(row: SchoolRow) -> str:
    if len(row.levels) <= 1:
        return row.level
    return ", ".join(f"{level} — {count} кл." for level, count in row.levels.items())


def _norms(row: SchoolRow) -> str:
    if row.compliance is None:
        return "—"
    return f"{row.compliance.met} из {row.compliance.classes} классов"
