"""Orders: the list, a new order by hand or from a won deal, the order page with its
lines, serial numbers and returns, confirming, cancelling and recording a return."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can, is_permitted
from guanxi.core.decorators import require_action
from guanxi.core.selectors import audit_for_object
from guanxi.core.views.errors import add_service_errors
from guanxi.customers.models import AccountContact
from guanxi.customers.selectors import account_choices, contacts_visible_to
from guanxi.lib.listing import list_page
from guanxi.sales.choices_orders import OrderStatus, SerialStatus
from guanxi.sales.forms_orders import (
    CancelForm,
    OrderEditForm,
    OrderForm,
    OrderLineEditForm,
    OrderLineForm,
    ReturnForm,
    SerialsForm,
)
from guanxi.sales.models import Order
from guanxi.sales.object_types import ORDER
from guanxi.sales.selectors_deals import get_deal_for
from guanxi.sales.selectors_orders import (
    ORDER_SORTS,
    filter_orders,
    get_order_for,
    get_order_line_for,
    order_sources,
    orders_visible_to,
)
from guanxi.sales.selectors_quotes import product_choices
from guanxi.sales.services import orders as services
from guanxi.sales.services.exchange_rates import base_currency
from guanxi.sales.services.quotes import discount_limit
from guanxi.sales.services.returns import ReturnItem, record_return

SORTS = (*ORDER_SORTS, "account__name", "source")
FILTERS = ("status", "source", "date_from", "date_to", "account")


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def flash_form_errors(request: HttpRequest, error: ValidationError, form: forms.Form) -> None:
    """Each message of a service's (or form's) errors on the next page, after the label
    of the field it names."""
    fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    for name, texts in fields.items():
        field = form.fields.get(name)
        for text in texts:
            if field is not None and field.label:
                messages.error(request, f"{field.label}: {text}")
            else:
                messages.error(request, text)


def contacts_at(user: Any, account_id: Any) -> Any:
    """The contacts a form offers: people currently at the account (any the user may
    see when no account is chosen yet)."""
    contacts = (
        contacts_visible_to(user)
        .select_related(None)
        .prefetch_related(None)
        .only("pk", "full_name")
        .order_by("full_name", "pk")
    )
    if account_id and str(account_id).isdigit():
        at_account = AccountContact.objects.filter(account_id=account_id, is_current=True)
        return contacts.filter(pk__in=at_account.values("contact_id"))
    return contacts


# --- the list and new orders -----------------------------------------------------------------


@require_action(ORDER, "view")
def order_list(request: HttpRequest) -> HttpResponse:
    chosen = {name: request.GET.get(name, "").strip() for name in FILTERS}
    queryset = filter_orders(
        orders_visible_to(request.user),
        q=request.GET.get("q", ""),
        status=chosen["status"],
        source=chosen["source"],
        account_id=chosen["account"] if chosen["account"].isdigit() else None,
        date_from=parse_date(chosen["date_from"]),
        date_to=parse_date(chosen["date_to"]),
    )
    context = list_page(request, queryset, sort_fields=SORTS, default_sort="-order_date")
    context.update(
        chosen=chosen,
        statuses=OrderStatus.choices,
        sources=order_sources(request.user),
        can_add=can(request.user, ORDER, "add"),
        base_currency=base_currency(),
    )
    return render(request, "sales/order_list.html", context)


@require_action(ORDER, "add")
def order_create(request: HttpRequest) -> HttpResponse:
    """A new draft order for an account (``?account=`` picks it), owned by the user."""
    account_id = request.POST.get("account") or request.GET.get("account", "")
    initial = {"account": int(account_id)} if str(account_id).isdigit() else {}
    form = OrderForm(
        request.POST or None,
        accounts=account_choices(request.user),
        contacts=contacts_at(request.user, account_id),
        initial={**initial, "currency": base_currency()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            order = services.create_order(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The order was created: now add its lines."))
            return redirect(order.get_absolute_url())
    cancel = (
        reverse("customers:account_detail", args=[account_id])
        if str(account_id).isdigit()
        else reverse("sales:order_list")
    )
    context = {"form": form, "title": _("New order"), "cancel_url": cancel}
    return render(request, "web/form_page.html", context)


@require_POST
@require_action(ORDER, "add")
def order_from_deal(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft order from a won deal, with its accepted quote's lines and prices."""
    deal = get_deal_for(request.user, pk)
    try:
        order = services.create_order_from_deal(actor=request.user, deal=deal)
    except ValidationError as error:
        flash_form_errors(request, error, forms.Form())
        return redirect(deal.get_absolute_url())
    messages.success(
        request, _("Order %(number)s was made from the deal.") % {"number": order.number}
    )
    return redirect(order.get_absolute_url())


# --- the order page --------------------------------------------------------------------------


def _line_rows(order: Order, lines: list[Any], may_serialise: bool) -> list[dict[str, Any]]:
    rows = []
    for line in lines:
        serials = list(line.serials.all())
        sold = [s.serial for s in serials if s.status == SerialStatus.SOLD]
        rows.append(
            {
                "line": line,
                "serials": serials,
                "serial_form": SerialsForm(initial={"serials": "\n".join(sold)})
                if may_serialise and line.product.is_serialised
                else None,
            }
        )
    return rows


@require_action(ORDER, "view")
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order_for(request.user, pk)
    may_change = is_permitted(request.user, order, "change")
    editable = may_change and order.status == OrderStatus.DRAFT
    returns = list(order.returns.all())
    lines = list(order.lines.all())
    context = {
        "order": order,
        "rows": _line_rows(order, lines, may_change and order.status != OrderStatus.CANCELLED),
        "returns": returns,
        "can_change": may_change,
        "editable": editable,
        "can_cancel": may_change and order.status != OrderStatus.CANCELLED and not returns,
        "can_return": may_change and order.status == OrderStatus.CONFIRMED,
        "limit": discount_limit(),
        "line_form": OrderLineForm(products=product_choices(request.user)) if editable else None,
        "edit_form": OrderEditForm(
            contacts=contacts_at(request.user, order.account_id),
            initial={
                "order_date": order.order_date,
                "contact": order.contact_id,
                "currency": order.currency,
                "notes": order.notes,
            },
        )
        if editable
        else None,
        "cancel_form": CancelForm(),
        "history": audit_for_object(request.user, ORDER, order.pk)[:50],
    }
    return render(request, "sales/order_detail.html", context)


@require_POST
@require_action(ORDER, "change")
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order_for(request.user, pk, "change")
    form = OrderEditForm(request.POST, contacts=contacts_at(request.user, order.account_id))
    if form.is_valid():
        try:
            services.update_order(actor=request.user, order=order, **form.cleaned_data)
        except ValidationError as error:
            flash_form_errors(request, error, form)
        else:
            messages.success(request, _("The order was saved."))
    else:
        flash_form_errors(request, ValidationError(form.errors), form)
    return redirect(order.get_absolute_url())


@require_POST
@require_action(ORDER, "change")
def order_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order_for(request.user, pk, "change")
    try:
        services.confirm_order(actor=request.user, order=order)
    except ValidationError as error:
        flash_form_errors(request, error, OrderEditForm(contacts=None))
    else:
        messages.success(request, _("The order is confirmed."))
    return redirect(order.get_absolute_url())


@require_POST
@require_action(ORDER, "change")
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order_for(request.user, pk, "change")
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_order(actor=request.user, order=order, **form.cleaned_data)
        except ValidationError as error:
            flash_form_errors(request, error, form)
        else:
            messages.success(request, _("The order was cancelled."))
    else:
        flash_form_errors(request, ValidationError(form.errors), form)
    return redirect(order.get_absolute_url())


# --- lines and serial numbers ----------------------------------------------------------------


@require_POST
@require_action(ORDER, "change")
def order_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a product at its list price (any ``unit_price`` sent is ignored)."""
    order = get_order_for(request.user, pk, "change")
    form = OrderLineForm(request.POST, products=product_choices(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_order_line(
                actor=request.user,
                order=order,
                product=data["product"],
                quantity=data["quantity"],
                discount_percent=data["discount_percent"] or 0,
            )
        except ValidationError as error:
            flash_form_errors(request, error, form)
    else:
        flash_form_errors(request, ValidationError(form.errors), form)
    return redirect(order.get_absolute_url())


@require_POST
@require_action(ORDER, "change")
def order_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_order_line_for(request.user, pk, "change")
    form = OrderLineEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_order_line(
                actor=request.user,
                line=line,
                quantity=data["quantity"],
                discount_percent=data["discount_percent"] or 0,
            )
        except ValidationError as error:
            flash_form_errors(request, error, form)
    else:
        flash_form_errors(request, ValidationError(form.errors), form)
    return redirect(line.order.get_absolute_url())


@require_POST
@require_action(ORDER, "change")
def order_line_remove(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_order_line_for(request.user, pk, "change")
    try:
        services.remove_order_line(actor=request.user, line=line)
    except ValidationError as error:
        flash_form_errors(request, error, forms.Form())
    return redirect(line.order.get_absolute_url())


@require_POST
@require_action(ORDER, "change")
def order_line_serials(request: HttpRequest, pk: int) -> HttpResponse:
    """Record which units a line sold: the box's serial numbers, one per line."""
    line = get_order_line_for(request.user, pk, "change")
    form = SerialsForm(request.POST)
    if form.is_valid():
        try:
            services.set_line_serials(
                actor=request.user, line=line, serials=form.cleaned_data["serials"]
            )
        except ValidationError as error:
            flash_form_errors(request, error, form)
        else:
            messages.success(request, _("The serial numbers were saved."))
    else:
        flash_form_errors(request, ValidationError(form.errors), form)
    return redirect(line.order.get_absolute_url() + f"#line-{line.pk}")


# --- returns ---------------------------------------------------------------------------------


def _return_errors(error: ValidationError, items: list[dict[str, Any]]) -> ValidationError:
    """The service's ``lines.<n>.<field>`` errors renamed to the form's per-line fields."""
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict[str, list[str]] = {}
    for key, texts in error.message_dict.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
            index, field = int(parts[1]), parts[2]
            if index < len(items):
                if field not in ("quantity", "amount", "serials"):
                    field = "quantity"  # ``line``: shown next to the line's first box
                key = f"line_{items[index]['line'].pk}_{field}"
        elif key in ("lines", "order", "status"):
            key = "__all__"
        renamed.setdefault(key, []).extend(texts)
    return ValidationError(renamed)


@require_action(ORDER, "change")
def order_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a return of goods or a credit note against a confirmed order."""
    order = get_order_for(request.user, pk, "change")
    lines = list(order.lines.all())
    form = ReturnForm(request.POST or None, lines=lines)
    if order.status != OrderStatus.CONFIRMED:
        messages.error(request, _("Only a confirmed order takes returns."))
        return redirect(order.get_absolute_url())
    if request.method == "POST" and form.is_valid():
        items = form.items()
        data = form.cleaned_data
        try:
            document = record_return(
                actor=request.user,
                order=order,
                kind=data["kind"],
                reason=data["reason"],
                return_date=data["return_date"],
                items=[
                    ReturnItem(
                        line=item["line"],
                        quantity=item["quantity"],
                        amount=item["amount"],
                        serials=item["serials"],
                    )
                    for item in items
                ],
            )
        except ValidationError as error:
            add_service_errors(form, _return_errors(error, items))
        else:
            messages.success(
                request,
                _("%(number)s was recorded: %(total)s %(currency)s credited.")
                % {"number": document.number, "total": document.total, "currency": order.currency},
            )
            return redirect(document.get_absolute_url())
    context = {"order": order, "form": form, "rows": form.rows()}
    return render(request, "sales/order_return.html", context)
