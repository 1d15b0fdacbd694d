"""Exchange rates into the base currency: everyone reads them; administrators and sales
managers add, correct and delete them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can
from guanxi.core.decorators import require_action
from guanxi.core.views.errors import add_service_errors
from guanxi.lib.listing import list_page
from guanxi.sales.forms_orders import ExchangeRateForm
from guanxi.sales.object_types import EXCHANGE_RATE
from guanxi.sales.selectors_orders import exchange_rates
from guanxi.sales.services import exchange_rates as services


@require_action(EXCHANGE_RATE, "view")
def exchange_rate_list(request: HttpRequest) -> HttpResponse:
    """The rates by currency, newest first; the form below adds a rate or corrects the
    rate of a currency and day already there."""
    may_add = can(request.user, EXCHANGE_RATE, "add")
    form = ExchangeRateForm(request.POST or None)
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                rate = services.set_exchange_rate(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The rate of %(currency)s from %(day)s was saved.")
                    % {"currency": rate.currency, "day": rate.valid_on.isoformat()},
                )
                return redirect("sales:exchange_rate_list")
    currency = request.GET.get("currency", "").strip().upper()
    context = list_page(request, exchange_rates(currency))
    context.update(
        form=form,
        currency=currency,
        currencies=sorted(set(exchange_rates().values_list("currency", flat=True))),
        base_currency=services.base_currency(),
        can_add=may_add,
        can_delete=can(request.user, EXCHANGE_RATE, "delete"),
    )
    return render(request, "sales/exchange_rate_list.html", context)


@require_POST
@require_action(EXCHANGE_RATE, "delete")
def exchange_rate_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rate = get_object_or_404(exchange_rates(), pk=pk)
    services.delete_exchange_rate(actor=request.user, rate=rate)
    messages.success(request, _("The rate was deleted."))
    return redirect("sales:exchange_rate_list")
