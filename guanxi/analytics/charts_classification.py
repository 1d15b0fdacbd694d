"""The lifecycle flow chart, drawn on the server as SVG: per month a stacked bar of the
customers entering each stage (no script, no style attribute, so the CSP holds)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from guanxi.analytics.models.classification import LifecycleStage
from guanxi.analytics.selectors_classification import Flow

WIDTH, HEIGHT = 720, 260
TOP, BOTTOM, LEFT, RIGHT = 20, 40, 10, 10
COLOURS = {
    "potential": "#94a3b8",
    "new": "#38bdf8",
    "growth": "#22c55e",
    "mature": "#1d4ed8",
    "decline": "#f59e0b",
    "churned": "#dc2626",
}


def flow_svg(flow: Flow) -> SafeString:
    """Stacked bars: for each month, the customers who entered each stage."""
    scale = max(flow.peak, 1)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(flow.months), 1)
    title = _("Customers entering each lifecycle stage, per month")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="forecast-chart lifecycle-chart" role="img" aria-label="{escape(title)}">',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'class="chart-axis"/>',
    ]
    for index, month in enumerate(flow.months):
        x = LEFT + index * slot + slot * 0.15
        y: float = TOP + plot_h
        label = month.month.strftime("%Y-%m")
        for stage in LifecycleStage:
            count = month.entered.get(stage.value, 0)
            if not count:
                continue
            height = plot_h * count / scale
            y -= height
            tip = f"{label} · {stage.label}: {count}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" '
                f'fill="{COLOURS[stage.value]}" class="chart-bar stage-{stage.value}">'
                f"<title>{escape(tip)}</title></rect>"
            )
        parts.append(
            f'<text x="{LEFT + index * slot + slot / 2:.1f}" y="{HEIGHT - BOTTOM / 2 + 4:.1f}" '
            f'text-anchor="middle" class="chart-label">{escape(label[2:])}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped
