"""Every federal subject, its code and time zone, checked against the zone database; codes typed wrong."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, available_timezones

import pytest
from click.testing import CliRunner

from calendars.academic import load_calendar
from calendars.errors import CalendarError
from calendars.regions import region, regions
from cli import cli

# An instant with no daylight saving anywhere in Russia (there is none since 2014): the offsets are the zones'.
INSTANT = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def test_all_89_subjects_with_russian_names() -> None:
    known = regions()
    assert len(known) == 89
    assert len({entry.name for entry in known.values()}) == 89
    assert all(code.startswith("RU-") and code == entry.code for code, entry in known.items())
    assert all(any("а" <= letter <= "я" for letter in entry.name.lower()) for entry in known.values())
    iso = [entry for entry in known.values() if entry.iso]
    assert len(iso) == 83  # ISO 3166-2:RU; the six others carry the codes in use and their aliases
    assert {entry.code for entry in known.values() if not entry.iso} == {"RU-CR", "RU-SEV", "RU-DPR", "RU-LPR", "RU-ZAP", "RU-KHE"}


def test_every_time_zone_exists_and_they_span_eleven_offsets() -> None:
    zones = {entry.timezone for entry in regions().values()}
    assert zones <= available_timezones()
    offsets = {INSTANT.astimezone(ZoneInfo(zone)).utcoffset() for zone in zones}
    assert sorted(int(offset.total_seconds() // 3600) for offset in offsets if offset is not None) == list(range(2, 13))
    assert region("RU-KGD").timezone == "Europe/Kaliningrad"
    assert region("RU-KAM").timezone == "Asia/Kamchatka"
    assert region("RU-CHE").timezone == "Asia/Yekaterinburg"
    assert region("RU-LEN").timezone == region("RU-LIP").timezone == "Europe/Moscow"


def test_codes_are_read_in_any_case_and_by_alias() -> None:
    assert region(" ru-len ").code == "RU-LEN"
    assert region("RU-DON").code == "RU-DPR"
    assert region("ru-zp").code == "RU-ZAP"
    assert load_calendar("RU-DON", "2026-2027").region.code == "RU-DPR"


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("RU-LNE", "RU-LEN (Ленинградская область)"), ("RU-KLD", "RU-KGD"), ("Татарстан", "RU-TA (Республика Татарстан)")],
)
def test_an_unknown_code_names_the_close_ones(typed: str, suggested: str) -> None:
    with pytest.raises(CalendarError) as caught:
        region(typed)
    message = str(caught.value)
    assert message.startswith(f"Неизвестный регион «{typed}».") and "Возможно, имелось в виду" in message
    assert suggested in message


def test_nothing_close_points_to_the_list() -> None:
    with pytest.raises(CalendarError, match="весь список: profplan calendar regions"):
        region("XX-QQQQ")


def test_cli_lists_every_region() -> None:
    result = CliRunner().invoke(cli, ["calendar", "regions", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert len(listed) == 89 and {"code": "RU-KGD", "name": "Калининградская область", "timezone": "Europe/Kaliningrad",
                                  "iso": True, "aliases": []} in listed
    text = CliRunner().invoke(cli, ["calendar", "regions"])
    assert "Регионы (89)" in text.output and "RU-DON → RU-DPR" in text.output
