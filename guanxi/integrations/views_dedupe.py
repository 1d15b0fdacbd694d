"""Pages for duplicate contacts (and the account pairs beside them): the list of possible
pairs, the merge screen and the merge result with undo. Each view calls one service from
dedupe.py or merge.py."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, cast
from urllib.parse import urlencode

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can, require
from guanxi.core.views.errors import flash_errors
from guanxi.customers.models import Contact
from guanxi.customers.object_types import ACCOUNT, CONTACT
from guanxi.customers.selectors import get_contact_for
from guanxi.integrations import dedupe, dedupe_accounts
from guanxi.integrations.api.calls import caller
from guanxi.integrations.dedupe_schedule import latest_scan, request_scan
from guanxi.integrations.merge import MERGE_FIELDS, merge_contacts, related_counts, undo_merge

PAIRS_PER_PAGE = 50  # possible duplicate contacts (and accounts), best first


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Possible duplicate contacts and, beside them, accounts."""
    require(request.user, CONTACT, "view")
    open_pairs = dedupe.pairs_visible_to(caller(request)).filter(status="open")
    page = Paginator(open_pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    account_page = None
    if can(request.user, ACCOUNT, "view"):
        open_accounts = dedupe_accounts.pairs_visible_to(caller(request)).filter(status="open")
        account_page = Paginator(open_accounts, PAIRS_PER_PAGE).get_page(
            request.GET.get("accounts_page")
        )
    context = {
        "pairs": page.object_list,
        "page_obj": page,
        "account_page": account_page,
        "scan": latest_scan(),
        "may_scan": can(request.user, CONTACT, "change"),
    }
    return render(request, "integrations/duplicates.html", context)


@login_required
@require_POST
def duplicate_scan(request: HttpRequest) -> HttpResponse:
    """Ask for a scan of the contacts (and of the accounts when the user may change
    them) in the background; the page shows its progress and its result."""
    require(request.user, CONTACT, "change")
    scan = request_scan(actor=caller(request))
    if scan.requested_by_id == request.user.pk or scan.requested_by_id is None:
        messages.success(request, _("The scan is running; this page shows when it is done."))
    else:
        messages.info(request, _("A scan is running already; this page shows when it is done."))
    return redirect("integrations:duplicate_list")


@login_required
def duplicate_scan_status(request: HttpRequest) -> HttpResponse:
    """The latest scan's progress (the duplicates page asks every few seconds while one
    runs)."""
    require(request.user, CONTACT, "view")
    context = {"scan": latest_scan(), "may_scan": can(request.user, CONTACT, "change")}
    return render(request, "integrations/_duplicate_scan.html", context)


@login_required
@require_POST
def duplicate_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    pair = dedupe.get_pair_for(caller(request), pk)
    get_contact_for(request.user, pair.first_id, "change")
    get_contact_for(request.user, pair.second_id, "change")
    dedupe.dismiss_pair(actor=caller(request), pair=pair)
    messages.success(request, _("Marked as two different people."))
    return back_to_list(request)


def back_to_list(request: HttpRequest) -> HttpResponse:
    """The duplicates page again, at the pages of pairs the form was posted from."""
    target = reverse("integrations:duplicate_list")
    pages = {}
    for name in ("page", "accounts_page"):  # the contacts' and the accounts' pages
        value = request.POST.get(name, "")
        if re.fullmatch(r"[1-9][0-9]{0,6}", value) and value != "1":  # ASCII digits only
            pages[name] = value
    if pages:
        target += "?" + urlencode(pages)
    return redirect(target)


def _shown(contact: Contact, group: str) -> str:
    if group == "name":
        return contact.full_name
    value = getattr(contact, group)
    display = getattr(contact, f"get_{group}_display", None)
    return str(display() if display and value else (value if value is not None else ""))


def _rows(survivor: Contact, other: Contact) -> list[dict[str, Any]]:
    rows = []
    for group, fields in MERGE_FIELDS.items():
        mine, theirs = _shown(survivor, group), _shown(other, group)
        field = Contact._meta.get_field(fields[2] if group == "name" else fields[0])
        label = cast("models.Field[Any, Any]", field).verbose_name
        rows.append(
            {
                "field": group,
                "label": label,
                "survivor": mine,
                "other": theirs,
                "differs": mine != theirs,
            }
        )
    return rows


def posted_choices(request: HttpRequest, groups: Iterable[str]) -> dict[str, str]:
    """The side ("survivor" or "other") chosen on the merge form for each field group."""
    return {
        group: request.POST[f"choice_{group}"]
        for group in groups
        if request.POST.get(f"choice_{group}") in ("survivor", "other")
    }


def plural_name(model: type[models.Model], field_name: str) -> str:
    """The model's plural name; for a many-to-many table, the other side's."""
    name = str(model._meta.verbose_name_plural)
    if model._meta.auto_created:  # a many-to-many table: name the other side
        other_side = [
            cast(type[models.Model], f.related_model)
            for f in model._meta.concrete_fields
            if f.is_relation and f.name != field_name
        ]
        name = str(other_side[0]._meta.verbose_name_plural) if other_side else name
    return name


def undo_and_redirect(
    request: HttpRequest, undo: Callable[[], object], success: str, result: str, pk: int
) -> HttpResponse:
    """Run ``undo``; flash its errors or ``success``, then back to the result page."""
    try:
        undo()
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, success)
    return redirect(result, pk=pk)


def _counts(contact: Contact) -> list[tuple[str, int]]:
    """(what, how many) per relation, named by the related model: "phones: 2"."""
    shown = []
    for label, count in sorted(related_counts(contact).items()):
        model_label, _dot, field_name = label.rpartition(".")
        try:
            model = apps.get_model(model_label)
        except LookupError:
            shown.append((label, count))
            continue
        name = plural_name(model, field_name)
        shown.append(
            (name if field_name in ("contact", "object_id") else f"{name} ({field_name})", count)
        )
    return shown


@login_required
def merge_form(request: HttpRequest, survivor_pk: int, other_pk: int) -> HttpResponse:
    survivor = get_contact_for(request.user, survivor_pk, "change")
    other = get_contact_for(request.user, other_pk, "change")
    if request.method == "POST":
        choices = posted_choices(request, MERGE_FIELDS)
        try:
            done = merge_contacts(
                actor=caller(request), survivor=survivor, other=other, choices=choices
            )
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                raise
            flash_errors(request, error)
        else:
            messages.success(request, _("The two contacts were merged."))
            return redirect("integrations:merge_result", pk=done.pk)
    return render(
        request,
        "integrations/merge.html",
        {
            "survivor": survivor,
            "other": other,
            "rows": _rows(survivor, other),
            "counts": _counts(other),
        },
    )


@login_required
def merge_result(request: HttpRequest, pk: int) -> HttpResponse:
    done = dedupe.get_merge_for(caller(request), pk)
    return render(request, "integrations/merge_result.html", {"merge": done})


@login_required
@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    done = dedupe.get_merge_for(caller(request), pk)
    return undo_and_redirect(
        request,
        lambda: undo_merge(actor=caller(request), merge=done),
        _("The merge was undone; both contacts are back."),
        "integrations:merge_result",
        done.pk,
    )
