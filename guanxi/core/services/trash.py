"""Moving records to the trash, restoring them, and purging them after 30 days."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import TrashItem, User
from guanxi.core.permissions import get_object_type
from guanxi.core.services.audit import record_audit
from guanxi.core.services.search import index_record, unindex_record
from guanxi.core.trash import RETENTION, trash_rule, trashable_model


def _owner_of(obj: Model) -> Any:
    key = obj._meta.label_lower
    owner_field = trash_rule(key).owner_field
    if owner_field is None:
        try:
            owner_field = get_object_type(key).owner_field
        except KeyError:
            owner_field = None
    return getattr(obj, owner_field, None) if owner_field else None


def _hide(obj: Model, *, actor: Any, when: datetime, group: TrashItem | None) -> TrashItem | None:
    """Trash one record; None if it already was (a conditional UPDATE, so two requests
    deleting the same record at once cannot both succeed)."""
    model = type(obj)
    hidden = model.all_objects.filter(  # type: ignore[attr-defined]
        pk=obj.pk, deleted_at__isnull=True
    ).update(deleted_at=when, deleted_by=actor if getattr(actor, "pk", None) else None)
    if not hidden:
        return None
    obj.deleted_at = when  # type: ignore[attr-defined]
    unindex_record(obj)
    return TrashItem.objects.create(
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        owner=_owner_of(obj),
        deleted_by=actor if getattr(actor, "pk", None) else None,
        deleted_at=when,
        purge_after=when + RETENTION,
        group=group,
    )


@transaction.atomic
def trash_record(*, actor: Any, obj: Model) -> TrashItem:
    """Move a record (and its declared dependents) to the trash; audited as a deletion."""
    rule = trash_rule(obj._meta.label_lower)
    now = timezone.now()
    item = _hide(obj, actor=actor, when=now, group=None)
    if item is None:
        raise ValidationError({"record": _("This record is already in the trash.")})
    dependents = list(rule.dependents(obj)) if rule.dependents else []
    trashed = sum(
        _hide(dependent, actor=actor, when=now, group=item) is not None for dependent in dependents
    )
    record_audit(
        actor=actor,
        event=AuditEvent.DELETE,
        obj=obj,
        changes={
            "deleted_at": [None, now.isoformat()],
            **({"trashed_with_it": [0, trashed]} if trashed else {}),
        },
    )
    return item


def _record_of(item: TrashItem) -> Model:
    model = trashable_model(item.object_type)
    return model.all_objects.get(pk=item.object_id)  # type: ignore[attr-defined]


@transaction.atomic
def restore_record(*, actor: User, item: TrashItem) -> Model:
    """Bring a trashed record (and what was trashed with it) back, as it was."""
    if item.group_id is not None:
        raise ValidationError(
            {"record": _("This record was deleted together with another; restore that one.")}
        )
    obj = _record_of(item)
    rule = trash_rule(item.object_type)
    if rule.check_restore:
        rule.check_restore(obj)
    for dependent in item.dependents.all():
        model = trashable_model(dependent.object_type)
        model.all_objects.filter(pk=dependent.object_id).update(  # type: ignore[attr-defined]
            deleted_at=None, deleted_by=None
        )
        restored = model._default_manager.filter(pk=dependent.object_id).first()
        if restored is not None:
            index_record(restored)
    type(obj).all_objects.filter(pk=obj.pk).update(  # type: ignore[attr-defined]
        deleted_at=None, deleted_by=None
    )
    obj.deleted_at = None  # type: ignore[attr-defined]
    obj.deleted_by = None  # type: ignore[attr-defined]
    index_record(obj)
    record_audit(
        actor=actor,
        event=AuditEvent.RESTORE,
        obj=obj,
        changes={"deleted_at": [item.deleted_at.isoformat(), None]},
    )
    item.delete()  # cascades to the dependents' items
    return obj


def _purge(item: TrashItem, *, actor: Any) -> None:
    for entry in [*item.dependents.all(), item]:
        rule = trash_rule(entry.object_type)
        model = trashable_model(entry.object_type)
        obj = model.all_objects.filter(pk=entry.object_id).first()  # type: ignore[attr-defined]
        if obj is not None:
            if rule.on_purge:
                rule.on_purge(obj)
            obj.delete()
        _delete_attachments(entry.object_type, entry.object_id)
    record_audit(
        actor=actor,
        event=AuditEvent.PURGE,
        object_type=item.object_type,
        object_id=item.object_id,
        object_repr=item.object_repr,
    )
    item.delete()


def _delete_attachments(object_type: str, object_id: str) -> None:
    from guanxi.core.services.attachments import delete_attachments_of

    delete_attachments_of(object_type=object_type, object_id=object_id)


@transaction.atomic
def purge_record(*, actor: User, item: TrashItem) -> None:
    """Delete a trashed record for good before its 30 days are up (administrators)."""
    if not actor.is_superuser:
        raise PermissionDenied
    if item.group_id is not None:
        raise ValidationError(
            {"record": _("This record was deleted together with another; purge that one.")}
        )
    _purge(item, actor=actor)


def purge_expired(*, now: datetime | None = None) -> int:
    """Delete for good everything whose 30 days in the trash are over; returns how many."""
    now = now or timezone.now()
    purged = 0
    due = TrashItem.objects.filter(group__isnull=True, purge_after__lte=now).order_by("pk")
    for item_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            item = TrashItem.objects.select_for_update().filter(pk=item_id).first()
            if item is None:  # restored or purged meanwhile
                continue
            _purge(item, actor=None)
            purged += 1
    return purged
