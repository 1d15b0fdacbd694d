"""The lifecycle flow chart: per month a stacked bar of the customers entering each
stage (``guanxi.lib.charts``)."""

from __future__ import annotations

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from guanxi.analytics.models.classification import LifecycleStage
from guanxi.analytics.selectors_classification import Flow
from guanxi.lib.charts import Series, bar_chart

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
    return bar_chart(
        title=_("Customers entering each lifecycle stage, per month"),
        labels=[month.month.strftime("%Y-%m") for month in flow.months],
        series=[
            Series(
                f"stage-{stage.value}",
                str(stage.label),
                [month.entered.get(stage.value, 0) for month in flow.months],
                COLOURS[stage.value],
            )
            for stage in LifecycleStage
        ],
        stacked=True,
        framed=False,
        value_text=lambda value: str(int(value)),
        css_class="forecast-chart lifecycle-chart",
    )
