"""Pages for duplicate contacts: the list of possible pairs, the merge screen and the
merge result with undo. Each view calls one service from dedupe.py or merge.py."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import require
from guanxi.core.views.errors import flash_errors
from guanxi.customers.models import Contact
from guanxi.customers.selectors import get_contact_for
from guanxi.integrations import dedupe
from guanxi.integrations.merge import MERGE_FIELDS, merge_contacts, related_counts, undo_merge

CONTACT = "customers.contact"


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    require(request.user, CONTACT, "view")
    pairs = dedupe.pairs_visible_to(request.user).filter(status="open")[:200]
    return render(request, "integrations/duplicates.html", {"pairs": pairs})


@login_required
@require_POST
def duplicate_scan(request: HttpRequest) -> HttpResponse:
    require(request.user, CONTACT, "change")
    found = dedupe.scan_contacts()
    messages.success(request, _("Scan finished: %(count)s possible duplicates.") % {"count": found})
    return redirect("integrations:duplicate_list")


@login_required
@require_POST
def duplicate_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    pair = dedupe.get_pair_for(request.user, pk)
    get_contact_for(request.user, pair.first_id, "change")
    get_contact_for(request.user, pair.second_id, "change")
    dedupe.dismiss_pair(actor=request.user, pair=pair)
    messages.success(request, _("Marked as two different people."))
    return redirect("integrations:duplicate_list")


def _shown(contact: Contact, group: str) -> str:
    if group == "name":
        return contact.full_name
    value = getattr(contact, group)
    display = getattr(contact, f"get_{group}_display", None)
    return str(display() if display and value else (value if value is not None else ""))


def _rows(survivor: Contact, other: Contact) -> list[dict[str, Any]]:
    rows = []
    for group in MERGE_FIELDS:
        mine, theirs = _shown(survivor, group), _shown(other, group)
        rows.append({"field": group, "survivor": mine, "other": theirs, "differs": mine != theirs})
    return rows


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
        name = str(model._meta.verbose_name_plural)
        if model._meta.auto_created:  # a many-to-many table: name the other side
            other_side = [
                f.related_model
                for f in model._meta.concrete_fields
                if f.is_relation and f.name != field_name
            ]
            name = str(other_side[0]._meta.verbose_name_plural) if other_side else name
        shown.append(
            (name if field_name in ("contact", "object_id") else f"{name} ({field_name})", count)
        )
    return shown


@login_required
def merge_form(request: HttpRequest, survivor_pk: int, other_pk: int) -> HttpResponse:
    survivor = get_contact_for(request.user, survivor_pk, "change")
    other = get_contact_for(request.user, other_pk, "change")
    if request.method == "POST":
        choices = {
            group: request.POST[f"choice_{group}"]
            for group in MERGE_FIELDS
            if request.POST.get(f"choice_{group}") in ("survivor", "other")
        }
        try:
            done = merge_contacts(
                actor=request.user, survivor=survivor, other=other, choices=choices
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
    done = dedupe.get_merge_for(request.user, pk)
    return render(request, "integrations/merge_result.html", {"merge": done})


@login_required
@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    done = dedupe.get_merge_for(request.user, pk)
    try:
        undo_merge(actor=request.user, merge=done)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The merge was undone; both contacts are back."))
    return redirect("integrations:merge_result", pk=done.pk)
