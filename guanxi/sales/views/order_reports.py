"""Reports read from orders: revenue by month in the base currency and the warranty
lookup of a serial number."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guanxi.core.decorators import require_action
from guanxi.sales.forms_orders import WarrantyForm
from guanxi.sales.object_types import ORDER
from guanxi.sales.selectors_orders import revenue_by_month, warranty_lookup
from guanxi.sales.services.exchange_rates import base_currency
from guanxi.sales.views.orders import parse_date


@require_action(ORDER, "view")
def revenue_report(request: HttpRequest) -> HttpResponse:
    """Per month: confirmed orders, what they sold, what was returned, and the net."""
    chosen = {name: request.GET.get(name, "").strip() for name in ("date_from", "date_to")}
    months = revenue_by_month(
        request.user, parse_date(chosen["date_from"]), parse_date(chosen["date_to"])
    )
    totals = {
        "orders": sum(row["orders"] for row in months),
        **{
            key: sum((row[key] for row in months), Decimal(0))
            for key in ("sold", "returned", "net")
        },
    }
    context = {
        "chosen": chosen,
        "months": months,
        "totals": totals,
        "base_currency": base_currency(),
    }
    return render(request, "sales/revenue_report.html", context)


@require_action(ORDER, "view")
def warranty_check(request: HttpRequest) -> HttpResponse:
    """Who bought the unit with this serial number, and is it still under warranty."""
    form = WarrantyForm(request.GET if request.GET.get("serial") else None)
    results = (
        warranty_lookup(request.user, form.cleaned_data["serial"]) if form.is_valid() else None
    )
    return render(request, "sales/order_warranty.html", {"form": form, "results": results})
