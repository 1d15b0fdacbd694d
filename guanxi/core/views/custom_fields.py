"""Custom fields: administrators add fields to record types, live at once."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can, get_for_or_404
from guanxi.core.decorators import require_action
from guanxi.core.forms import CustomFieldEditForm, CustomFieldForm
from guanxi.core.models import CustomField
from guanxi.core.permissions import label_of
from guanxi.core.services.custom_fields import (
    create_custom_field,
    customizable_types,
    delete_custom_field,
    update_custom_field,
)
from guanxi.core.views.errors import add_service_errors

FIELD = "core.customfield"


@require_action(FIELD, "view")
def custom_field_list(request: HttpRequest) -> HttpResponse:
    may_add = can(request.user, FIELD, "add")
    form = CustomFieldForm(request.POST or None, types=customizable_types())
    if request.method == "POST":
        if not may_add:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                field = create_custom_field(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The field “%(label)s” was added.") % {"label": field.label}
                )
                return redirect("core:custom_field_list")
    groups: dict[str, list[CustomField]] = {}
    for field in CustomField.objects.all():
        groups.setdefault(field.object_type, []).append(field)
    context = {
        "form": form,
        "groups": [(label_of(key), fields) for key, fields in groups.items()],
        "can_add": may_add,
        "can_change": can(request.user, FIELD, "change"),
    }
    return render(request, "core/custom_field_list.html", context)


@require_action(FIELD, "change")
def custom_field_edit(request: HttpRequest, pk: int) -> HttpResponse:
    field = get_for_or_404(CustomField.objects.all(), request.user, pk, "change")
    initial = {
        name: getattr(field, name)
        for name in (
            "label",
            "label_zh",
            "choices",
            "required",
            "help_text",
            "position",
            "is_active",
        )
    }
    form = CustomFieldEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_custom_field(actor=request.user, field=field, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The field was saved."))
            return redirect("core:custom_field_list")
    context = {
        "form": form,
        "title": _("Edit field “%(key)s”") % {"key": field.key},
        "cancel_url": reverse("core:custom_field_list"),
    }
    return render(request, "web/form_page.html", context)


@require_POST
@require_action(FIELD, "delete")
def custom_field_delete(request: HttpRequest, pk: int) -> HttpResponse:
    field = get_for_or_404(CustomField.objects.all(), request.user, pk, "delete")
    delete_custom_field(actor=request.user, field=field)
    messages.success(request, _("The field was removed."))
    return redirect("core:custom_field_list")
