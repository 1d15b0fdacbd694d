"""Deals: the table view, the deal page, create, edit, delete, log an activity."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can, is_permitted
from guanxi.core.custom_fields import PREFIX, display_rows
from guanxi.core.decorators import require_action
from guanxi.core.selectors import audit_for_object
from guanxi.core.views.attachments import attachment_panel
from guanxi.core.views.errors import add_service_errors, flash_errors
from guanxi.core.views.saved_views import saved_views_panel
from guanxi.customers.choices import ActivityKind
from guanxi.customers.models import AccountContact
from guanxi.customers.object_types import ACTIVITY
from guanxi.customers.selectors import contacts_visible_to, primary_contact_of
from guanxi.customers.views.common import (
    custom_params_of,
    list_extras,
    service_fields,
)
from guanxi.lib.listing import list_page
from guanxi.sales.choices import StageKind
from guanxi.sales.forms_deals import DealActivityForm, DealForm, MoveForm
from guanxi.sales.models import Stage
from guanxi.sales.object_types import DEAL
from guanxi.sales.selectors_deals import (
    active_pipelines,
    deals_visible_to,
    filter_deals,
    get_deal_for,
    owner_choices,
    pipelines_visible_to,
    search_deals,
    stage_history,
)
from guanxi.sales.services import deals as services
from guanxi.sales.timeline_sources_deals import deal_kind_choices, deal_timeline_page

SORTS = (
    "name",
    "account__name_pinyin",
    "amount",
    "expected_close",
    "stage__position",
    "owner__full_name",
    "updated_at",
)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _criteria(params: Any) -> dict[str, Any]:
    chosen = {name: params.get(name, "").strip() for name in FILTERS}
    return {
        "pipeline_id": chosen["pipeline"] if chosen["pipeline"].isdigit() else None,
        "stage_id": chosen["stage"] if chosen["stage"].isdigit() else None,
        "owner_id": chosen["owner"] if chosen["owner"].isdigit() else None,
        "status": chosen["status"],
        "close_from": _date(chosen["close_from"]),
        "close_to": _date(chosen["close_to"]),
        "tags": params.getlist("tag"),
    }


def filtered_deals(user: Any, params: Any, action: str = "view") -> QuerySet[Any]:
    """The deals the table shows for these query parameters (the page and exports); a
    bad custom-field filter raises ValidationError."""
    queryset = filter_deals(
        deals_visible_to(user, action), **_criteria(params), custom=custom_params_of(params)
    )
    return search_deals(queryset, params.get("q", ""))


FILTERS = ("pipeline", "stage", "owner", "status", "close_from", "close_to")


def _filters(request: HttpRequest) -> dict[str, str]:
    names = ("pipeline", "stage", "owner", "status", "close_from", "close_to")
    return {name: request.GET.get(name, "").strip() for name in names}


@require_action(DEAL, "view")
def deal_list(request: HttpRequest) -> HttpResponse:
    """The table view: filters, search, sort, pages, saved views."""
    chosen = _filters(request)
    try:
        queryset = filtered_deals(request.user, request.GET)
    except ValidationError as error:
        flash_errors(request, error)
        queryset = filter_deals(deals_visible_to(request.user), **_criteria(request.GET))
        queryset = search_deals(queryset, request.GET.get("q", ""))
    context = list_page(request, queryset, sort_fields=SORTS, default_sort="-updated_at")
    context["object_list"] = list(context["object_list"])
    context.update(list_extras(request, DEAL, context["object_list"]))
    context.update(saved_views_panel(request, DEAL))
    context["can_export"] = can(request.user, DEAL, "export")
    pipelines = list(pipelines_visible_to(request.user))
    context.update(
        chosen=chosen,
        pipelines=pipelines,
        stages=[s for p in pipelines for s in p.stages.all()],
        owners=owner_choices(),
        statuses=[("open", StageKind.OPEN.label), ("won", _("Won")), ("lost", _("Lost"))],
        can_add=can(request.user, DEAL, "add"),
    )
    return render(request, "sales/deal_list.html", context)


def deal_timeline_panel(request: HttpRequest, deal: Any) -> dict[str, Any]:
    """Context for ``sales/deal_timeline.html``: the first page, the filter, quick-add."""
    kinds = [k for k in request.GET.getlist("kind") if k]
    entries, next_cursor = deal_timeline_page(request.user, deal, kinds=kinds or None)
    return {
        "deal": deal,
        "timeline_entries": entries,
        "timeline_next": next_cursor,
        "timeline_url": reverse("sales:deal_timeline", args=[deal.pk]),
        "timeline_kinds": deal_kind_choices(),
        "timeline_selected": kinds,
        "quick_kinds": ActivityKind.choices,
        "can_log": can(request.user, ACTIVITY, "add"),
    }


@require_action(DEAL, "view")
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deal = get_deal_for(request.user, pk)
    may_change = is_permitted(request.user, deal, "change")
    stages = list(Stage.objects.filter(pipeline_id=deal.pipeline_id).order_by("position", "pk"))
    current = next((i for i, s in enumerate(stages) if s.pk == deal.stage_id), 0)
    primary = primary_contact_of(deal.account)
    context = {
        "deal": deal,
        "primary": primary,
        "stages": [
            {"stage": s, "done": i < current and s.kind == StageKind.OPEN, "current": i == current}
            for i, s in enumerate(stages)
        ],
        "visits": stage_history(deal),
        "days_in_stage": (timezone.now() - deal.stage_entered_at).days,
        # ``?move_to=`` comes from a board move to a lost stage that still needs a reason.
        "move_form": MoveForm(
            pipeline=deal.pipeline,
            initial={"stage": request.GET.get("move_to") or deal.stage_id},
        ),
        "custom_rows": display_rows(DEAL, deal.custom_fields),
        "can_change": may_change,
        "can_delete": is_permitted(request.user, deal, "delete"),
        "history": audit_for_object(request.user, DEAL, deal.pk)[:50],
        **attachment_panel(request.user, deal),
        **deal_timeline_panel(request, deal),
    }
    return render(request, "sales/deal_detail.html", context)


@require_action(DEAL, "view")
def deal_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The deal's timeline card (filtered by type), or its next page of entries."""
    deal = get_deal_for(request.user, pk)
    cursor = request.GET.get("cursor") or None
    if cursor is None:
        return render(request, "sales/deal_timeline.html", deal_timeline_panel(request, deal))
    kinds = [k for k in request.GET.getlist("kind") if k]
    try:
        entries, next_cursor = deal_timeline_page(
            request.user, deal, cursor=cursor, kinds=kinds or None
        )
    except ValidationError as exc:
        raise Http404 from exc
    context = {
        "timeline_entries": entries,
        "timeline_next": next_cursor,
        "timeline_url": reverse("sales:deal_timeline", args=[deal.pk]),
        "timeline_selected": kinds,
    }
    return render(request, "customers/_timeline_entries.html", context)


def _contacts_for(request: HttpRequest, account_id: Any) -> Any:
    """The contacts the form offers: people currently at the chosen account."""
    contacts = (
        contacts_visible_to(request.user)
        .select_related(None)
        .prefetch_related(None)
        .only("pk", "full_name")
    )
    if account_id:
        at_account = AccountContact.objects.filter(account_id=account_id, is_current=True)
        return contacts.filter(pk__in=at_account.values("contact_id"))
    return contacts


def _deal_form_page(
    request: HttpRequest, *, deal: Any = None, title: str, cancel_url: str
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    account_id = (
        request.POST.get("account")
        or request.GET.get("account")
        or (deal.account_id if deal is not None else "")
    )
    initial: dict[str, Any] = DealForm.initial_for(deal) if deal is not None else {}
    if deal is None and str(account_id).isdigit():
        initial["account"] = int(account_id)
    form = DealForm(
        data,
        user=request.user,
        deal=deal,
        pipelines=active_pipelines(request.user),
        contacts=_contacts_for(request, account_id if str(account_id).isdigit() else None),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        fields = service_fields(form)
        if "owner" in form.fields and fields.get("team") is None:
            fields.pop("team")  # empty: the owner's first team (or unchanged)
        if not fields.get("forecast_category"):
            fields.pop("forecast_category", None)
        try:
            if deal is None:
                deal = services.create_deal(actor=request.user, **fields)
                messages.success(request, _("The deal was created."))
            else:
                if fields.get("probability") is None:
                    fields.pop("probability", None)
                services.update_deal(actor=request.user, deal=deal, **fields)
                messages.success(request, _("The deal was saved."))
        except ValidationError as error:
            add_service_errors(form, _custom_keys(error))
        else:
            return redirect("sales:deal_detail", pk=deal.pk)
    context = {"form": form, "title": title, "cancel_url": cancel_url}
    return render(request, "web/form_page.html", context)


def _custom_keys(error: ValidationError) -> ValidationError:
    """``custom_fields.<key>`` errors named as the form's ``cf_<key>`` fields."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {
            (
                PREFIX + key.removeprefix("custom_fields.")
                if key.startswith("custom_fields.")
                else key
            ): msgs
            for key, msgs in error.message_dict.items()
        }
    )


@require_action(DEAL, "add")
def deal_create(request: HttpRequest) -> HttpResponse:
    account = request.GET.get("account", "")
    cancel = (
        reverse("customers:account_detail", args=[account])
        if account.isdigit()
        else reverse("sales:deal_list")
    )
    return _deal_form_page(request, title=_("New deal"), cancel_url=cancel)


@require_action(DEAL, "change")
def deal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deal = get_deal_for(request.user, pk, "change")
    return _deal_form_page(
        request,
        deal=deal,
        title=_("Edit %(name)s") % {"name": deal.name},
        cancel_url=deal.get_absolute_url(),
    )


@require_action(DEAL, "delete")
def deal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    deal = get_deal_for(request.user, pk, "delete")
    if request.method == "POST":
        services.delete_deal(actor=request.user, deal=deal)
        messages.success(request, _("The deal was moved to the trash."))
        return redirect("sales:deal_list")
    context = {
        "title": _("Delete %(name)s?") % {"name": deal.name},
        "object": deal,
        "explanation": _(
            "The deal goes to the trash for 30 days. Its account, contact and activities are "
            "unchanged; its stage history comes back with it."
        ),
        "cancel_url": deal.get_absolute_url(),
    }
    return render(request, "customers/confirm_delete.html", context)


@require_POST
@require_action(DEAL, "view")
def deal_log_activity(request: HttpRequest, pk: int) -> HttpResponse:
    """The deal page's quick-add: the activity lands on the deal and its customers."""
    deal = get_deal_for(request.user, pk)
    if not can(request.user, ACTIVITY, "add"):
        raise Http404
    form = DealActivityForm(request.POST)
    if form.is_valid():
        try:
            activity = services.log_deal_activity(
                actor=request.user, deal=deal, **form.cleaned_data
            )
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
    return redirect(deal.get_absolute_url())
