"""The forecast's bar chart (won, weighted pipeline, projection per period)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from guanxi.lib.charts import grouped_bars


def series_labels() -> dict[str, str]:
    return {"won": _("Won"), "weighted": _("Weighted pipeline"), "projected": _("Projected")}


def forecast_svg(currency: str, rows: Sequence[tuple[str, dict[str, Decimal]]]) -> SafeString:
    """Grouped bars per period (won, weighted pipeline, projection) in one currency."""
    return grouped_bars(
        title=_("Forecast in %(currency)s") % {"currency": currency},
        groups=[(label, {key: float(value) for key, value in row.items()}) for label, row in rows],
        series=series_labels(),
        value_text=lambda value: f"{currency} {number_format(value, 2, force_grouping=True)}",
        css_class="forecast-chart",
    )
