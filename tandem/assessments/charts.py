"""Charts as server-rendered SVG geometry: no script, no inline style (the CSP allows neither).

The templates draw what these functions compute with presentation attributes only, and the
coordinates come ready as text, so rendering a chart costs no template filters. The profile
chart, on every result page (the hot path), is written here in full by ``profile_chart_svg``:
its few dozen marks cost a template engine ten times what string formatting costs. Every chart
is readable in black and white: values are written beside the marks, and a reliable change is
a different shape with a word, never a colour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = [
    "HistoryChart",
    "ProfileChart",
    "history_chart",
    "profile_chart",
    "profile_chart_svg",
]

GRID = (0, 25, 50, 75, 100)


def _at(value: float) -> str:
    """A coordinate as SVG text: one decimal at most, never a locale's comma."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True)
class Bar:
    label: str
    score: str  # "" when not scored
    y: str
    text_y: str
    whisker_top: str
    whisker_bottom: str
    width: str
    value_x: str
    low_x: str = ""
    high_x: str = ""


@dataclass(frozen=True)
class GridLine:
    value: int
    x: str


@dataclass(frozen=True)
class ProfileChart:
    width: int
    height: int
    plot_left: int
    label_x: int
    bar_height: int
    axis_y: str
    tick_y: str
    bars: tuple[Bar, ...]
    grid: tuple[GridLine, ...]
    has_uncertainty: bool


def profile_chart(scales: Mapping[str, Mapping[str, Any]]) -> ProfileChart:
    """Horizontal bars, one per scale, 0-100, with the band of uncertainty as a whisker."""
    plot_left, plot_width, row, bar_height, top = 250, 380, 34, 20, 10
    bars = []
    has_uncertainty = False
    for position, scale in enumerate(scales.values()):
        y = top + position * row
        score = scale.get("score")
        uncertainty = scale.get("uncertainty") if score is not None else None
        low_x = high_x = None
        if uncertainty:
            has_uncertainty = True
            low_x = plot_left + plot_width * max(0.0, uncertainty["low"]) / 100
            high_x = plot_left + plot_width * min(100.0, uncertainty["high"]) / 100
        width = plot_width * (score or 0) / 100
        bars.append(
            Bar(
                label=str(scale.get("title", "")),
                score="" if score is None else str(round(score)),
                y=_at(y),
                text_y=_at(y + bar_height * 0.75),
                whisker_top=_at(y + 4),
                whisker_bottom=_at(y + bar_height - 2),
                width=_at(width),
                value_x=_at(max(plot_left + width, high_x or 0) + 6),
                low_x="" if low_x is None else _at(low_x),
                high_x="" if high_x is None else _at(high_x),
            )
        )
    axis_y = top + len(bars) * row
    return ProfileChart(
        width=plot_left + plot_width + 60,
        height=int(axis_y + 28),
        plot_left=plot_left,
        label_x=plot_left - 8,
        bar_height=bar_height,
        axis_y=_at(axis_y),
        tick_y=_at(axis_y + 18),
        bars=tuple(bars),
        grid=tuple(GridLine(value, _at(plot_left + plot_width * value / 100)) for value in GRID),
        has_uncertainty=has_uncertainty,
    )


_TEXT = 'fill="#1c2326" font-family="sans-serif"'
_WHISKER = 'stroke="#000" stroke-width="2"'


def profile_chart_svg(chart: ProfileChart, key: str = "profile") -> SafeString:
    """The profile chart as SVG markup; ``key`` prefixes the ids its title and description use.

    Everything from a definition (the scale titles) and the key is escaped; the rest are
    numbers this module formatted.
    """
    key = escape(key)
    ranges = (
        ", with a line across it showing the range the score is likely to fall in"
        if chart.has_uncertainty
        else ""
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {chart.width} {chart.height}" role="img" '
        f'aria-labelledby="{key}-title {key}-desc" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg" width="{chart.width}" height="{chart.height}">\n'
        f'  <title id="{key}-title">Your scores, each from 0 to 100</title>\n'
        f'  <desc id="{key}-desc">A bar for each part of the check{ranges}. The same figures are '
        "in the table that follows.</desc>\n  "
    ]
    for line in chart.grid:
        parts.append(
            f'<line x1="{line.x}" y1="4" x2="{line.x}" y2="{chart.axis_y}" stroke="#6b7478" '
            f'stroke-width="1" stroke-dasharray="3 3"/><text x="{line.x}" y="{chart.tick_y}" '
            f'text-anchor="middle" font-size="12" {_TEXT}>{line.value}</text>'
        )
    for bar in chart.bars:
        parts.append(
            f'\n  <text x="{chart.label_x}" y="{bar.text_y}" text-anchor="end" font-size="13" '
            f"{_TEXT}>{escape(bar.label)}</text>"
        )
        if not bar.score:
            parts.append(
                f'\n  <text x="{chart.plot_left}" y="{bar.text_y}" dx="4" font-size="13" '
                f'font-style="italic" {_TEXT}>not scored</text>'
            )
            continue
        parts.append(
            f'\n  <rect x="{chart.plot_left}" y="{bar.y}" width="{bar.width}" '
            f'height="{chart.bar_height}" fill="#a9cfd6" stroke="#073b45" stroke-width="1.5"/>'
        )
        if bar.low_x:
            parts.append(
                f'\n  <line x1="{bar.low_x}" y1="{bar.text_y}" x2="{bar.high_x}" '
                f'y2="{bar.text_y}" {_WHISKER}/><line x1="{bar.low_x}" y1="{bar.whisker_top}" '
                f'x2="{bar.low_x}" y2="{bar.whisker_bottom}" {_WHISKER}/><line '
                f'x1="{bar.high_x}" y1="{bar.whisker_top}" x2="{bar.high_x}" '
                f'y2="{bar.whisker_bottom}" {_WHISKER}/>'
            )
        parts.append(
            f'\n  <text x="{bar.value_x}" y="{bar.text_y}" font-size="13" font-weight="bold" '
            f"{_TEXT}>{bar.score}</text>"
        )
    parts.append("\n</svg>")
    # Safe: the key and the scale titles are escaped above; every other value is a number.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


@dataclass(frozen=True)
class HistoryPoint:
    x: str
    y: str
    label_y: str
    marker_x: str  # top-left corner of the square marking a real change
    marker_y: str
    score: str  # "" when not scored
    when: datetime
    reliable: bool  # a reliable change from the point before
    direction: str  # "increase", "decrease" or ""


@dataclass(frozen=True)
class HistoryChart:
    key: str
    title: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    label_x: int
    date_y: int
    points: tuple[HistoryPoint, ...]
    polyline: str
    grid: tuple[tuple[int, str, str], ...]  # value, y, label baseline
    band: str = ""  # the polygon of the uncertainty band, when ``bands`` were given


def history_chart(
    key: str,
    title: str,
    series: Sequence[tuple[datetime, float | None, bool, str]],
    bands: Sequence[tuple[float, float] | None] | None = None,
) -> HistoryChart:
    """A small line chart of one scale over time.

    ``series`` holds (when, score, reliable change from the previous, direction). ``bands``,
    one per point, holds each score's band of uncertainty (low, high) or None; the chart then
    carries a polygon through the scored points' lows and back along their highs.
    """
    plot_left, plot_top, plot_width, plot_height = 40, 14, 420, 120
    step = plot_width / max(1, len(series) - 1)
    points = []
    for position, (when, score, reliable, direction) in enumerate(series):
        x = plot_left + (step * position if len(series) > 1 else plot_width / 2)
        y = plot_top + plot_height * (1 - (score or 0) / 100)
        points.append(
            HistoryPoint(
                x=_at(x),
                y=_at(y),
                label_y=_at(y - 9 if y > plot_top + 14 else y + 18),
                marker_x=_at(x - 6),
                marker_y=_at(y - 6),
                score="" if score is None else str(round(score)),
                when=when,
                reliable=reliable,
                direction=direction,
            )
        )
    polyline = " ".join(f"{point.x},{point.y}" for point in points if point.score)
    band = ""
    if bands is not None:

        def y_of(value: float) -> str:
            return _at(plot_top + plot_height * (1 - min(100.0, max(0.0, value)) / 100))

        edges = [
            (point.x, limits)
            for point, limits in zip(points, bands, strict=True)
            if point.score and limits is not None
        ]
        if len(edges) > 1:
            lows = [f"{x},{y_of(low)}" for x, (low, _) in edges]
            highs = [f"{x},{y_of(high)}" for x, (_, high) in reversed(edges)]
            band = " ".join(lows + highs)
    return HistoryChart(
        key=key,
        title=title,
        width=plot_left + plot_width + 30,
        height=plot_top + plot_height + 30,
        plot_left=plot_left,
        plot_right=plot_left + plot_width,
        label_x=plot_left - 6,
        date_y=plot_top + plot_height + 20,
        points=tuple(points),
        polyline=polyline,
        grid=tuple(
            (
                value,
                _at(plot_top + plot_height * (1 - value / 100)),
                _at(plot_top + plot_height * (1 - value / 100) + 4),
            )
            for value in GRID
        ),
        band=band,
    )
