"""Charts drawn on the server as SVG, so that a page and its PDF show the same picture. Each has
an accessible name, a `<title>` on every bar (its value on hover) and labels wrapped, not cut."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from app.core.i18n import format_money, format_month
from app.core.i18n import gettext as _


@dataclass(frozen=True)
class Bar:
    label: str
    share: Decimal  # percent of the whole, 0–100 (drawn to at most 100)
    note: str  # what is written after the bar


#: Characters on one line of a bar's label, and lines at most (the table has every label whole).
LINE = 32
LINES = 2


def wrap(label: str, most: int = LINE, lines: int = LINES) -> list[str]:
    """A label in lines of at most `most` characters, broken between words; past `lines` lines
    the last ends in an ellipsis. A word longer than a line is cut where it must be."""
    found: list[str] = []
    line = ""
    for word in label.split():
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= most:
            line = candidate
            continue
        if line:
            found.append(line)
        line = word if len(word) <= most else word[: most - 1] + "…"
    if line:
        found.append(line)
    if len(found) > lines:
        last = found[lines - 1]
        found = [*found[: lines - 1], (last[: most - 1] if len(last) >= most else last) + "…"]
    return found or [""]


def _label(lines: list[str], x: int, y: int, size: int = 12, anchor: str = "start") -> str:
    """Lines of text from `y` down, each its own tspan."""
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if index == 0 else size + 2}">{escape(text)}</tspan>'
        for index, text in enumerate(lines)
    )
    return f'<text x="{x}" y="{y}" font-size="{size}" text-anchor="{anchor}">{spans}</text>'


def bar_chart(
    bars: list[Bar], title: str, width: int = 640, marks: tuple[int, ...] = (80, 100)
) -> Markup:
    """Horizontal bars, labelled for screen readers; with `marks` (a lot's use) the 80% and
    100% lines are drawn and the bars coloured by them."""
    row, label_width = 34, 230
    plot = width - label_width - 150
    height = row * len(bars) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = 8 + index * row
        length = int(plot * min(bar.share, Decimal(100)) / 100)
        colour = "#0059b3"
        if marks and bar.share >= 100:
            colour = "#b51d09"
        elif marks and bar.share >= 80:
            colour = "#d9a000"
        lines = wrap(bar.label)
        parts.append(
            f"<g><title>{escape(bar.label)}: {escape(bar.note)}</title>"
            + _label(lines, 0, y + (14 if len(lines) == 1 else 8))
            + f'<rect x="{label_width}" y="{y}" width="{length}" height="20" fill="{colour}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 15}" font-size="12">'
            f"{escape(bar.note)}</text></g>"
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


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: list[Decimal]


#: The trend chart's series: the month table's column, what it is called, its colour.
TREND = (
    (1, lambda: _("Committed"), "#0059b3"),
    (2, lambda: _("Approved invoices"), "#2e7d32"),
    (3, lambda: _("Breaches"), "#b51d09"),
)


def trend_chart(table, month_text, title: str) -> Markup:
    """The month table (every month of the period, empty ones as zero) as bars side by side
    per month: committed, approved invoices and (where the table has them) breaches, with a
    legend; each bar's value on hover. `month_text` names a month ('YYYY-MM')."""
    if not table.rows:
        return Markup("")
    series = [
        Series(name(), colour, [row[column] for row in table.rows])
        for column, name, colour in TREND
        if column < len(table.columns) and column in table.money
    ]
    months = [row[0] for row in table.rows]
    bar, gap, left, top, plot = 16, 18, 70, 34, 200
    group = bar * len(series) + gap
    width = max(left + group * len(months) + 20, 360)
    height = top + plot + 44
    largest = max((v for s in series for v in s.values), default=Decimal(0)) or Decimal(1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    x = left
    for s in series:  # the legend
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{s.colour}"/>'
            f'<text x="{x + 16}" y="16" font-size="12">{escape(s.name)}</text>'
        )
        x += 24 + 7 * len(s.name)
    base = top + plot
    for step in (0, 50, 100):  # the scale, at nought, half and the largest
        y = base - plot * step // 100
        parts.append(
            f'<line x1="{left - 4}" y1="{y}" x2="{width - 10}" y2="{y}" stroke="#ccc"/>'
            f'<text x="{left - 6}" y="{y + 4}" font-size="10" text-anchor="end">'
            f"{escape(_short_amount(largest * step / 100))}</text>"
        )
    every = max(1, len(months) // 12 + (1 if len(months) % 12 else 0)) if len(months) > 12 else 1
    for index, month in enumerate(months):
        x0 = left + index * group + gap // 2
        name = month_text(month)
        for offset, s in enumerate(series):
            value = s.values[index]
            length = int(plot * value / largest)
            parts.append(
                f'<rect x="{x0 + offset * bar}" y="{base - length}" width="{bar - 1}" '
                f'height="{max(length, 0)}" fill="{s.colour}"><title>{escape(name)}, '
                f"{escape(s.name)}: {escape(format_money(value))}</title></rect>"
            )
        if index % every == 0:
            parts.append(_label(name.split(" "), x0 + (group - gap) // 2, base + 14, 10, "middle"))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped, the rest numbers


def _short_amount(amount: Decimal) -> str:
    """An axis' amount, rounded to what the eye reads: 1,2 mio., 350 t., 0."""
    value = float(amount)
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}".replace(".", ",") + " " + _("mn.")
    if value >= 1_000:
        return f"{value / 1_000:.0f} " + _("k")
    return f"{value:.0f}"
