"""Writing the audit log. Every service calls ``record_audit`` explicitly."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Model

from guanxi.core.choices import AuditEvent
from guanxi.core.context import current_context
from guanxi.core.models import AuditEntry

_SECRET_FIELDS = {"password"}


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # The same instant compares equal whatever zone it came in.
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def snapshot(obj: Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The current values of a record's concrete fields (secrets left out)."""
    names = (
        list(fields)
        if fields is not None
        else [f.attname for f in obj._meta.concrete_fields if f.name not in _SECRET_FIELDS]
    )
    return {name: _plain(getattr(obj, name)) for name in names if name not in _SECRET_FIELDS}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field-level changes as ``{field: [old, new]}``."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record_audit(
    *,
    actor: Any,
    event: str,
    obj: Model | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry; origin, IP and request id come from the change context."""
    ctx = current_context()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_repr = object_repr or str(obj)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        origin=ctx.origin,
        event=event,
        object_type=object_type or "",
        object_id=str(object_id or ""),
        object_repr=(object_repr or "")[:200],
        changes=changes or {},
        ip_address=ctx.ip_address,
        request_id=ctx.request_id,
    )


def save_audited(
    *, actor: Any, obj: Model, fields: Iterable[str], before: dict[str, Any] | None = None
) -> dict[str, list[Any]]:
    """Save ``obj`` and audit it: a creation (``before`` is None) or the fields that
    changed since ``before`` (a snapshot taken before the change). Returns the diff."""
    names = list(fields)
    obj.save()
    changes = diff(before or {}, snapshot(obj, names))
    if before is None:
        record_audit(actor=actor, event=AuditEvent.CREATE, obj=obj, changes=changes)
    elif changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=obj, changes=changes)
    return changes


def delete_audited(*, actor: Any, obj: Model, fields: Iterable[str]) -> None:
    """Delete ``obj`` for good, auditing the values it had."""
    record_audit(
        actor=actor,
        event=AuditEvent.DELETE,
        obj=obj,
        changes=diff(snapshot(obj, list(fields)), {}),
    )
    obj.delete()
