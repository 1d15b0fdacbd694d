"""The customer dashboard: the segment mix and retention by cohort over the customers
the user may see, each exportable as CSV."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.analytics.object_types import CUSTOMER_SCORE
from guanxi.analytics.selectors_dashboard import cohort_retention, segment_mix
from guanxi.core.access import can
from guanxi.core.decorators import require_action
from guanxi.lib.csv_download import csv_download
from guanxi.sales.services.exchange_rates import base_currency

COHORTS = 12


def _heat(share: float | None) -> str:
    """A CSS class for a retention cell: heat-0 (none) to heat-5 (half or more)."""
    if share is None:
        return ""
    return f"heat-{min(5, int(share * 10 + 0.999))}" if share > 0 else "heat-0"


@require_action(CUSTOMER_SCORE, "view")
def dashboard(request: HttpRequest) -> HttpResponse:
    as_of = timezone.localdate()
    cohorts = cohort_retention(request.user, as_of=as_of, cohorts=COHORTS)
    return render(
        request,
        "analytics/dashboard.html",
        {
            "mix": segment_mix(request.user),
            "cohorts": [
                (cohort, [(share, _heat(share)) for share in cohort.retention])
                for cohort in cohorts
            ],
            "offsets": range(COHORTS),
            "can_export": can(request.user, CUSTOMER_SCORE, "export"),
            "base_currency": base_currency(),
        },
    )


@require_action(CUSTOMER_SCORE, "export")
def dashboard_export(request: HttpRequest, panel: str) -> HttpResponse:
    """One panel of the dashboard as CSV (who may export customer scores)."""
    today = timezone.localdate()
    if panel == "segments":
        return csv_download(
            f"segments-{today:%Y-%m-%d}.csv",
            [_("Segment"), _("Customers"), _("Share"), _("Predicted value")],
            (
                [row.label, row.customers, f"{row.share:.4f}", row.value]
                for row in segment_mix(request.user)
            ),
        )
    if panel == "cohorts":
        header = [_("First order in"), _("Customers")]
        header += [_("Month %(n)s") % {"n": offset} for offset in range(COHORTS)]
        return csv_download(
            f"retention-by-cohort-{today:%Y-%m-%d}.csv",
            header,
            (
                [f"{cohort.month:%Y-%m}", cohort.customers]
                + ["" if share is None else f"{share:.4f}" for share in cohort.retention]
                for cohort in cohort_retention(request.user, as_of=today, cohorts=COHORTS)
            ),
        )
    raise Http404
