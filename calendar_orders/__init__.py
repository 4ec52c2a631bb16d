"""Calendars read from their orders: vacation tables and schools' calendar schedules (КУГ) into stored calendars.

Sits above `roadmaps` (whose `read_blocks` reads every document format),
`calendars` (the calendar format, the deadline grammar for the dates) and
`store`; `commands/calendar.py` is its command line. `document` reads rows,
`build` turns them into the calendar they set, `diff` compares it with the
one in force, `importer` previews, stores, removes and exports.
"""
