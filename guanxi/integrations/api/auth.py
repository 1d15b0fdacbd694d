"""API authentication: personal tokens (Bearer) or the browser session (with CSRF)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from guanxi.core.access import remember_grants
from guanxi.core.middleware import activate_preferences
from guanxi.core.models import ApiToken, RoleGrant, User
from guanxi.core.services.tokens import accept_token, tokens_for_key

GRANT_SEPARATOR = ";"  # between grants; ":" between a grant's object type, action, scope
GRANT_FIELDS = ("object_type", "action", "scope")


@cache
def _grants_sql() -> str:
    """A scalar subquery: every grant of the token's user's roles as
    ``type:action:scope;…`` (NULL: none). Hand-written (names from the models) because
    the ORM takes longer to build and compile it than the database takes to run it."""
    quote = connection.ops.quote_name
    grant, roles, token = RoleGrant._meta, User.roles.through._meta, ApiToken._meta
    g, ur = quote(grant.db_table), quote(roles.db_table)

    def column(meta: Any, name: str) -> str:
        return quote(meta.get_field(name).column)

    text = " || ':' || ".join(f"{g}.{column(grant, name)}" for name in GRANT_FIELDS)
    joined = (
        f"GROUP_CONCAT({text}, '{GRANT_SEPARATOR}')"
        if connection.vendor == "sqlite"
        else f"STRING_AGG({text}, '{GRANT_SEPARATOR}')"
    )
    return (
        f"SELECT {joined} FROM {g} INNER JOIN {ur} "  # noqa: S608 - names from the models
        f"ON {ur}.{column(roles, 'role')} = {g}.{column(grant, 'role')} "
        f"WHERE {ur}.{column(roles, 'user')} = {quote(token.db_table)}.{column(token, 'user')}"
    )


def user_for_token(key: str) -> User | None:
    """The active user a usable token belongs to, or None; records its last use.

    ``services.tokens.authenticate_token`` in one query: the token, its user
    and the grants of the user's roles (cached on the user for ``scope_for``) come in the
    same SELECT, so a request checks its permissions without another round trip.
    """
    rows = tokens_for_key(key)
    if rows is None:
        return None
    found = (
        rows.annotate(grants=RawSQL(_grants_sql(), ())).order_by()[  # noqa: S611 - no parameters
            :1
        ]  # the hash is unique: nothing to sort
    )
    token = next(iter(found), None)
    user = accept_token(token)
    if user is None or token is None:
        return None
    joined: str = token.grants or ""  # type: ignore[attr-defined]
    grants = [grant.split(":") for grant in joined.split(GRANT_SEPARATOR) if grant]
    remember_grants(user, [(row[0], row[1], row[2]) for row in grants])
    return user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer gx_…``; revoked, expired or deactivated means 401."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
            activate_preferences(request, user)
        return user


class ActiveSessionAuth(SessionAuth):
    """The logged-in browser session; CSRF is checked on unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None
