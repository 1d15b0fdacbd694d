"""Grouped bar charts drawn on the server as SVG: no script and no style attribute
(colours come from the CSS classes ``chart-<series>``, so the CSP holds)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 260
TOP, BOTTOM, LEFT, RIGHT = 20, 40, 10, 10


def grouped_bars(
    *,
    title: str,
    groups: Sequence[tuple[str, Mapping[str, float]]],
    series: Mapping[str, str],
    value_text: Callable[[float], str] = str,
    css_class: str = "bar-chart",
) -> SafeString:
    """One group of bars per ``(label, {series key: value})``, a bar per key of
    ``series`` (key → legend label) in that order; each bar's tooltip reads
    "group · series: value_text(value)". Negative values are drawn as zero."""
    keys = list(series)
    peak = max((float(values[key]) for _label, values in groups for key in keys), default=0.0)
    scale = peak if peak > 0 else 1.0
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(groups), 1)
    bar = slot * 0.8 / max(len(keys), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="{escape(css_class)}" role="img" aria-label="{escape(title)}">',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'class="chart-axis"/>',
    ]
    for index, (label, values) in enumerate(groups):
        x0 = LEFT + index * slot + slot * 0.1
        for offset, key in enumerate(keys):
            value = float(values[key])
            height = plot_h * max(value, 0.0) / scale
            x = x0 + offset * bar
            y = TOP + plot_h - height
            tip = f"{label} · {series[key]}: {value_text(value)}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar * 0.9:.1f}" height="{height:.1f}" '
                f'class="chart-bar chart-{escape(key)}"><title>{escape(tip)}</title></rect>'
            )
        parts.append(
            f'<text x="{LEFT + index * slot + slot / 2:.1f}" y="{HEIGHT - BOTTOM / 2 + 4:.1f}" '
            f'text-anchor="middle" class="chart-label">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped
