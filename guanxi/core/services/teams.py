"""Teams and their members."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import Team, TeamMembership, TrashItem, User
from guanxi.core.services.audit import diff, record_audit, snapshot
from guanxi.core.services.notifications import notify
from guanxi.core.services.search import index_record
from guanxi.core.services.trash import trash_record


def _members_snapshot(team: Team) -> list[str]:
    rows = TeamMembership.objects.filter(team=team).select_related("user").order_by("user__email")
    return [f"{m.user.email}{' (manager)' if m.is_manager else ''}" for m in rows]


def _check_name(name: str, exclude_pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    others = Team.all_objects.filter(name__iexact=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    other = others.first()
    if other is not None and other.is_trashed:
        raise ValidationError(
            {"name": _("A team with this name is in the trash: restore it or choose another name.")}
        )
    if other is not None:
        raise ValidationError({"name": _("A team with this name already exists.")})
    return name


def _set_members(
    team: Team, members: Iterable[User], managers: Iterable[User], *, actor: User
) -> None:
    member_ids = {u.pk for u in members}
    manager_ids = {u.pk for u in managers}
    member_ids |= manager_ids
    TeamMembership.objects.filter(team=team).exclude(user_id__in=member_ids).delete()
    existing = {m.user_id: m for m in TeamMembership.objects.filter(team=team)}
    newcomers = User.objects.filter(pk__in=member_ids - set(existing)).exclude(pk=actor.pk)
    for user_id in member_ids:
        is_manager = user_id in manager_ids
        membership = existing.get(user_id)
        if membership is None:
            TeamMembership.objects.create(team=team, user_id=user_id, is_manager=is_manager)
        elif membership.is_manager != is_manager:
            membership.is_manager = is_manager
            membership.save(update_fields=["is_manager"])
    notify(
        recipients=newcomers,
        kind="team.member_added",
        title=lambda: _("You were added to the team %(team)s") % {"team": team.name},
        body=lambda: _("Added by %(actor)s.") % {"actor": actor},
        url=reverse("core:team_detail", args=[team.pk]),
        obj=team,
    )


@transaction.atomic
def create_team(
    *,
    actor: User,
    name: str,
    description: str = "",
    members: Iterable[User] = (),
    managers: Iterable[User] = (),
) -> Team:
    """Create a team with its members; managers are members too."""
    team = Team.objects.create(name=_check_name(name), description=description)
    _set_members(team, members, managers, actor=actor)
    index_record(team)
    after = {**snapshot(team, ["name", "description"]), "members": _members_snapshot(team)}
    record_audit(actor=actor, event=AuditEvent.CREATE, obj=team, changes=diff({}, after))
    return team


@transaction.atomic
def update_team(
    *,
    actor: User,
    team: Team,
    name: str | None = None,
    description: str | None = None,
    members: Iterable[User] | None = None,
    managers: Iterable[User] | None = None,
) -> Team:
    """Rename a team or change its members; audited field by field."""
    before = {**snapshot(team, ["name", "description"]), "members": _members_snapshot(team)}
    if name is not None:
        team.name = _check_name(name, exclude_pk=team.pk)
    if description is not None:
        team.description = description
    team.save()
    if members is not None or managers is not None:
        current = TeamMembership.objects.filter(team=team)
        _set_members(
            team,
            members if members is not None else [m.user for m in current],
            managers if managers is not None else [m.user for m in current if m.is_manager],
            actor=actor,
        )
    after = {**snapshot(team, ["name", "description"]), "members": _members_snapshot(team)}
    changes = diff(before, after)
    if changes:
        index_record(team)
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=team, changes=changes)
    return team


def delete_team(*, actor: User, team: Team) -> TrashItem:
    """Move a team to the trash. Its memberships are kept, so a restore brings it back
    whole; while it is in the trash it gives nobody team-scope access."""
    return trash_record(actor=actor, obj=team)
