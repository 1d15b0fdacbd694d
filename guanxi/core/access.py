"""Record-level access: the one place that decides who sees and changes what.

``restrict(queryset, user, action)`` narrows any queryset of a registered object type
to what the user may do; ``get_for_or_404`` answers "not found" for missing and
forbidden records alike, so an outsider cannot probe which ids exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from guanxi.core.choices import Scope
from guanxi.core.models import RoleGrant, TeamMembership, User
from guanxi.core.permissions import get_object_type, wider

M = TypeVar("M", bound=Model)
_CACHE_ATTR = "_guanxi_grants"


def _grants(user: User) -> dict[tuple[str, str], str]:
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        rows = RoleGrant.objects.filter(role__users=user).values_list(
            "object_type", "action", "scope"
        )
        cached = remember_grants(user, rows)
    return cached


def remember_grants(user: User, rows: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], str]:
    """Cache on this user instance the grants of all their roles, given as
    ``(object_type, action, scope)`` rows (e.g. read with the user by the API's token
    authentication), so ``scope_for`` asks the database no more in this request."""
    cached: dict[tuple[str, str], str] = {}
    for object_type, action, scope in rows:
        key = (object_type, action)
        cached[key] = wider(cached.get(key), scope)  # type: ignore[assignment]
    setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user: User) -> None:
    """Drop the per-instance cache after the user's roles changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def object_type_key(model: type[Model]) -> str:
    return model._meta.label_lower


def scope_for(user: Any, object_type: str, action: str) -> str | None:
    """How far ``user`` may perform ``action`` on ``object_type``; None = not at all."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Scope.ALL
    return _grants(user).get((object_type, action))


def can(user: Any, object_type: str, action: str) -> bool:
    """Whether the user may perform the action on at least some records of the type."""
    return scope_for(user, object_type, action) is not None


def require(user: Any, object_type: str, action: str) -> None:
    """PermissionDenied unless the user may ``action`` some records of the type (the
    coarse check of a page or endpoint; which records is up to the selectors)."""
    if not can(user, object_type, action):
        raise PermissionDenied


def teammate_ids(user: User) -> QuerySet[TeamMembership, Any]:
    """Users sharing a live (not trashed) team with ``user``."""
    return TeamMembership.objects.filter(
        team__memberships__user=user, team__deleted_at__isnull=True
    ).values("user_id")


def team_ids(user: User) -> QuerySet[TeamMembership, Any]:
    """The live (not trashed) teams ``user`` belongs to."""
    return TeamMembership.objects.filter(user=user, team__deleted_at__isnull=True).values("team_id")


def restrict(queryset: QuerySet[M], user: Any, action: str = "view") -> QuerySet[M]:
    """Narrow ``queryset`` to the records ``user`` may ``action``."""
    spec = get_object_type(object_type_key(queryset.model))
    scope = scope_for(user, spec.key, action)
    if scope is None:
        return queryset.none()
    if scope == Scope.ALL or spec.owner_field is None:
        return queryset
    owner = spec.owner_field
    if scope == Scope.OWN:
        return queryset.filter(**{owner: user})
    condition = Q(**{owner: user}) | Q(**{f"{owner}__in": teammate_ids(user)})
    if spec.team_field:
        condition |= Q(**{f"{spec.team_field}__in": team_ids(user)})
    # Owner and team fields are single-valued paths and the rest are subqueries: no join
    # multiplies rows, so counts and sums over the result need no DISTINCT.
    return queryset.filter(condition)


def get_for_or_404(queryset: QuerySet[M], user: Any, pk: Any, action: str = "view") -> M:
    """The record with ``pk`` if the user may ``action`` it, else 404 (never 403)."""
    try:
        return restrict(queryset, user, action).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def is_permitted(user: Any, obj: Model, action: str) -> bool:
    """Whether the user may ``action`` this particular record."""
    return restrict(type(obj)._default_manager.all(), user, action).filter(pk=obj.pk).exists()
