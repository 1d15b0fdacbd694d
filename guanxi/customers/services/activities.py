"""Logging touchpoints and managing tasks and meetings; reminders through notifications."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.access import is_permitted
from guanxi.core.choices import AuditEvent
from guanxi.core.custom_fields import clean_values
from guanxi.core.models import Team, TrashItem, User
from guanxi.core.services.audit import diff, record_audit, snapshot
from guanxi.core.services.notifications import notify
from guanxi.core.services.trash import trash_record
from guanxi.customers.choices import ActivityKind, Direction, TaskStatus
from guanxi.customers.models import Account, Activity, Contact
from guanxi.customers.object_types import ACTIVITY
from guanxi.customers.services.common import (
    Errors,
    check_owner_and_team,
    clean_choice,
    clean_text,
    first_team_of,
)

FIELDS = (
    "kind",
    "subject",
    "body",
    "direction",
    "at",
    "ends_at",
    "location",
    "status",
    "assignee_id",
    "reminder_at",
    "owner_id",
    "team_id",
    "custom_fields",
)
PLANNED_KINDS = {ActivityKind.TASK, ActivityKind.MEETING}


def _links_snapshot(activity: Activity) -> dict[str, list[str]]:
    return {
        "accounts": sorted(str(a) for a in activity.accounts.all()),
        "contacts": sorted(str(c) for c in activity.contacts.all()),
    }


def _full_snapshot(activity: Activity) -> dict[str, Any]:
    return {**snapshot(activity, FIELDS), **_links_snapshot(activity)}


def _check_links(
    errors: Errors, actor: User, accounts: list[Account], contacts: list[Contact]
) -> None:
    """Every linked customer must be one the actor may see."""
    for field, records in (("accounts", accounts), ("contacts", contacts)):
        for record in records:
            if not is_permitted(actor, record, "view"):
                errors.add(field, _("You cannot see “%(record)s”.") % {"record": record})


def _clean(
    errors: Errors,
    *,
    kind: Any,
    subject: Any,
    body: Any,
    direction: Any,
    at: datetime | None,
    ends_at: datetime | None,
    location: Any,
    reminder_at: datetime | None,
) -> dict[str, Any]:
    values = {
        "kind": clean_choice(errors, "kind", kind, ActivityKind),
        "subject": clean_text(errors, "subject", subject, max_length=200, required=True),
        "body": clean_text(errors, "body", body, max_length=20000),
        "direction": clean_choice(errors, "direction", direction, Direction),
        "location": clean_text(errors, "location", location, max_length=200),
        "at": at,
        "ends_at": ends_at,
        "reminder_at": reminder_at,
    }
    if not values["kind"] and "kind" not in errors:
        errors.add("kind", _("This field is required."))
    if values["direction"] and values["kind"] not in (ActivityKind.CALL, ActivityKind.EMAIL):
        errors.add("direction", _("Only calls and emails have a direction."))
    if at is None:
        errors.add("at", _("This field is required."))
    if ends_at is not None and at is not None and ends_at < at:
        errors.add("ends_at", _("The end must be after the start."))
    if values["kind"] != ActivityKind.MEETING and ends_at is not None:
        errors.add("ends_at", _("Only meetings have an end."))
    if reminder_at is not None and values["kind"] not in PLANNED_KINDS:
        errors.add("reminder_at", _("Only tasks and meetings have reminders."))
    return values


@transaction.atomic
def log_activity(
    *,
    actor: User,
    kind: str,
    subject: str,
    at: datetime | None = None,
    body: str = "",
    direction: str = "",
    ends_at: datetime | None = None,
    location: str = "",
    status: str | None = None,
    assignee: User | None = None,
    reminder_at: datetime | None = None,
    accounts: Iterable[Account] = (),
    contacts: Iterable[Contact] = (),
    owner: User | None = None,
    team: Team | None = None,
    email_from: str = "",
    email_to: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    custom_fields: dict[str, Any] | None = None,
) -> Activity:
    """Record a call, email, meeting, note or task on the customers it concerns.

    Calls, emails and notes are done when logged; tasks and meetings in the future are
    open (a task is assigned to the actor unless someone else is named).
    """
    errors = Errors()
    now = timezone.now()
    # A meeting needs its start; anything else without a time happened (or is due) now.
    at = at or (now if kind != ActivityKind.MEETING else None)
    values = _clean(
        errors,
        kind=kind,
        subject=subject,
        body=body,
        direction=direction,
        at=at,
        ends_at=ends_at,
        location=location,
        reminder_at=reminder_at,
    )
    if status is None:
        planned = kind == ActivityKind.TASK or (kind == ActivityKind.MEETING and at and at > now)
        status = TaskStatus.OPEN if planned else TaskStatus.DONE
    status = clean_choice(errors, "status", status, TaskStatus) or TaskStatus.DONE
    if kind == ActivityKind.TASK and assignee is None:
        assignee = actor
    if assignee is not None and not assignee.is_active:
        errors.add("assignee", _("This user is deactivated."))
    owner = owner or actor
    team = team if team is not None else first_team_of(owner)
    check_owner_and_team(
        errors,
        actor=actor,
        object_type=ACTIVITY,
        owner=owner,
        team=team,
        owner_changed=True,
        team_changed=team is not None,
    )
    accounts, contacts = list(accounts), list(contacts)
    _check_links(errors, actor, accounts, contacts)
    custom = _clean_custom(errors, custom_fields, existing=None)
    errors.raise_if_any()
    activity = Activity.objects.create(
        custom_fields=custom,
        **values,
        status=status,
        completed_at=now if status == TaskStatus.DONE and kind in PLANNED_KINDS else None,
        assignee=assignee,
        owner=owner,
        team=team,
        email_from=email_from[:254],
        email_to=email_to[:1000],
        message_id=message_id[:255],
        in_reply_to=in_reply_to[:255],
    )
    activity.accounts.set(accounts)
    activity.contacts.set(contacts)
    record_audit(
        actor=actor,
        event=AuditEvent.CREATE,
        obj=activity,
        changes=diff({}, _full_snapshot(activity)),
    )
    if assignee is not None and assignee.pk != actor.pk:
        _notify_assignee(activity, actor)
    return activity


def _clean_custom(
    errors: Errors, values: dict[str, Any] | None, *, existing: dict[str, Any] | None
) -> dict[str, Any]:
    try:
        return clean_values(ACTIVITY, values, existing=existing, partial=existing is not None)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                errors.add(field, message)
        return dict(existing or {})


def _notify_assignee(activity: Activity, actor: User) -> None:
    notify(
        recipients=[activity.assignee] if activity.assignee else [],
        kind="activity.assigned",
        title=lambda: (
            _("%(actor)s gave you a task: %(subject)s")
            % {"actor": actor, "subject": activity.subject}
        ),
        url=activity.get_absolute_url(),
        obj=activity,
    )


@transaction.atomic
def update_activity(
    *,
    actor: User,
    activity: Activity,
    accounts: Iterable[Account] | None = None,
    contacts: Iterable[Contact] | None = None,
    **fields: Any,
) -> Activity:
    """Change an activity; only the given fields change. Audited field by field."""
    allowed = {
        "kind",
        "subject",
        "body",
        "direction",
        "at",
        "ends_at",
        "location",
        "status",
        "assignee",
        "reminder_at",
        "owner",
        "team",
        "custom_fields",
    }
    errors = Errors()
    for name in set(fields) - allowed:
        errors.add(name, _("This field cannot be changed here."))
    for name in ("kind", "subject", "at", "status", "owner"):
        if name in fields and fields[name] in (None, ""):
            errors.add(name, _("This field is required."))
    errors.raise_if_any()
    before = _full_snapshot(activity)
    merged = {
        name: fields.get(name, getattr(activity, name))
        for name in ("kind", "subject", "body", "direction", "at", "ends_at", "location")
    }
    values = _clean(errors, reminder_at=fields.get("reminder_at", activity.reminder_at), **merged)
    status = clean_choice(errors, "status", fields.get("status", activity.status), TaskStatus)
    assignee = fields.get("assignee", activity.assignee)
    if "assignee" in fields and assignee is not None and not assignee.is_active:
        errors.add("assignee", _("This user is deactivated."))
    owner = fields.get("owner", activity.owner)
    team = fields.get("team", activity.team)
    check_owner_and_team(
        errors,
        actor=actor,
        object_type=ACTIVITY,
        owner=owner,
        team=team,
        owner_changed="owner" in fields and owner.pk != activity.owner_id,
        team_changed="team" in fields and getattr(team, "pk", None) != activity.team_id,
    )
    if accounts is not None or contacts is not None:
        _check_links(errors, actor, list(accounts or []), list(contacts or []))
    custom = activity.custom_fields
    if fields.get("custom_fields") is not None:
        custom = _clean_custom(errors, fields["custom_fields"], existing=activity.custom_fields)
    errors.raise_if_any()
    activity.custom_fields = custom
    previous_assignee = activity.assignee_id
    reminder_moved = "reminder_at" in fields and fields["reminder_at"] != activity.reminder_at
    for name, value in values.items():
        setattr(activity, name, value)
    if status != activity.status:
        activity.completed_at = timezone.now() if status == TaskStatus.DONE else None
    if reminder_moved:
        activity.reminded_at = None  # a new reminder time: remind again
    activity.status = status
    activity.assignee = assignee
    activity.owner = owner
    activity.team = team
    activity.save()
    # Links to customers the actor cannot see are kept: they could not have removed
    # them knowingly (the form only offers what they see).
    if accounts is not None:
        hidden = [a for a in activity.accounts.all() if not is_permitted(actor, a, "view")]
        activity.accounts.set([*accounts, *hidden])
    if contacts is not None:
        hidden_contacts = [c for c in activity.contacts.all() if not is_permitted(actor, c, "view")]
        activity.contacts.set([*contacts, *hidden_contacts])
    changes = diff(before, _full_snapshot(activity))
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=activity, changes=changes)
    if assignee is not None and assignee.pk not in (previous_assignee, actor.pk):
        _notify_assignee(activity, actor)
    return activity


def _check_planned(activity: Activity) -> None:
    if activity.kind not in PLANNED_KINDS:
        raise ValidationError(
            {"kind": _("Only tasks and meetings are marked done or opened again.")}
        )


def complete_activity(*, actor: User, activity: Activity) -> Activity:
    """Mark a task or meeting done."""
    _check_planned(activity)
    return update_activity(actor=actor, activity=activity, status=TaskStatus.DONE)


def reopen_activity(*, actor: User, activity: Activity) -> Activity:
    """Open a done (or cancelled) task or meeting again."""
    _check_planned(activity)
    return update_activity(actor=actor, activity=activity, status=TaskStatus.OPEN)


def delete_activity(*, actor: User, activity: Activity) -> TrashItem:
    """Move an activity to the trash; the customers it was linked to are unchanged."""
    return trash_record(actor=actor, obj=activity)


def due_reminders(now: datetime) -> QuerySet[Activity]:
    return Activity.objects.filter(
        status=TaskStatus.OPEN, reminder_at__lte=now, reminded_at__isnull=True
    ).select_related("assignee", "owner")


def send_reminders(*, now: datetime | None = None) -> int:
    """Notify the assignee (else the owner) of each open task or meeting whose reminder
    time has come; each reminder is sent once, even when two workers run at once."""
    now = now or timezone.now()
    sent = 0
    for activity_id in list(due_reminders(now).values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = Activity.objects.filter(pk=activity_id, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            activity = Activity.objects.select_related("assignee", "owner").get(pk=activity_id)
            recipient = activity.assignee or activity.owner
            with timezone.override(recipient.time_zone):  # "due 14:00" in their own time
                _remind(activity, recipient)
            sent += 1
    return sent


def _remind(activity: Activity, recipient: User) -> None:
    when = timezone.localtime(activity.at).strftime("%Y-%m-%d %H:%M")
    notify(
        recipients=[recipient],
        kind="activity.reminder",
        title=lambda: _("Reminder: %(subject)s") % {"subject": activity.subject},
        body=lambda: _("Due %(when)s.") % {"when": when},
        url=reverse("customers:activity_detail", args=[activity.pk]),
        obj=activity,
    )
