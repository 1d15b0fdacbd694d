"""API authentication: personal tokens (Bearer) or the browser session (with CSRF)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import RawSQL
from django.db.models.sql.compiler import SQLCompiler
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from guanxi.core.access import remember_grants
from guanxi.core.middleware import activate_preferences
from guanxi.core.models import ApiToken, RoleGrant, User
from guanxi.core.services.tokens import TOKEN_PREFIX, accept_token, hash_key, tokens_for_key

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


@dataclass(frozen=True)
class _TokenQuery:
    """The token lookup of ``user_for_token``, compiled once per connection: its SQL (the
    key's hash its one parameter) and how to turn its row into the token and its user."""

    sql: str
    token_fields: list[str]
    token_columns: tuple[int, ...]
    user_fields: list[str]
    user_columns: tuple[int, ...]
    grants_column: int
    converters: dict[int, Any]
    compiler: SQLCompiler


def _compile_token_query(db: BaseDatabaseWrapper) -> _TokenQuery:
    rows = tokens_for_key(TOKEN_PREFIX)
    assert rows is not None
    found = rows.annotate(grants=RawSQL(_grants_sql(), ())).order_by()[:1]  # noqa: S611 - no parameters
    compiler = found.query.get_compiler(connection=db)
    sql, params = compiler.as_sql()
    if len(params) != 1:  # only the hash: the row depends on nothing else
        raise RuntimeError(f"unexpected parameters in the token query: {params!r}")
    klass_info = compiler.klass_info
    assert klass_info is not None
    (user_info,) = klass_info["related_klass_infos"]
    return _TokenQuery(
        sql=sql,
        token_fields=[field.attname for field in ApiToken._meta.concrete_fields],
        token_columns=tuple(klass_info["select_fields"]),
        user_fields=[field.attname for field in User._meta.concrete_fields],
        user_columns=tuple(user_info["select_fields"]),
        grants_column=compiler.annotation_col_map["grants"],
        converters=compiler.get_converters([column[0] for column in compiler.select]),
        compiler=compiler,
    )


_ATTRIBUTE = "_guanxi_token_query"


def _token_query() -> _TokenQuery:
    """The compiled token lookup for this thread's connection, kept on the connection
    object itself: it goes when the connection goes (a thread's or an async context's).
    Not in a module-level map keyed by connection: the compiled query refers to its
    connection, so such a map would keep every connection ever used alive and open."""
    db = connections[DEFAULT_DB_ALIAS]
    query: _TokenQuery | None = getattr(db, _ATTRIBUTE, None)
    if query is None:
        query = _compile_token_query(db)
        setattr(db, _ATTRIBUTE, query)
    return query


def _read_token(key: str) -> tuple[ApiToken, str] | None:
    """The token row a key hashes to, with its user, and the user's grants as
    ``type:action:scope;…``: what ``tokens_for_key(key)`` annotated with the grants
    gives, read on a cursor with SQL compiled once (building and compiling that
    queryset took longer than running it, on every request)."""
    if not key or not key.startswith(TOKEN_PREFIX):  # as tokens_for_key: cannot be ours
        return None
    query = _token_query()
    with connection.cursor() as cursor:
        cursor.execute(query.sql, [hash_key(key)])
        row = cursor.fetchone()
    if row is None:
        return None
    if query.converters:
        row = next(iter(query.compiler.apply_converters([row], query.converters)))
    token = ApiToken.from_db(
        DEFAULT_DB_ALIAS, query.token_fields, [row[i] for i in query.token_columns]
    )
    user = User.from_db(DEFAULT_DB_ALIAS, query.user_fields, [row[i] for i in query.user_columns])
    ApiToken.user.field.set_cached_value(token, user)
    return token, row[query.grants_column] or ""


def user_for_token(key: str) -> User | None:
    """The active user a usable token belongs to, or None; records its last use.

    ``services.tokens.authenticate_token`` in one query: the token, its user
    and the grants of the user's roles (cached on the user for ``scope_for``) come in the
    same SELECT, so a request checks its permissions without another round trip. Nothing
    is cached between requests: a revoked or expired token, or a deactivated user, is
    refused from the next request on.
    """
    found = _read_token(key)
    token, joined = found if found is not None else (None, "")
    user = accept_token(token)
    if user is None:
        return None
    remember_grants(user, _grant_rows(joined))
    return user


@lru_cache(maxsize=256)
def _grant_rows(joined: str) -> tuple[tuple[str, str, str], ...]:
    """``type:action:scope;…`` as rows (an administrator has a few hundred grants; the
    text is the same from request to request while the roles stay the same)."""
    grants = [grant.split(":") for grant in joined.split(GRANT_SEPARATOR) if grant]
    return tuple((row[0], row[1], row[2]) for row in grants)


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
