"""API endpoints for the ERP/shop sync of customers and products: accounts, contacts and
products pushed by another system, idempotent by (source, external id)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from guanxi.core.access import can, require
from guanxi.core.models import Team, User
from guanxi.customers.models import CustomerTier
from guanxi.customers.object_types import ACCOUNT, CONTACT
from guanxi.customers.schemas import AccountDetailSchema, AccountIn, ContactDetailSchema, ContactIn
from guanxi.customers.selectors import account_choices, get_account_for, get_contact_for
from guanxi.integrations import sync
from guanxi.integrations.api.calls import call_service, caller
from guanxi.sales.object_types import PRODUCT
from guanxi.sales.schemas_quotes import ProductIn, ProductSchema
from guanxi.sales.selectors_quotes import get_product_for

router = Router(tags=["ERP and shop sync"])

PATH = {"source": "source", "external_id": "external_id"}
CREATED = "true: made by this call; false: it existed already"


class SyncAccountIn(AccountIn):
    """An account as ``POST /accounts`` takes it; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class SyncContactIn(ContactIn):
    """A contact as ``POST /contacts`` takes it, plus the account by its external id."""

    model_config = ConfigDict(extra="forbid")

    account_external_id: str | None = Field(
        default=None,
        description="Link the contact to the account with this external id in the same source",
    )


class SyncProductIn(ProductIn):
    """A product as ``POST /products`` takes it; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class SyncedAccountSchema(AccountDetailSchema):
    created: bool = Field(description=CREATED)


class SyncedContactSchema(ContactDetailSchema):
    created: bool = Field(description=CREATED)


class SyncedProductSchema(ProductSchema):
    created: bool = Field(description=CREATED)


def _require_sync(user: Any, object_type: str) -> None:
    """A push makes records or changes the ones it made."""
    if not (can(user, object_type, "add") or can(user, object_type, "change")):
        raise PermissionDenied


def _given(payload: Schema) -> dict[str, Any]:
    """The fields the push sends (those left out keep their values); a null owner or
    team means the default, as when creating."""
    data = payload.dict(exclude_unset=True)
    for name in ("owner", "team"):
        if data.get(name, 0) is None:
            del data[name]
    return data


def _resolve(data: dict[str, Any], user: Any) -> dict[str, Any]:
    """Turn the ids and codes of a body into records, naming any bad field (as the
    customers API does)."""
    errors: dict[str, str] = {}
    if "owner" in data:
        data["owner"] = User.objects.filter(pk=data["owner"]).first()
        if data["owner"] is None:
            errors["owner"] = _("No such user.")
    if "team" in data:
        data["team"] = Team.objects.filter(pk=data["team"]).first()
        if data["team"] is None:
            errors["team"] = _("No such team.")
    if data.get("tier") is not None:
        data["tier"] = CustomerTier.objects.filter(code=data["tier"]).first()
        if data["tier"] is None:
            errors["tier"] = _("No such tier.")
    if data.get("parent") is not None:
        data["parent"] = account_choices(user).filter(pk=data["parent"]).first()
        if data["parent"] is None:
            errors["parent"] = _("No such account.")
    for index, row in enumerate(data.get("accounts") or []):
        row["account"] = account_choices(user).filter(pk=row["account"]).first()
        if row["account"] is None:
            errors[f"accounts.{index}.account"] = _("No such account.")
    if errors:
        raise ValidationError(errors)
    return data


def _answer(detail: Any, created: bool) -> Any:
    detail.created = created
    return Status(201 if created else 200, detail)


def _by_ref(found: Any) -> Any:
    if found is None:
        raise Http404
    return found


PUT_DESCRIPTION = (
    "``source`` names the system (``erp``, ``shop``; not ``crm``), ``external_id`` its id "
    "for the record. The first push makes the record (201); the same push again changes "
    "nothing and writes no audit entry (200); a push with other values changes those "
    "fields (200). Fields left out keep their values. Errors name the field: "
    "``body.name``, ``path.external_id`` (also for a record in the trash: restore it "
    "first)."
)


# --- accounts ---------------------------------------------------------------------------------


@router.get(
    "/accounts/external/{source}/{external_id}",
    response=AccountDetailSchema,
    summary="An account by the id another system gave it",
)
def get_external_account(request: HttpRequest, source: str, external_id: str) -> Any:
    """404 when no account the caller may see has this id in this source."""
    require(request.user, ACCOUNT, "view")
    account = _by_ref(sync.account_by_ref(source, external_id))
    return get_account_for(request.user, account.pk)


@router.put(
    "/accounts/external/{source}/{external_id}",
    response={200: SyncedAccountSchema, 201: SyncedAccountSchema},
    summary="Make or update an account pushed by an ERP or shop (idempotent)",
    description=PUT_DESCRIPTION + " A new account is owned by ``owner``, by default the caller.",
)
def put_external_account(
    request: HttpRequest, source: str, external_id: str, payload: SyncAccountIn
) -> Any:
    _require_sync(request.user, ACCOUNT)
    data = _resolve(_given(payload), request.user)
    account, created = _call(
        lambda: sync.upsert_account(
            actor=caller(request), source=source, external_id=external_id, **data
        )
    )
    return _answer(get_account_for(request.user, account.pk), created)


# --- contacts ---------------------------------------------------------------------------------


@router.get(
    "/contacts/external/{source}/{external_id}",
    response=ContactDetailSchema,
    summary="A contact by the id another system gave them",
)
def get_external_contact(request: HttpRequest, source: str, external_id: str) -> Any:
    """404 when no contact the caller may see has this id in this source."""
    require(request.user, CONTACT, "view")
    contact = _by_ref(sync.contact_by_ref(source, external_id))
    return get_contact_for(request.user, contact.pk)


@router.put(
    "/contacts/external/{source}/{external_id}",
    response={200: SyncedContactSchema, 201: SyncedContactSchema},
    summary="Make or update a contact pushed by an ERP or shop (idempotent)",
    description=PUT_DESCRIPTION
    + " ``account_external_id`` links the contact to an account the same source pushed "
    "(other places at accounts are kept unless ``accounts`` is given).",
)
def put_external_contact(
    request: HttpRequest, source: str, external_id: str, payload: SyncContactIn
) -> Any:
    _require_sync(request.user, CONTACT)
    data = _resolve(_given(payload), request.user)
    contact, created = _call(
        lambda: sync.upsert_contact(
            actor=caller(request), source=source, external_id=external_id, **data
        )
    )
    return _answer(get_contact_for(request.user, contact.pk), created)


# --- products ---------------------------------------------------------------------------------


@router.get(
    "/products/external/{source}/{external_id}",
    response=ProductSchema,
    summary="A product by the id another system gave it",
)
def get_external_product(request: HttpRequest, source: str, external_id: str) -> Any:
    """404 when no product has this id in this source."""
    require(request.user, PRODUCT, "view")
    product = _by_ref(sync.product_by_ref(source, external_id))
    return get_product_for(request.user, product.pk)


@router.put(
    "/products/external/{source}/{external_id}",
    response={200: SyncedProductSchema, 201: SyncedProductSchema},
    summary="Make or update a product pushed by an ERP or shop (idempotent)",
    description=PUT_DESCRIPTION
    + " A product already in the catalogue under the pushed SKU that this source does not "
    "know yet is taken over (200) rather than refused.",
)
def put_external_product(
    request: HttpRequest, source: str, external_id: str, payload: SyncProductIn
) -> Any:
    _require_sync(request.user, PRODUCT)
    data = _given(payload)
    product, created = _call(
        lambda: sync.upsert_product(
            actor=caller(request), source=source, external_id=external_id, **data
        )
    )
    return _answer(get_product_for(request.user, product.pk), created)


def _call(call: Callable[[], Any]) -> Any:
    """Errors on the source or the external id name the path parameter
    (``path.external_id``), the others the body's field."""
    return call_service(call, path=PATH)
