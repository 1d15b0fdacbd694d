"""The service pages' rows in the permission matrix: tickets, the customer's status page
(public) and the set-up pages (administrators and service managers).

Tickets are owned by the acting user, so team-scope roles (service agents and managers)
are allowed on them; who sees other teams' tickets is tested in ``test_views.py``.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from guanxi.service.models import (
    BusinessCalendar,
    CalendarDay,
    Category,
    OpeningHours,
    SlaPolicy,
    Ticket,
    TicketMessage,
)
from guanxi.service.services.calendars import default_calendar
from guanxi.testing.matrix import EVERYONE, PUBLIC, Case
from guanxi.testing.service import make_category, make_policy, make_ticket
from guanxi.testing.users import make_user

ADDERS = frozenset(
    {"administrator", "service_manager", "service_agent", "sales_manager", "sales_rep"}
)
WORKERS = frozenset({"administrator", "service_manager", "service_agent"})  # change tickets
SETUP = frozenset({"administrator", "service_manager"})
_names = itertools.count(1)
POLICY = {
    "name": "Urgent for everyone",
    "priority": "urgent",
    "first_response_minutes": "60",
    "resolution_minutes": "240",
    "warn_percent": "80",
    "is_active": "on",
}


def own_ticket(actor: Any) -> dict[str, Any]:
    """A ticket the actor works (nobody's for an anonymous visitor)."""
    return {"pk": make_ticket(owner=actor).pk}


def public_ticket(actor: Any) -> dict[str, Any]:
    return {"token": make_ticket().public_token}


def assignment(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    agent = make_user(role="service_agent")
    return {"pk": make_ticket(owner=actor).pk}, {"owner": agent.pk}


def escalation(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The actor's ticket handed up to a fresh service manager."""
    supervisor = make_user(role="service_manager")
    data = {
        "reason": "Needs a refund",
        "tried_so_far": "Reset the printer.",
        "to_user": supervisor.pk,
    }
    return {"pk": make_ticket(owner=actor).pk}, data


def some_category(actor: Any) -> dict[str, Any]:
    return {"pk": make_category(name=f"Matrix category {next(_names)}").pk}


def calendar(actor: Any) -> dict[str, Any]:
    return {"pk": default_calendar().pk}


def calendar_day(actor: Any) -> dict[str, Any]:
    day = CalendarDay.objects.create(
        calendar=default_calendar(), date=date(2031, 1, next(_names) % 28 + 1), kind="holiday"
    )
    return {"pk": day.pk}


def saturday(actor: Any) -> dict[str, Any]:
    return {"pk": default_calendar().pk, "weekday": 5}


def new_policy(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return {}, {**POLICY, "calendar": default_calendar().pk}


def edited_policy(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    policy = make_policy(priority="low", name=f"Matrix policy {next(_names)}")
    data = {**POLICY, "priority": "low", "first_response_minutes": "30"}
    return {"pk": policy.pk}, {**data, "calendar": default_calendar().pk}


TICKET = {
    "subject": "Printer is broken",
    "body": "It prints blank pages.",
    "channel": "phone",
    "priority": "normal",
    "language": "zh-hans",
}

PAGES: dict[str, Case] = {
    "service:ticket_list": Case("GET", EVERYONE, data={"tab": "all", "breached": "1"}),
    "service:ticket_create": Case("POST", ADDERS, data=TICKET),
    "service:ticket_detail": Case("GET", EVERYONE, kwargs=own_ticket),
    "service:ticket_reply": Case(
        "POST",
        WORKERS,
        kwargs=own_ticket,
        data={"body": "Which tray?", "kind": "reply", "status": "pending"},
    ),
    "service:ticket_status": Case("POST", WORKERS, kwargs=own_ticket, data={"status": "solved"}),
    "service:ticket_assign": Case("POST", WORKERS, setup=assignment),
    "service:ticket_escalate": Case("POST", WORKERS, setup=escalation),
    "service:ticket_edit": Case(
        "POST", WORKERS, kwargs=own_ticket, data={"subject": "Renamed", "priority": "high"}
    ),
    "service:ticket_public": Case("GET", PUBLIC, kwargs=public_ticket),
    "service:category_list": Case("POST", SETUP, data={"name": "Matrix new", "is_active": "on"}),
    "service:category_edit": Case(
        "POST", SETUP, kwargs=some_category, data={"name": "Renamed", "is_active": "on"}
    ),
    "service:category_deactivate": Case("POST", SETUP, kwargs=some_category),
    "service:sla_policy_list": Case("POST", SETUP, setup=new_policy),
    "service:sla_policy_edit": Case("POST", SETUP, setup=edited_policy),
    "service:calendar_list": Case("GET", SETUP),
    "service:calendar_detail": Case("GET", SETUP, kwargs=calendar),
    "service:calendar_day_add": Case(
        "POST", SETUP, kwargs=calendar, data={"date": "2032-02-02", "kind": "holiday"}
    ),
    "service:calendar_day_remove": Case("POST", SETUP, kwargs=calendar_day),
    "service:calendar_hours_edit": Case(
        "POST", SETUP, kwargs=saturday, data={"hours": "10:00-14:00"}
    ),
}
OPERATIONS: dict[tuple[str, str], Case] = {}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (
        sorted(
            Ticket.all_objects.values_list(
                "pk", "subject", "status", "priority", "owner_id", "team_id", "category_id"
            )
        ),
        sorted(TicketMessage.objects.values_list("pk", "kind", "body")),
        sorted(Category.objects.values_list("pk", "name", "team_id", "is_active")),
        sorted(
            SlaPolicy.objects.values_list(
                "pk", "name", "priority", "tier_id", "first_response_minutes", "is_active"
            )
        ),
        sorted(BusinessCalendar.objects.values_list("pk", "name", "is_default")),
        sorted(CalendarDay.objects.values_list("pk", "date", "kind")),
        sorted(OpeningHours.objects.values_list("calendar_id", "weekday", "opens", "closes")),
    )
