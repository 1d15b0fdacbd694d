"""API endpoint for handing a leaver's records over to colleagues."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from guanxi.core.access import get_for_or_404, require
from guanxi.core.models import User
from guanxi.core.selectors import users_visible_to
from guanxi.customers.object_types import ACCOUNT
from guanxi.sales.services.handover import hand_over

router = Router(tags=["handover"])


class HandoverIn(Schema):
    receiver_ids: list[int] = Field(description="colleagues who take over, shared out in turn")
    reason: str = ""


class MovedSchema(Schema):
    receiver_id: int
    accounts: int = 0
    contacts: int = 0
    leads: int = 0
    deals: int = 0
    tasks: int = 0


@router.post(
    "/users/{user_id}/handover",
    response=list[MovedSchema],
    summary="Move a leaver's accounts, contacts, leads, open deals and open tasks",
)
def handover(request: HttpRequest, user_id: int, payload: HandoverIn) -> Any:
    require(request.user, ACCOUNT, "assign")
    leaver = get_for_or_404(users_visible_to(request.user), request.user, user_id)
    receivers = list(User.objects.filter(pk__in=payload.receiver_ids, is_active=True))
    if len(receivers) != len(set(payload.receiver_ids)):
        raise ValidationError(
            {"receiver_ids": _("Some of these users do not exist or are inactive.")}
        )
    result = hand_over(
        actor=request.user, leaver=leaver, receivers=receivers, reason=payload.reason
    )
    return [{"receiver_id": pk, **dict(counts)} for pk, counts in result.moved.items()]
