"""The API of technicians' calendars (mounted by ``api_field``): their weekly hours (read
by everyone who sees service points, replaced by service managers), their time off
(read by managers and the technician themself, recorded and removed by managers) and
free slots for a technician or a visit (visit readers)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.access import require
from guanxi.integrations.api.calls import call_service, caller
from guanxi.service.models import TimeOff
from guanxi.service.object_types import SERVICE_POINT, VISIT
from guanxi.service.schemas_field import (
    HoursIn,
    HoursSchema,
    SlotSchema,
    TimeOffIn,
    TimeOffSchema,
)
from guanxi.service.selectors_field import (
    get_technician,
    get_visit_for,
    technicians_of,
    time_off_of,
    with_calendars,
)
from guanxi.service.services import field_hours

router = Router(tags=["Field service"])


def _hours(technician: Any) -> dict[str, Any]:
    calendar = field_hours.technician_calendar(technician)
    return {
        "technician_id": technician.pk,
        "source": field_hours.hours_source(technician),
        "timezone": calendar.timezone
        if calendar is not None
        else timezone.get_default_timezone_name(),
        "own": [
            {"weekday": row.weekday, "starts": row.starts, "ends": row.ends}
            for row in technician.hours.all()
        ],
        "weekly": [
            {"weekday": day, "starts": starts, "ends": ends}
            for day, spans in field_hours.weekly_hours(technician).items()
            for starts, ends in spans
        ],
    }


def _slot_query(length_minutes: int, after: datetime | None, count: int) -> datetime:
    errors = {}
    if not 15 <= length_minutes <= 24 * 60:
        errors["length_minutes"] = _("Give 15 to 1440 minutes.")
    if not 1 <= count <= 20:
        errors["count"] = _("Give 1 to 20 slots.")
    if errors:
        raise ValidationError(errors)
    if after is None:
        return timezone.now()
    return timezone.make_aware(after) if timezone.is_naive(after) else after


@router.get(
    "/technicians/{technician_id}/hours",
    response=HoursSchema,
    summary="A technician's working hours",
)
def get_hours(request: HttpRequest, technician_id: int) -> Any:
    """``own`` are the technician's own hours; ``weekly`` the hours they work by (their
    own, else their service point's business calendar; empty with ``source`` any)."""
    require(request.user, SERVICE_POINT, "view")
    return _hours(get_technician(technician_id))


@router.put(
    "/technicians/{technician_id}/hours",
    response=HoursSchema,
    summary="Replace a technician's working hours",
)
def put_hours(request: HttpRequest, technician_id: int, payload: HoursIn) -> Any:
    """Replaces every own interval; an empty list puts the technician back on their
    service point's business calendar. Holidays and make-up days of that calendar
    apply either way."""
    require(request.user, SERVICE_POINT, "change")
    technician = get_technician(technician_id)
    rows = [row.dict() for row in payload.hours]
    call_service(
        lambda: field_hours.set_technician_hours(
            actor=caller(request), technician=technician, hours=rows
        )
    )
    return _hours(get_technician(technician_id))


def _readable(request: HttpRequest, technician_id: int) -> Any:
    require(request.user, SERVICE_POINT, "view")
    technician = get_technician(technician_id)
    if not field_hours.may_read_calendar(request.user, technician):
        raise PermissionDenied
    return technician


@router.get(
    "/technicians/{technician_id}/time-off",
    response=list[TimeOffSchema],
    summary="A technician's time off",
)
def list_time_off(
    request: HttpRequest,
    technician_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Any:
    """Time off ending after ``start`` and starting before ``end`` (when given). For
    service managers, administrators and the technician themself."""
    technician = _readable(request, technician_id)
    start, end = (
        timezone.make_aware(moment) if moment and timezone.is_naive(moment) else moment
        for moment in (start, end)
    )
    return list(time_off_of(technician, start=start, end=end))


@router.post(
    "/technicians/{technician_id}/time-off",
    response={201: TimeOffSchema},
    summary="Record a technician's time off",
)
def create_time_off(request: HttpRequest, technician_id: int, payload: TimeOffIn) -> Any:
    """No visit can be scheduled for the technician in it; visits already booked in it
    stay (move them on the dispatch board)."""
    require(request.user, SERVICE_POINT, "change")
    technician = get_technician(technician_id)
    time_off = call_service(
        lambda: field_hours.add_time_off(
            actor=caller(request), technician=technician, **payload.dict()
        )
    )
    return Status(201, time_off)


@router.delete("/time-off/{time_off_id}", response={204: None}, summary="Remove a time off")
def delete_time_off(request: HttpRequest, time_off_id: int) -> Any:
    require(request.user, SERVICE_POINT, "change")
    time_off = TimeOff.objects.filter(pk=time_off_id).first()
    if time_off is None:
        raise Http404
    field_hours.remove_time_off(actor=caller(request), time_off=time_off)
    return Status(204, None)


@router.get(
    "/technicians/{technician_id}/free-slots",
    response=list[SlotSchema],
    summary="A technician's next free slots",
)
def technician_slots(
    request: HttpRequest,
    technician_id: int,
    length_minutes: int = Query(120, description="The length of a slot, 15 to 1440 minutes"),
    after: datetime | None = None,
    count: int = Query(3, description="How many slots, 1 to 20"),
) -> Any:
    """The first windows from ``after`` (default: now) within their working time, clear
    of their booked visits and time off, within the next 31 days."""
    require(request.user, VISIT, "view")
    technician = get_technician(technician_id)
    start = _slot_query(length_minutes, after, count)
    slots = field_hours.technician_free_slots(
        technician, length=timedelta(minutes=length_minutes), after=start, count=count
    )
    return [{"technician_id": technician.pk, "start": s, "end": e} for s, e in slots]


@router.get(
    "/visits/{visit_id}/free-slots",
    response=list[SlotSchema],
    summary="Free slots for a visit",
)
def visit_free_slots(
    request: HttpRequest,
    visit_id: int,
    length_minutes: int | None = Query(
        None, description="Default: the scheduled window's length, else 120"
    ),
    after: datetime | None = None,
    count: int = Query(3, description="How many slots, 1 to 20"),
) -> Any:
    """The first free windows from ``after`` (default: now) among the active technicians
    of the visit's service point with the skill it needs, earliest first."""
    require(request.user, VISIT, "view")
    visit = get_visit_for(request.user, visit_id)
    start = _slot_query(length_minutes or 120, after, count)
    technicians = with_calendars(technicians_of(visit.service_point))
    slots = field_hours.visit_slots(
        visit,
        technicians,
        length=timedelta(minutes=length_minutes) if length_minutes else None,
        after=start,
        count=count,
    )
    return [{"technician_id": s.technician.pk, "start": s.start, "end": s.end} for s in slots]
