"""Charts drawn on the server as SVG, so that a page and its PDF show the same picture."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Bar:
    label: str
    share: Decimal  # percent of the whole, 0–100 (drawn to at most 100)
    note: str  # what is written after the bar


def bar_chart(bars: list[Bar], title: str, width: int = 640) -> Markup:
    """Horizontal bars with the 80% and 100% marks, labelled for screen readers."""
    row, label_width = 28, 220
    plot = width - label_width - 150
    height = row * len(bars) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = 10 + index * row
        length = int(plot * min(bar.share, Decimal(100)) / 100)
        colour = "#b51d09" if bar.share >= 100 else "#d9a000" if bar.share >= 80 else "#0059b3"
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="12">{escape(bar.label[:34])}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="18" fill="{colour}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 14}" font-size="12">'
            f"{escape(bar.note)}</text>"
        )
    for mark in (80, 100):
        x = label_width + plot * mark // 100
        parts.append(
            f'<line x1="{x}" y1="4" x2="{x}" y2="{height - 16}" stroke="#333" '
            f'stroke-dasharray="3,3"/><text x="{x - 12}" y="{height - 2}" font-size="11">'
            f"{mark}%</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped, the rest numbers
