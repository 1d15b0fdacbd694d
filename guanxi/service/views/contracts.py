"""Service contract pages: the list, a contract, add, edit and delete; the account
page shows the account's contracts (``service/contract_account_panel.html``)."""

from __future__ import annotations

import re
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can
from guanxi.core.decorators import require_action
from guanxi.core.models import User
from guanxi.core.selectors import audit_for_object
from guanxi.core.views.errors import add_service_errors, flash_errors
from guanxi.customers.selectors import account_choices, contacts_visible_to
from guanxi.sales.models import SerialNumber
from guanxi.sales.selectors_quotes import products_visible_to
from guanxi.service.forms_routing import ServiceContractForm
from guanxi.service.models import ServiceContract
from guanxi.service.object_types import CONTRACT
from guanxi.service.services import contracts as services

_SEPARATORS = re.compile(r"[,，、;；\s]+")


def _actor(request: HttpRequest) -> User:
    """The logged-in user (the views require a login)."""
    return cast(User, request.user)


def _form(request: HttpRequest, **kwargs: Any) -> ServiceContractForm:
    user = request.user
    return ServiceContractForm(
        request.POST or None,
        accounts=account_choices(user),
        contacts=contacts_visible_to(user),
        products=products_visible_to(user).order_by("sku"),
        **kwargs,
    )


def _units(data: dict[str, Any]) -> list[SerialNumber]:
    """The customer's units with the serial numbers typed; an unknown one is an error
    on ``serials``."""
    texts = [t for t in _SEPARATORS.split(data.pop("serials") or "") if t]
    account, contact = data.get("account"), data.get("contact")
    if account is not None:
        units = SerialNumber.objects.filter(line__order__account=account)
    elif contact is not None:
        units = SerialNumber.objects.filter(line__order__contact=contact)
    else:
        units = SerialNumber.objects.none()
    found, missing = [], []
    for text in texts:
        unit = units.filter(serial__iexact=text).order_by("-pk").first()
        if unit is None:
            missing.append(text)
        elif unit not in found:
            found.append(unit)
    if missing:
        raise ValidationError(
            {
                "serials": _("These units were not sold to this customer: %(serials)s")
                % {"serials": ", ".join(missing)}
            }
        )
    return found


@require_action(CONTRACT, "view")
def contract_list(request: HttpRequest) -> HttpResponse:
    """Every contract, the latest ending first; ``?current=1`` only those in force."""
    contracts = ServiceContract.objects.select_related("account", "contact")
    today = timezone.localdate()
    current = request.GET.get("current") == "1"
    if current:
        contracts = contracts.filter(starts_on__lte=today, ends_on__gte=today)
    context = {
        "contracts": contracts.order_by("-ends_on", "-pk")[:200],
        "current": current,
        "today": today,
        "can_add": can(request.user, CONTRACT, "add"),
    }
    return render(request, "service/contract_list.html", context)


@require_action(CONTRACT, "view")
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(
        ServiceContract.objects.select_related("account", "contact", "created_by"), pk=pk
    )
    context = {
        "contract": contract,
        "products": list(contract.products.order_by("sku")),
        "serials": list(contract.serials.select_related("product")),
        "today": timezone.localdate(),
        "can_change": can(request.user, CONTRACT, "change"),
        "can_delete": can(request.user, CONTRACT, "delete"),
        "history": audit_for_object(request.user, CONTRACT, contract.pk)[:50],
    }
    return render(request, "service/contract_detail.html", context)


@require_action(CONTRACT, "add")
def contract_create(request: HttpRequest) -> HttpResponse:
    """A new contract (``?account=`` fills in the account)."""
    initial: dict[str, Any] = {"starts_on": timezone.localdate()}
    account_id = request.GET.get("account", "")
    if account_id.isdigit():
        initial["account"] = int(account_id)
    form = _form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["serials"] = _units(data)
            contract = services.create_contract(actor=_actor(request), **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Contract %(number)s was added.") % {"number": contract.number}
            )
            return redirect(contract.get_absolute_url())
    cancel = reverse("service:contract_list")
    if "account" in initial:
        cancel = reverse("customers:account_detail", args=[initial["account"]])
    context = {"form": form, "title": _("New service contract"), "cancel_url": cancel}
    return render(request, "web/form_page.html", context)


@require_action(CONTRACT, "change")
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(ServiceContract, pk=pk)
    initial = {
        "name": contract.name,
        "account": contract.account_id,
        "contact": contract.contact_id,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "products": list(contract.products.values_list("pk", flat=True)),
        "serials": ", ".join(contract.serials.values_list("serial", flat=True)),
        "response_hours": contract.response_hours,
        "notes": contract.notes,
    }
    form = _form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["serials"] = _units(data)
            services.update_contract(actor=_actor(request), contract=contract, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contract was saved."))
            return redirect(contract.get_absolute_url())
    context = {
        "form": form,
        "title": _("Edit contract %(number)s") % {"number": contract.number},
        "cancel_url": contract.get_absolute_url(),
    }
    return render(request, "web/form_page.html", context)


@require_POST
@require_action(CONTRACT, "delete")
def contract_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(ServiceContract, pk=pk)
    number = contract.number
    try:
        services.delete_contract(actor=_actor(request), contract=contract)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect(contract.get_absolute_url())
    messages.success(request, _("Contract %(number)s was deleted.") % {"number": number})
    return redirect("service:contract_list")
