"""Field service's rows in the permission matrix: service points and technicians (set
up by administrators and service managers, read by everyone), technicians' hours (read
by everyone, set by managers) and time off (recorded and read by managers; a
technician's own is tested in ``test_field_hours_views.py``), visits and free slots
(worked by service managers and agents, read by sales and analysts), the dispatch board
and the performance page (administrators, service managers, analysts).

The acting user is the technician of the visits and a member of the service point's
team, so team-scoped roles are allowed on them; who sees other teams' visits is tested
in ``test_visit_views.py``.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.utils import timezone

from guanxi.service.models import (
    ServicePoint,
    Technician,
    TechnicianHours,
    TimeOff,
    Visit,
    VisitPart,
)
from guanxi.service.services.field import schedule_visit
from guanxi.service.services.field_hours import add_time_off
from guanxi.testing.field import field_admin, make_point, make_technician, make_visit
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_team, make_user

SETUP = frozenset({"administrator", "service_manager"})
VIEWERS = frozenset(
    {"administrator", "service_manager", "service_agent", "sales_manager", "sales_rep", "analyst"}
)
WORKERS = frozenset({"administrator", "service_manager", "service_agent"})
FIGURES = frozenset({"administrator", "service_manager", "analyst"})
_names = itertools.count(1)


def _point_and_technician(actor: Any) -> tuple[ServicePoint, Technician]:
    """A point whose team has the actor, with the actor (else a fresh agent) working there."""
    user = actor or make_user(role="service_agent")
    point = make_point(name=f"Matrix point {next(_names)}", team=make_team(members=[user]))
    return point, make_technician(point, user=user)


def _window(days: int = 400) -> tuple[Any, Any]:
    start = (timezone.now() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    return start, start + timedelta(hours=2)


def requested(actor: Any) -> Visit:
    point, _technician = _point_and_technician(actor)
    return make_visit(make_ticket(), point=point)


def scheduled(actor: Any) -> Visit:
    point, technician = _point_and_technician(actor)
    visit = make_visit(make_ticket(), point=point)
    start, end = _window()
    return schedule_visit(
        actor=field_admin(), visit=visit, technician=technician, start=start, end=end
    )


def _pk(factory: Any) -> Any:
    return lambda actor: {"pk": factory(actor).pk}


def point_kwargs(actor: Any) -> dict[str, Any]:
    return {"pk": _point_and_technician(actor)[0].pk}


def technician_edit(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    point, technician = _point_and_technician(actor)
    return {"pk": technician.pk}, {"service_point": point.pk, "skills": "Dryers", "is_active": "on"}


def technician_add(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    point = make_point(name=f"Matrix point {next(_names)}")
    return {"pk": point.pk}, {"user": make_user().pk, "skills": "Washers"}


def visit_request(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    point, _technician = _point_and_technician(actor)
    return {"pk": make_ticket(owner=actor).pk}, {"service_point": point.pk, "notes": "Gate B"}


def schedule_form(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    visit = requested(actor)
    start, end = _window()
    data = {
        "technician": Technician.objects.get(service_point=visit.service_point).pk,
        "scheduled_start": start.strftime("%Y-%m-%dT%H:%M"),
        "scheduled_end": end.strftime("%Y-%m-%dT%H:%M"),
    }
    return {"pk": visit.pk}, data


def point_edit(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    point, _technician = _point_and_technician(actor)
    return {"pk": point.pk}, {
        "name": f"Renamed {next(_names)}",
        "coverage": "广东",
        "is_active": "on",
    }


def other_technician(actor: Any) -> Technician:
    """A technician who is not the actor, at a point of another team."""
    return make_technician(make_point(name=f"Matrix point {next(_names)}"))


def time_off(actor: Any) -> dict[str, Any]:
    start, end = _window()
    entry = add_time_off(
        actor=field_admin(), technician=other_technician(actor), starts_at=start, ends_at=end
    )
    return {"pk": entry.pk}


def time_off_form(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    start, end = _window()
    data = {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
        "reason": "training",
    }
    return {"pk": other_technician(actor).pk}, data


PAGES: dict[str, Case] = {
    "service:field_point_list": Case(
        "POST", SETUP, data={"name": "Matrix new point", "coverage": "北京", "is_active": "on"}
    ),
    "service:field_point_detail": Case("GET", EVERYONE, kwargs=point_kwargs),
    "service:field_point_edit": Case("POST", SETUP, setup=point_edit),
    "service:field_technician_add": Case("POST", SETUP, setup=technician_add),
    "service:field_technician_edit": Case("POST", SETUP, setup=technician_edit),
    "service:field_technician_detail": Case(
        "GET", SETUP, kwargs=lambda a: {"pk": other_technician(a).pk}
    ),
    "service:field_technician_hours": Case(
        "POST",
        SETUP,
        kwargs=lambda a: {"pk": other_technician(a).pk},
        data={"day_0": "09:00-12:00, 13:00-18:00", "day_5": "09:00-12:00"},
    ),
    "service:field_time_off_add": Case("POST", SETUP, setup=time_off_form),
    "service:field_time_off_delete": Case("POST", SETUP, kwargs=time_off),
    "service:visit_list": Case("GET", VIEWERS, data={"overdue": "1", "open": "1"}),
    "service:visit_detail": Case("GET", VIEWERS, kwargs=_pk(scheduled)),
    "service:visit_edit": Case(
        "POST",
        WORKERS,
        setup=lambda a: (
            {"pk": (v := requested(a)).pk},
            {"service_point": v.service_point_id, "notes": "Dog"},
        ),
    ),
    "service:visit_schedule": Case("POST", WORKERS, setup=schedule_form),
    "service:visit_status": Case(
        "POST", WORKERS, kwargs=_pk(scheduled), data={"status": "en_route"}
    ),
    "service:visit_complete": Case(
        "POST", WORKERS, kwargs=_pk(scheduled), data={"outcome": "fixed", "report": "OK"}
    ),
    "service:visit_request": Case("POST", WORKERS, setup=visit_request),
    "service:dispatch_board": Case("GET", VIEWERS, data={"view": "week"}),
    "service:dispatch_assign": Case("POST", WORKERS, setup=schedule_form),
    "service:field_performance": Case("GET", FIGURES),
}


def _api(factory: Any, name: str) -> Any:
    return lambda actor: {name: factory(actor).pk}


def api_schedule(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    visit = requested(actor)
    start, end = _window()
    technician = Technician.objects.get(service_point=visit.service_point)
    data = {
        "technician_id": technician.pk,
        "scheduled_start": start.isoformat(),
        "scheduled_end": end.isoformat(),
    }
    return {"visit_id": visit.pk}, data


def api_request(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    point, _technician = _point_and_technician(actor)
    owner = actor or make_user(role="service_agent")
    return {"ticket_id": make_ticket(owner=owner).pk}, {"service_point_id": point.pk}


def api_technician(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    point = make_point(name=f"Matrix point {next(_names)}")
    return {}, {"user_id": make_user().pk, "service_point_id": point.pk, "skills": ["Washers"]}


def api_time_off(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    start, end = _window()
    data = {"starts_at": start.isoformat(), "ends_at": end.isoformat(), "reason": "sick"}
    return {"technician_id": other_technician(actor).pk}, data


def api_performance(actor: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {"start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat()}


OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/service-points"): Case("GET", EVERYONE),
    ("POST", "/api/v1/service-points"): Case(
        "POST", SETUP, data={"name": "Matrix API point", "coverage": [{"province": "44"}]}
    ),
    ("GET", "/api/v1/service-points/{point_id}"): Case(
        "GET", EVERYONE, kwargs=lambda a: {"point_id": point_kwargs(a)["pk"]}
    ),
    ("PATCH", "/api/v1/service-points/{point_id}"): Case(
        "PATCH",
        SETUP,
        kwargs=lambda a: {"point_id": point_kwargs(a)["pk"]},
        data={"coverage": [{"province": "31", "city": "上海"}]},
    ),
    ("GET", "/api/v1/technicians"): Case("GET", EVERYONE),
    ("POST", "/api/v1/technicians"): Case("POST", SETUP, setup=api_technician),
    ("PATCH", "/api/v1/technicians/{technician_id}"): Case(
        "PATCH",
        SETUP,
        kwargs=lambda a: {"technician_id": _point_and_technician(a)[1].pk},
        data={"skills": ["Dryers"]},
    ),
    ("GET", "/api/v1/technicians/{technician_id}/hours"): Case(
        "GET", EVERYONE, kwargs=lambda a: {"technician_id": other_technician(a).pk}
    ),
    ("PUT", "/api/v1/technicians/{technician_id}/hours"): Case(
        "PUT",
        SETUP,
        kwargs=lambda a: {"technician_id": other_technician(a).pk},
        data={"hours": [{"weekday": 0, "starts": "09:00", "ends": "18:00"}]},
    ),
    ("GET", "/api/v1/technicians/{technician_id}/time-off"): Case(
        "GET", SETUP, kwargs=lambda a: {"technician_id": other_technician(a).pk}
    ),
    ("POST", "/api/v1/technicians/{technician_id}/time-off"): Case(
        "POST", SETUP, setup=api_time_off
    ),
    ("DELETE", "/api/v1/time-off/{time_off_id}"): Case(
        "DELETE", SETUP, kwargs=lambda a: {"time_off_id": time_off(a)["pk"]}
    ),
    ("GET", "/api/v1/technicians/{technician_id}/free-slots"): Case(
        "GET",
        VIEWERS,
        kwargs=lambda a: {"technician_id": _point_and_technician(a)[1].pk},
        query=lambda a: {"length_minutes": 90},
    ),
    ("GET", "/api/v1/visits/{visit_id}/free-slots"): Case(
        "GET", VIEWERS, kwargs=_api(requested, "visit_id")
    ),
    ("GET", "/api/v1/visits"): Case("GET", VIEWERS, query=lambda a: {"overdue": "true"}),
    ("GET", "/api/v1/visits/{visit_id}"): Case("GET", VIEWERS, kwargs=_api(scheduled, "visit_id")),
    ("POST", "/api/v1/tickets/{ticket_id}/visits"): Case("POST", WORKERS, setup=api_request),
    ("POST", "/api/v1/visits/{visit_id}/schedule"): Case("POST", WORKERS, setup=api_schedule),
    ("POST", "/api/v1/visits/{visit_id}/status"): Case(
        "POST", WORKERS, kwargs=_api(scheduled, "visit_id"), data={"status": "en_route"}
    ),
    ("POST", "/api/v1/visits/{visit_id}/complete"): Case(
        "POST",
        WORKERS,
        kwargs=_api(scheduled, "visit_id"),
        data={"outcome": "fixed", "report": "Fixed.", "travel_minutes": 20},
    ),
    ("GET", "/api/v1/dispatch"): Case("GET", VIEWERS, query=lambda a: {"days": 7}),
    ("GET", "/api/v1/field-performance"): Case("GET", FIGURES, query=api_performance),
}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (
        sorted(ServicePoint.objects.values_list("pk", "name", "is_active", "team_id", "province")),
        sorted(Technician.objects.values_list("pk", "user_id", "service_point_id", "is_active")),
        sorted(Technician.objects.values_list("pk", "skills")),
        sorted(
            Visit.objects.values_list(
                "pk", "status", "technician_id", "service_point_id", "outcome", "notes"
            )
        ),
        VisitPart.objects.count(),
        sorted(TechnicianHours.objects.values_list("technician_id", "weekday", "starts", "ends")),
        sorted(TimeOff.objects.values_list("pk", "technician_id", "starts_at", "reason")),
    )
