"""RFC 5545 content lines for the few value types the feeds write: escaping, value formats and folding.

The feeds used to be serialised by icalendar 7, which builds an object per
property and folds every line character by character; that was most of the
time a build of a region's feeds took. These functions write the same bytes
directly (tests/test_feeds_writer.py compares them with icalendar's output
and reads them back with three parsers):

- RFC 5545 §3.1: a content line is `NAME;PARAM=VALUE:value` ended by CRLF;
  a line longer than 75 octets is folded by CRLF and one SPACE. The text is
  split between characters, never inside a UTF-8 multi-octet character.
  As icalendar does, every physical line carries at most 74 octets of the
  logical line (75 with a continuation's leading space), and a line is not
  folded just after a backslash or caret, so that no reader that unescapes
  before unfolding sees a broken escape;
- §3.3.11 TEXT: backslash, semicolon, comma and newline are escaped
  (`\\\\`, `\\;`, `\\,`, `\\n`). Unlike icalendar, a backslash followed by N
  is escaped as any other backslash: icalendar turns it into a line break;
- §3.3.4 DATE and §3.3.5 DATE-TIME: `YYYYMMDD`, `YYYYMMDDTHHMMSS` local (with
  the TZID parameter, §3.2.19) or `…Z` in UTC;
- §3.3.6 DURATION: `[-]P[nD][T[nH][nM][nS]]`, minutes written whenever hours
  and seconds both are (the grammar allows no `PT1H5S`);
- §3.3.10 RECUR is written by the caller from these values.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

# Octets of the logical line on one physical line (icalendar's choice, one below the RFC's 75).
LINE_OCTETS = 74
_FOLD = b"\r\n "
_CRLF = b"\r\n"
# Folding after these would split a TEXT escape (backslash) or an RFC 6868 parameter escape (caret).
_ESCAPES = frozenset(b"\\^")


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): CR LF, lone CR and LF become `\\n`; backslash, `;` and `,` are escaped."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n"))


def fold(line: str) -> bytes:
    """One content line as UTF-8 octets with its CRLF, folded (RFC 5545 §3.1) on character boundaries."""
    data = line.encode("utf-8")
    size = len(data)
    if size <= LINE_OCTETS:
        return data + _CRLF
    pieces = []
    start = 0
    while size - start > LINE_OCTETS:
        end = start + LINE_OCTETS
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation octet: `end` is inside a character
            end -= 1
        if data[end - 1] in _ESCAPES:
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return _FOLD.join(pieces) + _CRLF


def component(name: str, lines: list[str], inner: bytes = b"") -> bytes:
    """BEGIN, the property lines folded, the nested components' bytes, END (RFC 5545 §3.4, §3.6)."""
    return b"".join((f"BEGIN:{name}\r\n".encode(), *map(fold, lines), inner, f"END:{name}\r\n".encode()))


def date_value(day: date) -> str:
    """DATE (RFC 5545 §3.3.4)."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def local_value(moment: datetime) -> str:
    """DATE-TIME as local time (§3.3.5, form #3, written with a TZID parameter); seconds are the finest unit."""
    return (f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
            f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}")


def utc_value(moment: datetime) -> str:
    """DATE-TIME in UTC (§3.3.5, form #2); `moment` must be an aware datetime, of any zone."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError(f"a UTC DATE-TIME needs an aware datetime, got {moment!r}")
    return local_value(moment.replace(tzinfo=None) - offset) + "Z"


def date_property(name: str, value: date | datetime, zone: str | None = None) -> str:
    """`NAME;VALUE=DATE:…` for a day, `NAME;TZID=zone:…` for a local time (§3.2.19, §3.2.20)."""
    if isinstance(value, datetime):
        if zone is None:
            raise ValueError(f"{name}: a local time needs its zone")
        return f"{name};TZID={zone}:{local_value(value)}"
    return f"{name};VALUE=DATE:{date_value(value)}"


def duration_value(span: timedelta) -> str:
    """DURATION (RFC 5545 §3.3.6) in days, hours, minutes and seconds, negative with a leading `-`."""
    sign = "-" if span < timedelta(0) else ""
    span = abs(span)
    hours, rest = divmod(span.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = ""
    if span.seconds:
        clock = "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes or (hours and seconds) else "") + (
            f"{seconds}S" if seconds else "")
    if span.days == 0 and clock:
        return f"{sign}P{clock}"
    return f"{sign}P{span.days}D{clock}"
