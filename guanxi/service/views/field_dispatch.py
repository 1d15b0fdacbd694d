"""The dispatch board: each technician's working hours, time off and visits in their
windows for a day or a week, and the requests waiting for a technician (overdue first,
then the oldest), each with a form to assign it and its next free slots to assign in
one click (htmx swaps the board in place)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.decorators import require_action
from guanxi.core.models import User
from guanxi.service.forms_field import ScheduleForm
from guanxi.service.models import ServicePoint
from guanxi.service.object_types import VISIT
from guanxi.service.selectors_field import dispatch_board, get_visit_for, technicians_of
from guanxi.service.services.field import schedule_visit
from guanxi.service.services.field_hours import may_manage_hours


def actor(request: HttpRequest) -> User:
    """The logged-in user (the views require a login)."""
    return cast(User, request.user)


def _params(source: Any) -> tuple[date, int, ServicePoint | None]:
    try:
        start = parse_date(source.get("day", "")) or timezone.localdate()
    except ValueError:
        start = timezone.localdate()
    days = 7 if source.get("view") == "week" else 1
    if days == 7:
        start -= timedelta(days=start.weekday())
    point_id = source.get("point", "")
    point = ServicePoint.objects.filter(pk=point_id).first() if point_id.isdigit() else None
    return start, days, point


def board_context(request: HttpRequest, source: Any, **extra: Any) -> dict[str, Any]:
    start, days, point = _params(source)
    board = dispatch_board(request.user, start=start, days=days, point=point)
    step = timedelta(days=days)
    technicians: dict[int, list[Any]] = {p.pk: [] for p in board.points}
    for row in board.rows:
        technicians.setdefault(row.technician.service_point_id, []).append(row.technician)
    return {
        "board": board,
        "view": "week" if days == 7 else "day",
        "point": point,
        "day": start,
        "previous": start - step,
        "next": start + step,
        "end": start + step - timedelta(days=1),
        "technicians_by_point": technicians,
        "now": timezone.now(),
        "can_manage_hours": may_manage_hours(request.user),
        **extra,
    }


@require_action(VISIT, "view")
def dispatch_board_view(request: HttpRequest) -> HttpResponse:
    return render(request, "service/dispatch_board.html", board_context(request, request.GET))


@require_POST
@require_action(VISIT, "change")
def dispatch_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign a request to a technician and window. An htmx request gets the board back
    with any error next to the request; a plain form goes back to the board."""
    visit = get_visit_for(request.user, pk, "change")
    form = ScheduleForm(request.POST, technicians=technicians_of(visit.service_point))
    htmx = request.headers.get("HX-Request") == "true"
    errors: list[str] = []
    if form.is_valid():
        try:
            schedule_visit(
                actor=actor(request),
                visit=visit,
                technician=form.cleaned_data["technician"],
                start=form.cleaned_data["scheduled_start"],
                end=form.cleaned_data["scheduled_end"],
            )
        except ValidationError as error:
            errors = error.messages
    else:
        errors = ValidationError(form.errors).messages
    if htmx:
        context = board_context(request, request.POST, assign_errors={visit.pk: errors})
        return render(request, "service/dispatch_body.html", context)
    for text in errors:
        messages.error(request, text)
    if not errors:
        messages.success(request, _("The visit is scheduled."))
    params = {k: request.POST.get(k, "") for k in ("day", "view", "point")}
    return redirect(f"{reverse('service:dispatch_board')}?{urlencode(params)}")
