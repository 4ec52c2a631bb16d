"""School calendars for deadline tests that need one without the bundled regional data."""

from __future__ import annotations

from datetime import date

from calendars.deadlines import federal_quarters
from calendars.periods import Period
from calendars.school_year import SchoolYear


class FederalQuarters:
    """The federal approximation of the quarters as a `SchoolCalendar`: every day between quarters is a vacation."""

    def terms(self, school_year: SchoolYear) -> list[Period]:
        return [Period(f"{index} четверть", start, end) for index, (start, end) in enumerate(federal_quarters(school_year), 1)]

    def vacations(self, school_year: SchoolYear) -> list[Period]:
        return []

    def day_off(self, day: date) -> str | None:
        return None if any(day in term for term in self.terms(SchoolYear.containing(day))) else "каникулы"


FEDERAL = FederalQuarters()
