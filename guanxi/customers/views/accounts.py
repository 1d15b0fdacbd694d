"""Accounts: list, the customer 360° page, create, edit, delete to the trash."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can, is_permitted
from guanxi.core.custom_fields import display_rows
from guanxi.core.decorators import require_action
from guanxi.core.models import User
from guanxi.core.selectors import audit_for_object
from guanxi.core.views.attachments import attachment_panel
from guanxi.core.views.errors import flash_errors
from guanxi.core.views.saved_views import saved_views_panel
from guanxi.customers.choices import Channel, Industry
from guanxi.customers.duplicates import ACCOUNTS, possible_duplicates
from guanxi.customers.forms import AccountForm, AddressFormSet
from guanxi.customers.list_marks import account_marks
from guanxi.customers.models import Account, Consent
from guanxi.customers.object_types import ACCOUNT, CONTACT
from guanxi.customers.selectors import (
    account_contacts,
    accounts_visible_to,
    active_tiers,
    filter_accounts,
    get_account_for,
    get_contact_for,
    primary_contact_of,
    search_accounts,
    subsidiaries_of,
)
from guanxi.customers.services.account_links import set_primary_contact
from guanxi.customers.services.accounts import create_account, delete_account, update_account
from guanxi.customers.views.activities import timeline_panel
from guanxi.customers.views.common import (
    Rows,
    add_errors,
    bulk_permissions,
    bulk_view,
    custom_params_of,
    list_extras,
    row_initial,
    service_fields,
)
from guanxi.customers.views.relationships import relationship_panel
from guanxi.lib import regions
from guanxi.lib.listing import list_page

ADDRESS_FIELDS = (
    "kind",
    "country",
    "province",
    "city",
    "district",
    "street",
    "postcode",
    "is_primary",
)


def _filters(request: HttpRequest) -> dict[str, str]:
    return {
        name: request.GET.get(name, "").strip()
        for name in ("owner", "tier", "province", "industry")
    }


def _criteria(params: Any) -> dict[str, Any]:
    owner = params.get("owner", "").strip()
    return {
        "owner_id": owner if owner.isdigit() else None,
        "tier": params.get("tier", "").strip(),
        "province": params.get("province", "").strip(),
        "industry": params.get("industry", "").strip(),
        "tags": params.getlist("tag"),
    }


def filtered_accounts(user: Any, params: Any, action: str = "view") -> QuerySet[Any]:
    """The accounts a list shows for these query parameters (the list page and exports
    share it); a bad custom-field filter raises ValidationError."""
    queryset = filter_accounts(
        accounts_visible_to(user, action), **_criteria(params), custom=custom_params_of(params)
    )
    return search_accounts(queryset, params.get("q", ""))


@require_action(ACCOUNT, "view")
def account_list(request: HttpRequest) -> HttpResponse:
    chosen = _filters(request)
    try:
        queryset = filtered_accounts(request.user, request.GET)
    except ValidationError as error:
        flash_errors(request, error)
        queryset = filter_accounts(accounts_visible_to(request.user), **_criteria(request.GET))
        queryset = search_accounts(queryset, request.GET.get("q", ""))
    context = list_page(
        request,
        queryset,
        sort_fields=("name_pinyin", "tier__rank", "province", "owner__full_name", "updated_at"),
        default_sort="name_pinyin",
    )
    context["object_list"] = list(context["object_list"])
    marks = account_marks(request.user, [account.pk for account in context["object_list"]])
    for account in context["object_list"]:
        account.marks = marks.get(account.pk, [])
    context.update(list_extras(request, ACCOUNT, context["object_list"]))
    context.update(saved_views_panel(request, ACCOUNT))
    context["can_export"] = can(request.user, ACCOUNT, "export")
    context.update(bulk_permissions(request.user, ACCOUNT))
    context.update(
        chosen=chosen,
        owners=User.objects.filter(is_active=True).only("pk", "full_name", "email"),
        tiers=active_tiers(),
        provinces=regions.province_choices(get_language() or "en"),
        industries=Industry.choices,
        can_add=can(request.user, ACCOUNT, "add"),
    )
    return render(request, "customers/account_list.html", context)


def _consent_rows(links: list[Any]) -> list[dict[str, Any]]:
    """Each current contact's consent per channel (latest decision), in channel order."""
    contact_ids = [link.contact_id for link in links if link.is_current]
    latest: dict[tuple[int, str], Consent] = {}
    for consent in Consent.objects.filter(contact_id__in=contact_ids):
        latest.setdefault((consent.contact_id, consent.channel), consent)
    return [
        {
            "contact": link.contact,
            "consents": [latest.get((link.contact_id, channel)) for channel in Channel.values],
        }
        for link in links
        if link.is_current
    ]


@require_action(ACCOUNT, "view")
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for(request.user, pk)
    links = list(account_contacts(request.user, account))
    primary = primary_contact_of(account)
    may_change = is_permitted(request.user, account, "change")
    context = {
        "account": account,
        "primary": primary
        if primary is not None and any(link.contact_id == primary.pk for link in links)
        else None,
        "links": links,
        "subsidiaries": subsidiaries_of(request.user, account),
        "addresses": account.addresses.all(),
        "custom_rows": display_rows(ACCOUNT, account.custom_fields),
        "consent_rows": _consent_rows(links),
        "channels": Channel.choices,
        "can_change": may_change,
        "can_delete": is_permitted(request.user, account, "delete"),
        "can_add_contact": can(request.user, CONTACT, "add"),
        "history": audit_for_object(request.user, ACCOUNT, account.pk)[:50],
        **attachment_panel(request.user, account),
        **timeline_panel(
            request, account, reverse("customers:account_timeline", args=[account.pk])
        ),
        **relationship_panel(request, account),
    }
    return render(request, "customers/account_detail.html", context)


def _account_form_page(
    request: HttpRequest, *, account: Any = None, title: str, cancel_url: str
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    duplicates: list[Any] = []
    initial = AccountForm.initial_for(account) if account is not None else None
    form = AccountForm(data, user=request.user, account=account, initial=initial)
    addresses = Rows(
        "addresses",
        AddressFormSet(
            data,
            prefix="addresses",
            initial=row_initial(account.addresses.all(), ADDRESS_FIELDS) if account else None,
        ),
    )
    if request.method == "POST" and form.is_valid() and addresses.is_valid():
        fields = service_fields(form)
        fields["addresses"] = addresses.data()
        if "owner" in form.fields and fields.get("team") is None:
            fields.pop("team")  # empty: the owner's first team (or unchanged)
        # A new account that looks like one already here waits for the user to confirm.
        if account is None and not request.POST.get("confirm_duplicate"):
            duplicates = possible_duplicates(request.user, fields, kind=ACCOUNTS)
        if not duplicates:
            try:
                if account is None:
                    account = create_account(actor=request.user, **fields)
                    messages.success(request, _("The account was created."))
                else:
                    update_account(actor=request.user, account=account, **fields)
                    messages.success(request, _("The account was saved."))
            except ValidationError as error:
                add_errors(form, [addresses], error)
            else:
                return redirect("customers:account_detail", pk=account.pk)
    context = {
        "duplicates": duplicates,
        "duplicate_kind": ACCOUNTS,
        "form": form,
        "formsets": [(_("Addresses"), addresses.formset)],
        "title": title,
        "cancel_url": cancel_url,
    }
    return render(request, "customers/record_form.html", context)


@require_action(ACCOUNT, "add")
def account_create(request: HttpRequest) -> HttpResponse:
    return _account_form_page(
        request, title=_("New account"), cancel_url=reverse("customers:account_list")
    )


@require_action(ACCOUNT, "change")
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for(request.user, pk, "change")
    return _account_form_page(
        request,
        account=account,
        title=_("Edit %(name)s") % {"name": account.name},
        cancel_url=reverse("customers:account_detail", args=[account.pk]),
    )


@require_action(ACCOUNT, "delete")
def account_delete(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for(request.user, pk, "delete")
    if request.method == "POST":
        delete_account(actor=request.user, account=account)
        messages.success(request, _("The account was moved to the trash."))
        return redirect("customers:account_list")
    context = {
        "title": _("Delete %(name)s?") % {"name": account.name},
        "object": account,
        "explanation": _(
            "The account goes to the trash for 30 days. Its contacts and subsidiaries are "
            "kept; the subsidiaries' parent is hidden until the account is restored."
        ),
        "cancel_url": reverse("customers:account_detail", args=[account.pk]),
    }
    return render(request, "customers/confirm_delete.html", context)


@require_POST
@require_action(ACCOUNT, "change")
def account_set_primary(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    account = get_account_for(request.user, pk, "change")
    contact = get_contact_for(request.user, contact_pk)
    try:
        set_primary_contact(actor=request.user, account=account, contact=contact)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("%(name)s is now the primary contact.") % {"name": contact.full_name}
        )
    return redirect("customers:account_detail", pk=account.pk)


@require_POST
@require_action(ACCOUNT, "change")
def account_bulk(request: HttpRequest) -> HttpResponse:
    """The bulk bar of the account list: assign, tag, untag or trash the selection."""
    return bulk_view(
        request,
        model=Account,
        object_type=ACCOUNT,
        list_url=reverse("customers:account_list"),
    )
