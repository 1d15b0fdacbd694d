"""Reads of platform records, always narrowed to what the user may see."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet

from guanxi.core.access import restrict
from guanxi.core.models import ApiToken, AuditEntry, Notification, Role, Team, User
from guanxi.core.permissions import object_types


def users_visible_to(user: Any) -> QuerySet[User]:
    return restrict(User.objects.all(), user).prefetch_related("roles", "teams")


def teams_visible_to(user: Any) -> QuerySet[Team]:
    return restrict(Team.objects.all(), user).prefetch_related("memberships__user")


def roles_visible_to(user: Any) -> QuerySet[Role]:
    return restrict(Role.objects.all(), user).prefetch_related("grants")


def audit_visible_to(user: Any) -> QuerySet[AuditEntry]:
    return restrict(AuditEntry.objects.all(), user).select_related("actor")


def search_audit(queryset: QuerySet[AuditEntry], text: str) -> QuerySet[AuditEntry]:
    """Entries whose object, type, actor or changes mention ``text``."""
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(object_repr__icontains=text)
        | Q(object_type__icontains=text)
        | Q(actor__email__icontains=text)
        | Q(actor__full_name__icontains=text)
        | Q(object_id=text)
    )


def audit_for_object(user: Any, object_type: str, object_id: Any) -> QuerySet[AuditEntry]:
    """The history of one record, for people who may see the record itself."""
    return (
        AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """A user's own API tokens (nobody else ever sees them)."""
    return ApiToken.objects.filter(user=user)


def owned_records_summary(user: User) -> list[dict[str, Any]]:
    """How many records of each owned type a user still owns (for handover)."""
    summary = []
    for spec in object_types():
        if not spec.owner_field:
            continue
        model = apps.get_model(spec.key)
        count = model._default_manager.filter(**{spec.owner_field: user}).count()
        if count:
            summary.append({"object_type": spec.key, "label": spec.label, "count": count})
    return summary


def notifications_of(user: Any) -> QuerySet[Notification]:
    """A user's own inbox; nobody else's notifications are ever visible."""
    return Notification.objects.filter(recipient=user)


def unread_count(user: Any) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()
