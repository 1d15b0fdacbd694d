"""The forecast, the performance of each rep against target, and setting targets."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can
from guanxi.core.decorators import require_action
from guanxi.core.views.errors import add_service_errors, flash_errors
from guanxi.sales.charts import forecast_svg, series_labels
from guanxi.sales.forms_forecast import TargetForm
from guanxi.sales.object_types import DEAL, TARGET
from guanxi.sales.selectors_deals import owner_choices
from guanxi.sales.selectors_forecast import forecast_for, period_start
from guanxi.sales.selectors_performance import (
    get_target_for,
    performance_for,
    target_team_choices,
    target_user_choices,
    targets_visible_to,
)
from guanxi.sales.services import targets as services

TARGETS_SHOWN = 200


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_action(DEAL, "view")
def forecast(request: HttpRequest) -> HttpResponse:
    """By month or quarter, by rep or team: a chart and a table."""
    kind = request.GET.get("period", "month")
    kind = kind if kind in ("month", "quarter") else "month"
    count = _int(request.GET.get("periods")) or (6 if kind == "month" else 2)
    group = request.GET.get("group", "rep")
    result = forecast_for(
        request.user,
        kind=kind,
        count=count,
        start=_date(request.GET.get("start")),
        group=group,
        owner_id=_int(request.GET.get("owner")),
    )
    currency = request.GET.get("currency", "")
    if currency not in result.currencies:
        currency = result.currencies[0] if result.currencies else ""
    chart_rows = [(p.label, cells) for p, cells in result.chart_rows(currency)]
    context = {
        "forecast": result,
        "chart": forecast_svg(currency, chart_rows) if chart_rows else "",
        "chart_currency": currency,
        "series": series_labels(),
        "chosen": {
            "period": kind,
            "periods": count,
            "group": result.group,
            "owner": request.GET.get("owner", ""),
            "currency": currency,
        },
        "owners": owner_choices(),
    }
    return render(request, "sales/forecast.html", context)


def _default_period() -> tuple[date, date]:
    """The current quarter."""
    first = period_start(timezone.localdate(), "quarter")
    month = first.month + 3
    after = date(first.year + (month > 12), (month - 1) % 12 + 1, 1)
    return first, after - timedelta(days=1)


@require_action(DEAL, "view")
def performance(request: HttpRequest) -> HttpResponse:
    """Each rep over a period (the current quarter by default) against target."""
    start, end = _default_period()
    start = _date(request.GET.get("start")) or start
    end = _date(request.GET.get("end")) or end
    if end < start:
        start, end = end, start
    result = performance_for(
        request.user, start=start, end=end, owner_id=_int(request.GET.get("owner"))
    )
    context = {
        "performance": result,
        "chosen": {"start": start, "end": end, "owner": request.GET.get("owner", "")},
        "owners": owner_choices(),
        "can_see_targets": can(request.user, TARGET, "view"),
    }
    return render(request, "sales/performance.html", context)


@require_action(TARGET, "view")
def target_list(request: HttpRequest) -> HttpResponse:
    """The targets the user may see, and a form to set one (managers, administrators)."""
    may_add = can(request.user, TARGET, "add")
    if request.method == "POST" and not may_add:
        raise PermissionDenied
    start, end = _default_period()
    form = TargetForm(
        request.POST if request.method == "POST" else None,
        users=target_user_choices(request.user),
        teams=target_team_choices(request.user),
        initial={"period_start": start, "period_end": end, "currency": "CNY"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_target(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The target was saved."))
            return redirect("sales:target_list")
    targets = list(targets_visible_to(request.user)[:TARGETS_SHOWN])
    removable = _removable(request.user, targets)
    context = {"form": form, "targets": targets, "can_add": may_add, "removable": removable}
    return render(request, "sales/target_list.html", context)


def _removable(user: Any, targets: list[Any]) -> set[int]:
    """The targets the user may remove: two queries whatever their number."""
    if not can(user, TARGET, "delete"):
        return set()
    users, teams = services.settable_holders(user)
    return {
        t.pk
        for t in targets
        if (t.user_id is not None and (users is None or t.user_id in users))
        or (t.team_id is not None and (teams is None or t.team_id in teams))
    }


@require_POST
@require_action(TARGET, "delete")
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_target_for(request.user, pk, "delete")
    try:
        services.delete_target(actor=request.user, target=target)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The target was removed."))
    return redirect("sales:target_list")
