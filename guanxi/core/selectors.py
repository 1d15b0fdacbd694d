"""Reads of platform records, always narrowed to what the user may see."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from guanxi.core.access import get_for_or_404, is_permitted, restrict
from guanxi.core.models import (
    ApiToken,
    Attachment,
    AuditEntry,
    Notification,
    Role,
    SavedView,
    Tag,
    Team,
    TrashItem,
    User,
)
from guanxi.core.permissions import get_object_type, object_types


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


def trash_visible_to(user: Any) -> QuerySet[TrashItem]:
    """What a user may restore: administrators everything; others what they own or deleted.

    Records deleted together with another are listed (and restored) with that one.
    """
    queryset = TrashItem.objects.filter(group__isnull=True).select_related("deleted_by", "owner")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(Q(owner=user) | Q(deleted_by=user))


def get_trash_item_for(user: Any, pk: Any) -> TrashItem:
    try:
        return trash_visible_to(user).get(pk=pk)
    except (TrashItem.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def get_record_for(user: Any, object_type: str, object_id: Any, action: str = "view") -> Model:
    """Any registered record by type and id if the user may ``action`` it, else 404."""
    try:
        spec = get_object_type(object_type)
    except KeyError as exc:
        raise Http404 from exc
    model = apps.get_model(spec.key)
    return get_for_or_404(model._default_manager.all(), user, object_id, action)


def attachments_of(parent: Model) -> QuerySet[Attachment]:
    """The live attachments of a record (the caller has checked the record is visible)."""
    return Attachment.objects.filter(
        object_type=parent._meta.label_lower, object_id=str(parent.pk)
    ).select_related("uploaded_by")


def get_attachment_for(user: Any, pk: Any, action: str = "view") -> tuple[Attachment, Model]:
    """An attachment and its record, if the user may see the record; 404 otherwise.

    ``action="delete"``: the uploader may remove their own file from a record they see;
    anyone else needs the right to change the record.
    """
    try:
        attachment = Attachment.objects.select_related("uploaded_by").get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    parent = get_record_for(user, attachment.object_type, attachment.object_id, "view")
    uploader = attachment.uploaded_by_id == user.pk
    if action == "delete" and not uploader and not is_permitted(user, parent, "change"):
        raise Http404
    return attachment, parent


def may_attach(user: Any, parent: Model) -> bool:
    spec = get_object_type(parent._meta.label_lower)
    return spec.attachable and is_permitted(user, parent, "change")


def tags_visible_to(user: Any) -> QuerySet[Tag]:
    return restrict(Tag.objects.all(), user)


def saved_views_for(user: Any, object_type: str) -> QuerySet[SavedView]:
    """The user's own views of a list and those shared with one of their live teams."""
    if not getattr(user, "is_authenticated", False):
        return SavedView.objects.none()
    shared = Q(team__memberships__user=user, team__deleted_at__isnull=True)
    return (
        SavedView.objects.filter(Q(owner=user) | shared, object_type=object_type)
        .select_related("owner", "team")
        .distinct()
    )


def get_own_view(user: Any, pk: Any) -> SavedView:
    """One of the user's own saved views (only the owner deletes a view); 404 otherwise."""
    view = SavedView.objects.filter(owner=user, pk=pk).first() if str(pk).isdigit() else None
    if view is None:
        raise Http404
    return view
