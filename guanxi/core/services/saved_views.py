"""Saving a list's filters, sort and columns under a name, privately or for a team."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import SavedView, Team, TeamMembership, User
from guanxi.core.permissions import get_object_type
from guanxi.core.services.audit import diff, record_audit, snapshot

FIELDS = ("object_type", "name", "query", "columns", "team_id")
# Paging is not part of a view; everything else in the query string is.
DROPPED = {"page", "cursor", "csrfmiddlewaretoken"}


def clean_query(query: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl(query or "", keep_blank_values=False) if k not in DROPPED]
    return urlencode(pairs)


@transaction.atomic
def save_view(
    *,
    actor: User,
    object_type: str,
    name: str,
    query: str = "",
    columns: Iterable[str] = (),
    team: Team | None = None,
) -> SavedView:
    """Save (or overwrite, by name) one of the actor's views of a list."""
    try:
        get_object_type(object_type)
    except KeyError:
        raise ValidationError({"object_type": _("Unknown record type.")}) from None
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Use at most 100 characters.")})
    if team is not None and not (
        actor.is_superuser or TeamMembership.objects.filter(team=team, user=actor).exists()
    ):
        raise ValidationError({"team": _("Share only with a team you belong to.")})
    columns = [str(c) for c in columns if str(c).strip()][:30]
    existing = SavedView.objects.filter(owner=actor, object_type=object_type, name=name).first()
    before = snapshot(existing, FIELDS) if existing else {}
    view, _created = SavedView.objects.update_or_create(
        owner=actor,
        object_type=object_type,
        name=name,
        defaults={"query": clean_query(query)[:2000], "columns": columns, "team": team},
    )
    changes = diff(before, snapshot(view, FIELDS))
    if changes:
        event = AuditEvent.CHANGE if existing else AuditEvent.CREATE
        record_audit(actor=actor, event=event, obj=view, changes=changes)
    return view


@transaction.atomic
def delete_view(*, actor: User, view: SavedView) -> None:
    record_audit(
        actor=actor, event=AuditEvent.DELETE, obj=view, changes=diff(snapshot(view, FIELDS), {})
    )
    view.delete()
