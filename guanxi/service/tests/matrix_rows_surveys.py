"""Satisfaction surveys' rows in the permission matrix (pages and API).

Surveys follow their ticket: the actor's own ticket's survey is visible to the
team-scoped roles too. The answer page and the answer endpoint are public (the token
is the key); who sees which team's surveys is tested in ``test_survey_api.py``.
"""

from __future__ import annotations

from itertools import count
from typing import Any

from guanxi.service.models import Survey, Ticket
from guanxi.testing.customers import make_contact
from guanxi.testing.matrix import PUBLIC, Case
from guanxi.testing.service import make_ticket
from guanxi.testing.surveys import make_survey
from guanxi.testing.users import make_user

VIEWERS = frozenset(
    {"administrator", "service_manager", "service_agent", "sales_manager", "analyst"}
)
SENDERS = frozenset({"administrator", "service_manager", "sales_manager"})
_numbers = count(1)


def _own_survey(actor: Any) -> Survey:
    """An answered CSAT survey of a ticket the actor (a fresh agent if anonymous) works."""
    ticket = make_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(owner=actor or make_user(role="service_agent"))
    return make_survey(ticket=ticket, score=4)


def _survey_pk(actor: Any) -> dict[str, Any]:
    return {"pk": _own_survey(actor).pk}


def _api_survey(actor: Any) -> dict[str, Any]:
    return {"survey_id": _own_survey(actor).pk}


def _token(actor: Any) -> dict[str, Any]:
    return {"token": make_survey().token}


def _api_code(actor: Any) -> dict[str, Any]:
    return {"code": make_survey().token}


def _contact(actor: Any) -> Any:
    """A contact of the actor (a fresh rep's for an anonymous caller) with an address."""
    owner = actor or make_user(role="sales_rep")
    return make_contact(owner=owner, emails=[{"value": f"matrix{next(_numbers)}@example.com"}])


def _send_page(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return {}, {"email": _contact(actor).emails.first().value}


def _api_contact(actor: Any) -> dict[str, Any]:
    return {"contact_id": _contact(actor).pk}


PAGES: dict[str, Case] = {
    "service:survey_list": Case("GET", VIEWERS),
    "service:survey_detail": Case("GET", VIEWERS, kwargs=_survey_pk),
    "service:survey_send": Case("POST", SENDERS, setup=_send_page),
    "service:survey_public": Case("GET", PUBLIC, kwargs=_token),
}
OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/surveys"): Case("GET", VIEWERS),
    ("GET", "/api/v1/surveys/summary"): Case("GET", VIEWERS),
    ("GET", "/api/v1/surveys/{survey_id}"): Case("GET", VIEWERS, kwargs=_api_survey),
    ("POST", "/api/v1/contacts/{contact_id}/nps-survey"): Case(
        "POST", SENDERS, kwargs=_api_contact
    ),
    ("POST", "/api/v1/surveys/answer/{code}"): Case(
        "POST", PUBLIC, kwargs=_api_code, data={"score": 3, "comment": "OK"}
    ),
}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (sorted(Survey.objects.values_list("pk", "score", "comment", "delivery")),)
