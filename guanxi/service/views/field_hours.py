"""A technician's page: the hours they work by (their own or their service point's
calendar), their time off and their next free slots. Service managers set the hours
and record or remove time off; a technician reads their own page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.decorators import require_action
from guanxi.core.models import User
from guanxi.core.views.errors import add_service_errors
from guanxi.service.forms import WEEKDAYS
from guanxi.service.forms_field import TechnicianHoursForm, TimeOffForm
from guanxi.service.models import Technician, TimeOff
from guanxi.service.object_types import SERVICE_POINT
from guanxi.service.selectors_field import get_technician, time_off_of
from guanxi.service.services import field_hours as services


def actor(request: HttpRequest) -> User:
    """The logged-in user (the views require a login)."""
    return cast(User, request.user)


def _page_url(technician: Technician) -> str:
    return reverse("service:field_technician_detail", args=[technician.pk])


def _context(request: HttpRequest, technician: Technician, **forms_: Any) -> dict[str, Any]:
    now = timezone.now()
    may_manage = services.may_manage_hours(request.user)
    weekly = services.weekly_hours(technician)
    context: dict[str, Any] = {
        "technician": technician,
        "source": services.hours_source(technician),
        "weekly": [
            (WEEKDAYS[day], services.spans_text(weekly.get(day, ())) or _("day off"))
            for day in range(7)
        ]
        if weekly
        else [],
        "time_off": list(time_off_of(technician, start=now - timedelta(days=30))),
        "slots": services.technician_free_slots(technician, after=now),
        "can_manage": may_manage,
    }
    if may_manage:
        context["hours_form"] = forms_.get("hours_form") or TechnicianHoursForm(
            initial=TechnicianHoursForm.initial_for(technician.hours.all())
        )
        context["time_off_form"] = forms_.get("time_off_form") or TimeOffForm()
    return context


@require_action(SERVICE_POINT, "view")
def field_technician_detail(request: HttpRequest, pk: int) -> HttpResponse:
    technician = get_technician(pk)
    if not services.may_read_calendar(request.user, technician):
        raise PermissionDenied
    return render(request, "service/field_technician_detail.html", _context(request, technician))


@require_POST
@require_action(SERVICE_POINT, "change")
def field_technician_hours(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the technician's own hours (all empty: back to the point's calendar)."""
    technician = get_technician(pk)
    form = TechnicianHoursForm(request.POST)
    if form.is_valid():
        try:
            services.set_technician_hours(
                actor=actor(request), technician=technician, hours=form.cleaned_data["hours"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Working hours saved."))
            return redirect(_page_url(technician))
    context = _context(request, technician, hours_form=form)
    return render(request, "service/field_technician_detail.html", context)


@require_POST
@require_action(SERVICE_POINT, "change")
def field_time_off_add(request: HttpRequest, pk: int) -> HttpResponse:
    technician = get_technician(pk)
    form = TimeOffForm(request.POST)
    if form.is_valid():
        try:
            time_off = services.add_time_off(
                actor=actor(request), technician=technician, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Time off recorded."))
            for visit in services.visits_during(time_off):
                messages.warning(
                    request,
                    _("Visit %(visit)s (%(start)s) falls in this time off: move it.")
                    % {
                        "visit": visit,
                        "start": timezone.localtime(visit.scheduled_start).strftime(
                            "%Y-%m-%d %H:%M"
                        ),
                    },
                )
            return redirect(_page_url(technician))
    context = _context(request, technician, time_off_form=form)
    return render(request, "service/field_technician_detail.html", context)


@require_POST
@require_action(SERVICE_POINT, "change")
def field_time_off_delete(request: HttpRequest, pk: int) -> HttpResponse:
    time_off = get_object_or_404(TimeOff.objects.select_related("technician"), pk=pk)
    technician = time_off.technician
    services.remove_time_off(actor=actor(request), time_off=time_off)
    messages.success(request, _("Time off removed."))
    return redirect(_page_url(technician))
