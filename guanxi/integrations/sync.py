"""Accounts, contacts and products pushed by an ERP or a shop, idempotent by external id.

The system names itself (``source``, e.g. ``erp``) and its own id for the record
(``external_id``); an ``ExternalRef`` remembers which record that is, and the database
keeps (source, kind of record, external id) unique. The first push makes the record
through the record's own service (validation, phone numbers, search, custom fields and
the audit log as everywhere else); a later push changes only the fields that differ, so
the same push again changes nothing and writes no audit entry. Fields left out of a push
keep their values. Two pushes of one new record at the same moment make one record: the
second finds the first and continues as an update.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from guanxi.core import custom_fields
from guanxi.core.access import can, is_permitted
from guanxi.core.models import User
from guanxi.customers.models import Account, AccountContact, Contact
from guanxi.customers.object_types import ACCOUNT, CONTACT
from guanxi.customers.services.account_links import clean_links, link_contact_to_account
from guanxi.customers.services.accounts import create_account, update_account
from guanxi.customers.services.common import (
    Errors,
    address_line,
    addresses_snapshot,
    clean_addresses,
    clean_region,
    split_tag_names,
)
from guanxi.customers.services.contact_points import clean_emails, clean_phones, point_line
from guanxi.customers.services.contacts import create_contact, update_contact
from guanxi.integrations.models import ExternalRef
from guanxi.sales.models import Product
from guanxi.sales.object_types import PRODUCT
from guanxi.sales.services.money import clean_money
from guanxi.sales.services.order_sync import clean_source
from guanxi.sales.services.products import create_product, update_product

R = TypeVar("R", bound=Model)
# Whether a record already holds a value given in a push: (record, value) -> bool.
Same = Callable[[Any, Any], bool]


# --- finding records by their external id ---------------------------------------------------


def _content_type(model: type[Model]) -> ContentType:
    return ContentType.objects.get_for_model(model)


def _find_ref(model: type[Model], source: str, external_id: str) -> ExternalRef | None:
    """The ref of ``source``'s ``external_id`` for a kind of record, locked until the
    push commits."""
    return (
        ExternalRef.objects.select_for_update()
        .filter(source=source, content_type=_content_type(model), external_id=external_id)
        .first()
    )


def record_by_ref(model: type[R], source: str, external_id: str) -> R | None:
    """The live (not trashed) record of ``model`` that ``source`` calls ``external_id``;
    None when there is none. Who may see it is the caller's question."""
    ids = ExternalRef.objects.filter(
        source=str(source or "").strip().lower(),
        content_type=_content_type(model),
        external_id=str(external_id or "").strip(),
    ).values("object_id")
    return model._default_manager.filter(pk__in=ids).first()


def account_by_ref(source: str, external_id: str) -> Account | None:
    """The account ``source`` calls ``external_id`` (for an order pushed by the same
    system that names its customer by its own id)."""
    return record_by_ref(Account, source, external_id)


def contact_by_ref(source: str, external_id: str) -> Contact | None:
    return record_by_ref(Contact, source, external_id)


def product_by_ref(source: str, external_id: str) -> Product | None:
    return record_by_ref(Product, source, external_id)


# --- what a push changes ----------------------------------------------------------------------


def _text(value: Any) -> str:
    return str(value or "").strip()


def _same_text(name: str) -> Same:
    return lambda record, value: getattr(record, name) == _text(value)


def _same_pk(name: str) -> Same:
    return lambda record, value: getattr(record, f"{name}_id") == getattr(value, "pk", None)


def _same_website(record: Account, value: Any) -> bool:
    url = _text(value)
    if url and "://" not in url:
        url = f"https://{url}"
    return bool(record.website == url)


def _same_region(index: int) -> Same:
    """Country, province or city as ``clean_region`` stores it (广州 for Guangzhou), the
    other two as they are now."""

    def same(record: Any, value: Any) -> bool:
        now = (record.country, record.province, record.city)
        given = list(now)
        given[index] = value
        errors = Errors()
        cleaned = clean_region(errors, "", *given)
        return not errors.messages and cleaned[index] == now[index]

    return same


def _same_addresses(record: Any, value: Any) -> bool:
    errors = Errors()
    wanted = [address_line(row) for row in clean_addresses(errors, value or [])]
    return not errors.messages and wanted == addresses_snapshot(record)


def _same_tags(record: Any, value: Any) -> bool:
    wanted = {" ".join(name.split()).lower() for name in split_tag_names(value)}
    return wanted == {tag.name.lower() for tag in record.tags.all()}


def _same_custom_fields(object_type: str) -> Same:
    def same(record: Any, value: Any) -> bool:
        if not isinstance(value, Mapping):
            return False
        existing = dict(record.custom_fields or {})
        try:
            merged = custom_fields.clean_values(object_type, value, existing=existing, partial=True)
        except ValidationError:
            return False
        return merged == existing

    return same


def _same_points(clean: Callable[[Errors, Any], list[dict[str, Any]]], related: str) -> Same:
    """Phones or emails, in order (they are replaced in the order given)."""

    def same(record: Contact, value: Any) -> bool:
        errors = Errors()
        wanted = [point_line(row) for row in clean(errors, value or [])]
        current = [point_line(row) for row in getattr(record, related).order_by("pk")]
        return not errors.messages and wanted == current

    return same


def _same_links(record: Contact, value: Any) -> bool:
    """The contact's places at accounts, in any order (links are kept, not replaced)."""
    errors = Errors()
    wanted = sorted(
        (row["account"].pk, row["role"], row["is_primary"], row["is_current"])
        for row in clean_links(errors, value or [])
    )
    current = sorted(
        AccountContact.objects.filter(contact=record).values_list(
            "account_id", "role", "is_primary", "is_current"
        )
    )
    return not errors.messages and wanted == current


def _same_bool(name: str) -> Same:
    return lambda record, value: getattr(record, name) == bool(value)


def _same_unit(record: Product, value: Any) -> bool:
    return record.unit == (_text(value) or "pcs")


def _same_cost(record: Product, value: Any) -> bool:
    errors = Errors()
    cost = clean_money(errors, "cost", value)
    return not errors.messages and record.cost == cost


def _same_months(record: Product, value: Any) -> bool:
    try:
        return bool(record.warranty_months == int(value or 0))
    except (TypeError, ValueError):
        return False


def _same_value(name: str) -> Same:
    return lambda record, value: getattr(record, name) == value


_OWNED_BY = {name: _same_pk(name) for name in ("owner", "team", "tier")}
ACCOUNT_SAME: dict[str, Same] = {
    **{name: _same_text(name) for name in ("name", "industry", "size", "description")},
    **_OWNED_BY,
    "parent": _same_pk("parent"),
    "website": _same_website,
    "country": _same_region(0),
    "province": _same_region(1),
    "city": _same_region(2),
    "addresses": _same_addresses,
    "tags": _same_tags,
    "custom_fields": _same_custom_fields(ACCOUNT),
}
CONTACT_SAME: dict[str, Same] = {
    **{
        name: _same_text(name)
        for name in (
            "family_name",
            "given_name",
            "title",
            "gender",
            "preferred_language",
            "preferred_channel",
            "description",
        )
    },
    **_OWNED_BY,
    "birthday": _same_value("birthday"),
    "phones": _same_points(clean_phones, "phones"),
    "emails": _same_points(clean_emails, "emails"),
    "addresses": _same_addresses,
    "accounts": _same_links,
    "tags": _same_tags,
    "custom_fields": _same_custom_fields(CONTACT),
}
PRODUCT_SAME: dict[str, Same] = {
    **{name: _same_text(name) for name in ("sku", "name", "category")},
    "unit": _same_unit,
    "cost": _same_cost,
    "warranty_months": _same_months,
    "is_serialised": _same_bool("is_serialised"),
    "is_active": _same_bool("is_active"),
}


def changed_fields(
    record: Model, fields: Mapping[str, Any], same: Mapping[str, Same]
) -> dict[str, Any]:
    """The fields of a push whose values the record does not hold yet. A field this
    cannot compare (or one the service does not know) counts as changed: the update
    service then changes it or names it in its error, and writes no audit entry when
    nothing changed after all."""
    return {
        name: value
        for name, value in fields.items()
        if name not in same or not same[name](record, value)
    }


# --- the upsert -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """How one kind of record is made, found and changed."""

    model: type[Model]
    object_type: str
    create: Callable[..., Any]
    update: Callable[..., Any]
    argument: str  # the update service's name for the record
    same: Mapping[str, Same]
    required: Mapping[str, Any] = field(default_factory=dict)  # create needs these


ACCOUNTS = _Kind(
    Account, ACCOUNT, create_account, update_account, "account", ACCOUNT_SAME, {"name": ""}
)
CONTACTS = _Kind(
    Contact, CONTACT, create_contact, update_contact, "contact", CONTACT_SAME, {"family_name": ""}
)
PRODUCTS = _Kind(
    Product,
    PRODUCT,
    create_product,
    update_product,
    "product",
    PRODUCT_SAME,
    {"sku": "", "name": ""},
)


def _require_sync(actor: User, kind: _Kind) -> None:
    """A push makes records or changes the ones it made."""
    if not (can(actor, kind.object_type, "add") or can(actor, kind.object_type, "change")):
        raise PermissionDenied


def _record_of(kind: _Kind, ref: ExternalRef | None) -> Any:
    """The record a ref names; None without a ref, or when the record was purged from
    the trash (the stale ref goes, and the push makes the record anew). A trashed record
    is an error: the push must not bring it back behind people's backs."""
    if ref is None:
        return None
    manager = getattr(kind.model, "all_objects", kind.model._default_manager)
    record = manager.filter(pk=ref.object_id).first()
    if record is None:
        ref.delete()
        return None
    if getattr(record, "is_trashed", False):
        raise ValidationError({"external_id": _("This record is in the trash: restore it first.")})
    return record


def _adoptable(kind: _Kind, source: str, fields: Mapping[str, Any]) -> Any:
    """A product already in the catalogue under the pushed SKU and not yet known to this
    source: the push takes it over rather than failing on the SKU (order lines already
    name products by SKU)."""
    if kind is not PRODUCTS:
        return None
    sku = _text(fields.get("sku"))
    product = Product.objects.filter(sku__iexact=sku).first() if sku else None
    if product is None:
        return None
    known = ExternalRef.objects.filter(
        source=source, content_type=_content_type(Product), object_id=product.pk
    )
    return None if known.exists() else product


def _upsert(
    kind: _Kind,
    *,
    actor: User,
    source: str,
    external_id: str,
    fields: dict[str, Any],
    on_create: Mapping[str, Any] | None = None,
) -> tuple[Any, bool]:
    """``source``'s record ``external_id`` of a kind, made (with ``fields`` and
    ``on_create``) or brought up to date (with ``fields``); source and external id are
    already cleaned."""
    record = _record_of(kind, _find_ref(kind.model, source, external_id))
    if record is None:
        adopted = _adoptable(kind, source, fields)
        if adopted is None and not can(actor, kind.object_type, "add"):
            raise PermissionDenied
        try:
            with transaction.atomic():
                made = adopted or kind.create(
                    actor=actor, **{**kind.required, **fields, **(on_create or {})}
                )
                ExternalRef.objects.create(
                    source=source,
                    external_id=external_id,
                    content_type=_content_type(kind.model),
                    object_id=made.pk,
                )
        except IntegrityError:
            # The same record pushed at the same moment: the other push made it (what
            # this push made, its audit entry included, was rolled back).
            record = _record_of(kind, _find_ref(kind.model, source, external_id))
            if record is None:
                raise
        else:
            if adopted is None:
                return made, True
            record = adopted
    if not is_permitted(actor, record, "change"):
        raise PermissionDenied
    changes = changed_fields(record, fields, kind.same)
    if changes:
        record = kind.update(actor=actor, **{kind.argument: record}, **changes)
    return record, False


@transaction.atomic
def upsert_account(
    *, actor: User, source: Any, external_id: Any, **fields: Any
) -> tuple[Account, bool]:
    """The account ``external_id`` of ``source``, made (owned by ``owner``, by default
    the actor) or brought up to date with the fields given; True when made now.
    ``fields`` are ``create_account``'s (records, not ids: ``owner``, ``tier``...)."""
    _require_sync(actor, ACCOUNTS)
    errors = Errors()
    code, ext = clean_source(errors, source, external_id)
    errors.raise_if_any()
    return _upsert(ACCOUNTS, actor=actor, source=code, external_id=ext, fields=fields)


@transaction.atomic
def upsert_contact(
    *,
    actor: User,
    source: Any,
    external_id: Any,
    account_external_id: Any = None,
    **fields: Any,
) -> tuple[Contact, bool]:
    """The contact ``external_id`` of ``source``, made or brought up to date; True when
    made now. ``account_external_id`` (an account of the same source) links the contact
    to that account, besides any ``accounts`` given; ``fields`` are ``create_contact``'s."""
    _require_sync(actor, CONTACTS)
    errors = Errors()
    code, ext = clean_source(errors, source, external_id)
    account = None
    if account_external_id is not None and "source" not in errors:
        account = account_by_ref(code, account_external_id)
        if account is None or not is_permitted(actor, account, "view"):
            errors.add(
                "account_external_id",
                _("No account of %(source)s has this id.") % {"source": code},
            )
    errors.raise_if_any()
    on_create = None
    if account is not None and "accounts" in fields:
        listed = {getattr(row.get("account"), "pk", None) for row in fields["accounts"] or []}
        if account.pk not in listed:
            fields["accounts"] = [*(fields["accounts"] or []), {"account": account}]
    elif account is not None:
        on_create = {"accounts": [{"account": account}]}
    contact, created = _upsert(
        CONTACTS, actor=actor, source=code, external_id=ext, fields=fields, on_create=on_create
    )
    linked = AccountContact.objects.filter(contact=contact, account=account)
    if on_create and not created and not linked.exists():
        assert account is not None
        link_contact_to_account(actor=actor, contact=contact, account=account)
    return contact, created


@transaction.atomic
def upsert_product(
    *, actor: User, source: Any, external_id: Any, **fields: Any
) -> tuple[Product, bool]:
    """The product ``external_id`` of ``source``, made or brought up to date; True when
    made now. A product already in the catalogue under the pushed SKU that this source
    does not know yet is taken over (False). ``fields`` are ``create_product``'s."""
    _require_sync(actor, PRODUCTS)
    errors = Errors()
    code, ext = clean_source(errors, source, external_id)
    errors.raise_if_any()
    return _upsert(PRODUCTS, actor=actor, source=code, external_id=ext, fields=fields)
