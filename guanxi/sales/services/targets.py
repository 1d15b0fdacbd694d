"""Sales targets: administrators set anyone's; sales managers those of the reps and
teams they manage. Setting a target for an owner and period that has one replaces it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from guanxi.core.access import scope_for
from guanxi.core.choices import AuditEvent, Scope
from guanxi.core.models import Team, TeamMembership, User
from guanxi.core.services.audit import diff, record_audit
from guanxi.customers.services.common import Errors
from guanxi.sales.models import Target
from guanxi.sales.object_types import TARGET


def managed_team_ids(user: User) -> QuerySet[TeamMembership, Any]:
    """Live teams in which ``user`` is a manager."""
    return TeamMembership.objects.filter(
        user=user, is_manager=True, team__deleted_at__isnull=True
    ).values("team_id")


def may_set_target_for(actor: User, *, user: User | None = None, team: Team | None = None) -> bool:
    """Administrators (``add`` at all scope) for anyone; managers (team scope) for the
    members of a team they manage — not for themselves — and for those teams."""
    scope = scope_for(actor, TARGET, "add")
    if scope == Scope.ALL:
        return True
    if scope != Scope.TEAM:
        return False
    teams = managed_team_ids(actor)
    if team is not None:
        return Team.objects.filter(pk=team.pk, pk__in=teams).exists()
    if user is None or user.pk == actor.pk:
        return False
    return TeamMembership.objects.filter(user=user, team_id__in=teams).exists()


def settable_holders(actor: User) -> tuple[set[int] | None, set[int] | None]:
    """The ids of the users and teams ``actor`` may set targets for (None: all)."""
    scope = scope_for(actor, TARGET, "add")
    if scope == Scope.ALL:
        return None, None
    if scope != Scope.TEAM:
        return set(), set()
    teams = set(managed_team_ids(actor).values_list("team_id", flat=True))
    users = set(TeamMembership.objects.filter(team_id__in=teams).values_list("user_id", flat=True))
    return users - {actor.pk}, teams


def _snapshot(target: Target) -> dict[str, Any]:
    return {
        "user": target.user_id,
        "team": target.team_id,
        "period_start": target.period_start.isoformat(),
        "period_end": target.period_end.isoformat(),
        "amount": str(target.amount),
        "currency": target.currency,
    }


def _clean(
    errors: Errors,
    *,
    user: User | None,
    team: Team | None,
    period_start: date | None,
    period_end: date | None,
    amount: Any,
    currency: str,
) -> tuple[Decimal, str]:
    if (user is None) == (team is None):
        errors.add("user", _("Choose either a rep or a team."))
    if period_start is None:
        errors.add("period_start", _("This field is required."))
    if period_end is None:
        errors.add("period_end", _("This field is required."))
    if period_start and period_end and period_end < period_start:
        errors.add("period_end", _("The period ends before it starts."))
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors.add("amount", _("Enter a number."))
        value = Decimal(0)
    if value < 0 or value >= Decimal("1e12"):
        errors.add("amount", _("Enter an amount between 0 and 999,999,999,999."))
    code = (currency or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        errors.add("currency", _("Enter a three-letter currency code."))
    return value, code


@transaction.atomic
def set_target(
    *,
    actor: User,
    user: User | None = None,
    team: Team | None = None,
    period_start: date | None,
    period_end: date | None,
    amount: Any,
    currency: str = "CNY",
) -> Target:
    """Set the target of a rep or a team for a period (replacing the one it had)."""
    errors = Errors()
    value, code = _clean(
        errors,
        user=user,
        team=team,
        period_start=period_start,
        period_end=period_end,
        amount=amount,
        currency=currency,
    )
    errors.raise_if_any()
    if not may_set_target_for(actor, user=user, team=team):
        errors.add(
            "team" if team is not None else "user",
            _("You may set targets only for the members of teams you manage."),
        )
        errors.raise_if_any()
    assert period_start is not None and period_end is not None  # checked by _clean
    holder = {"user": user} if user is not None else {"team": team}
    target = (
        Target.objects.select_for_update()
        .filter(**holder, period_start=period_start, period_end=period_end)
        .first()
    )
    before = _snapshot(target) if target is not None else {}
    if target is None:
        target = Target(**holder, period_start=period_start, period_end=period_end)
    target.amount = value
    target.currency = code
    target.set_by = actor
    target.save()
    changes = diff(before, _snapshot(target))
    if changes:
        event = AuditEvent.CHANGE if before else AuditEvent.CREATE
        record_audit(actor=actor, event=event, obj=target, changes=changes)
    return target


@transaction.atomic
def delete_target(*, actor: User, target: Target) -> None:
    """Remove a target (the caller checked the actor may ``delete`` it)."""
    if not may_set_target_for(actor, user=target.user, team=target.team):
        errors = Errors()
        errors.add("__all__", _("You may remove targets only of the teams you manage."))
        errors.raise_if_any()
    record_audit(
        actor=actor, event=AuditEvent.DELETE, obj=target, changes=diff(_snapshot(target), {})
    )
    target.delete()
