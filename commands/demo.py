"""`profplan demo`: the whole chain on the bundled data, as a first run shows it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from commands.base import Context, out, pass_context, ru_date

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

DEMO_AS_OF = date(2024, 2, 15)  # a fixed day inside the seeds' school year, so the report is reproducible
DEMO_DONE = (1, 2, 5)  # ordinals of the Leningrad roadmap's items the demo marks done
DEMO_PASSWORD = "profplan-demo"  # of the demo's web accounts; printed, so only for trying the workspace


@click.command("demo")
@click.option("--feeds-dir", type=click.Path(path_type=Path), default=Path("feeds-out"), show_default=True,
              help="Куда записать календари демо-школы.")
@click.option("--time-limit", type=float, default=30.0, show_default=True, help="Предел времени решателя, с.")
@pass_context
def demo_command(context: Context, feeds_dir: Path, time_limit: float) -> None:
    """Полный пример на встроенных данных: дорожные карты → расписание → календари → просрочка."""
    from calendars.academic import load_calendar
    from calendars.data_files import data_dir
    from commands.calendar import print_calendar
    from commands.roadmaps import print_import_report
    from commands.schools import report_solution
    from feeds.export import export_feeds
    from feeds.subscriptions import create_subscription
    from roadmaps.importer import import_documents
    from scheduler.service import load_school, schedule, timetable
    from store.db import resolve_url
    from tracking.occurrences import sync_roadmap
    from tracking.overdue import overdue_report, render_overdue
    from tracking.status import mark_done
    from tracking.summary import render_summary, summary

    engine = context.store(create=True)
    paths = sorted((data_dir() / "roadmaps").glob("*.txt"))
    out.print(f"[bold]1. Загрузка дорожных карт[/bold] ({len(paths)} документов) в {resolve_url(context.settings.database_url)}")
    reports = import_documents(engine, paths, on_stored=sync_roadmap)
    for report in reports:
        print_import_report(report)

    school = load_school(engine, data_dir() / "schools" / "demo.toml")
    out.print(f"[bold]2. Расписание профминимума[/bold]: школа «{school.name}» ({school.school_id}), "
              f"классов {school.classes}, {school.region}, {school.year}")
    print_calendar(load_calendar(school.region, school.year))
    report_solution(schedule(engine, school.school_id, time_limit=time_limit), as_json=False)

    out.print("[bold]3. Календари для подписки[/bold]")
    view = timetable(engine, school.school_id)
    first = view.placements[0]
    leningrad = next(r for r in reports if r.region == school.region)
    executor = next(row.name for row in executors_of(engine, leningrad.roadmap))
    for kind, target in (
        ("school", school.school_id),
        ("class", f"{school.school_id}/{first.class_name}"),
        ("staff", f"{school.school_id}/{first.staff}"),
        ("executor", executor),
    ):
        created = create_subscription(engine, kind, target, base=context.settings.feeds_url)
        out.print(f"  {created.info.to_json()['kind_name']} «{target}»: {created.url}")
    written = export_feeds(engine, feeds_dir)
    out.print(f"  Календари записаны в {feeds_dir}/ (файлов: {len(written)}); сервер: profplan serve")

    out.print(f"[bold]4. Контроль сроков на {ru_date(DEMO_AS_OF)}[/bold]")
    for ordinal in DEMO_DONE:
        item = f"{leningrad.roadmap}#{ordinal}"
        change = mark_done(engine, item, occurrence="1", on=date(2023, 10, 20), by="Демо: секретарь комитета",
                           evidence="Отчёт принят")
        out.print(change.render())
    out.print(render_summary(summary(engine, as_of=DEMO_AS_OF)))
    out.print(render_overdue(overdue_report(engine, as_of=DEMO_AS_OF, roadmap=leningrad.roadmap)))
    show_workspace(engine, context.settings.feeds_url, school.school_id)


def show_workspace(engine: Engine, address: str, school_id: str) -> None:
    """The demo's last step: accounts to try the web workspace with (the same ones, reset, when run again)."""
    from web.accounts import Reach, ensure_user
    from web.roles import Role

    accounts = [
        ensure_user(engine, "komitet", Role.COMMITTEE, DEMO_PASSWORD, full_name="Демо: секретарь комитета"),
        ensure_user(engine, "koordinator", Role.COORDINATOR, DEMO_PASSWORD, Reach(school_id=school_id),
                    full_name="Демо: координатор школы"),
    ]
    base = address.rstrip("/")
    out.print("[bold]5. Рабочее место в браузере[/bold]: запустите profplan serve и откройте "
              f"{base}/?as_of={DEMO_AS_OF.isoformat()}")
    for account in accounts:
        out.print(f"  Вход: логин {account.login}, пароль {DEMO_PASSWORD} ({account.role.label}, {account.reach})")


def executors_of(engine: Engine, roadmap: str) -> list[Any]:
    """Executors of one roadmap's items, busiest first (the demo subscribes to the busiest)."""
    from roadmaps.queries import list_executors
    from store.db import transaction

    with transaction(engine) as session:
        return [row for row in list_executors(session) if roadmap in row.roadmaps]
