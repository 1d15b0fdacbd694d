"""Pages for duplicate accounts: dismiss a pair, the merge screen and the merge result
with undo (the pairs are listed on the duplicates page beside the contacts)."""

from __future__ import annotations

from typing import Any, cast

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.views.errors import flash_errors
from guanxi.customers.models import Account
from guanxi.customers.selectors import get_account_for
from guanxi.integrations import dedupe_accounts
from guanxi.integrations.api.calls import caller
from guanxi.integrations.merge_accounts import (
    ACCOUNT_MERGE_FIELDS,
    account_related_counts,
    merge_accounts,
    undo_account_merge,
)
from guanxi.integrations.views_dedupe import (
    back_to_list,
    plural_name,
    posted_choices,
    undo_and_redirect,
)


@login_required
@require_POST
def account_pair_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    pair = dedupe_accounts.get_pair_for(caller(request), pk)
    get_account_for(request.user, pair.first_id, "change")
    get_account_for(request.user, pair.second_id, "change")
    dedupe_accounts.dismiss_pair(actor=caller(request), pair=pair)
    messages.success(request, _("Marked as two different companies."))
    return back_to_list(request)


def _shown(account: Account, group: str) -> str:
    if group == "region":
        return " ".join(p for p in (account.province, account.city) if p)
    if group in ("parent", "owner", "team", "tier"):
        value = getattr(account, group)
        return str(value) if value is not None else ""
    value = getattr(account, group)
    display = getattr(account, f"get_{group}_display", None)
    return str(display() if display and value else (value or ""))


def _rows(survivor: Account, other: Account) -> list[dict[str, Any]]:
    rows = []
    for group, fields in ACCOUNT_MERGE_FIELDS.items():
        mine, theirs = _shown(survivor, group), _shown(other, group)
        field = cast("models.Field[Any, Any]", Account._meta.get_field(fields[0]))
        label = field.verbose_name if group != "region" else ""
        rows.append(
            {
                "field": group,
                "label": label or _("region"),
                "survivor": mine,
                "other": theirs,
                "differs": mine != theirs,
            }
        )
    return rows


def _counts(account: Account) -> list[tuple[str, int]]:
    """(what, how many) per relation, named by the related model."""
    shown = []
    for label, count in sorted(account_related_counts(account).items()):
        model_label, _dot, field_name = label.rpartition(".")
        model = apps.get_model(model_label)
        shown.append((plural_name(model, field_name), count))
    return shown


@login_required
def account_merge_form(request: HttpRequest, survivor_pk: int, other_pk: int) -> HttpResponse:
    survivor = get_account_for(request.user, survivor_pk, "change")
    other = get_account_for(request.user, other_pk, "change")
    if request.method == "POST":
        choices = posted_choices(request, ACCOUNT_MERGE_FIELDS)
        try:
            done = merge_accounts(
                actor=caller(request), survivor=survivor, other=other, choices=choices
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The two accounts were merged."))
            return redirect("integrations:account_merge_result", pk=done.pk)
    context = {
        "survivor": survivor,
        "other": other,
        "rows": _rows(survivor, other),
        "counts": _counts(other),
    }
    return render(request, "integrations/account_merge.html", context)


@login_required
def account_merge_result(request: HttpRequest, pk: int) -> HttpResponse:
    done = dedupe_accounts.get_merge_for(caller(request), pk)
    return render(request, "integrations/account_merge_result.html", {"merge": done})


@login_required
@require_POST
def account_merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    done = dedupe_accounts.get_merge_for(caller(request), pk)
    return undo_and_redirect(
        request,
        lambda: undo_account_merge(actor=caller(request), merge=done),
        _("The merge was undone; both accounts are back."),
        "integrations:account_merge_result",
        done.pk,
    )
