"""Horizontal bar charts as geometry for an inline SVG template (`reports/partials/bar_chart.html`).

The Content-Security-Policy forbids inline styles and scripts, and no chart library is served, so the
server computes every rectangle here and the template writes them with SVG presentation attributes.
Each chart carries a one-sentence description for screen readers; the table beside it has the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.text import Truncator

# Each row: its label on a line of its own (long quiz titles stay readable and distinct), then the
# bar from the left edge with its value written after it.
WIDTH = 480
VALUE_WIDTH = 90
LABEL_HEIGHT = 16
BAR_HEIGHT = 16
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + 10
TOP = 4

# Colours of the site's badges (site.css): readable on white, distinguishable without colour because
# every bar also has its value written next to it and a title.
FILLS = {
    "primary": "#2563eb",
    "ok": "#15803d",
    "warn": "#b45309",
    "bad": "#b91c1c",
    "muted": "#94a3b8",
}


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    fill: str
    title: str


@dataclass(frozen=True)
class Row:
    label: str
    full_label: str
    label_y: float
    y: float
    text_y: float
    segments: list[Segment]
    value_text: str
    value_x: float


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    rows: list[Row]
    width: int = WIDTH
    track_width: int = WIDTH - VALUE_WIDTH
    height: int = 0
    legend: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.rows


def bar_chart(
    *,
    id: str,
    title: str,
    description: str,
    rows: list[tuple[str, list[tuple[float, str, str]], str]],
    maximum: float | None = None,
    legend: list[tuple[str, str]] | None = None,
) -> Chart:
    """`rows`: (label, [(value, fill key, title), ...] stacked left to right, text shown after the bar).

    Bars are scaled to `maximum` (default: the largest row total), so 0 draws no bar at all."""
    totals = [sum(v for v, _, _ in segs) for _, segs, _ in rows]
    scale_max = maximum if maximum is not None else max(totals, default=0)
    bar_area = WIDTH - VALUE_WIDTH
    built = []
    for i, (label, segs, value_text) in enumerate(rows):
        top = TOP + i * ROW_HEIGHT
        y = top + LABEL_HEIGHT
        x = 0.0
        segments = []
        for value, fill, seg_title in segs:
            width = bar_area * value / scale_max if scale_max and value > 0 else 0.0
            if width:
                segments.append(Segment(round(x, 1), round(width, 1), FILLS[fill], seg_title))
            x += width
        built.append(
            Row(
                label=Truncator(label).chars(70),
                full_label=label,
                label_y=top + LABEL_HEIGHT - 4,
                y=y,
                text_y=y + BAR_HEIGHT - 4,
                segments=segments,
                value_text=value_text,
                value_x=round(x + 6, 1),
            )
        )
    height = TOP + len(rows) * ROW_HEIGHT
    return Chart(
        id=id,
        title=title,
        description=description,
        rows=built,
        height=height,
        legend=[(FILLS[key], text) for key, text in (legend or [])],
    )
