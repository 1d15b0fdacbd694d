"""Service points and their technicians: the list (with a new point), a point's page
with its technicians, and the changes service managers make to them."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can
from guanxi.core.decorators import require_action
from guanxi.core.models import Team, User
from guanxi.core.views.errors import add_service_errors, flash_errors
from guanxi.lib import regions
from guanxi.service.forms_field import (
    ServicePointForm,
    TechnicianEditForm,
    TechnicianForm,
    coverage_text,
)
from guanxi.service.models import BusinessCalendar, ServicePoint, Technician
from guanxi.service.models.field import OPEN_VISIT
from guanxi.service.object_types import SERVICE_POINT
from guanxi.service.selectors_field import (
    active_service_points,
    get_service_point_for,
    service_points_visible_to,
    technicians_of,
)
from guanxi.service.services import field_points as services


def actor(request: HttpRequest) -> User:
    """The logged-in user (the views require a login)."""
    return cast(User, request.user)


def _language() -> str:
    return get_language() or "zh-hans"


def _point_form(data: Any = None, **kwargs: Any) -> ServicePointForm:
    return ServicePointForm(
        data,
        teams=Team.objects.order_by("name"),
        calendars=BusinessCalendar.objects.order_by("name"),
        language=_language(),
        **kwargs,
    )


def _add_errors(form: Any, error: ValidationError) -> None:
    """Service errors on the form; ``coverage.<n>.<part>`` on the coverage field."""
    if hasattr(error, "error_dict"):
        for key, texts in error.message_dict.items():
            name = key.split(".")[0]
            form.add_error(name if name in form.fields else None, texts)
    else:
        add_service_errors(form, error)


def place_name(province: str, city: str = "", district: str = "") -> str:
    names = dict(regions.province_choices(_language()))
    return " ".join(p for p in (names.get(province, province), city, district) if p)


@require_action(SERVICE_POINT, "view")
def field_point_list(request: HttpRequest) -> HttpResponse:
    """Every service point with its coverage, team, technicians and open visits; a
    service manager adds one below."""
    may_add = can(request.user, SERVICE_POINT, "add")
    form = _point_form(request.POST or None) if may_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                point = services.create_service_point(actor=actor(request), **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Service point %(name)s was added.") % {"name": point})
                return redirect(point.get_absolute_url())
    points = service_points_visible_to(request.user).annotate(
        n_technicians=Count("technicians", filter=Q(technicians__is_active=True), distinct=True),
        n_open=Count("visits", filter=Q(visits__status__in=OPEN_VISIT), distinct=True),
    )
    rows = [
        {
            "point": point,
            "place": place_name(point.province, point.city, point.district),
            "coverage": coverage_text(point.coverage, _language()).replace("\n", "; "),
        }
        for point in points.order_by("name", "pk")
    ]
    return render(request, "service/field_point_list.html", {"rows": rows, "form": form})


@require_action(SERVICE_POINT, "view")
def field_point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_service_point_for(request.user, pk)
    may_change = can(request.user, SERVICE_POINT, "change")
    context: dict[str, Any] = {
        "point": point,
        "place": place_name(point.province, point.city, point.district),
        "coverage": coverage_text(point.coverage, _language()).splitlines(),
        "technicians": list(technicians_of(point, active=False)),
        "can_change": may_change,
    }
    if may_change:
        context["edit_form"] = _point_form(
            initial={
                "name": point.name,
                "province": point.province,
                "city": point.city,
                "district": point.district,
                "street": point.street,
                "coverage": coverage_text(point.coverage, _language()),
                "team": point.team_id,
                "calendar": point.calendar_id,
                "is_active": point.is_active,
            }
        )
        context["technician_form"] = TechnicianForm(users=_free_users())
        context["points"] = active_service_points()
    return render(request, "service/field_point_detail.html", context)


def _free_users() -> Any:
    return (
        User.objects.filter(is_active=True, technician__isnull=True)
        .only("pk", "full_name", "email")
        .order_by("full_name", "pk")
    )


@require_POST
@require_action(SERVICE_POINT, "change")
def field_point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_service_point_for(request.user, pk, "change")
    form = _point_form(request.POST)
    if form.is_valid():
        try:
            services.update_service_point(actor=actor(request), point=point, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Service point saved."))
            return redirect(point.get_absolute_url())
    context = {"form": form, "title": _("Edit %(name)s") % {"name": point.name}}
    context["cancel_url"] = point.get_absolute_url()
    return render(request, "web/form_page.html", context, status=200)


@require_POST
@require_action(SERVICE_POINT, "change")
def field_technician_add(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_service_point_for(request.user, pk, "change")
    form = TechnicianForm(request.POST, users=_free_users())
    if form.is_valid():
        try:
            services.add_technician(actor=actor(request), service_point=point, **form.cleaned_data)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Technician added."))
    else:
        for text in ValidationError(form.errors).messages:
            messages.error(request, text)
    return redirect(point.get_absolute_url())


@require_POST
@require_action(SERVICE_POINT, "change")
def field_technician_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Technician.objects.select_related("service_point", "user"), pk=pk)
    form = TechnicianEditForm(request.POST, points=ServicePoint.objects.all())
    if form.is_valid():
        try:
            services.update_technician(actor=actor(request), technician=found, **form.cleaned_data)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Technician saved."))
    else:
        for text in ValidationError(form.errors).messages:
            messages.error(request, text)
    return redirect(found.service_point.get_absolute_url())
