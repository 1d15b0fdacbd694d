"""Importing one row of leads, products or activities through the same services as the
UI: ``create_lead`` / ``update_lead``, ``create_product`` / ``update_product`` and
``log_activity`` (activities linked to the contact and account named in the row)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Model, Q
from django.utils.translation import gettext as _

from guanxi.core.models import User
from guanxi.customers.models import Contact
from guanxi.customers.selectors import account_choices, contacts_visible_to
from guanxi.customers.services.activities import log_activity
from guanxi.integrations.imports.fields import CUSTOM_PREFIX, RowError, _owner
from guanxi.integrations.imports.fields_more import (
    ACTIVITIES,
    LEADS,
    PRODUCTS,
    activity_arguments,
    lead_arguments,
    product_arguments,
)
from guanxi.integrations.imports.models import ImportJob, ImportRecord, OnDuplicate
from guanxi.integrations.imports.rows import IMPORT_SOURCE, RowResult, import_tag_name
from guanxi.integrations.models import ExternalRef
from guanxi.integrations.sync import record_by_ref
from guanxi.lib.phones import normalize_phone
from guanxi.sales.models import Lead, Product
from guanxi.sales.services.leads import create_lead, update_lead
from guanxi.sales.services.products import create_product, update_product

# What "link and update" may change on an existing lead or product.
UPDATABLE = {
    LEADS: ("company", "title", "industry", "size", "description"),
    PRODUCTS: ("name", "category", "unit", "cost", "warranty_months", "is_serialised"),
}
# Service error keys that are not the import field's key.
ERROR_FIELDS = {
    "owner": "owner_email",
    "team": "owner_email",
    "contacts": "contact_email",
    "accounts": "account_name",
    "ends_at": "at",
    "country": "province",
}


def error_field(key: str, cells: dict[str, str]) -> str:
    head, _sep, rest = key.partition(".")
    if head == "custom_fields":
        return f"{CUSTOM_PREFIX}{rest}"
    if head == "contacts" and not cells.get("contact_email"):
        return "contact_name"
    if head == "family_name" and not cells.get("family_name"):
        return "full_name"
    return ERROR_FIELDS.get(head, head)


def _duplicate(target: str, kwargs: dict[str, Any]) -> Model | None:
    if target == PRODUCTS:
        return Product.objects.filter(sku__iexact=str(kwargs.get("sku", "")).strip()).first()
    if target != LEADS:
        return None  # activities are matched only by their id in the old system
    query = Q()
    email = str(kwargs.get("email", "")).strip().lower()
    if email:
        query |= Q(email__iexact=email)
    try:
        phone = normalize_phone(kwargs["phone"]) if kwargs.get("phone") else ""
    except ValueError:
        phone = ""
    if phone:
        query |= Q(phone=phone)
    return Lead.objects.filter(query).first() if query else None


def _one(queryset: Any, field: str) -> Any:
    found = list(queryset.distinct()[:2])
    if not found:
        raise RowError(field, _("No customer you can see matches this."))
    if len(found) > 1:
        raise RowError(field, _("Several customers match this; use the email."))
    return found[0]


def _links(actor: User, cells: dict[str, str]) -> dict[str, Any]:
    """The contact (by email, else by name) and the account (by name) a row names;
    only records the importing user can see."""
    links: dict[str, Any] = {}
    contact: Contact | None = None
    if cells.get("contact_email"):
        email = cells["contact_email"].strip()
        contact = _one(
            contacts_visible_to(actor).filter(emails__value__iexact=email), "contact_email"
        )
    elif cells.get("contact_name"):
        name = cells["contact_name"].strip()
        contact = _one(contacts_visible_to(actor).filter(full_name__iexact=name), "contact_name")
    if contact is not None:
        links["contacts"] = [contact]
    if cells.get("account_name"):
        name = cells["account_name"].strip()
        links["accounts"] = [_one(account_choices(actor).filter(name__iexact=name), "account_name")]
    elif contact is not None:
        primary = contact.account_links.order_by("-is_primary", "pk").first()
        if primary is not None:
            links["accounts"] = [primary.account]
    if not links:
        raise RowError("contact_email", _("Name the contact (email or name) or the account."))
    return links


def _arguments(target: str, cells: dict[str, str], problems: list[RowError]) -> dict[str, Any]:
    if target == LEADS:
        return lead_arguments(cells, problems)
    if target == PRODUCTS:
        return product_arguments(cells, problems)
    return activity_arguments(cells, problems)


def _create(actor: User, job: ImportJob, cells: dict[str, str], kwargs: dict[str, Any]) -> Model:
    if job.target == LEADS:
        kwargs["tags"] = [*kwargs.get("tags", []), import_tag_name(job)]
        return create_lead(actor=actor, **kwargs)
    if job.target == PRODUCTS:
        return create_product(actor=actor, **kwargs)
    return log_activity(actor=actor, **kwargs, **_links(actor, cells))


def _update(actor: User, target: str, existing: Model, kwargs: dict[str, Any]) -> None:
    changes = {k: kwargs[k] for k in UPDATABLE.get(target, ()) if k in kwargs}
    if changes and isinstance(existing, Lead):
        update_lead(actor=actor, lead=existing, **changes)
    elif changes and isinstance(existing, Product):
        update_product(actor=actor, product=existing, **changes)


def import_more_row(actor: User, job: ImportJob, row: int, cells: dict[str, str]) -> RowResult:
    """Create (or update, or skip) one lead, product or activity; problems come back as
    the row's errors keyed by import field. The caller owns the transaction."""
    problems: list[RowError] = []
    model = apps.get_model(job.target)
    try:
        kwargs = _arguments(job.target, cells, problems)
        if cells.get("owner_email") and job.target != PRODUCTS:
            try:
                kwargs["owner"] = _owner(cells["owner_email"])
            except RowError as error:
                problems.append(error)
        on_duplicate = job.options.get("on_duplicate", OnDuplicate.SKIP)
        external_id = cells.get("external_id", "")[:100]
        existing = record_by_ref(model, IMPORT_SOURCE, external_id) if external_id else None
        if existing is None and on_duplicate != OnDuplicate.CREATE:
            existing = _duplicate(job.target, kwargs)
        # The same id in the old system is the same record: never a second one; an
        # activity already imported is history and is not updated either.
        if existing is not None and (
            on_duplicate in (OnDuplicate.SKIP, OnDuplicate.CREATE) or job.target == ACTIVITIES
        ):
            return RowResult("skipped")
        if existing is not None:
            if not problems:
                _update(actor, job.target, existing, kwargs)
                return RowResult("updated")
            return _failed(problems, [])
        if problems:
            # Run the service anyway so the row's other problems are reported at once;
            # the caller rolls the row's savepoint back.
            try:
                _create(actor, job, cells, kwargs)
            except RowError as error:
                problems.append(error)
            except ValidationError as error:
                return _failed(problems, _found(error, cells))
            return _failed(problems, [])
        record = _create(actor, job, cells, kwargs)
        ImportRecord.objects.create(
            job=job,
            row=row,
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
        )
        if external_id:
            ExternalRef.objects.update_or_create(
                source=IMPORT_SOURCE,
                external_id=external_id,
                content_type=ContentType.objects.get_for_model(record),
                defaults={"object_id": record.pk},
            )
    except RowError as error:
        return _failed([*problems, error], [])
    except ValidationError as error:
        return _failed(problems, _found(error, cells))
    return RowResult("created")


def _found(error: ValidationError, cells: dict[str, str]) -> list[tuple[str, str]]:
    messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    return [(error_field(k, cells), " ".join(str(m) for m in v)) for k, v in messages.items()]


def _failed(problems: list[RowError], found: list[tuple[str, str]]) -> RowResult:
    """The conversion problems first, then what the service said about other fields."""
    errors = [(p.field, p.message) for p in problems]
    seen = {field for field, _message in errors}
    return RowResult("error", errors + [(f, m) for f, m in found if f not in seen])
