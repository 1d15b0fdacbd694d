"""A contact's phones and emails: cleaning what people type, and replacing the rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from guanxi.customers.choices import ContactPointKind
from guanxi.customers.models import Contact, ContactEmail, ContactPhone
from guanxi.customers.services.common import Errors, clean_choice, clean_primary_flags
from guanxi.lib import phones


def point_line(row: Any) -> str:
    """One phone or email as a line of text, for the audit log."""
    get = row.get if isinstance(row, Mapping) else row.__dict__.get
    return f"{get('kind')}: {get('value')}{' (primary)' if get('is_primary') else ''}"


def clean_phones(errors: Errors, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Phones in E.164, each once; the first is primary unless one is marked."""
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        prefix = f"phones.{index}."
        raw = str(row.get("value") or "").strip()
        value = ""
        if not raw:
            errors.add(f"{prefix}value", _("Enter a phone number."))
        else:
            try:
                value = phones.normalize_phone(raw, region=settings.PHONE_DEFAULT_REGION)
            except ValueError:
                errors.add(
                    f"{prefix}value",
                    _("%(value)s is not a valid phone number.") % {"value": raw},
                )
        if value and value in seen:
            errors.add(f"{prefix}value", _("This number is listed twice."))
        seen.add(value)
        kind = clean_choice(errors, f"{prefix}kind", row.get("kind"), ContactPointKind)
        cleaned.append(
            {
                "kind": kind or ContactPointKind.MOBILE,
                "value": value,
                "is_primary": bool(row.get("is_primary")),
            }
        )
    clean_primary_flags(errors, "phones", cleaned)
    return cleaned


def clean_emails(errors: Errors, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Valid, lower-cased emails, each once; the first is primary unless one is marked."""
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        prefix = f"emails.{index}."
        value = str(row.get("value") or "").strip().lower()
        if not value:
            errors.add(f"{prefix}value", _("Enter an email address."))
        else:
            try:
                validate_email(value)
            except ValidationError:
                errors.add(
                    f"{prefix}value",
                    _("%(value)s is not a valid email address.") % {"value": value},
                )
        if value and value in seen:
            errors.add(f"{prefix}value", _("This address is listed twice."))
        seen.add(value)
        kind = clean_choice(errors, f"{prefix}kind", row.get("kind"), ContactPointKind)
        cleaned.append(
            {
                "kind": kind or ContactPointKind.WORK,
                "value": value,
                "is_primary": bool(row.get("is_primary")),
            }
        )
    clean_primary_flags(errors, "emails", cleaned)
    return cleaned


def replace_phones(contact: Contact, rows: list[dict[str, Any]]) -> None:
    """Make the contact's phones exactly ``rows`` (already cleaned)."""
    ContactPhone.objects.filter(contact=contact).delete()
    ContactPhone.objects.bulk_create(ContactPhone(contact=contact, **row) for row in rows)


def replace_emails(contact: Contact, rows: list[dict[str, Any]]) -> None:
    """Make the contact's emails exactly ``rows`` (already cleaned)."""
    ContactEmail.objects.filter(contact=contact).delete()
    ContactEmail.objects.bulk_create(ContactEmail(contact=contact, **row) for row in rows)
