"""Helpers the account and contact pages share: repeated rows, nested errors, tags and
custom fields on forms and lists, and the bulk bar."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from guanxi.core import custom_fields
from guanxi.core.access import can
from guanxi.core.choices import FieldType
from guanxi.core.models import CustomField, Tag
from guanxi.core.views.errors import add_service_errors, flash_errors
from guanxi.customers.forms import BulkForm
from guanxi.customers.models import Account, Contact
from guanxi.customers.selectors import records_for_bulk
from guanxi.customers.services.bulk import bulk_change
from guanxi.customers.services.common import split_tag_names


class Rows:
    """A formset of repeated rows (phones, emails, addresses); blank rows are ignored.

    ``data()`` returns the non-blank rows in order, and remembers which form each came
    from so that a service error such as ``phones.1.value`` lands on the right row."""

    def __init__(self, name: str, formset: forms.BaseFormSet) -> None:
        self.name = name
        self.formset = formset
        self.form_of: list[int] = []

    def is_valid(self) -> bool:
        return self.formset.is_valid()

    def data(self) -> list[dict[str, Any]]:
        rows = []
        self.form_of = []
        for index, form in enumerate(self.formset.forms):
            if form.cleaned_data and not form.is_blank():  # type: ignore[attr-defined]
                rows.append(dict(form.cleaned_data))
                self.form_of.append(index)
        return rows

    def add_error(self, index: int, field: str, messages: list[str]) -> bool:
        if index >= len(self.form_of):
            return False
        form = self.formset.forms[self.form_of[index]]
        form.add_error(field if field in form.fields else None, messages)
        return True


def add_errors(form: forms.BaseForm, rows: list[Rows], error: ValidationError) -> None:
    """Put ``name.index.field`` errors on the row forms, the rest on the main form."""
    if not hasattr(error, "error_dict"):
        add_service_errors(form, error)
        return
    by_name = {r.name: r for r in rows}
    rest: dict[str, list[str]] = {}
    for key, texts in error.message_dict.items():
        if key.startswith("custom_fields."):
            key = custom_fields.PREFIX + key.removeprefix("custom_fields.")
        parts = key.split(".")
        nested = len(parts) == 3 and parts[0] in by_name and parts[1].isdigit()
        if nested and by_name[parts[0]].add_error(int(parts[1]), parts[2], texts):
            continue
        rest.setdefault(parts[0] if parts[0] in form.fields else key, []).extend(texts)
    if rest:
        for key, texts in rest.items():
            form.add_error(key if key in form.fields else None, texts)


def row_initial(rows: Any, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{name: getattr(row, name) for name in fields} for row in rows]


def service_fields(form: forms.BaseForm) -> dict[str, Any]:
    """A valid form's data as service arguments: tags as names, custom values apart."""
    fields = dict(form.cleaned_data)
    fields["custom_fields"] = custom_fields.pop_form_values(fields)
    fields["tags"] = split_tag_names(fields.get("tags"))
    return fields


# --- lists ---------------------------------------------------------------------------


# The optional columns of each list (the name column is always shown).
STANDARD_COLUMNS = {
    "customers.account": [
        ("tier", _lazy("Tier")),
        ("industry", _lazy("Industry")),
        ("region", _lazy("Region")),
        ("primary_contact", _lazy("Primary contact")),
        ("owner", _lazy("Owner")),
    ],
    "customers.contact": [
        ("title", _lazy("Job title")),
        ("accounts", _lazy("Accounts")),
        ("phone", _lazy("Phone")),
        ("email", _lazy("Email")),
        ("owner", _lazy("Owner")),
    ],
}


def list_extras(request: HttpRequest, object_type: str, records: list[Any]) -> dict[str, Any]:
    """Context for tag and custom-field filters and the chosen columns of a list page.

    ``?columns=`` (repeatable) picks the columns; without it every column shows. Each
    record gets ``custom_cells``, its shown custom values in column order (one query
    for every user named)."""
    fields = custom_fields.definitions(object_type)
    choices = [
        *STANDARD_COLUMNS.get(object_type, []),
        *[(custom_fields.PREFIX + f.key, f.display_label) for f in fields],
    ]
    chosen = [c for c in request.GET.getlist("columns") if c in dict(choices)]
    shown = set(chosen) if chosen else set(dict(choices))
    shown_fields = [f for f in fields if custom_fields.PREFIX + f.key in shown]
    users = custom_fields.users_named_in(object_type, records)
    for record in records:
        values = record.custom_fields or {}
        record.custom_cells = [
            custom_fields.display_value(f, values.get(f.key), users) for f in shown_fields
        ]
    return {
        "custom_columns": [f.display_label for f in shown_fields],
        "custom_filters": [_filter_input(f, request.GET) for f in fields],
        "all_tags": Tag.objects.only("pk", "name"),
        "chosen_tags": request.GET.getlist("tag"),
        "column_choices": choices,
        "shown_columns": shown,
        "chosen_columns": chosen,
        "column_count": 1 + len(shown),
    }


def _filter_input(field: CustomField, params: Any) -> dict[str, Any]:
    name = custom_fields.PREFIX + field.key
    kind = field.field_type
    choices: list[tuple[str, str]] | None = None
    if kind in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
        choices = [(c, c) for c in field.choices]
    elif kind == FieldType.BOOLEAN:
        choices = [("true", _("Yes")), ("false", _("No"))]
    input_type = {FieldType.DATE: "date", FieldType.NUMBER: "number"}.get(kind, "text")
    return {
        "name": name,
        "id": f"f-{name}",
        "label": field.display_label,
        "value": params.get(name, ""),
        "choices": choices,
        "input_type": input_type,
    }


def custom_params_of(params: Any) -> dict[str, str]:
    """The ``cf_<key>`` filters of a query string."""
    return {
        key: value.strip()
        for key, value in params.items()
        if key.startswith(custom_fields.PREFIX) and value.strip()
    }


def bulk_permissions(user: Any, object_type: str) -> dict[str, bool]:
    return {
        "can_bulk_change": can(user, object_type, "change"),
        "can_bulk_assign": can(user, object_type, "assign"),
        "can_bulk_delete": can(user, object_type, "delete"),
    }


# --- the bulk bar --------------------------------------------------------------------

NEEDED = {"assign": "change", "tag": "change", "untag": "change", "delete": "delete"}


def bulk_view(
    request: HttpRequest,
    *,
    model: type[Account | Contact],
    object_type: str,
    list_url: str,
) -> HttpResponse:
    """Run one bulk action on the selected records and go back to the list.

    Each id is checked with the selectors for the action (404 if any may not be
    changed), and the service applies it to all of them or to none."""
    form = BulkForm(request.POST)
    back = redirect(f"{list_url}?{request.POST.get('next_query', '')}".rstrip("?"))
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return back
    action = form.cleaned_data["action"]
    if not can(request.user, object_type, NEEDED[action]):
        raise PermissionDenied
    if action == "assign" and not can(request.user, object_type, "assign"):
        raise PermissionDenied
    ids = form.cleaned_data["ids"]
    if not ids:
        messages.error(request, _("Select at least one record."))
        return back
    records = records_for_bulk(request.user, model, ids, NEEDED[action])
    try:
        changed = bulk_change(
            actor=request.user,
            records=records,
            action=action,
            owner=form.cleaned_data.get("owner"),
            tag=form.cleaned_data.get("tag") or "",
        )
    except ValidationError as error:
        flash_errors(request, error)
        return back
    messages.success(
        request,
        ngettext("%(n)s record was changed.", "%(n)s records were changed.", changed)
        % {"n": changed},
    )
    return back
