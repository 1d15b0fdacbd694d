"""The API's warning before a duplicate contact is created: ``409 Conflict`` with the
contacts it looks like, their score and why, unless the caller confirms with
``?confirm_duplicate=true`` (the same name as the web form's "save anyway" box).

The candidates come from ``guanxi.customers.duplicates`` (whatever matching engine is
registered there), so the customers API asks without importing the engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Schema, Status
from pydantic import Field

from guanxi.customers.duplicates import possible_duplicates

CONFIRM_PARAMETER = "confirm_duplicate"
CONFIRM_DESCRIPTION = (
    "Create the contact even when it looks like an existing one (otherwise such a request "
    "answers 409 with the candidates)."
)


class CandidateSchema(Schema):
    contact_id: int
    name: str
    url: str = Field(description="The contact's page in the web interface")
    score: float = Field(description="0–1; 1 is certainly the same person")
    reasons: list[str]


class ErrorItemSchema(Schema):
    field: str | None
    message: str
    code: str


class DuplicateWarningSchema(Schema):
    errors: list[ErrorItemSchema]
    candidates: list[CandidateSchema] = Field(description="Existing contacts, best match first")


def duplicate_conflict(user: Any, fields: Mapping[str, Any]) -> Status | None:
    """``Status(409, …)`` when the contact about to be created looks like one the user can
    see; ``None`` when it does not."""
    found = possible_duplicates(user, fields)
    if not found:
        return None
    candidates = [
        {
            "contact_id": match.contact.pk,
            "name": str(match.contact),
            "url": reverse("customers:contact_detail", args=[match.contact.pk]),
            "score": round(float(match.score), 4),
            "reasons": list(match.reasons),
        }
        for match in found
    ]
    message = _(
        "This looks like a contact that already exists. Send the request again with "
        "?confirm_duplicate=true to create it anyway."
    )
    body = {
        "errors": [{"field": None, "message": message, "code": "possible_duplicate"}],
        "candidates": candidates,
    }
    return Status(409, body)
