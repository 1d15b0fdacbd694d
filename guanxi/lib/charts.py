"""Charts drawn on the server as SVG: bars (grouped or stacked) and lines over a row of
labels (periods, buckets, segments). No script and no style attribute, so the CSP holds:
a series is coloured by its CSS class ``chart-<key>`` or, when it has one, by its
``colour`` as an SVG presentation attribute. Every text is escaped; each bar and point
carries a tooltip ("label · series: value")."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 720
# Colours for series that have no CSS class of their own: blue, green, amber, violet.
PALETTE = ("#1d4ed8", "#15803d", "#b45309", "#7c3aed")
MAX_LABELS = 12  # at most a dozen labels under the axis; the others only in tooltips


@dataclass(frozen=True)
class Series:
    """One series: ``values[i]`` belongs to the chart's ``labels[i]``; None is a gap
    (no bar, a break in the line)."""

    key: str
    label: str
    values: Sequence[float | int | None]
    colour: str = ""

    def paint(self, role: str = "chart-bar") -> str:
        """The class (``role`` and ``chart-<key>``) and, when set, the fill colour."""
        colour = f' fill="{escape(self.colour)}"' if self.colour else ""
        return f'class="{role} chart-{escape(self.key)}"{colour}'


@dataclass(frozen=True)
class _Box:
    """The drawing area: plain charts (a legend in the page) or framed ones (a legend and
    three value marks inside the SVG)."""

    height: int
    top: int
    bottom: int
    left: int
    right: int = 10

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom

    def slot(self, count: int) -> float:
        return (WIDTH - self.left - self.right) / max(count, 1)

    def y(self, value: float, low: float, span: float) -> float:
        return self.top + self.plot_h - self.plot_h * (value - low) / span


PLAIN = _Box(height=260, top=20, bottom=40, left=10)
FRAMED = _Box(height=240, top=34, bottom=34, left=44)


def number_text(value: float) -> str:
    """A value for a tooltip or a mark: grouped digits, one decimal when it has one."""
    return number_format(round(value, 1), 1 if value % 1 else 0, force_grouping=True)


def _open(box: _Box, title: str, css_class: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {box.height}" '
        f'class="{escape(css_class)}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]


def _frame(box: _Box, low: float, high: float, series: Sequence[Series]) -> list[str]:
    """Three value marks with their grid lines, and the legend above the plot."""
    parts = []
    for step in range(3):
        value = low + (high - low) * step / 2
        y = box.top + box.plot_h - box.plot_h * step / 2
        parts.append(
            f'<line x1="{box.left}" y1="{y:.1f}" x2="{WIDTH - box.right}" y2="{y:.1f}" '
            'class="chart-axis" stroke="#d1d5db" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{box.left - 4}" y="{y + 4:.1f}" text-anchor="end" class="chart-label" '
            f'font-size="11" fill="#6b7280">{escape(number_text(value))}</text>'
        )
    x = box.left
    for one in series:
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" rx="2" {one.paint("chart-swatch")}/>'
        )
        parts.append(
            f'<text x="{x + 16}" y="16" class="chart-label" font-size="12" fill="#374151">'
            f"{escape(one.label)}</text>"
        )
        x += 28 + 7 * len(one.label)
    return parts


def _x_labels(box: _Box, labels: Sequence[str]) -> list[str]:
    slot = box.slot(len(labels))
    every = max(1, -(-len(labels) // MAX_LABELS))
    y = box.height - box.bottom / 2 + 4
    return [
        f'<text x="{box.left + index * slot + slot / 2:.1f}" y="{y:.1f}" '
        f'text-anchor="middle" class="chart-label">{escape(label)}</text>'
        for index, label in enumerate(labels)
        if index % every == 0
    ]


def _bar(x: float, width: float, y: float, height: float, one: Series, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
        f"{one.paint()}><title>{escape(tip)}</title></rect>"
    )


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    stacked: bool = False,
    framed: bool = True,
    value_text: Callable[[float], str] = number_text,
    css_class: str = "forecast-chart",
) -> SafeString:
    """Bars per label: side by side (grouped) or one on top of the other (``stacked``).
    ``framed`` draws the legend and value marks inside the SVG; without it the page
    shows its own legend (``chart-key`` spans). Negative values are drawn as zero."""
    box = FRAMED if framed else PLAIN
    if stacked:
        peak = max(
            (sum(max(float(s.values[i] or 0), 0.0) for s in series) for i in range(len(labels))),
            default=0.0,
        )
    else:
        peak = max((float(v) for s in series for v in s.values if v), default=0.0)
    scale = peak if peak > 0 else 1.0
    slot = box.slot(len(labels))
    width = slot * 0.7 if stacked else slot * 0.8 / max(len(series), 1)
    parts = _open(box, title, css_class)
    if framed:
        parts += _frame(box, 0.0, scale, series)
    else:
        bottom = box.top + box.plot_h
        parts.append(
            f'<line x1="{box.left}" y1="{bottom}" x2="{WIDTH - box.right}" y2="{bottom}" '
            'class="chart-axis"/>'
        )
    for index, label in enumerate(labels):
        base = box.top + box.plot_h
        for offset, one in enumerate(series):
            value = one.values[index]
            if value is None or (stacked and not value):
                continue
            height = box.plot_h * max(float(value), 0.0) / scale
            tip = f"{label} · {one.label}: {value_text(float(value))}"
            if stacked:
                base -= height
                x = box.left + index * slot + slot * 0.15
                parts.append(_bar(x, width, base, height, one, tip))
            else:
                x = box.left + index * slot + slot * 0.1 + offset * width
                parts.append(_bar(x, width * 0.9, base - height, height, one, tip))
    parts += _x_labels(box, labels)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    low: float | None = None,
    high: float | None = None,
    value_text: Callable[[float], str] = number_text,
    css_class: str = "forecast-chart",
) -> SafeString:
    """A line per series (times, percentages, scores) with a dot per value;
    ``low``/``high`` fix the scale (else from zero, or the lowest value, to the highest)."""
    box = FRAMED
    found = [float(v) for s in series for v in s.values if v is not None]
    top = high if high is not None else max(found, default=0.0)
    bottom = low if low is not None else min([0.0, *found])
    span = (top - bottom) or 1.0
    slot = box.slot(len(labels))
    parts = _open(box, title, css_class) + _frame(box, bottom, bottom + span, series)
    for one in series:
        points: list[tuple[float, float, str]] = []
        for index, value in enumerate(one.values):
            if value is None:
                parts.append(_polyline(points, one))
                points = []
                continue
            x = box.left + index * slot + slot / 2
            y = box.y(float(value), bottom, span)
            points.append((x, y, f"{labels[index]} · {one.label}: {value_text(float(value))}"))
        parts.append(_polyline(points, one))
    parts += _x_labels(box, labels)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


def _polyline(points: list[tuple[float, float, str]], one: Series) -> str:
    if not points:
        return ""
    stroke = f' stroke="{escape(one.colour)}"' if one.colour else ""
    fill = f' fill="{escape(one.colour)}"' if one.colour else ""
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y, _tip in points)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="chart-dot chart-{escape(one.key)}"'
        f"{fill}><title>{escape(tip)}</title></circle>"
        for x, y, tip in points
    )
    return (
        f'<polyline points="{coords}" class="chart-line" fill="none"'
        f'{stroke} stroke-width="2"/>{dots}'
    )


def grouped_bars(
    *,
    title: str,
    groups: Sequence[tuple[str, Mapping[str, float]]],
    series: Mapping[str, str],
    value_text: Callable[[float], str] = str,
    css_class: str = "bar-chart",
) -> SafeString:
    """Grouped bars, one group per ``(label, {series key: value})`` and a bar per key of
    ``series`` (key → legend label) in that order, coloured by the page's stylesheet
    (``chart-<key>``) with the legend in the page."""
    return bar_chart(
        title=title,
        labels=[label for label, _values in groups],
        series=[
            Series(key, name, [float(values[key]) for _label, values in groups])
            for key, name in series.items()
        ],
        framed=False,
        value_text=value_text,
        css_class=css_class,
    )
