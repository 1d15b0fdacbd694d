"""Setting the service module up: ticket categories, SLA policies and the business
calendars' opening hours, holidays and make-up working days.

Only users who may change the set-up type (administrators, service managers) may call
them; each change is audited. A changed policy or calendar applies to due times
computed from then on (new tickets, a priority change, the end of a pause); due times
already set stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guanxi.core.access import require
from guanxi.core.choices import AuditEvent
from guanxi.core.models import Team, User
from guanxi.core.services.audit import record_audit, save_audited, snapshot
from guanxi.customers.models import CustomerTier
from guanxi.customers.services.common import Errors, clean_text
from guanxi.service.choices import CalendarDayKind, Priority
from guanxi.service.models import BusinessCalendar, CalendarDay, Category, OpeningHours, SlaPolicy
from guanxi.service.object_types import CALENDAR, CATEGORY, SLA_POLICY

CATEGORY_FIELDS = ("name", "name_zh", "team_id", "is_active")
POLICY_FIELDS = (
    "name",
    "priority",
    "tier_id",
    "first_response_minutes",
    "resolution_minutes",
    "warn_percent",
    "calendar_id",
    "is_active",
)
# Due times are minutes of business time: a year of working days at most.
MAX_MINUTES = 60 * 24 * 365


# --- categories ------------------------------------------------------------------------------


def _clean_category(errors: Errors, category: Category, values: dict[str, Any]) -> None:
    if "name" in values:
        category.name = clean_text(errors, "name", values["name"], max_length=100, required=True)
        clash = Category.objects.filter(name__iexact=category.name).exclude(pk=category.pk)
        if category.name and clash.exists():
            errors.add("name", _("A category with this name already exists."))
    if "name_zh" in values:
        category.name_zh = clean_text(errors, "name_zh", values["name_zh"], max_length=100)
    if "team" in values:
        team = values["team"]
        if team is not None and not isinstance(team, Team):
            errors.add("team", _("No such team."))
        else:
            category.team = team
    if "is_active" in values:
        category.is_active = bool(values["is_active"])


@transaction.atomic
def create_category(
    *,
    actor: User,
    name: str,
    name_zh: str = "",
    team: Team | None = None,
    is_active: bool = True,
) -> Category:
    """A new category; its tickets go to ``team`` (none: routed by hand)."""
    require(actor, CATEGORY, "add")
    category = Category()
    errors = Errors()
    _clean_category(
        errors, category, {"name": name, "name_zh": name_zh, "team": team, "is_active": is_active}
    )
    errors.raise_if_any()
    save_audited(actor=actor, obj=category, fields=CATEGORY_FIELDS)
    return category


@transaction.atomic
def update_category(*, actor: User, category: Category, **changes: Any) -> Category:
    """Rename a category, route it to another team, or retire it (``is_active=False``:
    its tickets keep it, new tickets cannot choose it)."""
    require(actor, CATEGORY, "change")
    unknown = set(changes) - {"name", "name_zh", "team", "is_active"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    before = snapshot(category, CATEGORY_FIELDS)
    errors = Errors()
    _clean_category(errors, category, changes)
    errors.raise_if_any()
    save_audited(actor=actor, obj=category, fields=CATEGORY_FIELDS, before=before)
    return category


# --- SLA policies ----------------------------------------------------------------------------


def _clean_minutes(errors: Errors, field: str, value: Any) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        errors.add(field, _("Enter a whole number of minutes."))
        return 0
    if not 1 <= minutes <= MAX_MINUTES:
        errors.add(field, _("Enter between 1 and %(max)s minutes.") % {"max": MAX_MINUTES})
    return minutes


def _clean_policy(errors: Errors, policy: SlaPolicy, values: dict[str, Any]) -> None:
    if "name" in values:
        policy.name = clean_text(errors, "name", values["name"], max_length=100, required=True)
    if "priority" in values:
        if values["priority"] not in Priority.values:
            errors.add("priority", _("Choose a priority."))
        else:
            policy.priority = values["priority"]
    if "tier" in values:
        tier = values["tier"]
        if tier is not None and not isinstance(tier, CustomerTier):
            errors.add("tier", _("No such customer tier."))
        else:
            policy.tier = tier
    for field in ("first_response_minutes", "resolution_minutes"):
        if field in values:
            setattr(policy, field, _clean_minutes(errors, field, values[field]))
    if "warn_percent" in values:
        try:
            percent = int(values["warn_percent"])
        except (TypeError, ValueError):
            percent = -1
        if not 1 <= percent <= 100:
            errors.add("warn_percent", _("Enter a percentage between 1 and 100."))
        else:
            policy.warn_percent = percent
    if "calendar" in values:
        if not isinstance(values["calendar"], BusinessCalendar):
            errors.add("calendar", _("Choose a calendar."))
        else:
            policy.calendar = values["calendar"]
    if "is_active" in values:
        policy.is_active = bool(values["is_active"])
    if (
        "first_response_minutes" not in errors
        and "resolution_minutes" not in errors
        and policy.first_response_minutes
        and policy.resolution_minutes
        and policy.resolution_minutes < policy.first_response_minutes
    ):
        errors.add(
            "resolution_minutes", _("The resolution cannot be due before the first response.")
        )
    if policy.is_active and policy.priority and "priority" not in errors:
        _check_unique_policy(errors, policy)


def _check_unique_policy(errors: Errors, policy: SlaPolicy) -> None:
    """One active policy per priority and tier (and one per priority for every tier):
    reported on the fields, not left to the database constraints."""
    clash = SlaPolicy.objects.filter(
        priority=policy.priority, tier_id=policy.tier_id, is_active=True
    ).exclude(pk=policy.pk)
    if clash.exists():
        if policy.tier_id is None:
            message = _("Another active policy already covers this priority for every customer.")
        else:
            message = _("Another active policy already covers this priority for this tier.")
        errors.add("tier", message)


def _save_policy(actor: User, policy: SlaPolicy, before: dict[str, Any] | None) -> None:
    """Save, turning a constraint hit by a concurrent save into the same field error."""
    try:
        with transaction.atomic():
            save_audited(actor=actor, obj=policy, fields=POLICY_FIELDS, before=before)
    except IntegrityError as error:
        raise ValidationError(
            {"tier": _("Another active policy already covers this priority and tier.")}
        ) from error


@transaction.atomic
def create_sla_policy(
    *,
    actor: User,
    name: str,
    priority: str,
    first_response_minutes: int,
    resolution_minutes: int,
    calendar: BusinessCalendar,
    tier: CustomerTier | None = None,
    warn_percent: int = 80,
    is_active: bool = True,
) -> SlaPolicy:
    """A policy for tickets of ``priority`` from customers of ``tier`` (none: every
    customer without a policy of their own tier)."""
    require(actor, SLA_POLICY, "add")
    policy = SlaPolicy()
    errors = Errors()
    _clean_policy(
        errors,
        policy,
        {
            "name": name,
            "priority": priority,
            "tier": tier,
            "first_response_minutes": first_response_minutes,
            "resolution_minutes": resolution_minutes,
            "warn_percent": warn_percent,
            "calendar": calendar,
            "is_active": is_active,
        },
    )
    errors.raise_if_any()
    _save_policy(actor, policy, None)
    return policy


@transaction.atomic
def update_sla_policy(*, actor: User, policy: SlaPolicy, **changes: Any) -> SlaPolicy:
    """Change a policy's targets, calendar or scope, or retire it."""
    require(actor, SLA_POLICY, "change")
    allowed = {
        "name",
        "priority",
        "tier",
        "first_response_minutes",
        "resolution_minutes",
        "warn_percent",
        "calendar",
        "is_active",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    before = snapshot(policy, POLICY_FIELDS)
    errors = Errors()
    _clean_policy(errors, policy, changes)
    errors.raise_if_any()
    _save_policy(actor, policy, before)
    return policy


# --- business calendars ----------------------------------------------------------------------


@transaction.atomic
def add_calendar_day(
    *, actor: User, calendar: BusinessCalendar, day: date, kind: str, name: str = ""
) -> CalendarDay:
    """A public holiday (closed all day) or a make-up working day (open with Monday's
    hours) on the calendar; one entry per date."""
    require(actor, CALENDAR, "change")
    errors = Errors()
    if not isinstance(day, date):
        errors.add("date", _("Enter a date."))
    elif CalendarDay.objects.filter(calendar=calendar, date=day).exists():
        errors.add("date", _("This date is already in the calendar."))
    if kind not in CalendarDayKind.values:
        errors.add("kind", _("Choose holiday or make-up working day."))
    name = clean_text(errors, "name", name, max_length=100)
    errors.raise_if_any()
    entry = CalendarDay.objects.create(calendar=calendar, date=day, kind=kind, name=name)
    record_audit(
        actor=actor,
        event=AuditEvent.CHANGE,
        obj=calendar,
        changes={"days": [None, f"{day.isoformat()} {kind} {name}".strip()]},
    )
    return entry


@transaction.atomic
def remove_calendar_day(*, actor: User, day: CalendarDay) -> None:
    """Take a holiday or make-up working day off its calendar."""
    require(actor, CALENDAR, "change")
    calendar = day.calendar
    record_audit(
        actor=actor,
        event=AuditEvent.CHANGE,
        obj=calendar,
        changes={"days": [f"{day.date.isoformat()} {day.kind} {day.name}".strip(), None]},
    )
    day.delete()


def _spans_text(spans: Iterable[tuple[time, time]]) -> str:
    return ", ".join(f"{opens:%H:%M}-{closes:%H:%M}" for opens, closes in spans)


@transaction.atomic
def set_opening_hours(
    *, actor: User, calendar: BusinessCalendar, weekday: int, spans: list[tuple[time, time]]
) -> list[OpeningHours]:
    """Replace a weekday's opening hours (0 = Monday) by ``spans`` of (opens, closes);
    none: closed that day. Spans must not overlap."""
    require(actor, CALENDAR, "change")
    errors = Errors()
    if weekday not in range(7):
        errors.add("weekday", _("Choose a weekday."))
    ordered = sorted(spans)
    for opens, closes in ordered:
        if opens >= closes:
            errors.add("hours", _("Each period must close after it opens."))
            break
    for (_opens, closes), (next_opens, _closes) in pairwise(ordered):
        if next_opens < closes:
            errors.add("hours", _("The periods overlap."))
            break
    errors.raise_if_any()
    existing = OpeningHours.objects.filter(calendar=calendar, weekday=weekday)
    before = _spans_text((row.opens, row.closes) for row in existing)
    existing.delete()
    rows = OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=weekday, opens=opens, closes=closes)
        for opens, closes in ordered
    )
    after = _spans_text(ordered)
    if before != after:
        record_audit(
            actor=actor,
            event=AuditEvent.CHANGE,
            obj=calendar,
            changes={f"hours_{weekday}": [before or None, after or None]},
        )
    return rows
