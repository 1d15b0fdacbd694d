"""Defining custom fields (administrators); values are validated by ``core.custom_fields``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent, FieldType
from guanxi.core.models import CustomField, User
from guanxi.core.permissions import object_types
from guanxi.core.services.audit import diff, record_audit, snapshot

FIELDS = (
    "object_type",
    "key",
    "label",
    "label_zh",
    "field_type",
    "choices",
    "required",
    "help_text",
    "position",
    "is_active",
)
CHOICE_TYPES = (FieldType.CHOICE, FieldType.MULTI_CHOICE)


def customizable_types() -> list[tuple[str, str]]:
    return [(spec.key, str(spec.label)) for spec in object_types() if spec.customizable]


def _clean_choices(field_type: str, choices: Any) -> list[str]:
    items = [" ".join(str(c).split()) for c in (choices or [])]
    items = [c for i, c in enumerate(items) if c and c not in items[:i]]
    if field_type in CHOICE_TYPES and not items:
        raise ValidationError({"choices": _("List at least one choice.")})
    if field_type not in CHOICE_TYPES and items:
        raise ValidationError({"choices": _("Only choice fields have choices.")})
    if any(len(c) > 100 for c in items):
        raise ValidationError({"choices": _("Keep each choice under 100 characters.")})
    return items


def _clean_label(label: str) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise ValidationError({"label": _("This field is required.")})
    return label[:100]


@transaction.atomic
def create_custom_field(
    *,
    actor: User,
    object_type: str,
    label: str,
    field_type: str,
    key: str = "",
    label_zh: str = "",
    choices: list[str] | None = None,
    required: bool = False,
    help_text: str = "",
    position: int | None = None,
) -> CustomField:
    """Add a field to a record type; it shows in forms, lists, filters and the API at once."""
    if object_type not in dict(customizable_types()):
        raise ValidationError({"object_type": _("Custom fields cannot be added to this type.")})
    if field_type not in FieldType.values:
        raise ValidationError({"field_type": _("Choose one of the field types.")})
    label = _clean_label(label)
    key = slugify(key or label).replace("-", "_")[:50]
    if not key or not key[0].isalpha():
        raise ValidationError(
            {
                "key": _(
                    "Give a key of latin letters, digits and underscores, starting with a letter."
                )
            }
        )
    if CustomField.objects.filter(object_type=object_type, key=key).exists():
        raise ValidationError({"key": _("This record type already has a field with this key.")})
    if position is None:
        position = CustomField.objects.filter(object_type=object_type).count()
    field = CustomField.objects.create(
        object_type=object_type,
        key=key,
        label=label,
        label_zh=" ".join((label_zh or "").split())[:100],
        field_type=field_type,
        choices=_clean_choices(field_type, choices),
        required=required,
        help_text=(help_text or "")[:200],
        position=position,
    )
    record_audit(
        actor=actor, event=AuditEvent.CREATE, obj=field, changes=diff({}, snapshot(field, FIELDS))
    )
    return field


@transaction.atomic
def update_custom_field(*, actor: User, field: CustomField, **changes: Any) -> CustomField:
    """Relabel, reorder, change choices, require or retire a field. Its key and type stay:
    stored values depend on them."""
    allowed = {"label", "label_zh", "choices", "required", "help_text", "position", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            {name: _("This cannot be changed once the field exists.") for name in unknown}
        )
    before = snapshot(field, FIELDS)
    if "label" in changes:
        field.label = _clean_label(changes["label"])
    if "label_zh" in changes:
        field.label_zh = " ".join((changes["label_zh"] or "").split())[:100]
    if "choices" in changes:
        field.choices = _clean_choices(field.field_type, changes["choices"])
    for name in ("required", "is_active"):
        if name in changes:
            setattr(field, name, bool(changes[name]))
    if "help_text" in changes:
        field.help_text = (changes["help_text"] or "")[:200]
    if "position" in changes:
        field.position = max(0, int(changes["position"]))
    field.save()
    delta = diff(before, snapshot(field, FIELDS))
    if delta:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=field, changes=delta)
    return field


@transaction.atomic
def delete_custom_field(*, actor: User, field: CustomField) -> None:
    """Remove the definition. Values already stored stay in the records (and in their
    history) but are no longer shown, validated or filtered."""
    record_audit(
        actor=actor, event=AuditEvent.DELETE, obj=field, changes=diff(snapshot(field, FIELDS), {})
    )
    field.delete()
