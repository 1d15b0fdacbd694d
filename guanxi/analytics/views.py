"""Analytics pages: the customer scores list, the models page (fitted parameters, runs
and the "recompute now" button) and the recompute request."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.analytics.charts import holdout_error, holdout_svg
from guanxi.analytics.choices import Segment
from guanxi.analytics.object_types import CUSTOMER_SCORE, MODEL_FIT
from guanxi.analytics.selectors import (
    SCORE_SORTS,
    filter_scores,
    fit_history,
    models_in_use,
    parse_amount,
    recent_runs,
    scores_visible_to,
)
from guanxi.analytics.selectors_dashboard import (
    CohortCell,
    cohort_members,
    narrow_scores,
    parse_cohort_cell,
)
from guanxi.analytics.services.diagnostics import latest_holdout
from guanxi.analytics.services.recompute import request_recompute
from guanxi.core.access import can
from guanxi.core.decorators import require_action
from guanxi.lib.listing import PAGE_SIZE
from guanxi.sales.services.exchange_rates import base_currency


def _team_id(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _cohort_context(request: HttpRequest, cell: CohortCell) -> dict[str, Any]:
    """What the list says about the cohort cell it shows, with links to the cell's
    other customers (retained, not retained, the whole cohort) and to clear it."""

    def url(**changes: str | None) -> str:
        query = request.GET.copy()
        query.pop("page", None)
        for name, value in changes.items():
            query.pop(name, None)
            if value is not None:
                query[name] = value
        return f"?{query.urlencode()}"

    period = None if cell.period is None else str(cell.period)
    return {
        "cell": cell,
        "retained_url": url(retained="yes", period=period or "0"),
        "not_retained_url": url(retained="no", period=period or "0"),
        "whole_url": url(retained=None, period=None),
        "clear_url": url(cohort=None, period=None, retained=None, until=None),
    }


@require_action(CUSTOMER_SCORE, "view")
def score_list(request: HttpRequest) -> HttpResponse:
    """The scores the user may see, filtered by segment, minimum lifetime value, team,
    region and a cohort cell of the customer dashboard (its drill-down); sorted by any
    column (empty predictions last)."""
    segment = request.GET.get("segment", "").strip()
    min_clv_text = request.GET.get("min_clv", "").strip()
    team_text = request.GET.get("team", "").strip()
    region = request.GET.get("region", "").strip()
    queryset = filter_scores(
        scores_visible_to(request.user), segment=segment, min_clv=parse_amount(min_clv_text)
    )
    if team_text and _team_id(team_text) is None:
        queryset = queryset.none()
    queryset = narrow_scores(queryset, _team_id(team_text), region)
    cell = parse_cohort_cell(request.GET)
    if cell is not None:
        queryset = cohort_members(queryset, cell)
    elif request.GET.get("cohort"):
        queryset = queryset.none()  # a cohort link gone wrong lists nobody, not everyone
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") not in SCORE_SORTS:
        sort = "-clv"
    field = F(sort.lstrip("-"))
    ordering = field.desc(nulls_last=True) if sort.startswith("-") else field.asc(nulls_last=True)
    queryset = queryset.order_by(ordering, "-pk" if sort.startswith("-") else "pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "analytics/score_list.html",
        {
            "page_obj": page,
            "object_list": page.object_list,
            "sort": sort,
            "segments": Segment.choices,
            "chosen": {"segment": segment, "min_clv": min_clv_text},
            "kept": {
                name: request.GET[name]
                for name in ("team", "region", "cohort", "period", "retained", "until")
                if request.GET.get(name)
            },
            "cohort": _cohort_context(request, cell) if cell is not None else None,
            "base_currency": base_currency(),
        },
    )


@require_action(MODEL_FIT, "view")
def model_list(request: HttpRequest) -> HttpResponse:
    """The cut-offs and fits in use, earlier fits and the recent runs with progress."""
    runs = recent_runs()
    holdout = latest_holdout()
    return render(
        request,
        "analytics/model_list.html",
        {
            "current": models_in_use(),
            "history": fit_history(),
            "runs": runs,
            "active": next((run for run in runs if run.is_active), None),
            "can_recompute": can(request.user, MODEL_FIT, "add"),
            "holdout": holdout,
            "holdout_chart": holdout_svg(holdout) if holdout is not None else "",
            "holdout_series": {"actual": _("Actual"), "predicted": _("Predicted")},
            "holdout_error": holdout_error(holdout),
            "base_currency": base_currency(),
        },
    )


@require_POST
@require_action(MODEL_FIT, "add")
def recompute(request: HttpRequest) -> HttpResponse:
    """Queue a full recompute (or find the one already queued or running)."""
    request_recompute(actor=request.user)
    messages.success(request, _("The recompute has started: this page shows its progress."))
    return redirect("analytics:model_list")
