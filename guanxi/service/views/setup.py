"""Setting the service module up (administrators and service managers): ticket
categories and their teams, SLA policies, the business calendars' hours and days."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.decorators import require_action
from guanxi.core.views.errors import add_service_errors, flash_errors
from guanxi.customers.models import CustomerTier
from guanxi.service.choices import CalendarDayKind
from guanxi.service.forms import (
    WEEKDAYS,
    CalendarDayForm,
    CategoryForm,
    OpeningHoursForm,
    SlaPolicyForm,
)
from guanxi.service.models import BusinessCalendar, CalendarDay, Category, SlaPolicy
from guanxi.service.object_types import CALENDAR, CATEGORY, SLA_POLICY
from guanxi.service.services import setup as services
from guanxi.service.services.calendars import default_calendar
from guanxi.service.views.tickets import teams

# --- categories ------------------------------------------------------------------------------


@require_action(CATEGORY, "change")
def category_list(request: HttpRequest) -> HttpResponse:
    """Every category with its team and open tickets; the form below adds one."""
    form = CategoryForm(request.POST or None, teams=teams())
    if request.method == "POST" and form.is_valid():
        try:
            services.create_category(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The category was added."))
            return redirect("service:category_list")
    context = {"categories": Category.objects.select_related("team"), "form": form}
    return render(request, "service/category_list.html", context)


@require_action(CATEGORY, "change")
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    initial = {
        "name": category.name,
        "name_zh": category.name_zh,
        "team": category.team_id,
        "is_active": category.is_active,
    }
    form = CategoryForm(request.POST or None, teams=teams(), initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_category(actor=request.user, category=category, **changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The category was saved."))
            return redirect("service:category_list")
    context = {
        "form": form,
        "title": _("Edit category “%(name)s”") % {"name": category.name},
        "cancel_url": reverse("service:category_list"),
    }
    return render(request, "web/form_page.html", context)


@require_POST
@require_action(CATEGORY, "change")
def category_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire a category: its tickets keep it, new tickets cannot choose it."""
    category = get_object_or_404(Category, pk=pk)
    try:
        services.update_category(actor=request.user, category=category, is_active=False)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("The category “%(name)s” is no longer offered.") % {"name": category.name}
        )
    return redirect("service:category_list")


# --- SLA policies ----------------------------------------------------------------------------


def _policy_form(data: Any = None, **kwargs: Any) -> SlaPolicyForm:
    return SlaPolicyForm(
        data,
        tiers=CustomerTier.objects.order_by("rank", "pk"),
        calendars=BusinessCalendar.objects.order_by("name"),
        **kwargs,
    )


@require_action(SLA_POLICY, "change")
def sla_policy_list(request: HttpRequest) -> HttpResponse:
    """The policies by priority and tier; the form below adds one."""
    form = _policy_form(request.POST or None, initial={"calendar": default_calendar().pk})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_sla_policy(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The SLA policy was added."))
            return redirect("service:sla_policy_list")
    policies = SlaPolicy.objects.select_related("tier", "calendar")
    return render(request, "service/sla_policy_list.html", {"policies": policies, "form": form})


@require_action(SLA_POLICY, "change")
def sla_policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy, pk=pk)
    initial = {
        "name": policy.name,
        "priority": policy.priority,
        "tier": policy.tier_id,
        "first_response_minutes": policy.first_response_minutes,
        "resolution_minutes": policy.resolution_minutes,
        "warn_percent": policy.warn_percent,
        "calendar": policy.calendar_id,
        "is_active": policy.is_active,
    }
    form = _policy_form(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_sla_policy(actor=request.user, policy=policy, **changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The SLA policy was saved."))
            return redirect("service:sla_policy_list")
    context = {
        "form": form,
        "title": _("Edit SLA policy “%(name)s”") % {"name": policy.name},
        "cancel_url": reverse("service:sla_policy_list"),
    }
    return render(request, "web/form_page.html", context)


# --- business calendars ----------------------------------------------------------------------


@require_action(CALENDAR, "change")
def calendar_list(request: HttpRequest) -> HttpResponse:
    """The business calendars (the shipped default one, usually alone)."""
    default_calendar()  # a database always has one
    calendars = BusinessCalendar.objects.prefetch_related("hours")
    rows = [{"calendar": c, "week": _week(c)} for c in calendars]
    return render(request, "service/calendar_list.html", {"rows": rows})


def _week(calendar: BusinessCalendar) -> list[dict[str, Any]]:
    """Each weekday with its opening periods, Monday first."""
    spans: dict[int, list[Any]] = {day: [] for day in range(7)}
    for row in calendar.hours.all():
        spans[row.weekday].append(row)
    return [
        {"weekday": day, "name": WEEKDAYS[day], "spans": sorted(spans[day], key=lambda r: r.opens)}
        for day in range(7)
    ]


@require_action(CALENDAR, "change")
def calendar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A calendar's week, its holidays and make-up working days (``?year=`` narrows the
    days), and the form to add a day."""
    calendar = get_object_or_404(BusinessCalendar.objects.prefetch_related("hours"), pk=pk)
    return _render_calendar(request, calendar, CalendarDayForm())


def _render_calendar(
    request: HttpRequest, calendar: BusinessCalendar, day_form: CalendarDayForm, status: int = 200
) -> HttpResponse:
    days = calendar.days.all()
    years = sorted({d.year for d in days.dates("date", "year")})
    year = request.GET.get("year", "")
    if year.isdigit():
        days = days.filter(date__year=int(year))
    context = {
        "calendar": calendar,
        "week": _week(calendar),
        "days": days.order_by("date"),
        "years": years,
        "year": year,
        "day_form": day_form,
        "kinds": CalendarDayKind,
    }
    return render(request, "service/calendar_detail.html", context, status=status)


@require_POST
@require_action(CALENDAR, "change")
def calendar_day_add(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(BusinessCalendar, pk=pk)
    form = CalendarDayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_calendar_day(
                actor=request.user,
                calendar=calendar,
                day=data["date"],
                kind=data["kind"],
                name=data["name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(day)s was added to the calendar.") % {"day": data["date"].isoformat()}
            )
            return redirect("service:calendar_detail", pk=calendar.pk)
    return _render_calendar(request, calendar, form, status=400)


@require_POST
@require_action(CALENDAR, "change")
def calendar_day_remove(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(CalendarDay.objects.select_related("calendar"), pk=pk)
    services.remove_calendar_day(actor=request.user, day=day)
    messages.success(
        request, _("%(day)s was removed from the calendar.") % {"day": day.date.isoformat()}
    )
    return redirect("service:calendar_detail", pk=day.calendar_id)


@require_action(CALENDAR, "change")
def calendar_hours_edit(request: HttpRequest, pk: int, weekday: int) -> HttpResponse:
    """One weekday's opening periods, as text (``09:00-12:00, 13:00-18:00``)."""
    calendar = get_object_or_404(BusinessCalendar, pk=pk)
    if weekday not in range(7):
        return redirect("service:calendar_detail", pk=calendar.pk)
    current = calendar.hours.filter(weekday=weekday).order_by("opens")
    text = ", ".join(f"{row.opens:%H:%M}-{row.closes:%H:%M}" for row in current)
    form = OpeningHoursForm(request.POST or None, initial={"hours": text})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_opening_hours(
                actor=request.user,
                calendar=calendar,
                weekday=weekday,
                spans=form.cleaned_data["hours"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The hours of %(day)s were saved.") % {"day": WEEKDAYS[weekday]}
            )
            return redirect("service:calendar_detail", pk=calendar.pk)
    context = {
        "form": form,
        "title": _("%(calendar)s: opening hours on %(day)s")
        % {"calendar": calendar.name, "day": WEEKDAYS[weekday]},
        "cancel_url": reverse("service:calendar_detail", args=[calendar.pk]),
    }
    return render(request, "web/form_page.html", context)
