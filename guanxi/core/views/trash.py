"""The trash: what the user deleted or owns, restorable for 30 days."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.permissions import label_of
from guanxi.core.selectors import get_trash_item_for, trash_visible_to
from guanxi.core.services.trash import purge_record, restore_record
from guanxi.core.trash import trash_rules
from guanxi.core.views.errors import flash_errors
from guanxi.lib.listing import list_page


@login_required
def trash_list(request: HttpRequest) -> HttpResponse:
    context = list_page(
        request,
        trash_visible_to(request.user),
        search_fields=("object_repr",),
        sort_fields=("deleted_at", "object_repr"),
        default_sort="-deleted_at",
    )
    for item in context["object_list"]:
        item.type_label = label_of(item.object_type)
    context["rules"] = [
        {"label": label_of(rule.key), "related": rule.related} for rule in trash_rules()
    ]
    return render(request, "core/trash_list.html", context)


@require_POST
@login_required
def trash_restore(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_trash_item_for(request.user, pk)
    try:
        record = restore_record(actor=request.user, item=item)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect("core:trash_list")
    messages.success(request, _("“%(record)s” was restored.") % {"record": item.object_repr})
    if hasattr(record, "get_absolute_url"):
        return redirect(record.get_absolute_url())
    return redirect("core:trash_list")


@require_POST
@login_required
def trash_purge(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_trash_item_for(request.user, pk)
    purge_record(actor=request.user, item=item)
    messages.success(
        request, _("“%(record)s” was deleted for good.") % {"record": item.object_repr}
    )
    return redirect("core:trash_list")
