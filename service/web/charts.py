"""Small horizontal bar charts drawn on the server as inline SVG (no script, prints well)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from .i18n import format_number

ROW = 26
LABEL_WIDTH = 190
BAR_WIDTH = 260


def bar_chart(title: str, rows: Sequence[tuple[str, float]]) -> Markup:
    """An accessible SVG bar chart of (label, value) rows, largest bar full width."""
    top = max((v for _, v in rows), default=0) or 1
    height = ROW * max(len(rows), 1) + 8
    width = LABEL_WIDTH + BAR_WIDTH + 60
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(rows):
        y = 4 + i * ROW
        bar = max(2, round(BAR_WIDTH * value / top)) if value else 0
        shown = escape(format_number(value))
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 17}" text-anchor="end" font-size="13">{escape(label)}</text>'
                     f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{bar}" height="{ROW - 8}" fill="#1565c0"></rect>'
                     f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 17}" font-size="13">{shown}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
