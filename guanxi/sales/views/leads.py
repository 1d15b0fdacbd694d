"""Leads: My leads (best scored first), the lead page with its follow-ups, create,
edit, qualify, disqualify, delete to the trash, and conversion into a customer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can, is_permitted, scope_for
from guanxi.core.choices import Scope
from guanxi.core.custom_fields import display_rows
from guanxi.core.decorators import require_action
from guanxi.core.models import User
from guanxi.core.selectors import audit_for_object
from guanxi.core.views.attachments import attachment_panel
from guanxi.core.views.errors import add_service_errors, flash_errors
from guanxi.customers.choices import CompanySize, Industry
from guanxi.customers.selectors import get_account_for, get_contact_for
from guanxi.customers.views.common import add_errors, service_fields
from guanxi.lib.listing import list_page
from guanxi.sales.choices import LeadSource, LeadStatus
from guanxi.sales.forms_leads import ConvertForm, DisqualifyForm, LeadActivityForm, LeadForm
from guanxi.sales.object_types import LEAD
from guanxi.sales.selectors_leads import (
    OPEN,
    conversion_candidates,
    filter_leads,
    get_lead_for,
    lead_activities,
    leads_visible_to,
    search_leads,
)
from guanxi.sales.services.conversion import check_may_convert, convert_lead
from guanxi.sales.services.leads import (
    create_lead,
    delete_lead,
    disqualify_lead,
    log_lead_activity,
    qualify_lead,
    update_lead,
)

NEW = "new"


def _default_mine(user: Any) -> bool:
    """Reps (who see only their own leads anyway) start on "My leads"; managers and
    others on every lead they may see."""
    return scope_for(user, LEAD, "view") == Scope.OWN


def filtered_leads(user: Any, params: Any, action: str = "view") -> QuerySet[Any]:
    """The leads a list shows for these query parameters (the list page and exports)."""
    mine_param = params.get("mine")
    mine = _default_mine(user) if mine_param is None else mine_param == "1"
    owner = params.get("owner", "")
    queryset = filter_leads(
        leads_visible_to(user, action),
        status=params.get("status", OPEN),
        source=params.get("source", ""),
        owner_id=user.pk if mine else (owner if owner.isdigit() else None),
        tags=params.getlist("tag"),
    )
    return search_leads(queryset, params.get("q", ""))


@require_action(LEAD, "view")
def lead_list(request: HttpRequest) -> HttpResponse:
    mine_param = request.GET.get("mine")
    mine = _default_mine(request.user) if mine_param is None else mine_param == "1"
    status = request.GET.get("status", OPEN)
    source = request.GET.get("source", "")
    owner = request.GET.get("owner", "")
    queryset = filtered_leads(request.user, request.GET)
    context = list_page(
        request,
        queryset,
        sort_fields=("score", "created_at", "name_pinyin", "company", "status"),
        default_sort="-score",
    )
    context.update(
        mine=mine,
        chosen={"status": status, "source": source, "owner": owner},
        statuses=[(OPEN, _("Open")), *LeadStatus.choices],
        sources=LeadSource.choices,
        owners=User.objects.filter(is_active=True).only("pk", "full_name", "email"),
        can_add=can(request.user, LEAD, "add"),
        can_export=can(request.user, LEAD, "export"),
        can_setup=can(request.user, "sales.assignmentrule", "change"),
    )
    return render(request, "sales/lead_list.html", context)


@require_action(LEAD, "view")
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_lead_for(request.user, pk)
    may_change = is_permitted(request.user, lead, "change")
    context = {
        "lead": lead,
        "custom_rows": display_rows(LEAD, lead.custom_fields),
        "industry": dict(Industry.choices).get(lead.industry, lead.industry),
        "size": dict(CompanySize.choices).get(lead.size, lead.size),
        "activities": lead_activities(lead),
        "activity_form": LeadActivityForm(initial={"kind": "call"}),
        "can_log": can(request.user, "customers.activity", "add"),
        "can_change": may_change,
        "can_delete": is_permitted(request.user, lead, "delete"),
        "can_convert": may_change and lead.status != LeadStatus.CONVERTED,
        "disqualify_form": DisqualifyForm(),
        "history": audit_for_object(request.user, LEAD, lead.pk)[:50],
        **attachment_panel(request.user, lead),
    }
    return render(request, "sales/lead_detail.html", context)


def _lead_form_page(
    request: HttpRequest, *, lead: Any = None, title: str, cancel_url: str
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    initial = LeadForm.initial_for(lead) if lead is not None else None
    form = LeadForm(data, user=request.user, lead=lead, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = service_fields(form)
        if fields.get("team") is None:
            fields.pop("team", None)  # empty: the owner's first team (or unchanged)
        if lead is None and fields.get("owner") is None:
            fields.pop("owner", None)  # empty: the assignment rules choose
        try:
            if lead is None:
                lead = create_lead(actor=request.user, **fields)
            else:
                update_lead(actor=request.user, lead=lead, **fields)
        except ValidationError as error:
            add_errors(form, [], error)
        else:
            if not is_permitted(request.user, lead, "view"):
                messages.success(
                    request,
                    _("The lead was created and given to %(owner)s.") % {"owner": lead.owner},
                )
                return redirect("sales:lead_list")
            messages.success(request, _("The lead was saved."))
            return redirect("sales:lead_detail", pk=lead.pk)
    context = {"form": form, "formsets": [], "title": title, "cancel_url": cancel_url}
    return render(request, "customers/record_form.html", context)


@require_action(LEAD, "add")
def lead_create(request: HttpRequest) -> HttpResponse:
    return _lead_form_page(request, title=_("New lead"), cancel_url=reverse("sales:lead_list"))


@require_action(LEAD, "change")
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_lead_for(request.user, pk, "change")
    return _lead_form_page(
        request,
        lead=lead,
        title=_("Edit %(name)s") % {"name": lead.full_name},
        cancel_url=reverse("sales:lead_detail", args=[lead.pk]),
    )


@require_action(LEAD, "delete")
def lead_delete(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_lead_for(request.user, pk, "delete")
    if request.method == "POST":
        delete_lead(actor=request.user, lead=lead)
        messages.success(request, _("The lead was moved to the trash."))
        return redirect("sales:lead_list")
    context = {
        "title": _("Delete %(name)s?") % {"name": lead.full_name},
        "object": lead,
        "explanation": _(
            "The lead goes to the trash for 30 days. Its activities stay on the timelines "
            "of the customers they concern."
        ),
        "cancel_url": reverse("sales:lead_detail", args=[lead.pk]),
    }
    return render(request, "customers/confirm_delete.html", context)


@require_POST
@require_action(LEAD, "change")
def lead_qualify(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_lead_for(request.user, pk, "change")
    try:
        qualify_lead(actor=request.user, lead=lead)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The lead is qualified."))
    return redirect("sales:lead_detail", pk=lead.pk)


@require_POST
@require_action(LEAD, "change")
def lead_disqualify(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_lead_for(request.user, pk, "change")
    form = DisqualifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the lead is disqualified."))
        return redirect("sales:lead_detail", pk=lead.pk)
    try:
        disqualify_lead(actor=request.user, lead=lead, **form.cleaned_data)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The lead is disqualified."))
    return redirect("sales:lead_detail", pk=lead.pk)


@require_POST
@require_action("customers.activity", "add")
def lead_log_activity(request: HttpRequest, pk: int) -> HttpResponse:
    """The quick-add on the lead's page (a follow-up about a lead the user sees)."""
    lead = get_lead_for(request.user, pk)
    form = LeadActivityForm(request.POST)
    if form.is_valid():
        try:
            activity = log_lead_activity(actor=request.user, lead=lead, **form.cleaned_data)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(
                request,
                _("%(kind)s “%(subject)s” was saved.")
                % {"kind": activity.get_kind_display(), "subject": activity.subject},
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("sales:lead_detail", pk=lead.pk)


# --- conversion --------------------------------------------------------------------------


def _choices(candidates: list[tuple[Any, str]], new_label: str) -> list[tuple[str, str]]:
    why = {
        "name": _("same name"),
        "email": _("same email"),
        "phone": _("same phone"),
        "contact": _("where this person works"),
    }
    return [
        (NEW, new_label),
        *[
            (str(record.pk), f"{record} ({why.get(reason, reason)})")
            for record, reason in candidates
        ],
    ]


@require_action(LEAD, "change")
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """Offer existing customers the lead probably is (link instead of a duplicate),
    then convert in one step."""
    lead = get_lead_for(request.user, pk, "change")
    candidates = conversion_candidates(request.user, lead)
    account_label = (
        _("Create the account “%(name)s”") % {"name": lead.company}
        if lead.company
        else _("No account")
    )
    form = ConvertForm(
        request.POST or None,
        accounts=_choices(candidates.accounts, account_label),
        contacts=_choices(
            candidates.contacts, _("Create the contact “%(name)s”") % {"name": lead.full_name}
        ),
        initial={
            "account": str(candidates.accounts[0][0].pk) if candidates.accounts else NEW,
            "contact": str(candidates.contacts[0][0].pk) if candidates.contacts else NEW,
            "deal_name": lead.company or lead.full_name,
            "create_deal": True,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = (
            get_account_for(request.user, data["account"], "change")
            if data["account"] != NEW
            else None
        )
        contact = (
            get_contact_for(request.user, data["contact"], "change")
            if data["contact"] != NEW
            else None
        )
        try:
            check_may_convert(
                request.user,
                new_account=account is None and bool(lead.company),
                new_contact=contact is None,
                new_deal=data["create_deal"],
            )
        except PermissionDenied:
            form.add_error(None, _("You may not create some of these records."))
        else:
            try:
                result = convert_lead(
                    actor=request.user,
                    lead=lead,
                    account=account,
                    contact=contact,
                    create_deal=data["create_deal"],
                    deal_name=data["deal_name"],
                    amount=data["amount"] or 0,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The lead was converted."))
                if result.account is not None:
                    return redirect("customers:account_detail", pk=result.account.pk)
                return redirect("customers:contact_detail", pk=result.contact.pk)
    context = {"lead": lead, "form": form, "candidates": candidates}
    return render(request, "sales/lead_convert.html", context)
