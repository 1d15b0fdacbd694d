"""Visits: requested for a ticket at the service point covering the customer's address,
scheduled with a skilled technician free in the window, moved through their statuses
and completed with an outcome, the parts used and a report.

* Who: requesting needs the right to add visits and to change the ticket; scheduling,
  status changes and completion need the right to change the visit (a technician's
  own, a manager's teams').
* Scheduling checks the technician's calendar (``field_hours``): their working hours
  and time off.
* Repeat repairs: a visit for a ticket whose unit (or, without a serial number, the same
  product of the same customer) had a visit done within ``FIELD_REPEAT_DAYS`` is a
  repeat of that visit; checked when requested and again when done.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.access import can, is_permitted
from guanxi.core.models import User
from guanxi.core.services.audit import save_audited, snapshot
from guanxi.customers.services.common import Errors, clean_choice, clean_text
from guanxi.sales.models import Product
from guanxi.service.models import (
    ServicePoint,
    Technician,
    Ticket,
    Visit,
    VisitOutcome,
    VisitPart,
    VisitStatus,
)
from guanxi.service.object_types import VISIT
from guanxi.service.selectors_field import busy_visits, customer_address, previous_done_visit
from guanxi.service.services.field_hours import availability_problem
from guanxi.service.services.field_points import point_covering

VISIT_FIELDS = (
    "ticket_id",
    "service_point_id",
    "technician_id",
    "skill",
    "status",
    "scheduled_start",
    "scheduled_end",
    "arrived_at",
    "completed_at",
    "travel_minutes",
    "outcome",
    "report",
    "notes",
    "repeat_of_id",
)
# Where each status may go by a status change (done only by completing the visit).
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    VisitStatus.REQUESTED: (VisitStatus.CANCELLED,),
    VisitStatus.SCHEDULED: (
        VisitStatus.EN_ROUTE,
        VisitStatus.ON_SITE,
        VisitStatus.NO_ACCESS,
        VisitStatus.CANCELLED,
    ),
    VisitStatus.EN_ROUTE: (VisitStatus.ON_SITE, VisitStatus.NO_ACCESS, VisitStatus.CANCELLED),
    VisitStatus.ON_SITE: (VisitStatus.NO_ACCESS,),
}
SCHEDULABLE = (VisitStatus.REQUESTED, VisitStatus.SCHEDULED)
COMPLETABLE = (VisitStatus.SCHEDULED, VisitStatus.EN_ROUTE, VisitStatus.ON_SITE)


def _require_visit(actor: User, visit: Visit, action: str = "change") -> None:
    if not is_permitted(actor, visit, action):
        raise PermissionDenied


def _locked(visit: Visit) -> Visit:
    visit.refresh_from_db(from_queryset=Visit.objects.select_for_update())
    return visit


def _save(actor: User | None, visit: Visit, before: dict[str, Any] | None) -> Visit:
    save_audited(actor=actor, obj=visit, fields=VISIT_FIELDS, before=before)
    return visit


def default_skill(ticket: Ticket) -> str:
    """The skill a visit needs by default: the product's category."""
    return (ticket.product.category or "").strip() if ticket.product_id and ticket.product else ""


def point_for_ticket(ticket: Ticket) -> ServicePoint | None:
    """The service point covering the customer's address (see ``point_covering``)."""
    address = customer_address(ticket)
    if address is None or address.country != "CN":
        return None
    return point_covering(address.province, address.city, address.district)


@transaction.atomic
def request_visit(
    *,
    actor: User,
    ticket: Ticket,
    service_point: ServicePoint | None = None,
    skill: str | None = None,
    notes: str = "",
    now: datetime | None = None,
) -> Visit:
    """A visit for the ticket's customer from the point given, else from the point
    covering their address; flagged as a repeat of an earlier done visit if any."""
    if not can(actor, VISIT, "add") or not is_permitted(actor, ticket, "change"):
        raise PermissionDenied
    now = now or timezone.now()
    errors = Errors()
    if service_point is None:
        service_point = point_for_ticket(ticket)
        if service_point is None:
            errors.add(
                "service_point",
                _("No service point covers the customer's address: choose one."),
            )
    elif not service_point.is_active:
        errors.add("service_point", _("Choose an active service point."))
    needed = clean_text(
        errors, "skill", default_skill(ticket) if skill is None else skill, max_length=100
    )
    notes = clean_text(errors, "notes", notes, max_length=2000)
    errors.raise_if_any()
    assert service_point is not None
    previous = previous_done_visit(ticket, now)
    visit = Visit(
        ticket=ticket,
        service_point=service_point,
        team=service_point.team,
        skill=needed,
        notes=notes,
        requested_at=now,
        requested_by=actor,
        repeat_of=previous,
    )
    return _save(actor, visit, None)


def _clean_window(errors: Errors, start: Any, end: Any) -> None:
    if not isinstance(start, datetime):
        errors.add("scheduled_start", _("Give the start of the window."))
    if not isinstance(end, datetime):
        errors.add("scheduled_end", _("Give the end of the window."))
    if isinstance(start, datetime) and isinstance(end, datetime) and end <= start:
        errors.add("scheduled_end", _("The window must end after it starts."))


@transaction.atomic
def schedule_visit(
    *,
    actor: User,
    visit: Visit,
    technician: Technician | None,
    start: datetime | None,
    end: datetime | None,
) -> Visit:
    """Give the visit a technician of its service point with the needed skill who has no
    other visit overlapping the window, works all of it and is not on time off then
    (rescheduling a scheduled visit too)."""
    _require_visit(actor, visit)
    visit = _locked(visit)
    errors = Errors()
    if visit.status not in SCHEDULABLE:
        errors.add("status", _("Only a requested or scheduled visit can be scheduled."))
    _clean_window(errors, start, end)
    if technician is None:
        errors.add("technician", _("Choose a technician."))
    elif technician.service_point_id != visit.service_point_id:
        errors.add("technician", _("Choose a technician of the visit's service point."))
    elif not technician.is_active or not technician.user.is_active:
        errors.add("technician", _("This technician is not active."))
    elif not technician.has_skill(visit.skill):
        errors.add(
            "technician",
            _("This technician lacks the skill needed: %(skill)s.") % {"skill": visit.skill},
        )
    elif "scheduled_start" not in errors and "scheduled_end" not in errors:
        assert start is not None and end is not None
        clash = busy_visits(technician, start, end).exclude(pk=visit.pk).first()
        if clash is not None:
            errors.add(
                "technician",
                _("This technician has visit %(visit)s from %(start)s to %(end)s.")
                % {
                    "visit": clash,
                    "start": timezone.localtime(clash.scheduled_start).strftime("%Y-%m-%d %H:%M"),
                    "end": timezone.localtime(clash.scheduled_end).strftime("%H:%M"),
                },
            )
        else:
            problem = availability_problem(technician, start, end)
            if problem is not None:
                errors.add("scheduled_start", problem)
    errors.raise_if_any()
    assert technician is not None
    before = snapshot(visit, VISIT_FIELDS)
    visit.technician = technician
    visit.owner = technician.user
    visit.scheduled_start, visit.scheduled_end = start, end
    visit.status = VisitStatus.SCHEDULED
    return _save(actor, visit, before)


@transaction.atomic
def change_visit_status(
    *, actor: User, visit: Visit, status: str, now: datetime | None = None
) -> Visit:
    """Move the visit on (en route, on site, no access, cancelled); arriving on site
    records the time. Done is reached by completing the visit."""
    _require_visit(actor, visit)
    visit = _locked(visit)
    allowed = NEXT_STATUSES.get(visit.status, ())
    if status not in allowed:
        if status == VisitStatus.DONE:
            message = _("Complete the visit with its outcome to mark it done.")
        elif allowed:
            labels = ", ".join(str(VisitStatus(s).label) for s in allowed)
            message = _("From here the visit can go to: %(statuses)s.") % {"statuses": labels}
        else:
            message = _("This visit is finished: its status cannot change.")
        raise ValidationError({"status": message})
    before = snapshot(visit, VISIT_FIELDS)
    visit.status = status
    if status == VisitStatus.ON_SITE and visit.arrived_at is None:
        visit.arrived_at = now or timezone.now()
    if status in (VisitStatus.NO_ACCESS, VisitStatus.CANCELLED):
        visit.completed_at = now or timezone.now()
    return _save(actor, visit, before)


def _clean_parts(errors: Errors, rows: Iterable[Mapping[str, Any]]) -> list[VisitPart]:
    parts = []
    for index, row in enumerate(rows):
        prefix = f"parts.{index}."
        product = row.get("product")
        if not isinstance(product, Product):
            errors.add(f"{prefix}product", _("Choose a product."))
        quantity = row.get("quantity", 1)
        try:
            quantity = int(quantity)
        except (TypeError, ValueError):
            quantity = 0
        if quantity < 1:
            errors.add(f"{prefix}quantity", _("Give a whole number of at least 1."))
        serial = clean_text(errors, f"{prefix}serial", row.get("serial"), max_length=100)
        if isinstance(product, Product) and quantity >= 1:
            parts.append(VisitPart(product=product, quantity=quantity, serial=serial))
    return parts


@transaction.atomic
def complete_visit(
    *,
    actor: User,
    visit: Visit,
    outcome: str,
    report: str = "",
    parts: Iterable[Mapping[str, Any]] = (),
    travel_minutes: Any = None,
    now: datetime | None = None,
) -> Visit:
    """Mark a scheduled (or started) visit done with its outcome, report, travel time
    and the parts used; a repair of the same unit done within the repeat window before
    makes it a repeat."""
    _require_visit(actor, visit)
    visit = _locked(visit)
    now = now or timezone.now()
    errors = Errors()
    if visit.status not in COMPLETABLE:
        errors.add("status", _("Only a scheduled or started visit can be completed."))
    if not outcome:
        errors.add("outcome", _("This field is required."))
    outcome = clean_choice(errors, "outcome", outcome, VisitOutcome)
    report = clean_text(errors, "report", report, max_length=10000)
    if travel_minutes not in (None, ""):
        try:
            travel_minutes = int(travel_minutes)
        except (TypeError, ValueError):
            travel_minutes = -1
        if not 0 <= travel_minutes <= 24 * 60:
            errors.add("travel_minutes", _("Give the minutes travelled, 0 to 1440."))
    else:
        travel_minutes = visit.travel_minutes
    new_parts = _clean_parts(errors, parts)
    errors.raise_if_any()
    before = snapshot(visit, VISIT_FIELDS)
    visit.status = VisitStatus.DONE
    visit.outcome = outcome
    visit.report = report
    visit.travel_minutes = travel_minutes
    visit.completed_at = now
    visit.arrived_at = visit.arrived_at or now
    if visit.repeat_of_id is None:
        visit.repeat_of = previous_done_visit(visit.ticket, now, exclude_pk=visit.pk)
    _save(actor, visit, before)
    for part in new_parts:
        part.visit = visit
    VisitPart.objects.bulk_create(new_parts)
    return visit


@transaction.atomic
def update_visit(*, actor: User, visit: Visit, **fields: Any) -> Visit:
    """Change a visit's notes, needed skill or travel time; its service point while it
    is still only requested."""
    _require_visit(actor, visit)
    visit = _locked(visit)
    errors = Errors()
    if "notes" in fields:
        fields["notes"] = clean_text(errors, "notes", fields["notes"], max_length=2000)
    if "skill" in fields:
        fields["skill"] = clean_text(errors, "skill", fields["skill"], max_length=100)
    if "travel_minutes" in fields and fields["travel_minutes"] is not None:
        value = fields["travel_minutes"]
        if not isinstance(value, int) or not 0 <= value <= 24 * 60:
            errors.add("travel_minutes", _("Give the minutes travelled, 0 to 1440."))
    point = fields.get("service_point")
    if "service_point" in fields and point != visit.service_point:
        if point is None or not point.is_active:
            errors.add("service_point", _("Choose an active service point."))
        elif visit.status != VisitStatus.REQUESTED:
            errors.add(
                "service_point", _("Only a visit not yet scheduled can move to another point.")
            )
    errors.raise_if_any()
    before = snapshot(visit, VISIT_FIELDS)
    for name in ("notes", "skill", "travel_minutes"):
        if name in fields:
            setattr(visit, name, fields[name])
    if point is not None:
        visit.service_point = point
        visit.team = point.team
    return _save(actor, visit, before)
