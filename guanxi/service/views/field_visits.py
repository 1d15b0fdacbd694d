"""Visits: the list with filters, a visit's page (schedule, move on, complete, edit)
and requesting a visit from a ticket's page."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can, is_permitted
from guanxi.core.decorators import require_action
from guanxi.core.models import User
from guanxi.core.selectors import audit_for_object
from guanxi.core.views.errors import add_service_errors
from guanxi.lib.listing import list_page
from guanxi.service.forms_field import (
    CompleteVisitForm,
    ScheduleForm,
    VisitEditForm,
    VisitRequestForm,
    VisitStatusForm,
)
from guanxi.service.models import Visit, VisitStatus
from guanxi.service.object_types import VISIT
from guanxi.service.selectors import get_ticket_for
from guanxi.service.selectors_field import (
    active_service_points,
    filter_visits,
    get_visit_for,
    overdue_first,
    technicians_of,
    visits_visible_to,
    with_calendars,
)
from guanxi.service.services import field as services
from guanxi.service.services.field_hours import visit_slots
from guanxi.service.views.tickets import flash_form_errors

FILTERS = ("status", "point", "technician", "overdue", "repeat", "open", "start", "end", "ticket")
SORTS = ("requested_at", "scheduled_start", "status", "service_point__name", "overdue_at")


def actor(request: HttpRequest) -> User:
    """The logged-in user (the views require a login)."""
    return cast(User, request.user)


def _digits(value: str) -> str | None:
    return value if value.isdigit() else None


def _day(value: str) -> date | None:
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


@require_action(VISIT, "view")
def visit_list(request: HttpRequest) -> HttpResponse:
    """The visits the user may see, filtered; overdue ones first by default."""
    chosen = {name: request.GET.get(name, "").strip() for name in FILTERS}
    queryset = filter_visits(
        visits_visible_to(request.user),
        q=request.GET.get("q", ""),
        status=chosen["status"] if chosen["status"] in VisitStatus.values else "",
        service_point_id=_digits(chosen["point"]),
        technician_id=_digits(chosen["technician"]),
        ticket_id=_digits(chosen["ticket"]),
        overdue=bool(chosen["overdue"]),
        repeat=bool(chosen["repeat"]),
        open_only=bool(chosen["open"]),
        start=_day(chosen["start"]),
        end=_day(chosen["end"]),
    )
    if not request.GET.get("sort"):
        queryset = overdue_first(queryset)
    context = list_page(request, queryset, sort_fields=SORTS)
    context.update(
        chosen=chosen,
        statuses=VisitStatus.choices,
        points=active_service_points(),
        technicians=technicians_of(),
    )
    return render(request, "service/visit_list.html", context)


def _detail_context(request: HttpRequest, visit: Visit, **forms_: Any) -> dict[str, Any]:
    user = request.user
    may_change = is_permitted(user, visit, "change")
    context: dict[str, Any] = {
        "visit": visit,
        "ticket": visit.ticket,
        "parts": list(visit.parts.all()),
        "repeats": list(visit.repeats.select_related("ticket").order_by("requested_at", "pk")),
        "can_change": may_change,
        "history": audit_for_object(user, VISIT, visit.pk)[:50],
    }
    if not may_change:
        return context
    if visit.status in services.SCHEDULABLE:
        context["schedule_form"] = forms_.get("schedule_form") or ScheduleForm(
            technicians=technicians_of(visit.service_point),
            initial={
                "technician": visit.technician_id,
                "scheduled_start": visit.scheduled_start,
                "scheduled_end": visit.scheduled_end,
            },
        )
        context["slots"] = visit_slots(
            visit, with_calendars(technicians_of(visit.service_point)), after=timezone.now()
        )
    next_statuses = services.NEXT_STATUSES.get(visit.status, ())
    if next_statuses:
        context["status_form"] = VisitStatusForm(statuses=list(next_statuses))
    if visit.status in services.COMPLETABLE:
        context["complete_form"] = forms_.get("complete_form") or CompleteVisitForm(
            initial={"travel_minutes": visit.travel_minutes}
        )
    context["edit_form"] = forms_.get("edit_form") or VisitEditForm(
        points=active_service_points(),
        initial={
            "service_point": visit.service_point_id,
            "skill": visit.skill,
            "travel_minutes": visit.travel_minutes,
            "notes": visit.notes,
        },
    )
    return context


@require_action(VISIT, "view")
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, pk)
    return render(request, "service/visit_detail.html", _detail_context(request, visit))


@require_POST
@require_action(VISIT, "change")
def visit_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, pk, "change")
    form = ScheduleForm(request.POST, technicians=technicians_of(visit.service_point))
    if form.is_valid():
        try:
            services.schedule_visit(
                actor=actor(request),
                visit=visit,
                technician=form.cleaned_data["technician"],
                start=form.cleaned_data["scheduled_start"],
                end=form.cleaned_data["scheduled_end"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The visit is scheduled."))
            return redirect(visit.get_absolute_url())
    context = _detail_context(request, visit, schedule_form=form)
    return render(request, "service/visit_detail.html", context)


@require_POST
@require_action(VISIT, "change")
def visit_status(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, pk, "change")
    form = VisitStatusForm(request.POST, statuses=list(VisitStatus.values))
    if form.is_valid():
        try:
            services.change_visit_status(
                actor=actor(request), visit=visit, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            flash_form_errors(request, error, form)
        else:
            messages.success(request, _("Visit status changed."))
    else:
        flash_form_errors(request, ValidationError(form.errors), form)
    return redirect(visit.get_absolute_url())


@require_POST
@require_action(VISIT, "change")
def visit_complete(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, pk, "change")
    form = CompleteVisitForm(request.POST)
    if form.is_valid():
        try:
            services.complete_visit(actor=actor(request), visit=visit, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for key, texts in error.message_dict.items():
                    name = key.split(".")[0]
                    form.add_error(name if name in form.fields else None, texts)
            else:
                add_service_errors(form, error)
        else:
            messages.success(request, _("The visit is done."))
            return redirect(visit.get_absolute_url())
    context = _detail_context(request, visit, complete_form=form)
    return render(request, "service/visit_detail.html", context)


@require_POST
@require_action(VISIT, "change")
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, pk, "change")
    form = VisitEditForm(request.POST, points=active_service_points())
    if form.is_valid():
        try:
            services.update_visit(actor=actor(request), visit=visit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Visit saved."))
            return redirect(visit.get_absolute_url())
    context = _detail_context(request, visit, edit_form=form)
    return render(request, "service/visit_detail.html", context)


@require_POST
@require_action(VISIT, "add")
def visit_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Request a visit from the ticket's page (the point covering the customer's address
    unless one is chosen)."""
    ticket = get_ticket_for(request.user, pk, "change")
    form = VisitRequestForm(request.POST, points=active_service_points())
    if form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.request_visit(
                actor=actor(request),
                ticket=ticket,
                service_point=data["service_point"],
                skill=data["skill"] or None,
                notes=data["notes"],
            )
        except ValidationError as error:
            flash_form_errors(request, error, form)
        else:
            messages.success(
                request,
                _("Visit %(visit)s requested from %(point)s.")
                % {"visit": visit, "point": visit.service_point},
            )
            if can(request.user, VISIT, "view") and is_permitted(request.user, visit, "view"):
                return redirect(visit.get_absolute_url())
    else:
        flash_form_errors(request, ValidationError(form.errors), form)
    return redirect(f"{ticket.get_absolute_url()}#visits")
