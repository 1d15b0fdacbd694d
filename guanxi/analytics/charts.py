"""The analytics page's charts."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from guanxi.analytics.models import ModelFit
from guanxi.lib.charts import grouped_bars


def holdout_error(check: ModelFit | None) -> float | None:
    """How far the predicted total is from the actual one, in percent (+: too many)."""
    if check is None or not check.parameters.get("total_actual"):
        return None
    actual = check.parameters["total_actual"]
    return 100.0 * (check.parameters["total_predicted"] - actual) / actual


def holdout_svg(check: ModelFit) -> SafeString:
    """Mean purchases per customer in the holdout weeks, actual beside predicted, for
    each number of repeat purchases in the calibration weeks (the last: that or more)."""
    buckets = check.parameters["buckets"]
    last = buckets[-1]["frequency"] if buckets else 0
    return grouped_bars(
        title=_("Purchases in the holdout weeks: actual and predicted"),
        groups=[
            (
                f"{bucket['frequency']}+"
                if bucket["frequency"] == last
                else str(bucket["frequency"]),
                {"actual": bucket["actual"], "predicted": bucket["predicted"]},
            )
            for bucket in buckets
        ],
        series={"actual": _("Actual"), "predicted": _("Predicted")},
        value_text=lambda value: number_format(value, 2),
        css_class="holdout-chart",
    )


def _bucket_label(frequency: int, last: int) -> str:
    return f"{frequency}+" if frequency == last else str(frequency)
