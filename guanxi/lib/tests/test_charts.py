"""The server-drawn SVG charts: geometry proportional to the values, gaps, stacking,
legends, label thinning and escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from guanxi.lib.charts import FRAMED, PLAIN, Series, bar_chart, grouped_bars, line_chart

NS = {"svg": "http://www.w3.org/2000/svg"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{{{NS['svg']}}}rect") if "chart-bar" in r.get("class", "")]


def tip(element: ET.Element) -> str:
    title = element.find("svg:title", NS)
    assert title is not None
    return title.text or ""


def test_grouped_bars_are_proportional_and_coloured_by_class() -> None:
    root = parse(
        grouped_bars(
            title="Forecast",
            groups=[
                ("Jan", {"won": 50.0, "weighted": 100.0}),
                ("Feb", {"won": -5, "weighted": 25}),
            ],
            series={"won": "Won", "weighted": "Weighted"},
        )
    )
    found = bars(root)
    assert [b.get("class") for b in found] == [
        "chart-bar chart-won",
        "chart-bar chart-weighted",
    ] * 2
    heights = [float(b.get("height", "")) for b in found]
    assert heights[1] == pytest.approx(PLAIN.plot_h)  # the peak fills the plot
    assert heights[0] == pytest.approx(PLAIN.plot_h / 2)
    assert heights[2] == 0  # negative drawn as zero
    assert heights[3] == pytest.approx(PLAIN.plot_h / 4)
    assert tip(found[0]) == "Jan · Won: 50.0"
    assert all(b.get("fill") is None for b in found)  # the stylesheet colours them
    assert root.get("aria-label") == "Forecast"


def test_framed_bars_have_legend_marks_and_presentation_colours() -> None:
    root = parse(
        bar_chart(
            title="Tickets",
            labels=["W1", "W2"],
            series=[
                Series("created", "Created", [10, 20], "#123456"),
                Series("solved", "Solved", [4, None], "#abcdef"),
            ],
        )
    )
    found = bars(root)
    assert len(found) == 3  # None leaves a gap
    assert {b.get("fill") for b in found} == {"#123456", "#abcdef"}
    texts = [t.text for t in root.iter(f"{{{NS['svg']}}}text")]
    assert texts[:3] == ["0", "10", "20"]  # three value marks, bottom to top
    assert "Created" in texts and "Solved" in texts  # the legend
    assert texts[-2:] == ["W1", "W2"]
    tallest = max(found, key=lambda b: float(b.get("height", "")))
    assert float(tallest.get("height", "")) == pytest.approx(FRAMED.plot_h)


def test_stacked_bars_stack_and_skip_zero() -> None:
    root = parse(
        bar_chart(
            title="Flow",
            labels=["2026-01"],
            series=[
                Series("new", "New", [3]),
                Series("lost", "Lost", [0]),
                Series("mature", "Mature", [1]),
            ],
            stacked=True,
            framed=False,
        )
    )
    found = bars(root)
    assert [b.get("class") for b in found] == ["chart-bar chart-new", "chart-bar chart-mature"]
    new, mature = found
    bottom = PLAIN.top + PLAIN.plot_h
    assert float(new.get("y", "")) + float(new.get("height", "")) == pytest.approx(bottom)
    assert float(mature.get("y", "")) == pytest.approx(PLAIN.top)  # 3 + 1 is the peak
    assert float(mature.get("y", "")) + float(mature.get("height", "")) == pytest.approx(
        float(new.get("y", ""))
    )


def test_line_chart_breaks_at_gaps_and_fixes_the_scale() -> None:
    root = parse(
        line_chart(
            title="SLA",
            labels=["a", "b", "c", "d"],
            series=[Series("sla", "Within SLA", [100, None, 50, 0], "#1d4ed8")],
            low=0,
            high=100,
        )
    )
    lines = list(root.iter(f"{{{NS['svg']}}}polyline"))
    assert [len(line.get("points", "").split()) for line in lines] == [1, 2]
    dots = list(root.iter(f"{{{NS['svg']}}}circle"))
    ys = [float(d.get("cy", "")) for d in dots]
    assert ys[0] == pytest.approx(FRAMED.top)  # 100 at the top
    assert ys[2] == pytest.approx(FRAMED.top + FRAMED.plot_h)  # 0 at the bottom
    assert ys[1] == pytest.approx(FRAMED.top + FRAMED.plot_h / 2)
    assert [tip(d) for d in dots] == [
        "a · Within SLA: 100",
        "c · Within SLA: 50",
        "d · Within SLA: 0",
    ]


def test_long_label_rows_are_thinned_to_a_dozen() -> None:
    labels = [f"w{n}" for n in range(30)]
    root = parse(bar_chart(title="t", labels=labels, series=[Series("x", "X", [1] * 30)]))
    shown = [t.text for t in root.iter(f"{{{NS['svg']}}}text") if (t.text or "").startswith("w")]
    assert 1 < len(shown) <= 12
    assert shown[0] == "w0"
    assert len(bars(root)) == 30  # every bar is still drawn, with its tooltip


def test_text_is_escaped() -> None:
    svg = grouped_bars(
        title='<script>"x"</script>',
        groups=[("<b>", {"k": 1.0})],
        series={"k": "A & B"},
    )
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)
    assert tip(bars(root)[0]) == "<b> · A & B: 1.0"
