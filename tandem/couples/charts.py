"""The couple report's chart: each balance as two marks on one line, drawn on the server.

The line runs from "your partner gives much more" (-3) through "about even" to "you give
much more" (+3). The viewer's view is a circle, the partner's a square, each with its value
written beside it, so the chart reads in black and white and the table below it holds the
same figures. Presentation attributes only: the CSP allows no inline style or script. Two
drawings, wide and narrow, keep every text at least 12 px as rendered (see ``Layout``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tandem.couples.report import CoupleReport

__all__ = ["NARROW", "WIDE", "Layout", "balance_chart_svg"]

_TEXT = 'fill="#1c2326" font-family="sans-serif"'
SPAN = 3.0


@dataclass(frozen=True)
class Layout:
    """One drawing of the chart. ``font`` is the smallest text, in drawing units."""

    name: str
    width: int
    left: int
    plot: int
    row: int
    top: int
    font: int
    title_above: bool


# The wide drawing is shown from 48rem, where it gets its full 640 px (tandem.css), so
# 12-unit text is 12 px. The narrow one, for phones, puts each title above its line and is
# 320 units wide, so its 14-unit text is at least 12 px on a 320 px screen.
WIDE = Layout("wide", width=640, left=170, plot=400, row=46, top=34, font=12, title_above=False)
NARROW = Layout("narrow", width=320, left=26, plot=268, row=84, top=58, font=14, title_above=True)


def _at(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _x(value: float, layout: Layout) -> float:
    clipped = max(-SPAN, min(SPAN, value))
    return layout.left + layout.plot * (clipped + SPAN) / (2 * SPAN)


def _signed(value: float) -> str:
    rounded = round(value, 1)
    return "0" if rounded == 0 else f"{rounded:+.1f}".replace("-", "\N{MINUS SIGN}")


def _mark_label(x: float, layout: Layout) -> str:
    """A mark's label is centred on it, except near an end of a narrow line, where it
    runs inwards so it stays inside the drawing."""
    if layout.title_above and x < layout.left + layout.plot / 4:
        return f'x="{_at(x - 6)}" text-anchor="start"'
    if layout.title_above and x > layout.left + layout.plot * 3 / 4:
        return f'x="{_at(x + 6)}" text-anchor="end"'
    return f'x="{_at(x)}" text-anchor="middle"'


def balance_chart_svg(report: CoupleReport | None, *, chart_id: str = "balance") -> SafeString:
    """The wide drawing and the narrow one; the style sheet shows one of them."""
    if report is None or not report.balances:
        return mark_safe("")
    return mark_safe(_svg(report, chart_id, WIDE) + "\n" + _svg(report, chart_id, NARROW))  # noqa: S308 - built by _svg


def _svg(report: CoupleReport, chart_id: str, layout: Layout) -> str:
    key = escape(f"{chart_id}-{layout.name}" if layout is NARROW else chart_id)
    partner = escape(report.partner_name)
    font = f'font-size="{layout.font}"'
    height = layout.top + layout.row * len(report.balances) + 16
    centre = _at(_x(0, layout))
    # On the narrow drawing "even" has a line of its own below the two ends' words.
    even_y = 34 if layout.title_above else 14
    parts = [
        f'<svg class="chart chart--{layout.name}" viewBox="0 0 {layout.width} {height}" '
        f'role="img" aria-labelledby="{key}-title {key}-desc" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg" width="{layout.width}" height="{height}">\n'
        f'  <title id="{key}-title">Who gives more, as each of you sees it</title>\n'
        f'  <desc id="{key}-desc">For each part, a line from “{partner} gives much more” on the '
        "left to “you give much more” on the right. A circle marks your view, a square "
        f"{partner}'s. The same figures are in the table that follows.</desc>\n",
        f'  <text x="{4 if layout.title_above else _at(_x(-SPAN, layout))}" y="16" {font} '
        f"{_TEXT}>← {partner} gives more</text>",
        f'<text x="{centre}" y="{even_y}" {font} text-anchor="middle" {_TEXT}>even</text>',
        f'<text x="{_at(layout.width - 4 if layout.title_above else _x(SPAN, layout))}" y="16" '
        f'{font} text-anchor="end" {_TEXT}>you give more →</text>',
        f'\n  <line x1="{centre}" y1="{even_y + 6}" x2="{centre}" y2="{height - 8}" '
        'stroke="#6b7478" stroke-width="1" stroke-dasharray="3 3"/>',
    ]
    for position, balance in enumerate(report.balances):
        y = layout.top + position * layout.row + (34 if layout.title_above else 16)
        title = (
            f'x="4" y="{y - 24}" font-weight="bold"'
            if layout.title_above
            else f'x="{layout.left - 12}" y="{y + 4}" text-anchor="end"'
        )
        parts.append(
            f'\n  <text {title} font-size="{layout.font + 1}" {_TEXT}>'
            f"{escape(balance.title)}</text>"
            f'<line x1="{layout.left}" y1="{y}" x2="{layout.left + layout.plot}" y2="{y}" '
            'stroke="#073b45" stroke-width="1.5"/>'
        )
        # The square first and the smaller circle on top: equal views still show both marks.
        if balance.theirs is not None:
            x = _x(balance.theirs, layout)
            parts.append(
                f'<rect x="{_at(x - 6)}" y="{y - 6}" width="12" height="12" fill="#ffffff" '
                f'stroke="#000" stroke-width="2"/><text {_mark_label(x, layout)} '
                f'y="{y + 22}" {font} {_TEXT}>{partner} {_signed(balance.theirs)}</text>'
            )
        if balance.mine is not None:
            x = _x(balance.mine, layout)
            parts.append(
                f'<circle cx="{_at(x)}" cy="{y}" r="5" fill="#a9cfd6" stroke="#073b45" '
                f'stroke-width="2"/><text {_mark_label(x, layout)} y="{y - 11}" {font} '
                f"{_TEXT}>you {_signed(balance.mine)}</text>"
            )
    parts.append("\n</svg>")
    return "".join(parts)
