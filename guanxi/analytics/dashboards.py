"""The customer dashboard (``/dashboards/customers/``): segment mix and retention by
cohort here, value mix, lifecycle moves, key accounts and customers at risk from
``dashboard_panels``."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.analytics.dashboard_panels import (
    at_risk_panel,
    key_accounts_panel,
    lifecycle_moves_panel,
    value_mix_panel,
)
from guanxi.analytics.object_types import CUSTOMER_SCORE
from guanxi.analytics.selectors_dashboard import (
    Cohort,
    CohortCell,
    cohort_retention,
    segment_mix,
)
from guanxi.core.dashboards import Dashboard, Filters, Panel, Table, register_dashboard


def _heat(share: float | None) -> str:
    """A CSS class for a retention cell: heat-0 (none) to heat-5 (half or more)."""
    if share is None:
        return ""
    return f"heat-{min(5, int(share * 10 + 0.999))}" if share > 0 else "heat-0"


def _narrowing(filters: Filters) -> dict[str, str]:
    """The dashboard's team and region as the score list's query parameters."""
    found = {"team": str(filters.team_id)} if filters.team_id is not None else {}
    return {**found, "region": filters.region} if filters.region else found


def segments_panel(user: Any, filters: Filters) -> Table:
    mix = segment_mix(user, team_id=filters.team_id, region=filters.region)
    scores = reverse("analytics:score_list")
    narrowed = _narrowing(filters)
    return Table(
        columns=[_("Segment"), _("Customers"), _("Share"), _("Predicted value")],
        formats=["text", "int", "percent", "money"],
        rows=[[row.label, row.customers, row.share, row.value] for row in mix],
        links=[f"{scores}?{urlencode({'segment': row.segment, **narrowed})}" for row in mix],
        empty=_("No customer has a score yet: scores come from confirmed orders."),
    )


def cohorts_panel(user: Any, filters: Filters) -> Table:
    cohorts = cohort_retention(
        user,
        start=filters.date_from,
        end=filters.date_to,
        team_id=filters.team_id,
        region=filters.region,
    )
    months = len(cohorts[0].retention) if cohorts else 0

    def link(cohort: Cohort, period: int | None) -> str:
        cell = CohortCell(cohort=cohort.month, until=filters.date_to, period=period)
        return cell.url(team_id=filters.team_id, region=filters.region)

    return Table(
        columns=[_("First order in"), _("Customers")]
        + [_("Month %(n)s") % {"n": n} for n in range(months)],
        formats=["text", "int"] + ["percent"] * months,
        rows=[[f"{cohort.month:%Y-%m}", cohort.customers, *cohort.retention] for cohort in cohorts],
        classes=[["", "", *(_heat(share) for share in cohort.retention)] for cohort in cohorts],
        # the cohort's row opens all its customers, a month's cell those who ordered in it
        links=[link(cohort, None) for cohort in cohorts],
        cell_links=[
            [
                None,
                None,
                *(
                    None if share is None else link(cohort, period)
                    for period, share in enumerate(cohort.retention)
                ),
            ]
            for cohort in cohorts
        ],
        empty=_("No first orders in this period."),
    )


PANELS: list[Panel] = [
    Panel(
        key="value",
        title=gettext_lazy("Value mix"),
        build=value_mix_panel,
        description=gettext_lazy("Value classes as of the latest classification."),
        uses=("team", "region"),
    ),
    Panel(
        key="segments",
        title=gettext_lazy("Customers by segment"),
        build=segments_panel,
        description=gettext_lazy("RFM segments as of the latest computed scores."),
        uses=("team", "region"),
    ),
    Panel(
        key="cohorts",
        title=gettext_lazy("Retention by cohort"),
        build=cohorts_panel,
        description=gettext_lazy(
            "Customers grouped by the month of their first order; each cell is the share "
            "of the group that ordered in that month after it (month 0: the first month). "
            "A cohort opens the list of its customers, a cell those who ordered in that month."
        ),
    ),
    Panel(
        key="lifecycle",
        title=gettext_lazy("Moves between lifecycle stages"),
        build=lifecycle_moves_panel,
        description=gettext_lazy("Customers who changed stage in the period, most common first."),
    ),
    Panel(
        key="key_accounts",
        title=gettext_lazy("Key accounts"),
        build=key_accounts_panel,
        description=gettext_lazy("The largest twenty by net value; all on the key-accounts page."),
        uses=("team", "region"),
    ),
    Panel(
        key="at_risk",
        title=gettext_lazy("Customers at risk"),
        build=at_risk_panel,
        description=gettext_lazy(
            "Medium and high churn risk, by value at stake; the twenty largest."
        ),
        uses=("team", "region"),
    ),
]


def register() -> None:
    register_dashboard(
        Dashboard(
            key="customers",
            title=gettext_lazy("Customer dashboard"),
            object_type=CUSTOMER_SCORE,
            panels=tuple(PANELS),
            description=gettext_lazy(
                "Over the customers you may see, from the latest computed scores."
            ),
        )
    )
