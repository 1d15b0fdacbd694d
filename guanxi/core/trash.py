"""The trash registry: which models go to the trash, and what happens to their relatives.

Each app registers its trashable models in ``AppConfig.ready()`` with a ``TrashRule``.
The rule states, in words shown on the trash page and in code, what happens to related
records: ``dependents`` are trashed, restored and purged together with the record;
everything else is left as it is (and, for foreign keys, simply points at a hidden
record until it is restored or purged, when the key's ``on_delete`` applies).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.db.models import Model
from django.utils.functional import Promise

RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class TrashRule:
    """How one model behaves in the trash."""

    key: str  # "app_label.model_name", as in the permission registry
    related: str | Promise  # what happens to related records, for people
    dependents: Callable[[Model], Iterable[Model]] | None = None
    # Raises ValidationError when the record cannot come back (e.g. its name is taken).
    check_restore: Callable[[Model], None] | None = None
    # Who may restore it besides administrators and the deleter; defaults to the owner
    # field of the model's permission object type.
    owner_field: str | None = None
    # Called just before the record is deleted for good (e.g. to remove its file).
    on_purge: Callable[[Model], None] | None = None


_rules: dict[str, TrashRule] = {}


def register_trashable(rule: TrashRule) -> None:
    _rules[rule.key] = rule


def trash_rule(key: str) -> TrashRule:
    return _rules[key]


def trash_rules() -> list[TrashRule]:
    return sorted(_rules.values(), key=lambda r: r.key)


def trashable_model(key: str) -> type[Model]:
    if key not in _rules:
        raise LookupError(key)
    return apps.get_model(key)
