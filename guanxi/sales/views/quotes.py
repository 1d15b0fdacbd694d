"""Quotes: the list, a new quote on a deal, the quote page with its lines and approval,
the status steps and the printable page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import is_permitted
from guanxi.core.decorators import require_action
from guanxi.core.selectors import audit_for_object
from guanxi.core.views.errors import add_service_errors, flash_errors
from guanxi.lib.listing import list_page
from guanxi.sales.choices_quotes import QuoteApproval, QuoteStatus
from guanxi.sales.forms_quotes import (
    ApprovalForm,
    QuoteEditForm,
    QuoteForm,
    QuoteLineEditForm,
    QuoteLineForm,
)
from guanxi.sales.object_types import QUOTE
from guanxi.sales.selectors_deals import get_deal_for
from guanxi.sales.selectors_quotes import (
    filter_quotes,
    get_quote_for,
    get_quote_line_for,
    product_choices,
    quotes_visible_to,
)
from guanxi.sales.services import quotes as services

SORTS = ("number", "valid_until", "total", "status", "created_at")
STEPS = {
    QuoteStatus.SENT: services.mark_quote_sent,
    QuoteStatus.ACCEPTED: services.mark_quote_accepted,
    QuoteStatus.REJECTED: services.mark_quote_rejected,
}


@require_action(QUOTE, "view")
def quote_list(request: HttpRequest) -> HttpResponse:
    chosen = {name: request.GET.get(name, "").strip() for name in ("status", "approval")}
    queryset = filter_quotes(quotes_visible_to(request.user), q=request.GET.get("q", ""), **chosen)
    context = list_page(request, queryset, sort_fields=SORTS, default_sort="-created_at")
    context.update(chosen=chosen, statuses=QuoteStatus.choices, approvals=QuoteApproval.choices)
    return render(request, "sales/quote_list.html", context)


@require_action(QUOTE, "add")
def quote_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft quote on the deal, to its account."""
    deal = get_deal_for(request.user, pk)
    form = QuoteForm(request.POST or None, initial={"currency": deal.currency})
    if request.method == "POST" and form.is_valid():
        try:
            quote = services.create_quote(actor=request.user, deal=deal, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The quote was created: now add its lines."))
            return redirect(quote.get_absolute_url())
    context = {
        "form": form,
        "title": _("New quote for %(deal)s") % {"deal": deal.name},
        "cancel_url": deal.get_absolute_url(),
    }
    return render(request, "web/form_page.html", context)


def _quote_context(request: HttpRequest, quote: Any) -> dict[str, Any]:
    lines = list(quote.lines.all())
    return {
        "quote": quote,
        "lines": lines,
        "limit": services.discount_limit(),
    }


@require_action(QUOTE, "view")
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quote = get_quote_for(request.user, pk)
    may_change = is_permitted(request.user, quote, "change")
    editable = may_change and quote.status == QuoteStatus.DRAFT
    context = _quote_context(request, quote)
    context.update(
        can_change=may_change,
        editable=editable,
        can_approve=quote.status == QuoteStatus.DRAFT
        and quote.approval in (QuoteApproval.NEEDED, QuoteApproval.REQUESTED)
        and is_permitted(request.user, quote, "approve"),
        line_form=QuoteLineForm(products=product_choices(request.user)) if editable else None,
        edit_form=QuoteEditForm(initial={"valid_until": quote.valid_until, "notes": quote.notes})
        if editable
        else None,
        approval_form=ApprovalForm(),
        history=audit_for_object(request.user, QUOTE, quote.pk)[:50],
    )
    return render(request, "sales/quote_detail.html", context)


@require_POST
@require_action(QUOTE, "change")
def quote_edit(request: HttpRequest, pk: int) -> HttpResponse:
    quote = get_quote_for(request.user, pk, "change")
    form = QuoteEditForm(request.POST)
    if form.is_valid():
        try:
            services.update_quote(actor=request.user, quote=quote, **form.cleaned_data)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The quote was saved."))
    else:
        flash_errors(request, ValidationError(form.errors))
    return redirect(quote.get_absolute_url())


@require_POST
@require_action(QUOTE, "change")
def quote_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a product at its list price (any ``unit_price`` sent is ignored)."""
    quote = get_quote_for(request.user, pk, "change")
    form = QuoteLineForm(request.POST, products=product_choices(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_quote_line(
                actor=request.user,
                quote=quote,
                product=data["product"],
                quantity=data["quantity"],
                discount_percent=data["discount_percent"] or 0,
            )
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_errors(request, ValidationError(form.errors))
    return redirect(quote.get_absolute_url())


@require_POST
@require_action(QUOTE, "change")
def quote_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_quote_line_for(request.user, pk, "change")
    form = QuoteLineEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_quote_line(
                actor=request.user,
                line=line,
                quantity=data["quantity"],
                discount_percent=data["discount_percent"] or 0,
            )
        except ValidationError as error:
            flash_errors(request, error)
    else:
        flash_errors(request, ValidationError(form.errors))
    return redirect(line.quote.get_absolute_url())


@require_POST
@require_action(QUOTE, "change")
def quote_line_remove(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_quote_line_for(request.user, pk, "change")
    try:
        services.remove_quote_line(actor=request.user, line=line)
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(line.quote.get_absolute_url())


@require_POST
@require_action(QUOTE, "change")
def quote_request_approval(request: HttpRequest, pk: int) -> HttpResponse:
    quote = get_quote_for(request.user, pk, "change")
    try:
        services.request_quote_approval(actor=request.user, quote=quote)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Your team's managers were asked to approve the quote."))
    return redirect(quote.get_absolute_url())


@require_POST
@require_action(QUOTE, "approve")
def quote_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager approves (``decision=approve``) or refuses the quote's discounts."""
    quote = get_quote_for(request.user, pk, "approve")
    form = ApprovalForm(request.POST)
    decision = request.POST.get("decision", "approve")
    note = request.POST.get("note", "")
    try:
        if form.is_valid() and decision == "reject":
            services.reject_quote_approval(actor=request.user, quote=quote, note=note)
            messages.success(request, _("The discount was refused."))
        else:
            services.approve_quote(actor=request.user, quote=quote, note=note)
            messages.success(request, _("The quote was approved."))
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(quote.get_absolute_url())


@require_POST
@require_action(QUOTE, "change")
def quote_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the quote sent, accepted or rejected (``status=``)."""
    quote = get_quote_for(request.user, pk, "change")
    step = STEPS.get(request.POST.get("status", ""))  # type: ignore[call-overload]
    if step is None:
        messages.error(request, _("Choose sent, accepted or rejected."))
        return redirect(quote.get_absolute_url())
    try:
        step(actor=request.user, quote=quote)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("The quote is now %(status)s.") % {"status": quote.get_status_display()}
        )
    return redirect(quote.get_absolute_url())


@require_action(QUOTE, "view")
def quote_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The quote as a clean page to print or save as PDF from the browser."""
    quote = get_quote_for(request.user, pk)
    context = _quote_context(request, quote)
    context["company"] = {
        "name": getattr(settings, "COMPANY_NAME", "Guanxi"),
        "address": getattr(settings, "COMPANY_ADDRESS", ""),
        "phone": getattr(settings, "COMPANY_PHONE", ""),
        "email": getattr(settings, "COMPANY_EMAIL", ""),
    }
    return render(request, "sales/quote_print.html", context)
