"""``{% ticket_field_panel ticket as panel %}``: a ticket's visits, the earlier repair it
repeats and the "request a visit" form, for the ticket page's field service panel."""

from __future__ import annotations

from typing import Any

from django import template

from guanxi.core.access import can, is_permitted
from guanxi.service.forms_field import VisitRequestForm
from guanxi.service.models import Ticket
from guanxi.service.object_types import VISIT
from guanxi.service.selectors_field import (
    active_service_points,
    previous_done_visit,
    visits_of_ticket,
)
from guanxi.service.services.field import point_for_ticket

register = template.Library()


@register.simple_tag(takes_context=True)
def ticket_field_panel(context: template.Context, ticket: Ticket) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can(user, VISIT, "view"):
        return {"shown": False}
    visits = visits_of_ticket(user, ticket)
    repeat_of = next((v.repeat_of for v in visits if v.repeat_of_id), None)
    if repeat_of is None:
        repeat_of = previous_done_visit(ticket, ticket.created_at)
    may_request = can(user, VISIT, "add") and is_permitted(user, ticket, "change")
    return {
        "shown": True,
        "visits": visits,
        "repeat_of": repeat_of,
        "form": VisitRequestForm(points=active_service_points()) if may_request else None,
        "covering": point_for_ticket(ticket) if may_request else None,
    }
