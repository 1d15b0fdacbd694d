"""The service reports' charts, drawn on the server as SVG like the sales forecast's (no
script, no style attribute: colours are SVG presentation attributes, so the CSP holds).

Each series is ``(label, colour, values)``; a value of None leaves a gap.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 240
TOP, BOTTOM, LEFT, RIGHT = 34, 34, 44, 10
COLOURS = ("#1d4ed8", "#15803d", "#b45309", "#7c3aed")

Series = tuple[str, str, Sequence[float | int | None]]


def _number(value: float) -> str:
    return number_format(round(value, 1), 1 if value % 1 else 0, force_grouping=True)


def _frame(title: str, peak: float, bottom: float, series: Sequence[Series]) -> list[str]:
    """The SVG's opening, the axis with three value marks and the legend."""
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="forecast-chart service-chart" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for step in range(3):
        value = bottom + (peak - bottom) * step / 2
        y = TOP + plot_h - plot_h * step / 2
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            'class="chart-axis" stroke="#d1d5db" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" class="chart-label" '
            f'font-size="11" fill="#6b7280">{escape(_number(value))}</text>'
        )
    x = LEFT
    for label, colour, _values in series:
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" rx="2" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 16}" y="16" class="chart-label" font-size="12" fill="#374151">'
            f"{escape(label)}</text>"
        )
        x += 28 + 7 * len(label)
    return parts


def _x_labels(labels: Sequence[str], slot: float) -> list[str]:
    every = max(1, len(labels) // 12)  # at most a dozen labels under the axis
    return [
        f'<text x="{LEFT + index * slot + slot / 2:.1f}" y="{HEIGHT - BOTTOM / 2 + 6:.1f}" '
        f'text-anchor="middle" class="chart-label" font-size="11" fill="#6b7280">'
        f"{escape(label)}</text>"
        for index, label in enumerate(labels)
        if index % every == 0
    ]


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series]) -> SafeString:
    """Grouped bars per period (counts)."""
    peak = max((float(v) for _l, _c, values in series for v in values if v), default=0.0)
    scale = peak or 1.0
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    bar = slot * 0.8 / max(len(series), 1)
    parts = _frame(title, scale, 0.0, series)
    for index, label in enumerate(labels):
        for offset, (name, colour, values) in enumerate(series):
            value = values[index] or 0
            height = plot_h * float(value) / scale
            x = LEFT + index * slot + slot * 0.1 + offset * bar
            tip = f"{label} · {name}: {_number(float(value))}"
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - height:.1f}" width="{bar * 0.9:.1f}" '
                f'height="{height:.1f}" fill="{colour}" class="chart-bar">'
                f"<title>{escape(tip)}</title></rect>"
            )
    parts.extend(_x_labels(labels, slot))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    low: float | None = None,
    high: float | None = None,
) -> SafeString:
    """Lines per period (times, percentages, scores); ``low``/``high`` fix the scale."""
    found = [float(v) for _l, _c, values in series for v in values if v is not None]
    top = high if high is not None else max(found, default=0.0)
    bottom = low if low is not None else min([0.0, *found])
    span = (top - bottom) or 1.0
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    parts = _frame(title, bottom + span, bottom, series)
    for name, colour, values in series:
        points: list[tuple[float, float, str]] = []
        for index, value in enumerate(values):
            if value is None:
                parts.append(_polyline(points, colour))
                points = []
                continue
            x = LEFT + index * slot + slot / 2
            y = TOP + plot_h - plot_h * (float(value) - bottom) / span
            points.append((x, y, f"{labels[index]} · {name}: {_number(float(value))}"))
        parts.append(_polyline(points, colour))
    parts.extend(_x_labels(labels, slot))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


def _polyline(points: list[tuple[float, float, str]], colour: str) -> str:
    if not points:
        return ""
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y, _tip in points)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{escape(tip)}</title>'
        "</circle>"
        for x, y, tip in points
    )
    return f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>{dots}'
