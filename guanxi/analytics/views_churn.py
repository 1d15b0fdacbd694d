"""Churn and cross-sell pages: customers at risk (sorted by value at stake, filtered
by level, owner and team, exported as CSV), the product associations and one
product's "customers who bought this also bought"."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.analytics.models.churn import RiskLevel
from guanxi.analytics.object_types import ASSOCIATION, CHURN_RISK
from guanxi.analytics.selectors_churn import (
    ASSOCIATION_SORTS,
    RISK_SORTS,
    associations_visible_to,
    filter_associations,
    filter_risks,
    latest_refresh,
    risks_visible_to,
)
from guanxi.analytics.services.churn_config import churn_config
from guanxi.analytics.services.churn_explain import describe
from guanxi.analytics.services.cross_sell_suggest import suggestions_for_product
from guanxi.core.access import can, get_for_or_404
from guanxi.core.decorators import require_action
from guanxi.core.models import Team, User
from guanxi.lib.downloads import csv_download
from guanxi.lib.listing import PAGE_SIZE, list_page
from guanxi.sales.models import Product
from guanxi.sales.object_types import PRODUCT
from guanxi.sales.services.exchange_rates import base_currency

ALL_LEVELS = "all"


def _risk_filters(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip() for name in ("level", "owner", "team")}


def _filtered_risks(request: HttpRequest, chosen: dict[str, str]) -> Any:
    level = chosen["level"]
    owner = chosen["owner"] if chosen["owner"].isdigit() else ("0" if chosen["owner"] else "")
    team = chosen["team"] if chosen["team"].isdigit() else ("0" if chosen["team"] else "")
    return filter_risks(
        risks_visible_to(request.user),
        level="" if level == ALL_LEVELS else level,
        owner_id=owner,
        team_id=team,
        at_risk_only=level == "",
    )


@require_action(CHURN_RISK, "view")
def at_risk_list(request: HttpRequest) -> HttpResponse:
    """Customers at risk (medium and high unless another level is chosen), the most
    value at stake first."""
    chosen = _risk_filters(request)
    queryset = _filtered_risks(request, chosen)
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") not in RISK_SORTS:
        sort = "-value_at_stake"
    queryset = queryset.order_by(sort, "-pk" if sort.startswith("-") else "pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(risk, describe(risk.factors)) for risk in page.object_list]
    return render(
        request,
        "analytics/at_risk_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "sort": sort,
            "levels": RiskLevel.choices,
            "all_levels": ALL_LEVELS,
            "chosen": chosen,
            "owners": User.objects.filter(is_active=True).only("pk", "full_name", "email"),
            "teams": Team.objects.filter(deleted_at__isnull=True).only("pk", "name"),
            "config": churn_config(),
            "can_export": can(request.user, CHURN_RISK, "export"),
            "base_currency": base_currency(),
        },
    )


@require_action(CHURN_RISK, "export")
def at_risk_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list as CSV (UTF-8 with a byte-order mark, for Excel), streamed."""
    queryset = _filtered_risks(request, _risk_filters(request)).order_by("-value_at_stake", "pk")
    header = [
        _("Account"),
        _("Owner"),
        _("Team"),
        _("Level"),
        _("Churn risk"),
        _("Value at stake (%(currency)s)") % {"currency": base_currency()},
        _("Reasons"),
        _("Computed"),
    ]
    rows = (
        [
            risk.account.name,
            risk.account.owner,
            risk.account.team.name if risk.account.team else "",
            risk.get_level_display(),
            f"{risk.risk:.4f}",
            risk.value_at_stake,
            "; ".join(describe(risk.factors)),
            timezone.localtime(risk.computed_at).strftime("%Y-%m-%d %H:%M"),
        ]
        for risk in queryset.iterator(chunk_size=2000)
    )
    return csv_download(f"customers-at-risk-{timezone.localdate():%Y-%m-%d}.csv", header, rows)


@require_action(ASSOCIATION, "view")
def association_list(request: HttpRequest) -> HttpResponse:
    """Product associations: "customers who bought X also bought Y", strongest first."""
    queryset = filter_associations(
        associations_visible_to(request.user), q=request.GET.get("q", "")
    )
    context = list_page(request, queryset, sort_fields=ASSOCIATION_SORTS, default_sort="-lift")
    context["refresh"] = latest_refresh()
    return render(request, "analytics/cross_sell_associations.html", context)


@require_action(ASSOCIATION, "view")
def product_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """One product: what its buyers also bought, and dearer products of its category."""
    if not can(request.user, PRODUCT, "view"):
        raise PermissionDenied
    product = get_for_or_404(Product.objects.all(), request.user, pk)
    return render(
        request,
        "analytics/cross_sell_product.html",
        {
            "product": product,
            "suggestions": suggestions_for_product(product),
            "refresh": latest_refresh(),
            "base_currency": base_currency(),
        },
    )
