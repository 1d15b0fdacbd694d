"""The forecast's bar chart, drawn on the server as SVG (no script, no style attribute:
colours come from CSS classes, so the CSP holds)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 720, 260
TOP, BOTTOM, LEFT, RIGHT = 20, 40, 10, 10
SERIES = ("won", "weighted", "projected")


def series_labels() -> dict[str, str]:
    return {"won": _("Won"), "weighted": _("Weighted pipeline"), "projected": _("Projected")}


def forecast_svg(currency: str, rows: Sequence[tuple[str, dict[str, Decimal]]]) -> SafeString:
    """Grouped bars per period (won, weighted pipeline, projection) in one currency."""
    labels = series_labels()
    peak = max((row[name] for _label, row in rows for name in SERIES), default=Decimal(0))
    scale = float(peak) if peak > 0 else 1.0
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(rows), 1)
    bar = slot * 0.8 / len(SERIES)
    title = _("Forecast in %(currency)s") % {"currency": currency}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="forecast-chart" role="img" aria-label="{escape(title)}">',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'class="chart-axis"/>',
    ]
    for index, (label, row) in enumerate(rows):
        x0 = LEFT + index * slot + slot * 0.1
        for offset, name in enumerate(SERIES):
            value = row[name]
            height = plot_h * float(value) / scale
            x = x0 + offset * bar
            y = TOP + plot_h - height
            amount = number_format(value, 2, force_grouping=True)
            tip = f"{label} · {labels[name]}: {currency} {amount}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar * 0.9:.1f}" height="{height:.1f}" '
                f'class="chart-bar chart-{name}"><title>{escape(tip)}</title></rect>'
            )
        parts.append(
            f'<text x="{LEFT + index * slot + slot / 2:.1f}" y="{HEIGHT - BOTTOM / 2 + 4:.1f}" '
            f'text-anchor="middle" class="chart-label">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped
