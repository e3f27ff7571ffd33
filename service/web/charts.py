"""Small horizontal bar charts drawn on the server as inline SVG (no script, prints well).

The label column is as wide as the longest label needs (labels past `MAX_LABEL` characters are
shortened with '…', the whole label kept in a tooltip), so no label is clipped; the chart scales
down to the screen's width and can be zoomed like any picture.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from .i18n import format_number

ROW = 26
BAR_WIDTH = 260
CHAR_WIDTH = 7.4
"""Roughly how wide one character of the 13 px label font is."""
MAX_LABEL = 46


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1].rstrip() + "…"


def bar_chart(title: str, rows: Sequence[tuple[str, float]]) -> Markup:
    """An accessible SVG bar chart of (label, value) rows, largest bar full width."""
    top = max((v for _, v in rows), default=0) or 1
    height = ROW * max(len(rows), 1) + 8
    label_width = max(80, round(CHAR_WIDTH * max((len(_short(label)) for label, _ in rows), default=0)) + 12)
    width = label_width + BAR_WIDTH + 8 + round(CHAR_WIDTH * max(
        (len(format_number(v)) for _, v in rows), default=1)) + 8
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(rows):
        y = 4 + i * ROW
        bar = max(2, round(BAR_WIDTH * value / top)) if value else 0
        shown = escape(format_number(value))
        parts.append(f'<g><title>{escape(label)}: {shown}</title>'
                     f'<text x="{label_width - 6}" y="{y + 17}" text-anchor="end" font-size="13">'
                     f'{escape(_short(label))}</text>'
                     f'<rect x="{label_width}" y="{y + 4}" width="{bar}" height="{ROW - 8}" fill="#1565c0"></rect>'
                     f'<text x="{label_width + bar + 6}" y="{y + 17}" font-size="13">{shown}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))
