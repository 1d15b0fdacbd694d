"""API endpoints for relationships between contacts and between accounts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from guanxi.core.access import can
from guanxi.customers.models import Account
from guanxi.customers.selectors import (
    Related,
    accounts_visible_to,
    contacts_visible_to,
    get_account_for,
    get_contact_for,
    get_relationship_for,
    relationships_of,
)
from guanxi.customers.services.relationships import add_relationship, remove_relationship

router = Router(tags=["relationships"])


class RelatedSchema(Schema):
    label: str = Field(description="how the record relates, read from its side")
    other_type: str
    other_id: int
    other_name: str
    note: str
    relationship_id: int | None = Field(
        description="null for who-works-where and group links, which are edited elsewhere"
    )


class RelationshipIn(Schema):
    from_type: str = Field(description="account or contact")
    from_id: int
    to_id: int = Field(description="a record of the same type")
    kind: str = Field(
        description="contacts: referred_by, reports_to, family, friend, assistant_of; "
        "accounts: partner, competitor, supplier, reseller, customer"
    )
    note: str = ""


class RelationshipOut(Schema):
    id: int
    kind: str
    note: str


def _rows(rows: list[Related]) -> list[dict[str, Any]]:
    return [
        {
            "label": row.label,
            "other_type": "account" if isinstance(row.other, Account) else "contact",
            "other_id": row.other.pk,
            "other_name": str(row.other),
            "note": row.note,
            "relationship_id": row.relationship.pk if row.relationship else None,
        }
        for row in rows
    ]


@router.get(
    "/accounts/{account_id}/relationships",
    response=list[RelatedSchema],
    summary="An account's group, people and related companies",
)
def account_relationships(request: HttpRequest, account_id: int) -> Any:
    if not can(request.user, "customers.account", "view"):
        raise PermissionDenied
    return _rows(relationships_of(request.user, get_account_for(request.user, account_id)))


@router.get(
    "/contacts/{contact_id}/relationships",
    response=list[RelatedSchema],
    summary="A contact's companies and related people",
)
def contact_relationships(request: HttpRequest, contact_id: int) -> Any:
    if not can(request.user, "customers.contact", "view"):
        raise PermissionDenied
    return _rows(relationships_of(request.user, get_contact_for(request.user, contact_id)))


@router.post("/relationships", response={201: RelationshipOut}, summary="Record a relationship")
def create_relationship(request: HttpRequest, payload: RelationshipIn) -> Any:
    if payload.from_type == "account":
        object_type, getter, targets = "customers.account", get_account_for, accounts_visible_to
    elif payload.from_type == "contact":
        object_type, getter, targets = "customers.contact", get_contact_for, contacts_visible_to
    else:
        raise ValidationError({"from_type": _("Use account or contact.")})
    if not can(request.user, object_type, "change"):
        raise PermissionDenied
    source = getter(request.user, payload.from_id, "change")
    target = targets(request.user).filter(pk=payload.to_id).first()
    if target is None:
        raise ValidationError({"to_id": _("This record does not exist.")})
    relationship = add_relationship(
        actor=request.user, source=source, target=target, kind=payload.kind, note=payload.note
    )
    return Status(201, relationship)


@router.delete(
    "/relationships/{relationship_id}", response={204: None}, summary="Remove a relationship"
)
def delete_relationship(request: HttpRequest, relationship_id: int) -> Any:
    relationship = get_relationship_for(request.user, relationship_id)
    remove_relationship(actor=request.user, relationship=relationship)
    return Status(204, None)
