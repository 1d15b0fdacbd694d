"""Built-in roles, kept in step with the grants each app declares."""

from __future__ import annotations

from django.db import transaction

from guanxi.core.models import Role, RoleGrant
from guanxi.core.permissions import (
    BUILTIN_ROLE_DESCRIPTIONS,
    BUILTIN_ROLE_NAMES,
    BUILTIN_ROLES,
    object_types,
)


@transaction.atomic
def sync_builtin_roles() -> None:
    """Create the built-in roles and make their grants equal the declared ones.

    Runs after every ``migrate``: a new module's object types reach the roles without
    a data migration of their own. Custom roles are never touched.
    """
    for code in BUILTIN_ROLES:
        role, _created = Role.objects.update_or_create(
            code=code,
            defaults={
                "name": str(BUILTIN_ROLE_NAMES[code]),
                "description": str(BUILTIN_ROLE_DESCRIPTIONS[code]),
                "is_builtin": True,
            },
        )
        wanted = {
            (spec.key, action): scope
            for spec in object_types()
            for action, scope in spec.builtin_grants.get(code, {}).items()
        }
        existing = {(g.object_type, g.action): g for g in role.grants.all()}
        for key, grant in existing.items():
            if key not in wanted:
                grant.delete()
            elif grant.scope != wanted[key]:
                grant.scope = wanted[key]
                grant.save(update_fields=["scope"])
        RoleGrant.objects.bulk_create(
            RoleGrant(role=role, object_type=key[0], action=key[1], scope=scope)
            for key, scope in wanted.items()
            if key not in existing
        )
