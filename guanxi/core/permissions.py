"""The registry of object types that roles grant actions on.

Each app registers its object types in ``AppConfig.ready()`` with the model, the
fields that say who owns a record, and the grants every built-in role gets. Selectors
then ask :func:`scope_for` how far a user reaches; nothing else decides access.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guanxi.core.choices import SCOPE_RANK, Action, Scope

# The built-in roles, in the order they are listed to administrators.
BUILTIN_ROLES = (
    "administrator",
    "sales_manager",
    "sales_rep",
    "marketer",
    "service_manager",
    "service_agent",
    "analyst",
)
BUILTIN_ROLE_NAMES = {
    "administrator": _("Administrator"),
    "sales_manager": _("Sales manager"),
    "sales_rep": _("Sales rep"),
    "marketer": _("Marketer"),
    "service_manager": _("Service manager"),
    "service_agent": _("Service agent"),
    "analyst": _("Analyst"),
}
BUILTIN_ROLE_DESCRIPTIONS = {
    "administrator": _("Everything, including users, roles and the audit log."),
    "sales_manager": _("Sales records of their teams; approves discounts."),
    "sales_rep": _("Their own leads, customers and deals."),
    "marketer": _("Segments, campaigns and forms; reads customers."),
    "service_manager": _("Tickets and service records of their teams."),
    "service_agent": _("Their own tickets; reads customers."),
    "analyst": _("Reads everything, changes nothing."),
}


@dataclass(frozen=True)
class ObjectType:
    """One kind of record that permissions are granted on."""

    key: str  # "app_label.model_name"
    label: str | Promise
    # Single-valued paths (foreign keys, e.g. "deal__owner"): ``restrict`` relies on
    # them to narrow without joins that repeat rows.
    owner_field: str | None = None  # records without one are all-or-nothing
    team_field: str | None = None
    attachable: bool = True  # files may be attached to its records
    customizable: bool = False  # administrators may add custom fields to it
    # built-in role code -> {action: scope}
    builtin_grants: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


_registry: dict[str, ObjectType] = {}


def register(object_type: ObjectType) -> None:
    for role_code, grants in object_type.builtin_grants.items():
        if role_code not in BUILTIN_ROLES:
            raise ValueError(f"{object_type.key}: unknown built-in role {role_code!r}")
        for action, scope in grants.items():
            Action(action)
            Scope(scope)
    _registry[object_type.key] = object_type


def object_types() -> list[ObjectType]:
    return sorted(_registry.values(), key=lambda o: o.key)


def get_object_type(key: str) -> ObjectType:
    return _registry[key]


def label_of(key: str) -> str:
    """What people call records of a type: the registered label, else the model's name."""
    if key in _registry:
        return str(_registry[key].label)
    from django.apps import apps

    try:
        return str(apps.get_model(key)._meta.verbose_name_plural).capitalize()
    except (LookupError, ValueError):
        return key


def everything(scope: str = Scope.ALL) -> dict[str, str]:
    """Every action at one scope: a helper for declaring built-in grants."""
    return {action.value: scope for action in Action}


def read_only(scope: str = Scope.ALL) -> dict[str, str]:
    return {Action.VIEW.value: scope}


def wider(a: str | None, b: str | None) -> str | None:
    """The wider of two scopes (None means no access)."""
    if a is None:
        return b
    if b is None:
        return a
    return a if SCOPE_RANK[Scope(a)] >= SCOPE_RANK[Scope(b)] else b
