"""The service API's rows in the permission matrix.

Tickets are opened by a customer (no acting user) and handed to the acting user, so
team-scoped roles (service agents and managers) are allowed on them; who sees another
team's tickets is tested in ``test_api.py``. Tickets are handed over by an update, not
by assigning, so no notification (with its link to a page) is sent while setting up.
"""

from __future__ import annotations

from typing import Any

from guanxi.service.models import (
    CalendarDay,
    Category,
    OpeningHours,
    SlaPolicy,
    Ticket,
    TicketMessage,
)
from guanxi.service.services.calendars import default_calendar
from guanxi.testing.customers import make_account
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.service import make_category, make_policy, make_ticket
from guanxi.testing.users import make_user

READERS = EVERYONE
OPENERS = frozenset(
    {"administrator", "sales_manager", "sales_rep", "service_manager", "service_agent"}
)
WORKERS = frozenset({"administrator", "service_manager", "service_agent"})
SETTERS = frozenset({"administrator", "service_manager"})  # categories, policies, calendars


def _owner(actor: Any) -> Any:
    return actor or make_user(role="service_agent")


def _ticket(actor: Any) -> Ticket:
    """A customer's ticket owned by the actor (a fresh agent for an anonymous caller)."""
    ticket = make_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(owner=_owner(actor))
    return ticket


def _api_ticket(actor: Any) -> dict[str, Any]:
    return {"ticket_id": _ticket(actor).pk}


def _api_assign(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The actor takes the ticket themselves (so no one is notified)."""
    owner = _owner(actor)
    ticket = make_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(owner=owner)
    return {"ticket_id": ticket.pk}, {"owner_id": owner.pk}


def _api_escalate(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The actor's ticket handed up to a fresh service manager."""
    supervisor = make_user(role="service_manager")
    data = {"reason": "Refund", "tried_so_far": "Reset it.", "to_user_id": supervisor.pk}
    return {"ticket_id": _ticket(actor).pk}, data


def _api_account(actor: Any) -> dict[str, Any]:
    """An account of the actor (a fresh sales rep's for an anonymous caller) with an
    unresolved ticket."""
    owner = actor or make_user(role="sales_rep")
    account = make_account(owner=owner, actor=make_user(role="administrator"))
    make_ticket(account=account)
    return {"account_id": account.pk}


def _api_category(actor: Any) -> dict[str, Any]:
    return {"category_id": make_category().pk}


def _api_policy(actor: Any) -> dict[str, Any]:
    return {"policy_id": make_policy(priority="high").pk}


def _api_calendar(actor: Any) -> dict[str, Any]:
    return {"calendar_id": default_calendar().pk}


def _api_calendar_day(actor: Any) -> dict[str, Any]:
    calendar = default_calendar()
    day = CalendarDay.objects.create(calendar=calendar, date="2031-05-05", kind="holiday")
    return {"calendar_id": calendar.pk, "day_id": day.pk}


def _api_weekday(actor: Any) -> dict[str, Any]:
    return {"calendar_id": default_calendar().pk, "weekday": 5}


OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/tickets"): Case("GET", READERS),
    ("POST", "/api/v1/tickets"): Case(
        "POST", OPENERS, data={"subject": "Matrix ticket", "body": "It broke."}
    ),
    ("GET", "/api/v1/tickets/{ticket_id}"): Case("GET", READERS, kwargs=_api_ticket),
    ("PATCH", "/api/v1/tickets/{ticket_id}"): Case(
        "PATCH", WORKERS, kwargs=_api_ticket, data={"subject": "Changed", "priority": "high"}
    ),
    ("POST", "/api/v1/tickets/{ticket_id}/replies"): Case(
        "POST", WORKERS, kwargs=_api_ticket, data={"body": "We are on it.", "status": "pending"}
    ),
    ("POST", "/api/v1/tickets/{ticket_id}/notes"): Case(
        "POST", WORKERS, kwargs=_api_ticket, data={"body": "Known issue."}
    ),
    ("POST", "/api/v1/tickets/{ticket_id}/status"): Case(
        "POST", WORKERS, kwargs=_api_ticket, data={"status": "solved"}
    ),
    ("POST", "/api/v1/tickets/{ticket_id}/assign"): Case("POST", WORKERS, setup=_api_assign),
    ("POST", "/api/v1/tickets/{ticket_id}/escalations"): Case("POST", WORKERS, setup=_api_escalate),
    ("GET", "/api/v1/accounts/{account_id}/open-tickets"): Case(
        "GET", READERS, kwargs=_api_account
    ),
    ("GET", "/api/v1/ticket-categories"): Case("GET", READERS),
    ("POST", "/api/v1/ticket-categories"): Case(
        "POST", SETTERS, data={"name": "Matrix category", "name_zh": "类别"}
    ),
    ("PATCH", "/api/v1/ticket-categories/{category_id}"): Case(
        "PATCH", SETTERS, kwargs=_api_category, data={"is_active": False}
    ),
    ("GET", "/api/v1/sla-policies"): Case("GET", READERS),
    ("POST", "/api/v1/sla-policies"): Case(
        "POST",
        SETTERS,
        data={
            "name": "Matrix policy",
            "priority": "low",
            "first_response_minutes": 480,
            "resolution_minutes": 2400,
        },
    ),
    ("PATCH", "/api/v1/sla-policies/{policy_id}"): Case(
        "PATCH", SETTERS, kwargs=_api_policy, data={"first_response_minutes": 90}
    ),
    ("GET", "/api/v1/business-calendars"): Case("GET", READERS),
    ("POST", "/api/v1/business-calendars/{calendar_id}/days"): Case(
        "POST", SETTERS, kwargs=_api_calendar, data={"date": "2031-10-01", "kind": "holiday"}
    ),
    ("DELETE", "/api/v1/business-calendars/{calendar_id}/days/{day_id}"): Case(
        "DELETE", SETTERS, kwargs=_api_calendar_day
    ),
    ("PUT", "/api/v1/business-calendars/{calendar_id}/hours/{weekday}"): Case(
        "PUT",
        SETTERS,
        kwargs=_api_weekday,
        data={"spans": [{"opens": "09:00", "closes": "12:00"}]},
    ),
}
PAGES: dict[str, Case] = {}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (
        sorted(
            Ticket.all_objects.values_list(
                "pk",
                "subject",
                "priority",
                "status",
                "owner_id",
                "team_id",
                "first_responded_at",
                "solved_at",
            )
        ),
        TicketMessage.objects.count(),
        sorted(Category.objects.values_list("pk", "name", "team_id", "is_active")),
        sorted(
            SlaPolicy.objects.values_list(
                "pk", "priority", "tier_id", "first_response_minutes", "is_active"
            )
        ),
        CalendarDay.objects.count(),
        sorted(OpeningHours.objects.values_list("pk", "weekday", "opens", "closes")),
    )
