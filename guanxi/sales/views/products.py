"""Products and price lists (administrators and sales managers change them; everyone
reads): list, add, edit, retire, and each list's prices."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can
from guanxi.core.decorators import require_action
from guanxi.core.views.errors import add_service_errors, flash_errors
from guanxi.lib.listing import list_page
from guanxi.sales.forms_quotes import PriceListForm, PriceListItemForm, ProductForm
from guanxi.sales.object_types import PRICE_LIST, PRODUCT
from guanxi.sales.selectors_quotes import (
    filter_products,
    get_price_list_for,
    get_price_list_item_for,
    get_product_for,
    price_list_items,
    price_lists_visible_to,
    product_choices,
    products_visible_to,
)
from guanxi.sales.services import products as services

PRODUCT_SORTS = ("sku", "name", "category", "cost", "warranty_months", "updated_at")


@require_action(PRODUCT, "view")
def product_list(request: HttpRequest) -> HttpResponse:
    """The catalogue, searchable; managers add products from the form below it."""
    may_add = can(request.user, PRODUCT, "add")
    form = ProductForm(request.POST or None, initial={"is_active": True, "unit": "pcs"})
    if request.method == "POST":
        if not may_add:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                services.create_product(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The product was added."))
                return redirect("sales:product_list")
    chosen = {name: request.GET.get(name, "").strip() for name in ("category", "active")}
    queryset = filter_products(
        products_visible_to(request.user), q=request.GET.get("q", ""), **chosen
    )
    context = list_page(request, queryset, sort_fields=PRODUCT_SORTS, default_sort="sku")
    context.update(
        form=form,
        chosen=chosen,
        can_add=may_add,
        can_change=can(request.user, PRODUCT, "change"),
    )
    return render(request, "sales/product_list.html", context)


@require_action(PRODUCT, "change")
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a product; unticking Active retires it."""
    product = get_product_for(request.user, pk, "change")
    form = ProductForm(request.POST or None, initial=ProductForm.initial_for(product))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_product(actor=request.user, product=product, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The product was saved."))
            return redirect("sales:product_list")
    context = {
        "form": form,
        "title": _("Edit %(name)s") % {"name": str(product)},
        "cancel_url": reverse("sales:product_list"),
    }
    return render(request, "web/form_page.html", context)


@require_action(PRICE_LIST, "view")
def price_list_list(request: HttpRequest) -> HttpResponse:
    """Every price list with its currency, tier and validity; managers create lists."""
    may_add = can(request.user, PRICE_LIST, "add")
    form = PriceListForm(request.POST or None, initial={"currency": "CNY", "is_active": True})
    if request.method == "POST":
        if not may_add:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                price_list = services.create_price_list(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The price list was created: now add its prices."))
                return redirect("sales:price_list_detail", pk=price_list.pk)
    context = {
        "price_lists": price_lists_visible_to(request.user),
        "form": form,
        "can_add": may_add,
    }
    return render(request, "sales/price_list_list.html", context)


@require_action(PRICE_LIST, "view")
def price_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A list's prices; managers change its validity and its items here."""
    price_list = get_price_list_for(request.user, pk)
    may_change = can(request.user, PRICE_LIST, "change")
    initial = {
        "name": price_list.name,
        "currency": price_list.currency,
        "tier": price_list.tier_id,
        "valid_from": price_list.valid_from,
        "valid_to": price_list.valid_to,
        "is_active": price_list.is_active,
    }
    form = PriceListForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_change:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                services.update_price_list(
                    actor=request.user, price_list=price_list, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The price list was saved."))
                return redirect("sales:price_list_detail", pk=price_list.pk)
    context = {
        "price_list": price_list,
        "items": price_list_items(price_list),
        "form": form,
        "item_form": PriceListItemForm(products=product_choices(request.user)),
        "can_change": may_change,
    }
    return render(request, "sales/price_list_detail.html", context)


@require_POST
@require_action(PRICE_LIST, "change")
def price_list_item_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a product to the list, or change its price there."""
    price_list = get_price_list_for(request.user, pk, "change")
    form = PriceListItemForm(request.POST, products=product_choices(request.user))
    if form.is_valid():
        try:
            services.set_price_list_item(
                actor=request.user, price_list=price_list, **form.cleaned_data
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The price was saved."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("sales:price_list_detail", pk=price_list.pk)


@require_POST
@require_action(PRICE_LIST, "change")
def price_list_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_price_list_item_for(request.user, pk, "change")
    services.remove_price_list_item(actor=request.user, item=item)
    messages.success(request, _("The product was taken off the price list."))
    return redirect("sales:price_list_detail", pk=item.price_list_id)
