"""Technicians' calendars: when each one works, their time off, and their free slots.

* A technician works by their own weekly hours when they have any, else by their
  service point's business calendar (opening hours); the point calendar's holidays
  and make-up working days apply either way (a make-up day has the Monday hours).
  With neither own hours nor a point calendar, they may work at any time.
* Time off (leave, sickness, training…) makes them unavailable whatever the hours.
* Service managers and administrators (who change service points) set hours and
  record time off; every change is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from itertools import pairwise
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_time
from django.utils.translation import gettext as _

from guanxi.core.access import can
from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import delete_audited, record_audit, save_audited
from guanxi.customers.services.common import Errors, clean_choice, clean_text
from guanxi.lib.business_time import Calendar
from guanxi.service.choices import CalendarDayKind
from guanxi.service.models import Technician, TechnicianHours, TimeOff, TimeOffReason, Visit
from guanxi.service.models.field import BOOKED_VISIT
from guanxi.service.object_types import SERVICE_POINT
from guanxi.service.services.field_slots import HORIZON, Span, free_slots, is_working

TIME_OFF_FIELDS = ("technician_id", "starts_at", "ends_at", "reason", "note")
DEFAULT_VISIT_LENGTH = timedelta(hours=2)
# Own hours: the technician's; point: their service point's calendar; any: no limit.
OWN, POINT, ANY = "own", "service_point", "any"


def _require(actor: User) -> None:
    if not can(actor, SERVICE_POINT, "change"):
        raise PermissionDenied


def may_manage_hours(user: Any) -> bool:
    """Whether the user sets technicians' hours and time off (service managers)."""
    return can(user, SERVICE_POINT, "change")


def may_read_calendar(user: Any, technician: Technician) -> bool:
    """Managers read every technician's time off; a technician reads their own."""
    return may_manage_hours(user) or technician.user_id == getattr(user, "pk", None)


def hours_source(technician: Technician) -> str:
    if technician.hours.all():
        return OWN
    return POINT if technician.service_point.calendar_id else ANY


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def technician_calendar(technician: Technician) -> Calendar | None:
    """The technician's working time as the business-time ``Calendar`` (None: any time).
    Reads ``hours`` and the point calendar's ``hours`` and ``days`` (prefetch them)."""
    own: dict[int, list[tuple[time, time]]] = {}
    for row in technician.hours.all():
        own.setdefault(row.weekday, []).append((row.starts, row.ends))
    point_calendar = technician.service_point.calendar
    if point_calendar is None and not own:
        return None
    days = list(point_calendar.days.all()) if point_calendar is not None else []
    if own:
        hours = own
    else:
        assert point_calendar is not None
        hours = {}
        for opening in point_calendar.hours.all():
            hours.setdefault(opening.weekday, []).append((opening.opens, opening.closes))
    return Calendar(
        timezone=point_calendar.timezone if point_calendar is not None else settings.TIME_ZONE,
        hours={weekday: tuple(sorted(spans)) for weekday, spans in hours.items()},
        holidays=frozenset(d.date for d in days if d.kind == CalendarDayKind.HOLIDAY),
        workdays=frozenset(d.date for d in days if d.kind == CalendarDayKind.WORKDAY),
    )


def weekly_hours(technician: Technician) -> dict[int, list[tuple[time, time]]]:
    """The weekly pattern the technician works by (weekday → intervals); empty: any time."""
    calendar = technician_calendar(technician)
    if calendar is None:
        return {}
    return {day: list(calendar.hours.get(day, ())) for day in range(7)}


def spans_text(spans: Iterable[tuple[time, time]]) -> str:
    return ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in spans)


def hours_on(calendar: Calendar | None, day: Any) -> str:
    """A day's working hours as text (a holiday or a day off: "day off")."""
    if calendar is None:
        return _("any time")
    return spans_text(calendar.intervals_on(day)) or _("day off")


def time_off_between(
    technicians: Iterable[Technician], start: datetime, end: datetime
) -> list[TimeOff]:
    return list(
        TimeOff.objects.filter(
            technician__in=[t.pk for t in technicians], starts_at__lt=end, ends_at__gt=start
        ).order_by("starts_at", "pk")
    )


def busy_intervals(
    technician: Technician, start: datetime, end: datetime, *, exclude_visit: Any = None
) -> list[Span]:
    """The technician's booked visits and time off overlapping ``start``–``end``."""
    visits = Visit.objects.filter(
        technician=technician,
        status__in=BOOKED_VISIT,
        scheduled_start__lt=end,
        scheduled_end__gt=start,
    )
    if exclude_visit is not None:
        visits = visits.exclude(pk=exclude_visit)
    busy: list[Span] = [
        (s, e) for s, e in visits.values_list("scheduled_start", "scheduled_end") if s and e
    ]
    busy += [(t.starts_at, t.ends_at) for t in time_off_between([technician], start, end)]
    return busy


def _when(moment: datetime, zone: tzinfo | None = None) -> str:
    """The moment in the reader's time zone, or in ``zone`` (a calendar's), named when
    it differs from the reader's so the message never mixes zones unannounced."""
    if zone is None:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    text = moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return text if str(zone) == str(timezone.get_current_timezone()) else f"{text} ({zone})"


def availability_problem(technician: Technician, start: datetime, end: datetime) -> str | None:
    """Why the technician cannot take a visit from ``start`` to ``end`` (outside their
    working time, or on time off), or None."""
    start, end = _aware(start), _aware(end)
    calendar = technician_calendar(technician)
    if not is_working(calendar, start, end):
        assert calendar is not None
        day = start.astimezone(calendar.zone).date()
        return _(
            "%(technician)s does not work from %(start)s to %(end)s: their working hours "
            "on %(day)s are %(hours)s."
        ) % {
            "technician": technician.user,
            "start": _when(start, calendar.zone),
            "end": _when(end, calendar.zone),
            "day": day.isoformat(),
            "hours": hours_on(calendar, day),
        }
    away = time_off_between([technician], start, end)
    if away:
        return _("%(technician)s is away (%(reason)s) from %(start)s to %(end)s.") % {
            "technician": technician.user,
            "reason": away[0].get_reason_display(),
            "start": _when(away[0].starts_at),
            "end": _when(away[0].ends_at),
        }
    return None


def technician_free_slots(
    technician: Technician,
    *,
    length: timedelta = DEFAULT_VISIT_LENGTH,
    after: datetime | None = None,
    count: int = 3,
    exclude_visit: Any = None,
) -> list[Span]:
    """The technician's first free windows of ``length`` from ``after`` (now)."""
    after = _aware(after) if after is not None else timezone.now()
    busy = busy_intervals(technician, after, after + HORIZON, exclude_visit=exclude_visit)
    return free_slots(
        technician_calendar(technician), busy, length=length, after=after, count=count
    )


@dataclass(frozen=True)
class Slot:
    technician: Technician
    start: datetime
    end: datetime


def visit_slots(
    visit: Visit,
    technicians: Iterable[Technician],
    *,
    length: timedelta | None = None,
    after: datetime | None = None,
    count: int = 3,
) -> list[Slot]:
    """The first free windows for the visit among the technicians given who may take it
    (active, of its point, with the skill); its length by default the scheduled
    window's, else two hours."""
    if length is None:
        if visit.scheduled_start and visit.scheduled_end:
            length = visit.scheduled_end - visit.scheduled_start
        else:
            length = DEFAULT_VISIT_LENGTH
    found = [
        Slot(technician, start, end)
        for technician in technicians
        if technician.service_point_id == visit.service_point_id
        and technician.is_active
        and technician.has_skill(visit.skill)
        for start, end in technician_free_slots(
            technician, length=length, after=after, count=count, exclude_visit=visit.pk
        )
    ]
    found.sort(key=lambda slot: (slot.start, slot.technician.pk))
    return found[:count]


# --- changes ----------------------------------------------------------------------------------


def _clean_time(errors: Errors, key: str, value: Any) -> time | None:
    if isinstance(value, time):
        return value
    parsed = parse_time(str(value or "").strip()) if value not in (None, "") else None
    if parsed is None:
        errors.add(key, _("Give a time of day as hh:mm."))
    return parsed


def clean_hours(errors: Errors, rows: Iterable[Mapping[str, Any]]) -> list[tuple[int, time, time]]:
    """Weekly intervals ``{weekday, starts, ends}``; errors name ``hours.<n>.<field>``."""
    cleaned: list[tuple[int, time, time, int]] = []
    for index, row in enumerate(rows):
        prefix = f"hours.{index}."
        if not isinstance(row, Mapping):
            errors.add(f"hours.{index}", _("Give a weekday, a start and an end."))
            continue
        weekday = row.get("weekday")
        if not isinstance(weekday, int) or isinstance(weekday, bool) or not 0 <= weekday <= 6:
            errors.add(f"{prefix}weekday", _("Give a weekday from 0 (Monday) to 6 (Sunday)."))
            weekday = None
        starts = _clean_time(errors, f"{prefix}starts", row.get("starts"))
        ends = _clean_time(errors, f"{prefix}ends", row.get("ends"))
        if starts is not None and ends is not None and ends <= starts:
            errors.add(f"{prefix}ends", _("The hours must end after they start."))
        elif weekday is not None and starts is not None and ends is not None:
            cleaned.append((weekday, starts, ends, index))
    cleaned.sort()
    for (day, _starts, ends, _index), (next_day, next_starts, _ends, index) in pairwise(cleaned):
        if day == next_day and next_starts < ends:
            errors.add(f"hours.{index}.starts", _("These hours overlap others of the same day."))
    return [(day, starts, ends) for day, starts, ends, _index in cleaned]


def _hours_text(rows: Iterable[tuple[int, time, time]]) -> str | None:
    text = "; ".join(f"{day} {start:%H:%M}-{end:%H:%M}" for day, start, end in rows)
    return text or None


@transaction.atomic
def set_technician_hours(
    *, actor: User, technician: Technician, hours: Iterable[Mapping[str, Any]]
) -> list[TechnicianHours]:
    """Replace the technician's own weekly hours; none: back to the point's calendar."""
    _require(actor)
    errors = Errors()
    cleaned = clean_hours(errors, list(hours))
    errors.raise_if_any()
    # Two saves at once must not both delete and both insert (overlapping hours would
    # break every calendar built for the technician): the second waits for the first.
    Technician.objects.select_for_update().filter(pk=technician.pk).first()
    existing = TechnicianHours.objects.filter(technician=technician)
    before = _hours_text(
        (r.weekday, r.starts, r.ends) for r in existing.order_by("weekday", "starts")
    )
    existing.delete()
    rows = TechnicianHours.objects.bulk_create(
        TechnicianHours(technician=technician, weekday=day, starts=start, ends=end)
        for day, start, end in cleaned
    )
    after = _hours_text(cleaned)
    if before != after:
        record_audit(
            actor=actor, event=AuditEvent.CHANGE, obj=technician, changes={"hours": [before, after]}
        )
    return rows


@transaction.atomic
def add_time_off(
    *,
    actor: User,
    technician: Technician,
    starts_at: Any,
    ends_at: Any,
    reason: str = TimeOffReason.LEAVE,
    note: str = "",
) -> TimeOff:
    """Record the technician's absence. Visits already booked in it stay: the dispatch
    board shows them over the absence so the dispatcher can move them."""
    _require(actor)
    errors = Errors()
    if not isinstance(starts_at, datetime):
        errors.add("starts_at", _("Give the start of the time off."))
    if not isinstance(ends_at, datetime):
        errors.add("ends_at", _("Give the end of the time off."))
    if isinstance(starts_at, datetime) and isinstance(ends_at, datetime):
        starts_at, ends_at = _aware(starts_at), _aware(ends_at)
        if ends_at <= starts_at:
            errors.add("ends_at", _("The time off must end after it starts."))
        elif ends_at - starts_at > timedelta(days=366):
            errors.add("ends_at", _("Record at most a year of time off at once."))
    reason = clean_choice(errors, "reason", reason or TimeOffReason.LEAVE, TimeOffReason)
    note = clean_text(errors, "note", note, max_length=200)
    errors.raise_if_any()
    time_off = TimeOff(
        technician=technician,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        note=note,
        created_by=actor,
    )
    save_audited(actor=actor, obj=time_off, fields=TIME_OFF_FIELDS)
    return time_off


@transaction.atomic
def remove_time_off(*, actor: User, time_off: TimeOff) -> None:
    """Delete a time off entry (audited with the values it had)."""
    _require(actor)
    delete_audited(actor=actor, obj=time_off, fields=TIME_OFF_FIELDS)


def visits_during(time_off: TimeOff) -> list[Visit]:
    """The technician's booked visits overlapping the time off (to move elsewhere)."""
    return list(
        Visit.objects.filter(
            technician_id=time_off.technician_id,
            status__in=BOOKED_VISIT,
            scheduled_start__lt=time_off.ends_at,
            scheduled_end__gt=time_off.starts_at,
        ).order_by("scheduled_start", "pk")
    )
