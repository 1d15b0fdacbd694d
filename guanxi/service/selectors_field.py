"""Reads of field service: service points, technicians (with their calendars) and visits
narrowed to what the user may see, a customer's site address, earlier done visits
(repeat repairs) and the dispatch board with hours, time off and free slots."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from guanxi.core.access import get_for_or_404, restrict
from guanxi.customers.models import Address
from guanxi.service.models import ServicePoint, Technician, Ticket, TimeOff, Visit, VisitStatus
from guanxi.service.models.field import BOOKED_VISIT, OPEN_VISIT
from guanxi.service.services.field_hours import (
    DEFAULT_VISIT_LENGTH,
    Slot,
    hours_on,
    technician_calendar,
)
from guanxi.service.services.field_slots import HORIZON, Span, free_slots

VISIT_RELATED = (
    "ticket",
    "ticket__account",
    "ticket__contact",
    "ticket__product",
    "ticket__serial",
    "service_point",
    "technician__user",
    "repeat_of",
    "repeat_of__ticket",
)


def service_points_visible_to(user: Any, action: str = "view") -> QuerySet[ServicePoint]:
    return restrict(ServicePoint.objects.all(), user, action).select_related("team", "calendar")


def get_service_point_for(user: Any, pk: Any, action: str = "view") -> ServicePoint:
    return get_for_or_404(service_points_visible_to(user, action), user, pk, action)


def active_service_points() -> QuerySet[ServicePoint]:
    return ServicePoint.objects.filter(is_active=True).order_by("name", "pk")


def technicians_of(point: ServicePoint | None = None, *, active: bool = True) -> QuerySet[Any]:
    queryset = Technician.objects.select_related("user", "service_point")
    if point is not None:
        queryset = queryset.filter(service_point=point)
    if active:
        queryset = queryset.filter(is_active=True, user__is_active=True)
    return queryset.order_by("service_point__name", "user__full_name", "pk")


CALENDAR_PREFETCH = ("hours", "service_point__calendar__hours", "service_point__calendar__days")


def with_calendars(queryset: QuerySet[Technician]) -> QuerySet[Technician]:
    """Technicians with what their calendars are read from (``field_hours``)."""
    return queryset.select_related("service_point__calendar").prefetch_related(*CALENDAR_PREFETCH)


def get_technician(pk: Any) -> Technician:
    """A technician with their user, point and calendar rows; 404 when missing (service
    points and their technicians are read by everyone who may see service points)."""
    found = with_calendars(Technician.objects.select_related("user")).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def time_off_of(
    technician: Technician, *, start: datetime | None = None, end: datetime | None = None
) -> QuerySet[TimeOff]:
    """The technician's time off overlapping ``start``–``end`` (each end optional)."""
    queryset = TimeOff.objects.filter(technician=technician).select_related("created_by")
    if start is not None:
        queryset = queryset.filter(ends_at__gt=start)
    if end is not None:
        queryset = queryset.filter(starts_at__lt=end)
    return queryset.order_by("starts_at", "pk")


def visits_visible_to(user: Any, action: str = "view") -> QuerySet[Visit]:
    return restrict(Visit.objects.all(), user, action).select_related(*VISIT_RELATED)


def get_visit_for(user: Any, pk: Any, action: str = "view") -> Visit:
    return get_for_or_404(
        visits_visible_to(user, action).prefetch_related("parts__product"), user, pk, action
    )


def overdue_first(queryset: QuerySet[Visit]) -> QuerySet[Visit]:
    """Overdue open visits first, then the oldest request first."""
    return queryset.order_by(F("overdue_at").asc(nulls_last=True), "requested_at", "pk")


def filter_visits(
    queryset: QuerySet[Visit],
    *,
    q: str = "",
    status: str = "",
    service_point_id: Any = None,
    technician_id: Any = None,
    ticket_id: Any = None,
    overdue: bool = False,
    repeat: bool = False,
    open_only: bool = False,
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[Visit]:
    """Narrow by ticket number, subject or customer (``q``), status, point, technician,
    overdue or repeat flag, and the day requested (``start``–``end`` inclusive)."""
    text = q.strip()
    if text:
        queryset = queryset.filter(
            Q(ticket__number__icontains=text)
            | Q(ticket__subject__icontains=text)
            | Q(ticket__account__name__icontains=text)
            | Q(ticket__contact__full_name__icontains=text)
            | Q(ticket__serial__serial__icontains=text)
        )
    for name, value in (
        ("status", status),
        ("service_point_id", service_point_id),
        ("technician_id", technician_id),
        ("ticket_id", ticket_id),
    ):
        if value:
            queryset = queryset.filter(**{name: value})
    if overdue:
        queryset = queryset.filter(overdue_at__isnull=False, status__in=OPEN_VISIT)
    if repeat:
        queryset = queryset.filter(repeat_of__isnull=False)
    if open_only:
        queryset = queryset.filter(status__in=OPEN_VISIT)
    if start is not None:
        queryset = queryset.filter(requested_at__gte=day_start(start))
    if end is not None:
        queryset = queryset.filter(requested_at__lt=day_start(end + timedelta(days=1)))
    return queryset


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def visits_of_ticket(user: Any, ticket: Ticket) -> list[Visit]:
    return list(visits_visible_to(user).filter(ticket=ticket).order_by("requested_at", "pk"))


def customer_address(ticket: Ticket) -> Address | None:
    """Where the technician goes: the account's primary address, else the contact's
    (their first one when none is marked primary)."""
    for field_name, record_id in (
        ("account_id", ticket.account_id),
        ("contact_id", ticket.contact_id),
    ):
        if record_id:
            address = (
                Address.objects.filter(**{field_name: record_id})
                .order_by("-is_primary", "pk")
                .first()
            )
            if address is not None:
                return address
    return None


def previous_done_visit(ticket: Ticket, at: datetime, exclude_pk: Any = None) -> Visit | None:
    """The latest visit done within ``FIELD_REPEAT_DAYS`` before ``at`` on another
    ticket for the same unit (serial number) or, without one, the same product of the
    same customer: the repair ``ticket`` repeats."""
    since = at - timedelta(days=settings.FIELD_REPEAT_DAYS)
    candidates = Visit.objects.filter(
        status=VisitStatus.DONE, completed_at__gte=since, completed_at__lte=at
    ).exclude(ticket_id=ticket.pk)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    if ticket.serial_id:
        candidates = candidates.filter(ticket__serial_id=ticket.serial_id)
    elif ticket.product_id and (ticket.account_id or ticket.contact_id):
        candidates = candidates.filter(ticket__product_id=ticket.product_id)
        if ticket.account_id:
            candidates = candidates.filter(ticket__account_id=ticket.account_id)
        else:
            candidates = candidates.filter(ticket__contact=ticket.contact)
    else:
        return None
    return candidates.select_related("ticket").order_by("-completed_at", "-pk").first()


def busy_visits(technician: Technician, start: datetime, end: datetime) -> QuerySet[Visit]:
    """The technician's booked visits whose windows overlap ``start``–``end``."""
    return Visit.objects.filter(
        technician=technician,
        status__in=BOOKED_VISIT,
        scheduled_start__lt=end,
        scheduled_end__gt=start,
    )


@dataclass
class BoardRow:
    technician: Technician
    visits: list[Visit] = field(default_factory=list)
    # The working hours of each shown day as text, the time off overlapping the days
    # and the technician's next free slots (of ``DEFAULT_VISIT_LENGTH``).
    hours: list[tuple[date, str]] = field(default_factory=list)
    absences: list[TimeOff] = field(default_factory=list)
    slots: list[Span] = field(default_factory=list)


@dataclass
class Board:
    start: date
    days: int
    rows: list[BoardRow]
    unscheduled: list[Visit]
    points: list[ServicePoint]
    # Per waiting visit: the first free slots among the technicians who may take it.
    suggestions: dict[int, list[Slot]] = field(default_factory=dict)


def _calendars(rows: dict[int, BoardRow], start: date, days: int, now: datetime) -> None:
    """Each row's hours for the shown days, time off and next free slots: three queries
    (visits and time off, for every technician at once) plus the calendars' prefetch."""
    begin, finish = day_start(start), day_start(start + timedelta(days=days))
    after = max(now, begin)
    horizon = after + HORIZON
    busy: dict[int, list[Span]] = {pk: [] for pk in rows}
    for technician_id, visit_start, visit_end in Visit.objects.filter(
        technician__in=list(rows),
        status__in=BOOKED_VISIT,
        scheduled_start__lt=horizon,
        scheduled_end__gt=after,
    ).values_list("technician_id", "scheduled_start", "scheduled_end"):
        if visit_start is not None and visit_end is not None:
            busy[technician_id].append((visit_start, visit_end))
    for absence in TimeOff.objects.filter(
        technician__in=list(rows), starts_at__lt=max(finish, horizon), ends_at__gt=begin
    ).order_by("starts_at", "pk"):
        busy[absence.technician_id].append((absence.starts_at, absence.ends_at))
        if absence.starts_at < finish:
            rows[absence.technician_id].absences.append(absence)
    for pk, row in rows.items():
        calendar = technician_calendar(row.technician)
        row.hours = [
            (day, hours_on(calendar, day))
            for day in (start + timedelta(days=n) for n in range(days))
        ]
        row.slots = free_slots(calendar, busy[pk], length=DEFAULT_VISIT_LENGTH, after=after)


def _suggestions(rows: list[BoardRow], visits: list[Visit]) -> dict[int, list[Slot]]:
    suggestions = {}
    for visit in visits:
        slots = [
            Slot(row.technician, slot_start, slot_end)
            for row in rows
            if row.technician.service_point_id == visit.service_point_id
            and row.technician.has_skill(visit.skill)
            for slot_start, slot_end in row.slots
        ]
        slots.sort(key=lambda slot: (slot.start, slot.technician.pk))
        suggestions[visit.pk] = slots[:3]
        visit.free_slots = suggestions[visit.pk]  # type: ignore[attr-defined] # for the page
    return suggestions


def dispatch_board(
    user: Any,
    *,
    start: date,
    days: int = 1,
    point: ServicePoint | None = None,
    now: datetime | None = None,
) -> Board:
    """The technicians (rows) with the visits in their windows from ``start`` for
    ``days`` days, their hours and time off then, and the requests waiting for a
    technician, overdue first then the oldest, each with the first free slots; only
    visits the user may see. A constant number of queries whatever the size."""
    begin, finish = day_start(start), day_start(start + timedelta(days=days))
    technicians = list(with_calendars(technicians_of(point)))
    visible = visits_visible_to(user)
    if point is not None:
        visible = visible.filter(service_point=point)
    booked = list(
        visible.filter(
            technician__in=[t.pk for t in technicians],
            scheduled_start__lt=finish,
            scheduled_end__gt=begin,
        )
        .exclude(status=VisitStatus.CANCELLED)
        .order_by("scheduled_start", "pk")
    )
    rows = {t.pk: BoardRow(technician=t) for t in technicians}
    for visit in booked:
        if visit.technician_id is not None:
            rows[visit.technician_id].visits.append(visit)
    _calendars(rows, start, days, now or timezone.now())
    waiting = list(overdue_first(visible.filter(status=VisitStatus.REQUESTED))[:200])
    return Board(
        start=start,
        days=days,
        rows=list(rows.values()),
        unscheduled=waiting,
        points=list(active_service_points()),
        suggestions=_suggestions(list(rows.values()), waiting),
    )
