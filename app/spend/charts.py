"""Charts drawn on the server as SVG, so that a page and its PDF show the same picture."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from app.core.i18n import format_money, format_month


@dataclass(frozen=True)
class Bar:
    label: str
    share: Decimal  # percent of the whole, 0–100 (drawn to at most 100)
    note: str  # what is written after the bar


def _shorten(label: str, most: int = 34) -> str:
    """A label that fits beside its bar; a cut one ends in an ellipsis (the table has it all)."""
    return label if len(label) <= most else label[: most - 1] + "…"


def bar_chart(
    bars: list[Bar], title: str, width: int = 640, marks: tuple[int, ...] = (80, 100)
) -> Markup:
    """Horizontal bars, labelled for screen readers; with `marks` (a lot's use) the 80% and
    100% lines are drawn and the bars coloured by them."""
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
        colour = "#0059b3"
        if marks and bar.share >= 100:
            colour = "#b51d09"
        elif marks and bar.share >= 80:
            colour = "#d9a000"
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="12">{escape(_shorten(bar.label))}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="18" fill="{colour}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 14}" font-size="12">'
            f"{escape(bar.note)}</text>"
        )
    for mark in marks:
        x = label_width + plot * mark // 100
        parts.append(
            f'<line x1="{x}" y1="4" x2="{x}" y2="{height - 16}" stroke="#333" '
            f'stroke-dasharray="3,3"/><text x="{x - 12}" y="{height - 2}" font-size="11">'
            f"{mark}%</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped, the rest numbers


def table_chart(table, title: str) -> Markup:
    """The first amount column of a spend table as bars, the largest the longest."""
    column = min(table.money) if table.money else None
    if column is None or not table.rows:
        return Markup("")
    largest = max((row[column] for row in table.rows), default=Decimal(0)) or Decimal(1)

    label = format_month if table.name == "month" else str
    bars = [
        Bar(label(row[0]), row[column] * 100 / largest, format_money(row[column]))
        for row in table.rows[:15]
    ]
    return bar_chart(bars, title, marks=())
