"""The API of the service module's field service: service points and technicians
(set up by service managers, read by everyone), visits (request, schedule, move on,
complete), the dispatch board's data and performance per service point (story 19)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.access import require
from guanxi.core.models import Team, User
from guanxi.integrations.api.calls import call_service, caller
from guanxi.integrations.api.pagination import keyset_page
from guanxi.sales.models import Product
from guanxi.service.api_field_hours import router as hours_router
from guanxi.service.models import BusinessCalendar, ServicePoint, Technician, VisitStatus
from guanxi.service.object_types import FIELD_PERFORMANCE, SERVICE_POINT, VISIT
from guanxi.service.schemas_field import (
    CompleteIn,
    DispatchSchema,
    PerformanceSchema,
    ScheduleIn,
    ServicePointIn,
    ServicePointPatchIn,
    ServicePointSchema,
    TechnicianIn,
    TechnicianPatchIn,
    TechnicianSchema,
    VisitDetailSchema,
    VisitPage,
    VisitRequestIn,
    VisitStatusIn,
)
from guanxi.service.selectors import get_ticket_for, tickets_visible_to
from guanxi.service.selectors_field import (
    dispatch_board,
    filter_visits,
    get_service_point_for,
    get_visit_for,
    service_points_visible_to,
    technicians_of,
    visits_visible_to,
)
from guanxi.service.selectors_field_performance import field_performance
from guanxi.service.services import field as services
from guanxi.service.services import field_points

router = Router(tags=["Field service"])
router.add_router("", hours_router)  # technicians' hours, time off and free slots

NAMES = {
    "service_point": "service_point_id",
    "technician": "technician_id",
    "team": "team_id",
    "calendar": "calendar_id",
    "user": "user_id",
}
SORTS = ("pk", "requested_at", "created_at")


def _call(call: Any) -> Any:
    return call_service(call, names=NAMES)


def _lookup(model: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    record = model.objects.filter(pk=pk).first()
    if record is None:
        raise ValidationError({field: _("This does not exist.")})
    return record


def _point_fields(data: dict[str, Any]) -> dict[str, Any]:
    if "team_id" in data:
        data["team"] = _lookup(Team, data.pop("team_id"), "team_id")
    if "calendar_id" in data:
        data["calendar"] = _lookup(BusinessCalendar, data.pop("calendar_id"), "calendar_id")
    return data


def _visit(user: Any, visit_id: int, action: str) -> Any:
    """The visit if the user may ``action`` it; 403 when they may only see it."""
    try:
        return get_visit_for(user, visit_id, action)
    except Http404:
        if action != "view" and visits_visible_to(user).filter(pk=visit_id).exists():
            raise PermissionDenied from None
        raise


# --- service points and technicians -----------------------------------------------------------


@router.get("/service-points", response=list[ServicePointSchema], summary="List service points")
def list_service_points(request: HttpRequest) -> Any:
    require(request.user, SERVICE_POINT, "view")
    return list(service_points_visible_to(request.user).order_by("name", "pk"))


@router.post("/service-points", response={201: ServicePointSchema}, summary="Add a service point")
def create_service_point(request: HttpRequest, payload: ServicePointIn) -> Any:
    """``coverage`` lists the areas it serves: a province, a city of it, or a district
    of that city; a visit goes to the point covering the customer most specifically."""
    require(request.user, SERVICE_POINT, "add")
    data = _point_fields(payload.dict())
    point = _call(lambda: field_points.create_service_point(actor=caller(request), **data))
    return Status(201, point)


@router.get("/service-points/{point_id}", response=ServicePointSchema, summary="One service point")
def get_service_point(request: HttpRequest, point_id: int) -> Any:
    require(request.user, SERVICE_POINT, "view")
    return get_service_point_for(request.user, point_id)


@router.patch(
    "/service-points/{point_id}", response=ServicePointSchema, summary="Change a service point"
)
def patch_service_point(request: HttpRequest, point_id: int, payload: ServicePointPatchIn) -> Any:
    require(request.user, SERVICE_POINT, "change")
    point = get_service_point_for(request.user, point_id, "change")
    given = payload.dict(exclude_unset=True)
    for name in ("name", "province", "city", "district", "street", "coverage", "is_active"):
        if name in given and given[name] is None:
            del given[name]
    data = _point_fields(given)
    return _call(
        lambda: field_points.update_service_point(actor=caller(request), point=point, **data)
    )


@router.get("/technicians", response=list[TechnicianSchema], summary="List technicians")
def list_technicians(request: HttpRequest, service_point_id: int | None = None) -> Any:
    require(request.user, SERVICE_POINT, "view")
    point = get_service_point_for(request.user, service_point_id) if service_point_id else None
    return list(technicians_of(point, active=False))


@router.post("/technicians", response={201: TechnicianSchema}, summary="Add a technician")
def create_technician(request: HttpRequest, payload: TechnicianIn) -> Any:
    """A user working from a service point, with skills (product categories or tags)."""
    require(request.user, SERVICE_POINT, "change")
    user = _lookup(User, payload.user_id, "user_id")
    point = _lookup(ServicePoint, payload.service_point_id, "service_point_id")
    technician = _call(
        lambda: field_points.add_technician(
            actor=caller(request), service_point=point, user=user, skills=payload.skills
        )
    )
    return Status(201, technician)


@router.patch(
    "/technicians/{technician_id}", response=TechnicianSchema, summary="Change a technician"
)
def patch_technician(request: HttpRequest, technician_id: int, payload: TechnicianPatchIn) -> Any:
    require(request.user, SERVICE_POINT, "change")
    technician = Technician.objects.select_related("user").filter(pk=technician_id).first()
    if technician is None:
        raise Http404
    given = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    if "service_point_id" in given:
        given["service_point"] = _lookup(
            ServicePoint, given.pop("service_point_id"), "service_point_id"
        )
    return _call(
        lambda: field_points.update_technician(
            actor=caller(request), technician=technician, **given
        )
    )


# --- visits -----------------------------------------------------------------------------------


@router.get("/visits", response=VisitPage, summary="List visits")
def list_visits(
    request: HttpRequest,
    q: str = Query("", description="Ticket number or subject, customer, serial number"),
    status: str = Query("", description="requested, scheduled, en_route, on_site, done, …"),
    service_point_id: int | None = None,
    technician_id: int | None = None,
    ticket_id: int | None = None,
    overdue: bool = Query(False, description="Only overdue visits not done yet"),
    repeat: bool = Query(False, description="Only repeat repairs"),
    open_only: bool = Query(False, description="Only visits not done, cancelled or refused"),
    start: date | None = None,
    end: date | None = None,
    sort: str = "-requested_at",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    """Visits requested from ``start`` to ``end`` (inclusive days) when given."""
    require(request.user, VISIT, "view")
    if status and status not in VisitStatus.values:
        raise ValidationError(
            {"status": _("Choose one of: %(values)s.") % {"values": ", ".join(VisitStatus.values)}}
        )
    queryset = filter_visits(
        visits_visible_to(request.user),
        q=q,
        status=status,
        service_point_id=service_point_id,
        technician_id=technician_id,
        ticket_id=ticket_id,
        overdue=overdue,
        repeat=repeat,
        open_only=open_only,
        start=start,
        end=end,
    )
    items, next_cursor = keyset_page(queryset, cursor=cursor, limit=limit, sort=sort, allowed=SORTS)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/visits/{visit_id}", response=VisitDetailSchema, summary="One visit")
def get_visit(request: HttpRequest, visit_id: int) -> Any:
    require(request.user, VISIT, "view")
    return get_visit_for(request.user, visit_id)


@router.post(
    "/tickets/{ticket_id}/visits",
    response={201: VisitDetailSchema},
    summary="Request a visit for a ticket",
)
def request_visit(request: HttpRequest, ticket_id: int, payload: VisitRequestIn) -> Any:
    """From the point given, else the active point covering the customer's address
    (the account's primary address, else the contact's): district over city over
    province. Flagged as a repeat when the unit had a visit done within the repeat
    window."""
    require(request.user, VISIT, "add")
    try:
        ticket = get_ticket_for(request.user, ticket_id, "change")
    except Http404:
        if tickets_visible_to(request.user).filter(pk=ticket_id).exists():
            raise PermissionDenied from None
        raise
    point = _lookup(ServicePoint, payload.service_point_id, "service_point_id")
    visit = _call(
        lambda: services.request_visit(
            actor=caller(request),
            ticket=ticket,
            service_point=point,
            skill=payload.skill,
            notes=payload.notes,
        )
    )
    return Status(201, visit)


@router.post(
    "/visits/{visit_id}/schedule",
    response=VisitDetailSchema,
    summary="Schedule a visit with a technician and window",
)
def schedule_visit(request: HttpRequest, visit_id: int, payload: ScheduleIn) -> Any:
    """The technician must work at the visit's point, have the skill needed and no
    other visit overlapping the window."""
    require(request.user, VISIT, "change")
    visit = _visit(request.user, visit_id, "change")
    technician = Technician.objects.select_related("user").filter(pk=payload.technician_id).first()
    if technician is None:
        raise ValidationError({"technician_id": _("This does not exist.")})
    return _call(
        lambda: services.schedule_visit(
            actor=caller(request),
            visit=visit,
            technician=technician,
            start=payload.scheduled_start,
            end=payload.scheduled_end,
        )
    )


@router.post("/visits/{visit_id}/status", response=VisitDetailSchema, summary="Move a visit on")
def visit_status(request: HttpRequest, visit_id: int, payload: VisitStatusIn) -> Any:
    require(request.user, VISIT, "change")
    visit = _visit(request.user, visit_id, "change")
    return _call(
        lambda: services.change_visit_status(
            actor=caller(request), visit=visit, status=payload.status
        )
    )


@router.post(
    "/visits/{visit_id}/complete",
    response=VisitDetailSchema,
    summary="Complete a visit with its outcome, report and parts",
)
def complete_visit(request: HttpRequest, visit_id: int, payload: CompleteIn) -> Any:
    require(request.user, VISIT, "change")
    visit = _visit(request.user, visit_id, "change")
    products = Product.objects.in_bulk([p.product_id for p in payload.parts])
    parts = [
        {"product": products.get(p.product_id), "quantity": p.quantity, "serial": p.serial}
        for p in payload.parts
    ]
    names = {**NAMES, **{f"parts.{i}.product": f"parts.{i}.product_id" for i in range(len(parts))}}
    visit = call_service(
        lambda: services.complete_visit(
            actor=caller(request),
            visit=visit,
            outcome=payload.outcome,
            report=payload.report,
            travel_minutes=payload.travel_minutes,
            parts=parts,
        ),
        names=names,
    )
    return get_visit_for(request.user, visit.pk)


# --- dispatch and performance -----------------------------------------------------------------


@router.get("/dispatch", response=DispatchSchema, summary="The dispatch board's data")
def dispatch(
    request: HttpRequest,
    day: date | None = None,
    days: int = Query(1, description="1 to 14 days"),
    service_point_id: int | None = None,
) -> Any:
    """From ``day`` (today by default): each technician with their visits overlapping
    the days, their working hours each day, their time off then and their next free
    slots, and the requests waiting for a technician: overdue first, then the oldest."""
    require(request.user, VISIT, "view")
    if not 1 <= days <= 14:
        raise ValidationError({"days": _("Give 1 to 14 days.")})
    point = get_service_point_for(request.user, service_point_id) if service_point_id else None
    board = dispatch_board(request.user, start=day or timezone.localdate(), days=days, point=point)
    return {
        "start": board.start,
        "days": board.days,
        "rows": [
            {
                "technician_id": row.technician.pk,
                "name": str(row.technician.user),
                "service_point_id": row.technician.service_point_id,
                "skills": row.technician.skills,
                "visits": row.visits,
                "hours": [{"day": day, "hours": text} for day, text in row.hours],
                "absences": row.absences,
                "free_slots": [{"start": start, "end": end} for start, end in row.slots],
            }
            for row in board.rows
        ],
        "unscheduled": board.unscheduled,
    }


@router.get(
    "/field-performance",
    response=PerformanceSchema,
    summary="Performance per service point and technician",
)
def performance(
    request: HttpRequest,
    start: date,
    end: date,
    service_point_id: int | None = None,
) -> Any:
    """Visits, hours to visit and to resolution (median and average), repeat rate,
    first-time fix rate and CSAT per point and technician, and the repeat repairs."""
    require(request.user, FIELD_PERFORMANCE, "view")
    if end < start:
        raise ValidationError({"end": _("The end must not be before the start.")})
    point = ServicePoint.objects.filter(pk=service_point_id).first() if service_point_id else None
    if service_point_id and point is None:
        raise ValidationError({"service_point_id": _("This does not exist.")})
    result = field_performance(request.user, start=start, end=end, point=point)
    return {
        "start": result.start,
        "end": result.end,
        "points": [f.as_dict() for f in result.points],
        "technicians": [f.as_dict() for f in result.technicians],
        "repeats": [
            {
                "visit_id": v.pk,
                "ticket_id": v.ticket_id,
                "repeat_of_id": v.repeat_of_id,
                "serial": v.ticket.serial.serial if v.ticket.serial is not None else None,
                "product_id": v.ticket.product_id,
                "outcome": v.outcome,
                "previous_outcome": v.repeat_of.outcome if v.repeat_of else "",
                "previous_report": v.repeat_of.report if v.repeat_of else "",
            }
            for v in result.repeats
        ],
    }
