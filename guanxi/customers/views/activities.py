"""Activities: log and plan them, the customer timeline, My day and the calendar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can, is_permitted
from guanxi.core.decorators import require_action
from guanxi.core.models import Team, User
from guanxi.core.selectors import audit_for_object
from guanxi.core.views.errors import add_service_errors, flash_errors
from guanxi.core.views.redirects import redirect_back, safe_url
from guanxi.customers.calendar import meetings_ics
from guanxi.customers.choices import ActivityKind, TaskStatus
from guanxi.customers.forms_activities import ActivityForm
from guanxi.customers.models import Account, AccountContact, Activity, Contact
from guanxi.customers.object_types import ACTIVITY
from guanxi.customers.selectors import (
    accounts_visible_to,
    activities_visible_to,
    agenda_of,
    calendar_of,
    contacts_visible_to,
    get_account_for,
    get_activity_for,
    get_contact_for,
)
from guanxi.customers.services import activities as services
from guanxi.customers.timeline import kind_choices, timeline_page
from guanxi.lib.listing import list_page


def timeline_panel(request: HttpRequest, subject: Model, url: str) -> dict[str, Any]:
    """Context for ``customers/_timeline.html``: the first page and the filter."""
    kinds = [k for k in request.GET.getlist("kind") if k]
    entries, next_cursor = timeline_page(request.user, subject, kinds=kinds or None)
    return {
        "timeline_entries": entries,
        "timeline_next": next_cursor,
        "timeline_url": url,
        "timeline_kinds": kind_choices(),
        "timeline_selected": kinds,
        "quick_kinds": ActivityKind.choices,
        "quick_accounts": [subject.pk] if isinstance(subject, Account) else [],
        "quick_contacts": [subject.pk] if isinstance(subject, Contact) else [],
        "can_log": can(request.user, ACTIVITY, "add"),
        "email_url": reverse(
            "customers:account_email"
            if isinstance(subject, Account)
            else "customers:contact_email",
            args=[subject.pk],
        ),
    }


def _timeline(request: HttpRequest, subject: Model, url: str) -> HttpResponse:
    """The whole timeline card (filtering by type), or the next page of entries."""
    cursor = request.GET.get("cursor") or None
    if cursor is None:
        context = timeline_panel(request, subject, url)
        return render(request, "customers/_timeline.html", context)
    kinds = [k for k in request.GET.getlist("kind") if k]
    try:
        entries, next_cursor = timeline_page(
            request.user, subject, cursor=cursor, kinds=kinds or None
        )
    except ValidationError as exc:
        raise Http404 from exc
    context = {
        "timeline_entries": entries,
        "timeline_next": next_cursor,
        "timeline_url": url,
        "timeline_selected": kinds,
    }
    return render(request, "customers/_timeline_entries.html", context)


@require_action("customers.account", "view")
def account_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for(request.user, pk)
    return _timeline(request, account, reverse("customers:account_timeline", args=[pk]))


@require_action("customers.contact", "view")
def contact_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for(request.user, pk)
    return _timeline(request, contact, reverse("customers:contact_timeline", args=[pk]))


def _linkable(request: HttpRequest, activity: Activity | None = None) -> dict[str, Any]:
    """The customers the form offers: those named in the request, their contacts, and the
    activity's current links — all narrowed to what the user may see."""
    account_ids = {int(v) for v in request.GET.getlist("account") if v.isdigit()}
    account_ids |= {int(v) for v in request.POST.getlist("accounts") if v.isdigit()}
    contact_ids = {int(v) for v in request.GET.getlist("contact") if v.isdigit()}
    contact_ids |= {int(v) for v in request.POST.getlist("contacts") if v.isdigit()}
    if activity is not None:
        account_ids |= {a.pk for a in activity.accounts.all()}
        contact_ids |= {c.pk for c in activity.contacts.all()}
    colleagues = AccountContact.objects.filter(account_id__in=account_ids).values("contact_id")
    contacts = contacts_visible_to(request.user).filter(pk__in=contact_ids) | contacts_visible_to(
        request.user
    ).filter(pk__in=colleagues)
    return {
        "accounts": accounts_visible_to(request.user).filter(pk__in=account_ids),
        "contacts": contacts.distinct(),
    }


@require_action(ACTIVITY, "add")
def activity_create(request: HttpRequest) -> HttpResponse:
    linkable = _linkable(request)
    initial = {
        "kind": request.GET.get("kind", ActivityKind.CALL),
        "accounts": [a.pk for a in linkable["accounts"]],
        "contacts": [int(v) for v in request.GET.getlist("contact") if v.isdigit()],
    }
    form = ActivityForm(request.POST or None, initial=initial, **linkable)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data.get("status"):
            data["status"] = None
        try:
            activity = services.log_activity(actor=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(kind)s “%(subject)s” was saved.")
                % {"kind": activity.get_kind_display(), "subject": activity.subject},
            )
            return redirect_back(request, activity.get_absolute_url())
    back = safe_url(request, request.GET.get("next", ""))
    context = {
        "form": form,
        "title": _("New activity"),
        "cancel_url": back or reverse("customers:activity_list"),
    }
    return render(request, "web/form_page.html", context)


@require_action(ACTIVITY, "view")
def activity_list(request: HttpRequest) -> HttpResponse:
    queryset = activities_visible_to(request.user).prefetch_related("accounts", "contacts")
    mine = request.GET.get("mine", "1") == "1"
    if mine:
        queryset = queryset.filter(owner=request.user) | queryset.filter(assignee=request.user)
    kind = request.GET.get("kind", "")
    if kind in ActivityKind.values:
        queryset = queryset.filter(kind=kind)
    status = request.GET.get("status", "")
    if status in TaskStatus.values:
        queryset = queryset.filter(status=status)
    context = list_page(
        request,
        queryset.distinct(),
        search_fields=("subject", "body"),
        sort_fields=("at", "subject", "kind"),
        default_sort="-at",
    )
    context.update(
        kinds=ActivityKind.choices,
        statuses=TaskStatus.choices,
        kind=kind,
        status=status,
        mine=mine,
        can_add=can(request.user, ACTIVITY, "add"),
        can_export=can(request.user, ACTIVITY, "export"),
    )
    return render(request, "customers/activity_list.html", context)


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for(request.user, pk)
    may_change = is_permitted(request.user, activity, "change")
    context = {
        "activity": activity,
        "accounts": accounts_visible_to(request.user).filter(activities=activity),
        "contacts": contacts_visible_to(request.user).filter(activities=activity),
        "can_change": may_change,
        "can_delete": is_permitted(request.user, activity, "delete"),
        "history": audit_for_object(request.user, ACTIVITY, activity.pk)[:50],
    }
    return render(request, "customers/activity_detail.html", context)


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for(request.user, pk, "change")
    form = ActivityForm(
        request.POST or None,
        initial=ActivityForm.initial_for(activity),
        **_linkable(request, activity),
    )
    if request.method == "POST" and form.is_valid():
        # Only what the user changed: the form shows times to the minute, so passing
        # every field would rewrite (and audit) seconds nobody touched.
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        if not data.get("status", True):
            data.pop("status")
        try:
            services.update_activity(actor=request.user, activity=activity, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The activity was saved."))
            return redirect(activity.get_absolute_url())
    context = {"form": form, "title": _("Edit activity"), "cancel_url": activity.get_absolute_url()}
    return render(request, "web/form_page.html", context)


@require_POST
@login_required
def activity_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a task or meeting done, or open again."""
    activity = get_activity_for(request.user, pk, "change")
    try:
        if activity.is_open:
            services.complete_activity(actor=request.user, activity=activity)
            messages.success(request, _("Marked as done."))
        else:
            services.reopen_activity(actor=request.user, activity=activity)
            messages.success(request, _("Opened again."))
    except ValidationError as error:
        flash_errors(request, error)
    return redirect_back(request, activity.get_absolute_url())


@require_POST
@require_action(ACTIVITY, "delete")
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for(request.user, pk, "delete")
    services.delete_activity(actor=request.user, activity=activity)
    messages.success(request, _("The activity was moved to the trash."))
    return redirect("customers:activity_list")


@login_required
def activity_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting (or task) as an iCalendar file, to add to any calendar program."""
    activity = get_activity_for(request.user, pk)
    response = HttpResponse(meetings_ics([activity]), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="guanxi-{activity.pk}.ics"'
    return response


def _today(user: User) -> tuple[date, Any]:
    tz = timezone.get_current_timezone()
    return timezone.localtime(timezone.now(), tz).date(), tz


@login_required
def my_day(request: HttpRequest) -> HttpResponse:
    """Tasks due today and overdue, and today's meetings."""
    day, tz = _today(request.user)
    agenda = agenda_of(request.user, day, tz)
    context = {**agenda, "day": day, "can_add": can(request.user, ACTIVITY, "add")}
    return render(request, "customers/my_day.html", context)


def _week_start(request: HttpRequest, today: date) -> date:
    try:
        chosen = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        chosen = today
    return chosen - timedelta(days=chosen.weekday())


def _calendar_people(request: HttpRequest) -> tuple[list[User], Team | None]:
    """Whose calendar: one's own, or a team's when the user may see its members' records."""
    team_id = request.GET.get("team", "")
    if not team_id.isdigit():
        return [request.user], None
    team = Team.objects.filter(pk=int(team_id), memberships__user=request.user).first()
    # (Team.objects hides teams in the trash.)
    if team is None and request.user.is_superuser:
        team = Team.objects.filter(pk=int(team_id)).first()
    if team is None:
        raise Http404
    return [m.user for m in team.memberships.select_related("user")], team


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """A week of meetings and tasks, for oneself or one of one's teams."""
    today, tz = _today(request.user)
    start_day = _week_start(request, today)
    people, team = _calendar_people(request)
    start = datetime.combine(start_day, time.min, tzinfo=tz)
    items = list(calendar_of(request.user, people, start, start + timedelta(days=7)))
    days = []
    for offset in range(7):
        day = start_day + timedelta(days=offset)
        days.append(
            {
                "date": day,
                "is_today": day == today,
                "items": [i for i in items if timezone.localtime(i.at, tz).date() == day],
            }
        )
    context = {
        "days": days,
        "team": team,
        "teams": request.user.teams.all(),
        "previous_week": (start_day - timedelta(days=7)).isoformat(),
        "next_week": (start_day + timedelta(days=7)).isoformat(),
        "this_week": today.isoformat(),
    }
    return render(request, "customers/calendar.html", context)


@login_required
def calendar_ics(request: HttpRequest) -> HttpResponse:
    """The next 90 days (and last 30) of one's meetings as an iCalendar file."""
    now = timezone.now()
    items = calendar_of(
        request.user, [request.user], now - timedelta(days=30), now + timedelta(days=90)
    )
    meetings = [i for i in items if i.kind == ActivityKind.MEETING]
    response = HttpResponse(meetings_ics(meetings), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="guanxi-meetings.ics"'
    return response
