"""The ticket page's satisfaction panel: the ticket's surveys the reader may see."""

from __future__ import annotations

from typing import Any

from django import template

from guanxi.service.selectors_surveys import surveys_of_ticket

register = template.Library()


@register.inclusion_tag("service/survey_ticket_surveys.html", takes_context=True)
def ticket_surveys(context: template.Context, ticket: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"surveys": list(surveys_of_ticket(user, ticket)) if user is not None else []}
