"""Tags: a shared vocabulary of labels, and putting them on records."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import Tag, User
from guanxi.core.services.audit import (
    delete_audited,
    diff,
    record_audit,
    save_audited,
    snapshot,
)

COLOR = re.compile(r"#[0-9a-fA-F]{6}")
FIELDS = ("name", "color")


def _clean_name(name: str, exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    if len(name) > 50:
        raise ValidationError({"name": _("Use at most 50 characters.")})
    others = Tag.objects.filter(name__iexact=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError({"name": _("A tag with this name already exists.")})
    return name


def _clean_color(color: str) -> str:
    if not COLOR.fullmatch(color or ""):
        raise ValidationError({"color": _("Use a colour like #1f6feb.")})
    return color.lower()


@transaction.atomic
def create_tag(*, actor: User, name: str, color: str = "#e4e7eb") -> Tag:
    tag = Tag(name=_clean_name(name), color=_clean_color(color))
    save_audited(actor=actor, obj=tag, fields=FIELDS)
    return tag


@transaction.atomic
def update_tag(*, actor: User, tag: Tag, name: str | None = None, color: str | None = None) -> Tag:
    before = snapshot(tag, FIELDS)
    if name is not None:
        tag.name = _clean_name(name, exclude_pk=tag.pk)
    if color is not None:
        tag.color = _clean_color(color)
    save_audited(actor=actor, obj=tag, fields=FIELDS, before=before)
    return tag


@transaction.atomic
def delete_tag(*, actor: User, tag: Tag) -> None:
    """Delete a tag everywhere; the records it was on are otherwise unchanged."""
    delete_audited(actor=actor, obj=tag, fields=FIELDS)


def tags_from_names(*, actor: User, names: Iterable[str], create: bool) -> list[Tag]:
    """The tags with these names (case-insensitive); unknown names are created when
    ``create`` is true (the actor may add tags), refused otherwise."""
    wanted: list[str] = []
    for raw in names:
        name = " ".join((raw or "").split())
        if name and name.lower() not in {w.lower() for w in wanted}:
            wanted.append(name)
    condition = Q(pk__in=[])
    for name in wanted:
        condition |= Q(name__iexact=name)
    found = {t.name.lower(): t for t in Tag.objects.filter(condition)}
    result = []
    for name in wanted:
        tag = found.get(name.lower())
        if tag is None:
            if not create:
                raise ValidationError({"tags": _("There is no tag “%(name)s”.") % {"name": name}})
            tag = create_tag(actor=actor, name=name)
        result.append(tag)
    return result


def tag_names(obj: Model) -> list[str]:
    return sorted(t.name for t in obj.tags.all())  # type: ignore[attr-defined]


def set_tags(obj: Model, tags: Iterable[Tag]) -> dict[str, Any]:
    """Make the record's tags exactly ``tags``; returns the audit diff (maybe empty).
    Called by the record's own service, inside its transaction."""
    before = tag_names(obj)
    obj.tags.set(list(tags))  # type: ignore[attr-defined]
    return diff({"tags": before}, {"tags": tag_names(obj)})


@transaction.atomic
def tag_records(*, actor: User, records: Iterable[Model], tag: Tag, add: bool) -> int:
    """Add (or remove) one tag on many records at once, each audited; returns how many
    records changed. The caller has checked the actor may change every record."""
    changed = 0
    for record in records:
        present = record.tags.filter(pk=tag.pk).exists()  # type: ignore[attr-defined]
        if present == add:
            continue
        before = tag_names(record)
        if add:
            record.tags.add(tag)  # type: ignore[attr-defined]
        else:
            record.tags.remove(tag)  # type: ignore[attr-defined]
        record_audit(
            actor=actor,
            event=AuditEvent.CHANGE,
            obj=record,
            changes=diff({"tags": before}, {"tags": tag_names(record)}),
        )
        changed += 1
    return changed
