"""`profplan demo`: the whole chain on the bundled data, as a first run shows it.

Each step fits one screen and says what its numbers mean; the full reports
are one command away, and the step names it.

Run again on the same database it changes nothing: the roadmaps are
unchanged, the stored timetable, subscriptions and done marks are shown
instead of being made a second time.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from commands.base import Context, out, pass_context, ru_date
from scheduler.penalties import quality_line

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from feeds.subscriptions import SubscriptionInfo

DEMO_AS_OF = date(2024, 2, 15)  # a fixed day inside the seeds' school year, so the report is reproducible
DEMO_TRACK_FROM = date(2023, 9, 1)  # the committee has tracked the roadmaps since the school year began
DEMO_DONE = (1, 2, 5)  # ordinals of the Leningrad roadmap's items the demo marks done
DEMO_URGENT = 5  # rows of the most urgent list step 4 shows
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
    from feeds.export import export_feeds
    from feeds.subscriptions import create_subscription
    from feeds.tokens import load_key
    from roadmaps.importer import import_documents
    from scheduler.errors import SchedulingError
    from scheduler.service import load_school, schedule, timetable
    from store.settings import resolve_url
    from tracking.imports import ImportTracker
    from tracking.overdue import overdue_report, urgent_table
    from tracking.status import mark_done, occurrence_history
    from tracking.summary import meanings, roadmaps_table, summary

    engine = context.store(create=True)
    paths = sorted((data_dir() / "roadmaps").glob("*.txt"))
    out.print(f"[bold]1. Загрузка дорожных карт[/bold] ({len(paths)} документов) в {resolve_url(context.settings.database_url)}")
    tracker = ImportTracker(DEMO_TRACK_FROM)
    reports = import_documents(engine, paths, on_stored=tracker)
    for report in reports:
        tracked = tracker.results.get(report.roadmap)
        occurrences = f"сроков и отчётов {tracked.occurrences.created + tracked.occurrences.kept}" if tracked else "без изменений"
        indicators = f", показателей {tracked.indicators.created + tracked.indicators.kept}" if tracked and (
            tracked.indicators.created + tracked.indicators.kept) else ""
        out.print(f"  {report.source} → «{report.roadmap}» ({report.region or 'регион не указан'}): пунктов {report.rows}, "
                  f"{occurrences}{indicators}")
        for warning in report.warnings:
            out.print(f"    предупреждение: {warning}")
    out.print(f"  Пункт — строка плана; срок — дата, к которой его надо выполнить (у повторяющихся — каждая дата); "
              f"отчёт — запрос о ходе работ раз в квартал по пунктам «постоянно», «по мере необходимости». "
              f"Отслеживание — с {ru_date(DEMO_TRACK_FROM)}: раньше этой даты отчётов не просят.")

    school = load_school(engine, data_dir() / "schools" / "demo.toml")
    calendar = load_calendar(school.region, school.year).to_json()
    out.print(f"[bold]2. Расписание профминимума[/bold]: школа «{school.name}» ({school.school_id}), "
              f"классов {school.classes}, {school.region}, {school.year}")
    out.print(f"  Учебный календарь: {len(calendar['terms'])} четверти, каникул {len(calendar['vacations'])}, "
              f"праздников в году {len(calendar['holidays'])}, учебных дней {calendar['counts']['school_days']} "
              f"(подробно: profplan calendar --region {school.region} --year {school.year}).")
    try:
        view = timetable(engine, school.school_id)
        out.print(f"  Расписание уже составлено: занятий и встреч {len(view.placements)} "
                  f"(составить заново: profplan schedule {school.school_id}).")
    except SchedulingError:
        print_solution(schedule(engine, school.school_id, time_limit=time_limit).to_json())
        view = timetable(engine, school.school_id)

    out.print("[bold]3. Календари для подписки[/bold] (адрес — секретная ссылка; календарь телефона обновляет её сам)")
    first = view.placements[0]
    leningrad = next(r for r in reports if r.region == school.region)
    executor = next(row.name for row in executors_of(engine, leningrad.roadmap))
    key = load_key(context.settings.feeds_key_file)
    for kind, target, what in (
        ("school", school.school_id, "все занятия школы и сроки пунктов, которые они выполняют"),
        ("class", f"{school.school_id}/{first.class_name}", "занятия класса и только их сроки"),
        ("staff", f"{school.school_id}/{first.staff}", "занятия, которые ведёт сотрудник"),
        ("executor", executor, "сроки пунктов исполнителя: с начала отслеживания на год вперёд"),
    ):
        existing = subscription_of(engine, kind, target)
        if existing is not None:
            out.print(f"  {existing.kind.label} «{target}»: подписка уже есть (токен {existing.prefix}…; новый адрес: "
                      "profplan subscription rotate)")
            continue
        created = create_subscription(engine, kind, target, key=key, base=context.settings.feeds_url)
        out.print(f"  {created.info.kind.label} «{target}» — {what}:\n    {created.url}")
    export = export_feeds(engine, feeds_dir, key)
    out.print(f"  Файлы календарей в {feeds_dir}/: {len(export.written)} (имена — те же секретные токены, папку можно "
              "опубликовать как /feeds/, см. README); сервер: profplan serve")

    out.print(f"[bold]4. Контроль сроков на {ru_date(DEMO_AS_OF)}[/bold]")
    marked = 0
    for ordinal in DEMO_DONE:
        item = f"{leningrad.roadmap}#{ordinal}"
        if occurrence_history(engine, item, "1")[0].status != "done":  # a second run keeps the first run's marks
            mark_done(engine, item, occurrence="1", on=date(2023, 10, 20), by="Демо: секретарь комитета", evidence="Отчёт принят")
            marked += 1
    items = f"{', '.join(f'#{n}' for n in DEMO_DONE)} карты {leningrad.roadmap}"
    out.print(f"  Комитет отметил выполненными пункты {items} (profplan done)." if marked else
              f"  Пункты {items} уже отмечены выполненными при первом запуске демо.")
    if marked:
        export_feeds(engine, feeds_dir, key)  # the exported calendars show the marks at once, as the server does
        out.print(f"  Календари в {feeds_dir}/ обновлены: отметки уже видны подписчикам.")
    counts = summary(engine, as_of=DEMO_AS_OF)
    out.print(roadmaps_table(counts, out.width))
    out.print(urgent_table(overdue_report(engine, as_of=DEMO_AS_OF, roadmap=leningrad.roadmap), out.width, DEMO_URGENT))
    out.print(meanings(counts))
    out.print(f"  Полностью: profplan summary --as-of {DEMO_AS_OF}; profplan overdue --as-of {DEMO_AS_OF} "
              f"(--executor, --roadmap, --all); письма: profplan alerts --as-of {DEMO_AS_OF} --dry-run.")
    show_workspace(engine, context.settings.feeds_url, school.school_id)


def print_solution(data: dict[str, Any]) -> None:
    """The solve in a few lines: status with what objective and bound mean, then each class's hours against the norm."""
    out.print(f"  {quality_line(data)} Время {data['solve_seconds']} с. Штраф — сумма нарушений мягких правил "
              "(неравномерность по неделям и месяцам, нагрузка педагогов), граница — меньше которой не бывает.")
    out.print(f"  Период {ru_date(data['from'])}–{ru_date(data['to'])}; занятий и встреч: {data['placements']}. "
              "Часы профминимума по классам (план / норма уровня):")
    by_class: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in data["compliance"]:
        by_class[row["class"]].append(row)
    for name, rows in by_class.items():
        total = next(row for row in rows if row["direction"] == "total")
        missed = [row["title"] for row in rows if not row["met"]]
        state = "все нормы выполнены" if not missed else "не выполнено: " + ", ".join(missed)
        out.print(f"    {name}: {total['planned']} ч из {total['required']} — {state} ({len(rows) - 1} направлений)")
    out.print("  Подробно: profplan compliance demo-kudrovo; profplan timetable demo-kudrovo --class 8А")


def subscription_of(engine: Engine, kind: str, target: str) -> SubscriptionInfo | None:
    """The active subscription of a demo target made by an earlier run (its token is not stored, only the prefix)."""
    from feeds.collect import resolve_target
    from feeds.kinds import FeedKind
    from feeds.subscriptions import list_subscriptions
    from store.db import transaction

    with transaction(engine) as session:
        resolved = resolve_target(session, FeedKind(kind), target)
    return next((info for info in list_subscriptions(engine, include_revoked=False)
                 if (info.kind, info.target) == (kind, resolved)), None)


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
