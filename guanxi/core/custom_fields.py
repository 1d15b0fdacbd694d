"""Custom fields: what an administrator defines, turned into validation, form fields,
display values, list filters and search terms — read from the database on each use, so
a new field is live at once, without a restart or a migration.

A record's values live in its ``custom_fields`` JSON column as plain JSON: text, choice
and date (ISO) as strings, number as a number, money as a decimal string, multi-choice
as a list of strings, boolean as true/false, user as the user's id.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.choices import FieldType
from guanxi.core.models import CustomField, User

PREFIX = "cf_"  # form and query-string names: cf_<key>
TEXT_MAX = 1000


_cache: contextvars.ContextVar[dict[str, list[CustomField]] | None] = contextvars.ContextVar(
    "guanxi_custom_field_cache", default=None
)


def definitions(object_type: str) -> list[CustomField]:
    """The active fields of a type, read fresh (so a new field is live at once) unless
    inside ``cached_definitions()``."""
    cache = _cache.get()
    if cache is not None and object_type in cache:
        return cache[object_type]
    fields = list(CustomField.objects.filter(object_type=object_type, is_active=True))
    if cache is not None:
        cache[object_type] = fields
    return fields


@contextlib.contextmanager
def cached_definitions() -> Iterator[None]:
    """Read each type's definitions once for a batch (a search index rebuild, an
    export): the definitions cannot change in the middle of it for our purposes."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def _error(key: str, message: str) -> ValidationError:
    return ValidationError({f"custom_fields.{key}": message})


def _convert(field: CustomField, value: Any) -> Any:
    """One value in its stored form; raises ValueError with a message for people."""
    kind = field.field_type
    if kind == FieldType.TEXT:
        text = str(value).strip()
        if len(text) > TEXT_MAX:
            raise ValueError(_("Use at most %(max)s characters.") % {"max": TEXT_MAX})
        return text
    if kind == FieldType.NUMBER:
        if isinstance(value, bool):
            raise ValueError(_("Enter a number."))
        try:
            number = decimal.Decimal(str(value).strip().replace(",", ""))
        except decimal.InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == FieldType.MONEY:
        try:
            amount = decimal.Decimal(str(value).strip().replace(",", ""))
        except decimal.InvalidOperation:
            raise ValueError(_("Enter an amount, such as 1234.50.")) from None
        if not amount.is_finite():
            raise ValueError(_("Enter an amount, such as 1234.50."))
        return str(amount.quantize(decimal.Decimal("0.01")))
    if kind == FieldType.DATE:
        if isinstance(value, datetime.date):
            return value.isoformat()
        try:
            return datetime.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    if kind == FieldType.CHOICE:
        text = str(value).strip()
        if text not in field.choices:
            raise ValueError(_("Choose one of: %(values)s.") % {"values": ", ".join(field.choices)})
        return text
    if kind == FieldType.MULTI_CHOICE:
        items = [value] if isinstance(value, str) else list(value or [])
        texts = [str(i).strip() for i in items]
        wrong = [t for t in texts if t not in field.choices]
        if wrong:
            raise ValueError(_("Choose from: %(values)s.") % {"values": ", ".join(field.choices)})
        return [c for c in field.choices if c in texts]
    if kind == FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "1", "yes", "on", "是"}:
            return True
        if text in {"false", "0", "no", "off", "否"}:
            return False
        raise ValueError(_("Enter true or false."))
    if kind == FieldType.USER:
        pk = value.pk if isinstance(value, User) else value
        try:
            user = User.objects.get(pk=int(pk), is_active=True)
        except (User.DoesNotExist, ValueError, TypeError):
            raise ValueError(_("Choose an active user.")) from None
        return user.pk
    raise ValueError(kind)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def clean_values(
    object_type: str,
    incoming: Mapping[str, Any] | None,
    *,
    existing: Mapping[str, Any] | None = None,
    partial: bool = False,
) -> dict[str, Any]:
    """The record's new ``custom_fields`` after applying ``incoming``.

    Errors name ``custom_fields.<key>``. With ``partial`` (a PATCH), only the keys given
    change; otherwise required fields must all have a value. Values of fields that were
    deactivated are kept untouched.
    """
    fields = {f.key: f for f in definitions(object_type)}
    incoming = dict(incoming or {})
    result = dict(existing or {})
    errors: dict[str, list[str]] = {}
    for key in incoming:
        if key not in fields:
            errors[f"custom_fields.{key}"] = [_("There is no such field.")]
    for key, field in fields.items():
        if key in incoming:
            value = incoming[key]
            if _empty(value):
                result.pop(key, None)
            else:
                try:
                    result[key] = _convert(field, value)
                except ValueError as exc:
                    errors[f"custom_fields.{key}"] = [str(exc)]
                    continue
        if field.required and _empty(result.get(key)) and (key in incoming or not partial):
            errors.setdefault(f"custom_fields.{key}", [_("This field is required.")])
    if errors:
        raise ValidationError(errors)
    return result


# --- forms ---------------------------------------------------------------------------


def form_fields(object_type: str) -> dict[str, forms.Field]:
    """Django form fields named ``cf_<key>``, for the record's create and edit forms."""
    result: dict[str, forms.Field] = {}
    for field in definitions(object_type):
        options: dict[str, Any] = {
            "label": field.display_label,
            "required": field.required and field.field_type != FieldType.BOOLEAN,
            "help_text": field.help_text,
        }
        kind = field.field_type
        choices = [(c, c) for c in field.choices]
        if kind == FieldType.TEXT:
            form_field: forms.Field = forms.CharField(max_length=TEXT_MAX, **options)
        elif kind in (FieldType.NUMBER, FieldType.MONEY):
            form_field = forms.DecimalField(
                decimal_places=None if kind == FieldType.NUMBER else 2, **options
            )
        elif kind == FieldType.DATE:
            form_field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **options)
        elif kind == FieldType.CHOICE:
            form_field = forms.ChoiceField(choices=[("", "—"), *choices], **options)
        elif kind == FieldType.MULTI_CHOICE:
            form_field = forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **options
            )
        elif kind == FieldType.BOOLEAN:
            form_field = forms.BooleanField(**options)
        else:
            form_field = forms.ModelChoiceField(
                queryset=User.objects.filter(is_active=True), **options
            )
        result[PREFIX + field.key] = form_field
    return result


def add_form_fields(
    form: forms.BaseForm, object_type: str, values: Mapping[str, Any] | None
) -> None:
    """Append the custom fields to a form, with the record's current values as initial."""
    for name, field in form_fields(object_type).items():
        form.fields[name] = field
        if values is not None and name[len(PREFIX) :] in values:
            form.initial.setdefault(name, values[name[len(PREFIX) :]])


def values_from_form(cleaned_data: Mapping[str, Any]) -> dict[str, Any]:
    """``{key: value}`` for the service, from a bound form's cleaned data."""
    return {
        name[len(PREFIX) :]: value
        for name, value in cleaned_data.items()
        if name.startswith(PREFIX)
    }


def pop_form_values(cleaned_data: dict[str, Any]) -> dict[str, Any]:
    """Like ``values_from_form``, and removes the custom entries from ``cleaned_data``."""
    values = values_from_form(cleaned_data)
    for key in values:
        cleaned_data.pop(PREFIX + key, None)
    return values


# --- display, lists, filters, search ------------------------------------------------


def display_value(field: CustomField, value: Any, users: Mapping[int, Any] | None = None) -> str:
    if _empty(value):
        return ""
    kind = field.field_type
    if kind == FieldType.MULTI_CHOICE:
        return ", ".join(value)
    if kind == FieldType.BOOLEAN:
        return str(gettext_lazy("Yes") if value else gettext_lazy("No"))
    if kind == FieldType.USER:
        user = (users or {}).get(value)
        if user is None:
            user = User.objects.filter(pk=value).first()
        return str(user) if user is not None else ""
    return str(value)


def display_rows(object_type: str, values: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """``(label, value)`` pairs for a record's page."""
    values = values or {}
    return [
        (f.display_label, display_value(f, values.get(f.key))) for f in definitions(object_type)
    ]


def users_named_in(object_type: str, records: Iterable[Any]) -> dict[int, User]:
    """The users that user-type fields of these records point at, in one query."""
    keys = [f.key for f in definitions(object_type) if f.field_type == FieldType.USER]
    ids = {(r.custom_fields or {}).get(k) for r in records for k in keys} - {None}
    return {u.pk: u for u in User.objects.filter(pk__in=ids)} if ids else {}


def filter_queryset(
    queryset: QuerySet[Any], object_type: str, params: Mapping[str, Any]
) -> QuerySet[Any]:
    """Apply ``cf_<key>=value`` filters from a query string or API call."""
    for field in definitions(object_type):
        raw = params.get(PREFIX + field.key)
        if raw in (None, ""):
            continue
        path = f"custom_fields__{field.key}"
        kind = field.field_type
        try:
            if kind == FieldType.TEXT:
                queryset = queryset.filter(**{f"{path}__icontains": str(raw)})
            elif kind == FieldType.MULTI_CHOICE:
                # A JSON list's text contains each value in double quotes.
                queryset = queryset.filter(**{f"{path}__icontains": f'"{raw}"'})
            else:
                queryset = queryset.filter(**{path: _convert(field, raw)})
        except ValueError as exc:
            raise ValidationError({PREFIX + field.key: str(exc)}) from None
    return queryset


def search_terms(object_type: str, values: Mapping[str, Any] | None) -> list[str]:
    """The text of a record's text, choice and multi-choice fields, for its search document."""
    values = values or {}
    terms: list[str] = []
    for field in definitions(object_type):
        value = values.get(field.key)
        if field.field_type in (FieldType.TEXT, FieldType.CHOICE) and value:
            terms.append(str(value))
        elif field.field_type == FieldType.MULTI_CHOICE and value:
            terms.extend(value)
    return terms
