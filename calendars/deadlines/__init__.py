"""The deadline-phrase grammar: free Russian "Сроки" text → a structured, explainable schedule spec.

    spec = parse_deadline("сентябрь 2023 г. – май 2024 г. (еженедельно по четвергам)", SchoolYear.parse("2023-2024"))
    spec.kind            # "recurring"
    spec.occurrences()   # every Thursday from 7 September 2023 to 30 May 2024
    spec.explain(calendar)  # "Еженедельно по четвергам: 31 раз с 7 сентября 2023 г. по 23 мая 2024 г." …
    spec.skipped(calendar)  # the Thursdays without lessons, each with the calendar's reason

Reading of "до <дата>": as in Russian official usage the named date is NOT
included — "до 01 сентября 2023 г." is due on 31 August 2023, "До сентября
2023" on 31 August 2023, "До 15.09 2023" on 14 September 2023; explanations
say so in Russian. "не позднее <дата>", "по <дата>" and "до конца <периода>"
include it. The grammar itself is documented in `grammar`, how items become
a spec in `assemble`, the expansion over calendars in `expand`, the school
terms used without a regional calendar in `terms`.
"""

from calendars.deadlines.model import KIND_NAMES, KINDS, Kind, Occurrence, Recurrence, SkippedDay, Unit, Window, YearlyWindow, kind_name
from calendars.deadlines.parse import parse_clauses, parse_deadline
from calendars.deadlines.spec import DeadlineDataError, DeadlineSpec
from calendars.deadlines.terms import SchoolCalendar, federal_quarters

__all__ = [
    "DeadlineDataError",
    "DeadlineSpec",
    "KIND_NAMES",
    "KINDS",
    "Kind",
    "Occurrence",
    "Recurrence",
    "SchoolCalendar",
    "SkippedDay",
    "Unit",
    "Window",
    "YearlyWindow",
    "federal_quarters",
    "kind_name",
    "parse_clauses",
    "parse_deadline",
]
