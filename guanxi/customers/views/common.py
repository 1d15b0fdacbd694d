"""Helpers the account and contact pages share: repeated rows and nested errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from guanxi.core.views.errors import add_service_errors


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
    for key, messages in error.message_dict.items():
        parts = key.split(".")
        nested = len(parts) == 3 and parts[0] in by_name and parts[1].isdigit()
        if nested and by_name[parts[0]].add_error(int(parts[1]), parts[2], messages):
            continue
        rest.setdefault(parts[0] if parts[0] in form.fields else key, []).extend(messages)
    if rest:
        for key, messages in rest.items():
            form.add_error(key if key in form.fields else None, messages)


def row_initial(rows: Any, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{name: getattr(row, name) for name in fields} for row in rows]
