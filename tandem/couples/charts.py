"""The couple report's chart: each balance as two marks on one line, drawn on the server.

The line runs from "your partner gives much more" (-3) through "about even" to "you give
much more" (+3). The viewer's view is a circle, the partner's a square, each with its value
written beside it, so the chart reads in black and white and the table below it holds the
same figures. Presentation attributes only: the CSP allows no inline style or script.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tandem.couples.report import CoupleReport

__all__ = ["balance_chart_svg"]

_TEXT = 'fill="#1c2326" font-family="sans-serif"'
WIDTH, LEFT, PLOT, ROW, TOP = 640, 170, 400, 46, 34
SPAN = 3.0


def _at(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _x(value: float) -> float:
    clipped = max(-SPAN, min(SPAN, value))
    return LEFT + PLOT * (clipped + SPAN) / (2 * SPAN)


def _signed(value: float) -> str:
    rounded = round(value, 1)
    return "0" if rounded == 0 else f"{rounded:+.1f}".replace("-", "\N{MINUS SIGN}")


def balance_chart_svg(report: CoupleReport | None, *, chart_id: str = "balance") -> SafeString:
    if report is None or not report.balances:
        return mark_safe("")
    key = escape(chart_id)
    partner = escape(report.partner_name)
    height = TOP + ROW * len(report.balances) + 16
    centre = _at(_x(0))
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{key}-title {key}-desc" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}">\n'
        f'  <title id="{key}-title">Who gives more, as each of you sees it</title>\n'
        f'  <desc id="{key}-desc">For each part, a line from “{partner} gives much more” on the '
        "left to “you give much more” on the right. A circle marks your view, a square "
        f"{partner}'s. The same figures are in the table that follows.</desc>\n",
        f'  <text x="{_at(_x(-SPAN))}" y="14" font-size="12" {_TEXT}>← {partner} gives more</text>',
        f'<text x="{centre}" y="14" font-size="12" text-anchor="middle" {_TEXT}>even</text>',
        f'<text x="{_at(_x(SPAN))}" y="14" font-size="12" text-anchor="end" {_TEXT}>'
        "you give more →</text>",
        f'\n  <line x1="{centre}" y1="20" x2="{centre}" y2="{height - 8}" stroke="#6b7478" '
        'stroke-width="1" stroke-dasharray="3 3"/>',
    ]
    for position, balance in enumerate(report.balances):
        y = TOP + position * ROW + 16
        parts.append(
            f'\n  <text x="{LEFT - 12}" y="{y + 4}" text-anchor="end" font-size="13" {_TEXT}>'
            f"{escape(balance.title)}</text>"
            f'<line x1="{LEFT}" y1="{y}" x2="{LEFT + PLOT}" y2="{y}" stroke="#073b45" '
            'stroke-width="1.5"/>'
        )
        # The square first and the smaller circle on top: equal views still show both marks.
        if balance.theirs is not None:
            x = _x(balance.theirs)
            parts.append(
                f'<rect x="{_at(x - 6)}" y="{y - 6}" width="12" height="12" fill="#ffffff" '
                f'stroke="#000" stroke-width="2"/><text x="{_at(x)}" y="{y + 22}" '
                f'text-anchor="middle" font-size="11" {_TEXT}>{partner} '
                f"{_signed(balance.theirs)}</text>"
            )
        if balance.mine is not None:
            x = _x(balance.mine)
            parts.append(
                f'<circle cx="{_at(x)}" cy="{y}" r="5" fill="#a9cfd6" stroke="#073b45" '
                f'stroke-width="2"/><text x="{_at(x)}" y="{y - 11}" text-anchor="middle" '
                f'font-size="11" {_TEXT}>you {_signed(balance.mine)}</text>'
            )
    parts.append("\n</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or ours
