"""Contacts: list, detail, create, edit, delete; links to accounts; consent."""

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
from guanxi.customers.choices import Channel
from guanxi.customers.duplicates import possible_duplicates
from guanxi.customers.forms import (
    AddressFormSet,
    ConsentForm,
    ContactForm,
    EmailFormSet,
    LinkAccountForm,
    PhoneFormSet,
)
from guanxi.customers.models import Contact
from guanxi.customers.object_types import CONTACT
from guanxi.customers.selectors import (
    active_tiers,
    consents_of,
    contacts_visible_to,
    current_consents,
    filter_contacts,
    get_account_for,
    get_contact_for,
    search_contacts,
)
from guanxi.customers.services.contacts import (
    create_contact,
    delete_contact,
    link_contact_to_account,
    record_consent,
    unlink_contact_from_account,
    update_contact,
)
from guanxi.customers.views.accounts import ADDRESS_FIELDS
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

POINT_FIELDS = ("kind", "value", "is_primary")


def _criteria(params: Any) -> dict[str, Any]:
    owner = params.get("owner", "").strip()
    account = params.get("account", "").strip()
    return {
        "owner_id": owner if owner.isdigit() else None,
        "tier": params.get("tier", "").strip(),
        "province": params.get("province", "").strip(),
        "account_id": account if account.isdigit() else None,
        "tags": params.getlist("tag"),
    }


def filtered_contacts(user: Any, params: Any, action: str = "view") -> QuerySet[Any]:
    """The contacts a list shows for these query parameters (the list page and exports
    share it); a bad custom-field filter raises ValidationError."""
    queryset = filter_contacts(
        contacts_visible_to(user, action), **_criteria(params), custom=custom_params_of(params)
    )
    return search_contacts(queryset, params.get("q", ""))


@require_action(CONTACT, "view")
def contact_list(request: HttpRequest) -> HttpResponse:
    chosen = {
        name: request.GET.get(name, "").strip() for name in ("owner", "tier", "province", "account")
    }
    try:
        queryset = filtered_contacts(request.user, request.GET)
    except ValidationError as error:
        flash_errors(request, error)
        queryset = filter_contacts(contacts_visible_to(request.user), **_criteria(request.GET))
        queryset = search_contacts(queryset, request.GET.get("q", ""))
    context = list_page(
        request,
        queryset,
        sort_fields=("name_pinyin", "title", "tier__rank", "owner__full_name", "updated_at"),
        default_sort="name_pinyin",
    )
    context["object_list"] = list(context["object_list"])
    context.update(list_extras(request, CONTACT, context["object_list"]))
    context.update(saved_views_panel(request, CONTACT))
    context["can_export"] = can(request.user, CONTACT, "export")
    context.update(bulk_permissions(request.user, CONTACT))
    context.update(
        chosen=chosen,
        owners=User.objects.filter(is_active=True).only("pk", "full_name", "email"),
        tiers=active_tiers(),
        provinces=regions.province_choices(get_language() or "en"),
        can_add=can(request.user, CONTACT, "add"),
    )
    return render(request, "customers/contact_list.html", context)


@require_action(CONTACT, "view")
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for(request.user, pk)
    may_change = is_permitted(request.user, contact, "change")
    current = current_consents(contact)
    context = {
        "contact": contact,
        "links": contact.live_links,  # type: ignore[attr-defined]
        "addresses": contact.addresses.all(),
        "custom_rows": display_rows(CONTACT, contact.custom_fields),
        "consents": [(label, current[value]) for value, label in Channel.choices],
        "consent_history": consents_of(contact)[:50],
        "can_change": may_change,
        "can_delete": is_permitted(request.user, contact, "delete"),
        "link_form": LinkAccountForm(user=request.user) if may_change else None,
        "consent_form": ConsentForm() if may_change else None,
        "history": audit_for_object(request.user, CONTACT, contact.pk)[:50],
        **attachment_panel(request.user, contact),
        **timeline_panel(
            request, contact, reverse("customers:contact_timeline", args=[contact.pk])
        ),
        **relationship_panel(request, contact),
    }
    return render(request, "customers/contact_detail.html", context)


def _contact_form_page(
    request: HttpRequest, *, contact: Any = None, title: str, cancel_url: str
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    duplicates: list[Any] = []
    initial = ContactForm.initial_for(contact) if contact is not None else None
    if contact is None and request.GET.get("account", "").isdigit():
        initial = {"account": request.GET["account"]}
    form = ContactForm(
        data, user=request.user, with_account=contact is None, contact=contact, initial=initial
    )
    rows = [
        Rows(
            "phones",
            PhoneFormSet(
                data,
                prefix="phones",
                initial=row_initial(contact.phones.all(), POINT_FIELDS) if contact else None,
            ),
        ),
        Rows(
            "emails",
            EmailFormSet(
                data,
                prefix="emails",
                initial=row_initial(contact.emails.all(), POINT_FIELDS) if contact else None,
            ),
        ),
        Rows(
            "addresses",
            AddressFormSet(
                data,
                prefix="addresses",
                initial=row_initial(contact.addresses.all(), ADDRESS_FIELDS) if contact else None,
            ),
        ),
    ]
    if request.method == "POST" and form.is_valid() and all(r.is_valid() for r in rows):
        fields = service_fields(form)
        for row in rows:
            fields[row.name] = row.data()
        if "owner" in form.fields and fields.get("team") is None:
            fields.pop("team")  # empty: the owner's first team (or unchanged)
        account = fields.pop("account", None)
        role = fields.pop("role", "")
        is_primary = fields.pop("is_primary", False)
        if account is not None:
            fields["accounts"] = [{"account": account, "role": role, "is_primary": is_primary}]
        # A new contact that looks like one already here waits for the user to confirm.
        if contact is None and not request.POST.get("confirm_duplicate"):
            duplicates = possible_duplicates(request.user, fields)
        if not duplicates:
            try:
                if contact is None:
                    contact = create_contact(actor=request.user, **fields)
                    messages.success(request, _("The contact was created."))
                else:
                    update_contact(actor=request.user, contact=contact, **fields)
                    messages.success(request, _("The contact was saved."))
            except ValidationError as error:
                add_errors(form, rows, _account_errors(error))
            else:
                return redirect("customers:contact_detail", pk=contact.pk)
    context = {
        "duplicates": duplicates,
        "form": form,
        "formsets": [
            (_("Phones"), rows[0].formset),
            (_("Emails"), rows[1].formset),
            (_("Addresses"), rows[2].formset),
        ],
        "title": title,
        "cancel_url": cancel_url,
    }
    return render(request, "customers/record_form.html", context)


def _account_errors(error: ValidationError) -> ValidationError:
    """The form has one account row: ``accounts.0.role`` is the form's ``role`` field."""
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict[str, list[str]] = {}
    for key, messages_ in error.message_dict.items():
        if key.startswith("accounts.0."):
            key = key.removeprefix("accounts.0.")
        renamed.setdefault(key, []).extend(messages_)
    return ValidationError(renamed)


@require_action(CONTACT, "add")
def contact_create(request: HttpRequest) -> HttpResponse:
    return _contact_form_page(
        request, title=_("New contact"), cancel_url=reverse("customers:contact_list")
    )


@require_action(CONTACT, "change")
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for(request.user, pk, "change")
    return _contact_form_page(
        request,
        contact=contact,
        title=_("Edit %(name)s") % {"name": contact.full_name},
        cancel_url=reverse("customers:contact_detail", args=[contact.pk]),
    )


@require_action(CONTACT, "delete")
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for(request.user, pk, "delete")
    if request.method == "POST":
        delete_contact(actor=request.user, contact=contact)
        messages.success(request, _("The contact was moved to the trash."))
        return redirect("customers:contact_list")
    context = {
        "title": _("Delete %(name)s?") % {"name": contact.full_name},
        "object": contact,
        "explanation": _(
            "The contact goes to the trash for 30 days; nothing else is deleted with them."
        ),
        "cancel_url": reverse("customers:contact_detail", args=[contact.pk]),
    }
    return render(request, "customers/confirm_delete.html", context)


@require_POST
@require_action(CONTACT, "change")
def contact_link_account(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for(request.user, pk, "change")
    form = LinkAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("customers:contact_detail", pk=contact.pk)
    try:
        link_contact_to_account(actor=request.user, contact=contact, **form.cleaned_data)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The contact was linked to the account."))
    return redirect("customers:contact_detail", pk=contact.pk)


@require_POST
@require_action(CONTACT, "change")
def contact_unlink_account(request: HttpRequest, pk: int, account_pk: int) -> HttpResponse:
    contact = get_contact_for(request.user, pk, "change")
    account = get_account_for(request.user, account_pk)
    try:
        unlink_contact_from_account(actor=request.user, contact=contact, account=account)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The contact was removed from the account."))
    return redirect("customers:contact_detail", pk=contact.pk)


@require_POST
@require_action(CONTACT, "change")
def contact_consent(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for(request.user, pk, "change")
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            record_consent(actor=request.user, contact=contact, **form.cleaned_data)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The consent was recorded."))
    else:
        messages.error(request, _("Choose a channel, a status and a source."))
    return redirect("customers:contact_detail", pk=contact.pk)


@require_POST
@require_action(CONTACT, "change")
def contact_bulk(request: HttpRequest) -> HttpResponse:
    """The bulk bar of the contact list: assign, tag, untag or trash the selection."""
    return bulk_view(
        request,
        model=Contact,
        object_type=CONTACT,
        list_url=reverse("customers:contact_list"),
    )
