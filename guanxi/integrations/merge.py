"""Merging two contacts into one, and undoing it.

Every record that points at the merged contact is found through ``_meta`` (reverse
foreign keys, one-to-ones and many-to-many through tables, hidden ``related_name="+"``
ones included), so relations added later by other apps move too. A row that cannot move
because the survivor already has its twin (the same phone, the same account link, a
relationship between the two) is deleted and kept, whole, in the ``Merge`` snapshot.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.access import is_permitted
from guanxi.core.choices import AuditEvent
from guanxi.core.models import Attachment, TrashItem, User
from guanxi.core.services.audit import record_audit
from guanxi.core.services.search import index_record
from guanxi.core.services.trash import restore_record, trash_record
from guanxi.customers.models import Contact
from guanxi.integrations.models_dedupe import DuplicatePair, Merge, PairStatus
from guanxi.integrations.models_pairs import MergeBase, PairBase

# Field groups a user chooses between; the name group carries its derived columns.
MERGE_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("family_name", "given_name", "full_name", "name_pinyin", "name_initials"),
    "title": ("title",),
    "birthday": ("birthday",),
    "gender": ("gender",),
    "preferred_language": ("preferred_language",),
    "preferred_channel": ("preferred_channel",),
    "tier": ("tier",),
    "owner": ("owner",),
    "team": ("team",),
    "description": ("description",),
}
# Rows that are the same when these values are (the database does not enforce it); any
# other twin is caught by a unique constraint when it moves.
TWIN_KEYS: dict[str, tuple[str, ...]] = {
    "customers.contactphone": ("value",),
    "customers.contactemail": ("value",),
    "customers.address": ("kind", "country", "province", "city", "district", "street", "postcode"),
}
_SNAPSHOT_FIELDS = [f for group in MERGE_FIELDS.values() for f in group] + ["custom_fields"]


def contact_relations(model: type[Model] = Contact) -> list[models.ForeignObjectRel]:
    """Every reverse foreign key / one-to-one to ``model``, hidden ones and the
    through tables of many-to-many fields (both directions) included."""
    return [
        rel
        for rel in model._meta.get_fields(include_hidden=True)
        if isinstance(rel, models.ManyToOneRel)  # OneToOneRel is a subclass
    ]


def _related(rel: models.ForeignObjectRel) -> type[Model]:
    return cast(type[Model], rel.related_model)  # never "self" once apps are loaded


def _field(name: str) -> models.Field[Any, Any]:
    return cast("models.Field[Any, Any]", Contact._meta.get_field(name))


def relation_label(rel: models.ForeignObjectRel) -> str:
    return f"{_related(rel)._meta.label_lower}.{rel.field.name}"


def _rows(model: type[Model], **lookup: Any) -> models.QuerySet[Any]:
    return model._base_manager.filter(**lookup)  # trashed rows move too


def _values(row: Model) -> dict[str, Any]:
    return {f.attname: f.value_from_object(row) for f in row._meta.concrete_fields}


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def related_counts(contact: Contact) -> dict[str, int]:
    """How many records of each relation point at ``contact`` (what a merge would move)."""
    counts = {}
    for rel in contact_relations():
        count = _rows(_related(rel), **{rel.field.name: contact}).count()
        if count:
            counts[relation_label(rel)] = count
    attachments = Attachment.all_objects.filter(
        object_type="customers.contact", object_id=str(contact.pk)
    ).count()
    if attachments:
        counts["core.attachment.object_id"] = attachments
    return counts


def _move_rows(
    rel: models.ForeignObjectRel, *, survivor: Model, other: Model, moved: list, dropped: list
) -> None:
    model, name = _related(rel), rel.field.name
    attname = rel.field.attname
    twin_fields = TWIN_KEYS.get(model._meta.label_lower, ())
    for row in list(_rows(model, **{name: other})):
        values = _values(row)
        if (
            twin_fields
            and _rows(model, **{name: survivor}, **{f: values[f] for f in twin_fields}).exists()
        ):
            dropped.append([model._meta.label_lower, _plain(values)])
            _rows(model, pk=row.pk).delete()
            continue
        try:
            with transaction.atomic():
                _rows(model, pk=row.pk).update(**{attname: survivor.pk})
        except IntegrityError:
            # A "one primary per contact" flag clashes: move it as not primary.
            if values.get("is_primary"):
                try:
                    with transaction.atomic():
                        _rows(model, pk=row.pk).update(
                            **{attname: survivor.pk, "is_primary": False}
                        )
                    moved.append([model._meta.label_lower, attname, row.pk, {"is_primary": True}])
                    continue
                except IntegrityError:
                    pass
            dropped.append([model._meta.label_lower, _plain(values)])
            _rows(model, pk=row.pk).delete()
            continue
        moved.append([model._meta.label_lower, attname, row.pk, {}])


FieldOf = Callable[[str], "models.Field[Any, Any]"]


def validate_choices(choices: dict[str, str], groups: dict[str, tuple[str, ...]]) -> None:
    if set(choices) - set(groups) or set(choices.values()) - {"survivor", "other"}:
        raise ValidationError({"choices": _("Unknown field or choice.")})


def copy_chosen(
    survivor: Model,
    other: Model,
    choices: dict[str, str],
    groups: dict[str, tuple[str, ...]],
    field: FieldOf,
) -> None:
    """Copy onto ``survivor`` the field groups chosen from ``other``."""
    for group, side in choices.items():
        if side == "other":
            for field_name in groups[group]:
                attname = field(field_name).attname
                setattr(survivor, attname, getattr(other, attname))


def move_related(
    model: type[Model], *, survivor: Model, other: Model, skip: tuple[type[Model], ...]
) -> tuple[list[list[Any]], list[list[Any]]]:
    """Move every row pointing at ``other`` to ``survivor``; (moved, dropped)."""
    moved: list[list[Any]] = []
    dropped: list[list[Any]] = []
    for rel in contact_relations(model):
        if _related(rel) in skip:
            continue  # bookkeeping about the two records, not their data
        _move_rows(rel, survivor=survivor, other=other, moved=moved, dropped=dropped)
    return moved, dropped


def set_pairs(
    pair_model: type[PairBase], other: Model, *, old: str, new: str, by: User | None
) -> None:
    pair_model._default_manager.filter(
        models.Q(first=other) | models.Q(second=other), status=old
    ).update(status=new, resolved_by=by)


def audit_merge(
    *,
    actor: User,
    survivor: Model,
    other: Model,
    merge: MergeBase,
    moved: list[list[Any]],
    dropped: list[list[Any]],
    fields: dict[str, Any],
) -> None:
    record_audit(
        actor=actor,
        event=AuditEvent.CHANGE,
        obj=survivor,
        changes={
            "merged": [None, {"merge": merge.pk, "other": other.pk, "other_name": str(other)}],
            "moved": [None, _moved_summary(moved)],
            "dropped": [None, [[label, values.get("id")] for label, values in dropped]],
            "fields": [fields, None],
        },
    )
    transaction.on_commit(lambda: index_record(survivor))


def restore_other(*, actor: User, snapshot: dict[str, Any], missing: str) -> Model:
    """Take the merged record out of the trash and put back what moved or was dropped."""
    item = TrashItem.objects.filter(pk=snapshot["trash_item"]).first()
    if item is None:
        raise ValidationError({"merge": missing})
    other = restore_record(actor=actor, item=item)
    for label, attname, pk, extra in snapshot["moved"]:
        target = str(other.pk) if label == "core.attachment" else other.pk
        _rows(_model(label), pk=pk).update(**{attname: target, **extra})
    for label, values in snapshot["dropped"]:
        _model(label)._base_manager.create(**values)
    return other


def finish_undo(
    *,
    actor: User,
    merge: MergeBase,
    survivor: Model,
    other: Model,
    fields: list[str],
    field: FieldOf,
    pair_model: type[PairBase],
) -> None:
    """Survivor fields back as before, the merge marked undone, pairs reopened, audit."""
    before = merge.snapshot["survivor_before"]
    for field_name in fields:
        attname = field(field_name).attname
        setattr(survivor, attname, field(field_name).to_python(before[attname]))
    survivor.save()
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    set_pairs(pair_model, other, old=PairStatus.MERGED, new=PairStatus.OPEN, by=None)
    record_audit(
        actor=actor,
        event=AuditEvent.CHANGE,
        obj=survivor,
        changes={"merge_undone": [merge.pk, None], "other": [None, other.pk]},
    )
    transaction.on_commit(lambda: index_record(survivor))
    transaction.on_commit(lambda: index_record(other))


def _check(actor: User, *contacts: Contact) -> None:
    for contact in contacts:
        if not is_permitted(actor, contact, "change"):
            raise PermissionDenied(_("You may not change this contact."))


@transaction.atomic
def merge_contacts(
    *, actor: User, survivor: Contact, other: Contact, choices: dict[str, str] | None = None
) -> Merge:
    """Merge ``other`` into ``survivor``: chosen fields copied, every related record moved,
    ``other`` trashed; one audit entry, and a ``Merge`` holding what undo needs."""
    if survivor.pk == other.pk:
        raise ValidationError({"other": _("A contact cannot be merged with itself.")})
    _check(actor, survivor, other)
    survivor = Contact.objects.select_for_update().get(pk=survivor.pk)
    other = Contact.objects.select_for_update().get(pk=other.pk)
    choices = choices or {}
    validate_choices(choices, MERGE_FIELDS)

    before = _plain(_values(survivor))
    copy_chosen(survivor, other, choices, MERGE_FIELDS, _field)
    survivor.custom_fields = {**(other.custom_fields or {}), **(survivor.custom_fields or {})}
    survivor.save()

    moved, dropped = move_related(
        Contact, survivor=survivor, other=other, skip=(DuplicatePair, Merge)
    )
    attachments = list(
        Attachment.all_objects.filter(object_type="customers.contact", object_id=str(other.pk))
    )
    Attachment.all_objects.filter(pk__in=[a.pk for a in attachments]).update(
        object_id=str(survivor.pk)
    )
    moved += [["core.attachment", "object_id", a.pk, {}] for a in attachments]

    trash_item = trash_record(actor=actor, obj=other)
    merge = Merge.objects.create(
        actor=actor,
        survivor=survivor,
        other=other,
        snapshot={
            "survivor_before": before,
            "survivor_after": _plain(_values(survivor)),
            "other": _plain(_values(other)),
            "choices": choices,
            "moved": moved,
            "dropped": dropped,
            "trash_item": trash_item.pk,
        },
    )
    set_pairs(DuplicatePair, other, old=PairStatus.OPEN, new=PairStatus.MERGED, by=actor)
    audit_merge(
        actor=actor,
        survivor=survivor,
        other=other,
        merge=merge,
        moved=moved,
        dropped=dropped,
        fields={k: before.get(k) for k in _SNAPSHOT_FIELDS},
    )
    return merge


def _moved_summary(moved: list[list[Any]]) -> dict[str, list[Any]]:
    summary: dict[str, list[Any]] = {}
    for label, attname, pk, _extra in moved:
        summary.setdefault(f"{label}.{attname}", []).append(pk)
    return summary


def _model(label: str) -> type[Model]:
    return apps.get_model(label)


@transaction.atomic
def undo_merge(*, actor: User, merge: Merge) -> Contact:
    """Put both contacts back as they were before ``merge``."""
    if merge.undone_at is not None:
        raise ValidationError({"merge": _("This merge was already undone.")})
    survivor = Contact.all_objects.select_for_update().get(pk=merge.survivor_id)
    _check(actor, survivor)
    other = restore_other(
        actor=actor,
        snapshot=merge.snapshot,
        missing=_("The merged contact is no longer in the trash."),
    )
    finish_undo(
        actor=actor,
        merge=merge,
        survivor=survivor,
        other=other,
        fields=_SNAPSHOT_FIELDS,
        field=_field,
        pair_model=DuplicatePair,
    )
    return cast(Contact, other)
