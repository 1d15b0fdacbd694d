"""Warranty lookup in one step (story 18): one box takes a serial number, a phone
number in any format, or an e-mail address, and the page shows every unit found with
its warranty, contracts and open tickets; a unit's button opens a ticket on it."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.core.access import can, is_permitted
from guanxi.core.decorators import require_action
from guanxi.core.models import User
from guanxi.core.views.errors import add_service_errors
from guanxi.sales.selectors_orders import serials_visible_to
from guanxi.service.forms_routing import UnitTicketForm, WarrantyLookupForm
from guanxi.service.object_types import TICKET
from guanxi.service.selectors_warranty import find_units
from guanxi.service.services.warranty import open_ticket_for_unit


def _actor(request: HttpRequest) -> User:
    """The logged-in user (the views require a login)."""
    return cast(User, request.user)


@require_action(TICKET, "view")
def warranty_lookup(request: HttpRequest) -> HttpResponse:
    form = WarrantyLookupForm(request.GET if "q" in request.GET else None)
    lookup = None
    if form.is_bound and form.is_valid():
        lookup = find_units(request.user, form.cleaned_data["q"])
    context = {"form": form, "lookup": lookup, "can_open": can(request.user, TICKET, "add")}
    return render(request, "service/warranty_lookup.html", context)


@require_action(TICKET, "add")
def warranty_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """A new ticket on a unit, for the customer it was sold to."""
    unit = serials_visible_to(request.user).filter(pk=pk).first()
    if unit is None:
        raise Http404
    form = UnitTicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = open_ticket_for_unit(actor=_actor(request), unit=unit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Ticket %(number)s was opened.") % {"number": ticket.number}
            )
            if not is_permitted(request.user, ticket, "view"):
                return redirect("service:ticket_list")
            return redirect(ticket.get_absolute_url())
    context = {
        "form": form,
        "title": _("New ticket for %(product)s, serial number %(serial)s")
        % {"product": unit.product.name, "serial": unit.serial},
        "cancel_url": reverse("service:warranty_lookup") + f"?q={unit.serial}",
    }
    return render(request, "web/form_page.html", context)
