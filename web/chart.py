"""The geometry of the dashboard's bar chart, drawn on the server as SVG (no chart library in the browser).

Each bar has its label on a line of its own above it, in a long and a short
version (the stylesheet shows the short one on a phone), so executor names
read on any screen; bar lengths are percentages of the chart's width,
so the chart fits any screen without a horizontal scroll, while the text
keeps its size. The template only writes these numbers into SVG elements.
"""

from __future__ import annotations

from dataclasses import dataclass

from web.reports import Bar

ROW_HEIGHT = 40  # label line and bar
BAR_HEIGHT = 14
LABEL_CHARACTERS = 110  # a label on a wide screen
SHORT_LABEL_CHARACTERS = 40  # on a phone (the stylesheet shows one of the two)
LONGEST_BAR = 85.0  # percent of the width; the rest keeps room for the number after the bar


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class ChartBar:
    label: str
    short_label: str
    name: str
    value: int
    label_y: int
    bar_y: int
    width: float  # percent

    @property
    def value_y(self) -> int:
        return self.bar_y + BAR_HEIGHT - 2


@dataclass(frozen=True)
class BarChart:
    bars: list[ChartBar]
    height: int
    bar_height: int = BAR_HEIGHT


def bar_chart(bars: list[Bar]) -> BarChart:
    """Bars scaled to the largest count; the largest is `LONGEST_BAR` percent wide, none thinner than visible."""
    largest = max((bar.overdue for bar in bars), default=0)
    drawn = []
    for index, bar in enumerate(bars):
        top = index * ROW_HEIGHT
        width = max(LONGEST_BAR * bar.overdue / largest, 0.5) if largest else 0.0
        drawn.append(ChartBar(_shortened(bar.executor, LABEL_CHARACTERS), _shortened(bar.executor, SHORT_LABEL_CHARACTERS),
                              bar.executor, bar.overdue, top + 14, top + 20, round(width, 2)))
    return BarChart(drawn, len(bars) * ROW_HEIGHT + 4)
