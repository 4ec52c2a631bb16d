"""parse_deadline: free Russian deadline text → DeadlineSpec, for any string, never raising."""

from __future__ import annotations

from calendars.deadlines.assemble import assemble, phased
from calendars.deadlines.grammar import Item, Parser, phase_labels
from calendars.deadlines.lexer import tokenize
from calendars.deadlines.model import Window
from calendars.deadlines.spec import DeadlineSpec
from calendars.school_year import SchoolYear


def parse_deadline(text: str, school_year: SchoolYear | None = None, period: Window | None = None) -> DeadlineSpec:
    """Understand a "Сроки" cell; `school_year` is the document's, for months and periods given without a year.

    `period` is the document's own period (default: the calendar years of
    `school_year`); a date wholly outside it is flagged. A text with
    "Label:" parts ("Создание: 4 квартал 2020 г. Организация работы:
    постоянно") becomes a phased spec with one spec per phase; text before
    the first label, if any, is a phase without a label.
    """
    tokens = tokenize(text)
    parser = Parser(text, tokens, school_year)
    labels = phase_labels(tokens)
    if not labels:
        items = parser.parse(0, len(tokens))
        return assemble(text, items, school_year, period, tuple(parser.read))
    parts: list[tuple[str, int, int]] = [("", 0, labels[0][0])] if labels[0][0] > 0 else []
    for number, (first, colon) in enumerate(labels):
        end = labels[number + 1][0] if number + 1 < len(labels) else len(tokens)
        parts.append((text[tokens[first].start : tokens[colon - 1].end], colon + 1, end))
    phases = [
        (label, assemble(text[tokens[start].start : tokens[end - 1].end] if start < end else "", parser.parse(start, end), school_year, period))
        for label, start, end in parts
    ]
    for first, colon in labels:
        parser.account(first, colon + 1)
    return phased(text, phases, school_year, tuple(parser.read))


def parse_clauses(text: str, school_year: SchoolYear | None = None) -> list[Item]:
    """The clauses of a phrase as the grammar reads them, before they are made a deadline.

    For a reader that wants what a text dates rather than when a task is
    due: a calendar order's row takes the clauses written as dates
    (`Timed.by_dates`) with their weekday checks (`Timed.flags`), and a
    date it cannot take (`NotUnderstood.reason`: an impossible value, a
    remark in brackets with dates not understood) as an error; the row's
    own words — its name, classes, day counts — are its reader's to read.
    """
    tokens = tokenize(text)
    return Parser(text, tokens, school_year).parse(0, len(tokens))
