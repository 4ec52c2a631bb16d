"""Russian explanations: how a deadline phrase was understood, for coordinators and committees.

Each line states one reading — the window, the rule and its count, where
school terms came from, how "до" and a missing year were read — so a person
can check the machine's understanding against the order's text.
"""

from __future__ import annotations

from collections import Counter

from calendars.deadlines.dates import MonthDay, month_length
from calendars.deadlines.expand import recurrence_occurrences, recurrence_skipped, resolve
from calendars.deadlines.model import Phrase, Recurrence, SchoolPart, Window, YearlyWindow
from calendars.deadlines.terms import DEFAULT_STUDY_YEAR_RU, FEDERAL_QUARTERS_RU, SchoolCalendar, school_part_dates
from calendars.deadlines.words import (
    MONTH_GENITIVE,
    MONTH_NOMINATIVE,
    SEASON_GENITIVE,
    WEEKDAY_PLURAL_DATIVE,
    format_date,
    plural,
)
from calendars.school_year import SchoolYear

_EVERY: dict[str, str] = {
    "week": "Еженедельно",
    "month": "Ежемесячно",
    "quarter": "Ежеквартально",
    "half": "Раз в полугодие",
    "year": "Ежегодно",
    "school_quarter": "Раз в четверть",
}
_UNIT_ACCUSATIVE: dict[str, str] = {
    "week": "неделю",
    "month": "месяц",
    "quarter": "квартал",
    "half": "полугодие",
    "year": "год",
    "school_quarter": "четверть",
}
_UNIT_COUNTED = {
    "week": lambda n: plural(n, "неделю", "недели", "недель"),
    "month": lambda n: plural(n, "месяц", "месяца", "месяцев"),
    "quarter": lambda n: plural(n, "квартал", "квартала", "кварталов"),
    "half": lambda n: plural(n, "полугодие", "полугодия", "полугодий"),
    "year": lambda n: plural(n, "год", "года", "лет"),
    "school_quarter": lambda n: plural(n, "четверть", "четверти", "четвертей"),
}
_DATELESS: dict[str, str] = {
    "continuous": "Постоянно — без фиксированного срока",
    "on_demand": "По мере необходимости — без фиксированного срока",
    "separate_schedule": "Сроки задаются отдельным планом или графиком",
}


def explain(spec: Phrase, calendar: SchoolCalendar | None) -> str:
    return "\n".join(_lines(spec, calendar))


def _lines(spec: Phrase, calendar: SchoolCalendar | None) -> list[str]:
    if spec.kind == "phased":
        lines = [f"Этапы ({len(spec.phases)}):"]
        for label, phase in spec.phases:
            lines.append(f"«{label or 'без названия'}»:")
            lines.extend("  " + line for line in _lines(phase, calendar))
        return lines
    if spec.kind == "unrecognised":
        lines = ["Срок не распознан полностью — даты не назначены"]
        lines.extend(f"Понято: {window_line(window, calendar)}" for window in spec.windows)
        if spec.recurrence is not None:
            lines.append(f"Понято: {rule(spec.recurrence)}")
    else:
        lines = [window_line(window, calendar) for window in spec.windows] if spec.kind in ("window", "recurring") else []
    if spec.kind == "window" and not spec.windows:
        lines.append("Окно: даты не определены")
    if spec.recurrence is not None and spec.kind != "unrecognised":
        school_year = SchoolYear(spec.school_year) if spec.school_year is not None else None
        lines.extend(_recurrence_lines(spec.recurrence, school_year, calendar))
    lines.extend(f"Время: {time.text()}" for time in spec.times)
    if spec.kind in _DATELESS:
        lines.append(_DATELESS[spec.kind])
        lines.extend(f"В пределах: {_range(window, calendar)}" for window in spec.windows)
    lines.extend(f"Уточнение: {note}" for note in spec.notes)
    lines.extend(f"Примечание (как в тексте): «{remark}»" for remark in spec.remarks)
    if spec.needs_review:
        lines.append(f"Требует проверки: {spec.review_reason}")
    return lines


def window_line(window: Window, calendar: SchoolCalendar | None) -> str:
    start, end = resolve(window, calendar)
    if window.school is not None:
        _, source = school_part_dates(window.school, calendar)
        return f"Окно: {school_part_name(window.school)}, {_range(window, calendar)} ({source})"
    if window.study_year is not None:
        source = "по календарю региона" if calendar is not None else DEFAULT_STUDY_YEAR_RU
        return f"Окно: учебный год {SchoolYear(window.study_year)}, {_range(window, calendar)} ({source})"
    if start is None and end is not None:
        return f"Срок: не позднее {format_date(end)} (начало не указано)"
    if end is None and start is not None:
        return f"Начало: {format_date(start)}, окончание не указано"
    if start == end and end is not None:
        return f"Срок: {format_date(end)}"
    return f"Окно: {_range(window, calendar)}"


def _range(window: Window, calendar: SchoolCalendar | None) -> str:
    start, end = resolve(window, calendar)
    return f"{format_date(start) if start else '…'} — {format_date(end) if end else '…'}"


def school_part_name(part: SchoolPart) -> str:
    """"2 четверть 2023-2024 учебного года", "осенние каникулы 2023-2024 учебного года"."""
    year = f"{SchoolYear(part.school_year)} учебного года"
    if part.kind == "term":
        return f"{part.number} {'триместр' if part.terms == 3 else 'четверть'} {year}"
    if part.kind == "vacation":
        return f"{SEASON_GENITIVE.get(part.season, '')} каникулы {year}".replace("их каникулы", "ие каникулы")
    return f"{'начало' if part.kind == 'year_start' else 'конец'} {year} (четыре недели)"


def rule(recurrence: Recurrence) -> str:
    """"Еженедельно по четвергам", "Не реже 1 раза в четверть", "Ежегодно (январь)", "Раз в 2 года"."""
    if recurrence.weekdays:
        text = "Еженедельно по " + " и ".join(WEEKDAY_PLURAL_DATIVE[day] for day in recurrence.weekdays)
    elif recurrence.every > 1:
        every = recurrence.every
        text = f"{recurrence.times} {plural(recurrence.times, 'раз', 'раза', 'раз')} в {every} {_UNIT_COUNTED[recurrence.unit](every)}"
    elif recurrence.week_of_month is not None:
        week = "последнюю" if recurrence.week_of_month == -1 else f"{recurrence.week_of_month}-ю"
        text = f"Ежемесячно, в {week} неделю месяца"
    elif recurrence.times == 1 and not recurrence.at_least:
        text = _EVERY[recurrence.unit]
    else:
        times = recurrence.times
        counted = plural(times, "раза", "раз", "раз") if recurrence.at_least else plural(times, "раз", "раза", "раз")
        text = f"{'Не реже ' if recurrence.at_least else ''}{times} {counted} в {_UNIT_ACCUSATIVE[recurrence.unit]}"
    if recurrence.anchors:
        text += " (" + "; ".join(_anchor(anchor) for anchor in recurrence.anchors) + ")"
    return text


def _recurrence_lines(recurrence: Recurrence, school_year: SchoolYear | None, calendar: SchoolCalendar | None) -> list[str]:
    found = sorted(recurrence_occurrences(recurrence, school_year, calendar))
    if found:
        count = f"{len(found)} {plural(len(found), 'раз', 'раза', 'раз')}"
        lines = [f"{rule(recurrence)}: {count} с {format_date(found[0].start)} по {format_date(found[-1].due)}"]
    elif not recurrence.within:
        lines = [f"{rule(recurrence)}: годы не указаны — даты появятся, когда будет задан учебный год документа"]
    else:
        lines = [f"{rule(recurrence)}: в пределах окна повторений нет"]
    lines.extend(f"В пределах: {_range(window, calendar)}" for window in recurrence.within if window.study_year is None)
    lines.extend(window_line(window, calendar) for window in recurrence.within if window.study_year is not None)
    if recurrence.unit == "school_quarter":
        lines.append("Четверти — по календарю региона" if calendar else f"Четверти {FEDERAL_QUARTERS_RU}")
    elif recurrence.unit == "week":
        lines.append(_skipped_line(recurrence, calendar) if calendar else "Каникулы и праздники не исключены: календарь региона не задан")
    return lines


def _skipped_line(recurrence: Recurrence, calendar: SchoolCalendar) -> str:
    """How many dates the calendar removed from a weekly rule, by reason."""
    skipped = recurrence_skipped(recurrence, calendar)
    if not skipped:
        return "Только учебные дни по календарю региона: пропусков нет"
    reasons = Counter(day.reason for day in skipped)
    listed = "; ".join(f"{reason} — {count}" for reason, count in sorted(reasons.items(), key=lambda pair: -pair[1]))
    return f"Только учебные дни по календарю региона; пропущено {len(skipped)} {plural(len(skipped), 'дата', 'даты', 'дат')}: {listed}"


def _anchor(anchor: YearlyWindow) -> str:
    """A part of every year: "январь", "октябрь — декабрь", "не позднее 30 апреля", "15 сентября — 20 октября"."""
    if anchor.start is None:
        return f"не позднее {_month_day(anchor.end)}"
    (first_month, first_day), (last_month, last_day) = anchor.start, anchor.end
    if first_day == 1 and last_day >= month_length(2001, last_month):
        first, last = MONTH_NOMINATIVE[first_month - 1], MONTH_NOMINATIVE[last_month - 1]
        return first if first_month == last_month else f"{first} — {last}"
    return f"{_month_day(anchor.start)} — {_month_day(anchor.end)}"


def _month_day(month_day: MonthDay) -> str:
    month, day = month_day
    if month == 2 and day >= 29:
        return "последний день февраля"  # 28 or 29 February, by the year
    return f"{min(day, month_length(2001, month))} {MONTH_GENITIVE[month - 1]}"
