"""The contact and account list pages as JSON written by PostgreSQL, in one query.

On PostgreSQL a list page is one statement: the page's SELECT (the ORM's, with every
filter, the visibility rules and the keyset condition, reduced to the ids and the sort
value) wrapped in a hand-written SELECT that writes each row's item as JSON text, with
its owner, team, tier and child lists (phones, emails, account links, tags; an
account's parent and primary contact) as subqueries. Python only joins the items: no
rows to shape, no second round trip for the children, no JSON encoding.

Each item is exactly what ``schemas.contact_list_items`` / ``account_list_items`` (the
path on other databases) gives once rendered: the same keys in the same order, child
lists in the same order, times as Django's JSON encoder writes them (UTC, milliseconds,
``Z``) and built-in tier names translated (passed in as a parameter). Only the text may
differ where JSON allows it: non-ASCII characters are written as they are (UTF-8), not
as ``\\u`` escapes. ``test_list_json`` compares both paths item by item.

The SQL is built once from the models' metadata; nothing from the request is pasted
into it (the page's SQL comes from the ORM with its own parameters).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Model, QuerySet

from guanxi.core.models import Tag, Team, User
from guanxi.customers.models import (
    Account,
    AccountContact,
    Contact,
    ContactEmail,
    ContactPhone,
    CustomerTier,
)
from guanxi.customers.models.tiers import BUILTIN_TIER_NAMES
from guanxi.customers.selectors import CONTACT_PLAIN_FIELDS


def available() -> bool:
    """Whether the database writes the list pages itself (PostgreSQL only)."""
    return connection.vendor == "postgresql"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _col(alias: str, model: type[Model], field: str) -> str:
    """``alias."column"`` of ``model.field``."""
    return f"{alias}.{_q(str(model._meta.get_field(field).column))}"  # type: ignore[union-attr]


def _table(model: type[Model]) -> str:
    return _q(model._meta.db_table)


def _value(expression: str) -> str:
    """The JSON text of a SQL value (``null`` for NULL)."""
    return f"COALESCE(to_json({expression})::text, 'null')"


def _time(expression: str) -> str:
    """A ``timestamptz`` as Django's JSON encoder writes it: ISO 8601 in UTC with ``Z``,
    milliseconds only when the value has a fraction of a second (truncated, not
    rounded)."""
    utc = f"({expression} AT TIME ZONE 'UTC')"
    return (
        f"CASE WHEN {expression} IS NULL THEN 'null' ELSE "
        f"'\"' || to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE WHEN date_part('microseconds', {expression})::bigint %% 1000000 = 0 THEN '' "
        f"ELSE to_char({utc}, '.MS') END || 'Z\"' END"
    )


def _object(pairs: Iterable[tuple[str, str]]) -> str:
    """A JSON object from ``(key, JSON text expression)`` pairs, in their order, laid
    out as Python's ``json.dumps`` lays it out."""
    parts = []
    for index, (key, expression) in enumerate(pairs):
        parts.append(f"'{', ' if index else '{'}\"{key}\": '")
        parts.append(expression)
    return "(" + " || ".join(parts) + " || '}')"


def _array(element: str, source: str, order: str) -> str:
    """A JSON array of ``element`` (JSON text) over the rows of ``source`` (``FROM …
    WHERE …``), in ``order``; ``[]`` when there are none."""
    return (
        f"('[' || COALESCE((SELECT string_agg({element}, ', ' ORDER BY {order}) "
        f"{source}), '') || ']')"
    )


def _tier(record: str, model: type[Model]) -> str:
    """``TierSchema`` of the record's tier (alias ``t``; ``%s``: the built-in tiers'
    names in the request's language, by code)."""
    tier = _object(
        [
            ("code", _value(_col("t", CustomerTier, "code"))),
            (
                "name",
                _value(
                    f"CASE WHEN {_col('t', CustomerTier, 'is_builtin')} "
                    f"THEN COALESCE(%s::jsonb ->> {_col('t', CustomerTier, 'code')}, "
                    f"{_col('t', CustomerTier, 'name')}) "
                    f"ELSE {_col('t', CustomerTier, 'name')} END"
                ),
            ),
            ("rank", _value(_col("t", CustomerTier, "rank"))),
        ]
    )
    return f"CASE WHEN {_col(record, model, 'tier')} IS NULL THEN 'null' ELSE {tier} END"


def _owner_and_team(record: str, model: type[Model]) -> list[tuple[str, str]]:
    owner = _object(
        [
            ("id", _value(_col(record, model, "owner"))),
            ("full_name", _value(_col("o", User, "full_name"))),
        ]
    )
    team = _object(
        [("id", _value(_col(record, model, "team"))), ("name", _value(_col("tm", Team, "name")))]
    )
    return [
        ("owner", owner),
        ("team", f"CASE WHEN {_col(record, model, 'team')} IS NULL THEN 'null' ELSE {team} END"),
    ]


def _tags(record: str, model: type[Account | Contact]) -> str:
    through = model.tags.through
    owner_field = str(model._meta.model_name)
    return _array(
        _value(_col("tg", Tag, "name")),
        f"FROM {_table(through)} x INNER JOIN {_table(Tag)} tg "
        f"ON {_col('tg', Tag, 'id')} = {_col('x', through, 'tag')} "
        f"WHERE {_col('x', through, owner_field)} = {_col(record, model, 'id')}",
        _col("tg", Tag, "name"),
    )


def _joins(record: str, model: type[Model]) -> str:
    return (
        f"LEFT OUTER JOIN {_table(CustomerTier)} t "
        f"ON {_col('t', CustomerTier, 'id')} = {_col(record, model, 'tier')} "
        f"LEFT OUTER JOIN {_table(User)} o "
        f"ON {_col('o', User, 'id')} = {_col(record, model, 'owner')} "
        f"LEFT OUTER JOIN {_table(Team)} tm "
        f"ON {_col('tm', Team, 'id')} = {_col(record, model, 'team')}"
    )


def _plain(record: str, model: type[Model], *fields: str) -> list[tuple[str, str]]:
    return [(field, _value(_col(record, model, field))) for field in fields]


@cache
def _contact_item_sql() -> str:
    """``ContactSchema`` of contact ``c`` (one ``%s``: the tier names)."""
    points = []
    for model in (ContactPhone, ContactEmail):
        element = _object(_plain("p", model, "kind", "value", "is_primary"))
        points.append(
            _array(
                element,
                f"FROM {_table(model)} p WHERE {_col('p', model, 'contact')} = "
                f"{_col('c', Contact, 'id')}",
                f"{_col('p', model, 'is_primary')} DESC, {_col('p', model, 'id')}",
            )
        )
    link = _object(
        [
            (
                "account",
                _object(
                    [
                        ("id", _value(_col("a", Account, "id"))),
                        ("name", _value(_col("a", Account, "name"))),
                    ]
                ),
            ),
            *_plain("l", AccountContact, "role", "is_primary", "is_current"),
        ]
    )
    accounts = _array(
        link,
        f"FROM {_table(AccountContact)} l INNER JOIN {_table(Account)} a "
        f"ON {_col('a', Account, 'id')} = {_col('l', AccountContact, 'account')} "
        f"WHERE {_col('l', AccountContact, 'contact')} = {_col('c', Contact, 'id')} "
        f"AND {_col('a', Account, 'deleted_at')} IS NULL",
        f"{_col('l', AccountContact, 'is_primary')} DESC, "
        f"{_col('l', AccountContact, 'is_current')} DESC, {_col('l', AccountContact, 'id')}",
    )
    return _object(
        [
            ("id", _value(_col("c", Contact, "id"))),
            *_plain("c", Contact, *CONTACT_PLAIN_FIELDS),
            ("tier", _tier("c", Contact)),
            *_owner_and_team("c", Contact),
            *_plain("c", Contact, "description"),
            ("phones", points[0]),
            ("emails", points[1]),
            ("accounts", accounts),
            ("tags", _tags("c", Contact)),
            ("custom_fields", f"{_col('c', Contact, 'custom_fields')}::text"),
            ("created_at", _time(_col("c", Contact, "created_at"))),
            ("updated_at", _time(_col("c", Contact, "updated_at"))),
        ]
    )


@cache
def _account_item_sql() -> str:
    """``AccountSchema`` of account ``a`` (one ``%s``: the tier names)."""
    parent = _object(
        [
            ("id", _value(_col("pa", Account, "id"))),
            ("name", _value(_col("pa", Account, "name"))),
        ]
    )
    primary = (
        f"(SELECT {_col('l', AccountContact, 'contact')} FROM {_table(AccountContact)} l "  # noqa: S608 - names from model metadata
        f"INNER JOIN {_table(Contact)} pc "
        f"ON {_col('pc', Contact, 'id')} = {_col('l', AccountContact, 'contact')} "
        f"WHERE {_col('l', AccountContact, 'account')} = {_col('a', Account, 'id')} "
        f"AND {_col('l', AccountContact, 'is_primary')} "
        f"AND {_col('pc', Contact, 'deleted_at')} IS NULL "
        f"ORDER BY {_col('l', AccountContact, 'id')} DESC LIMIT 1)"
    )
    return _object(
        [
            ("id", _value(_col("a", Account, "id"))),
            *_plain("a", Account, "name", "name_pinyin", "name_initials"),
            (
                "parent",
                f"CASE WHEN {_col('pa', Account, 'id')} IS NOT NULL "
                f"AND {_col('pa', Account, 'deleted_at')} IS NULL THEN {parent} ELSE 'null' END",
            ),
            *_plain("a", Account, "industry", "size", "website"),
            ("tier", _tier("a", Account)),
            *_plain("a", Account, "country", "province", "city"),
            *_owner_and_team("a", Account),
            *_plain("a", Account, "description"),
            ("tags", _tags("a", Account)),
            ("custom_fields", f"{_col('a', Account, 'custom_fields')}::text"),
            ("primary_contact_id", _value(primary)),
            ("created_at", _time(_col("a", Account, "created_at"))),
            ("updated_at", _time(_col("a", Account, "updated_at"))),
        ]
    )


@cache
def _page_sql(kind: str, by_pk: bool, descending: bool) -> str:
    """The wrapper around a page's SELECT (``{page}``: its SQL, selecting the id and,
    unless sorted by id, the sort value), ordered as the page is."""
    model: type[Model]
    if kind == "contacts":
        model, record, item = Contact, "c", _contact_item_sql()
        extra = ""
    else:
        model, record, item = Account, "a", _account_item_sql()
        extra = (
            f" LEFT OUTER JOIN {_table(Account)} pa "
            f"ON {_col('pa', Account, 'id')} = {_col('a', Account, 'parent')}"
        )
    columns = "pg_page(pk)" if by_pk else "pg_page(pk, sort_value)"
    sort_value = "pg_page.pk" if by_pk else "pg_page.sort_value"
    direction = " DESC" if descending else ""
    order = f"pg_page.pk{direction}" if by_pk else f"{sort_value}{direction}, pg_page.pk{direction}"
    return (
        f"SELECT pg_page.pk, {sort_value}, {item} "  # noqa: S608 - names from model metadata
        f"FROM ({{page}}) AS {columns} "
        f"INNER JOIN {_table(model)} {record} ON {_col(record, model, 'id')} = pg_page.pk "
        f"{_joins(record, model)}{extra} ORDER BY {order}"
    )


def _tier_names() -> str:
    """The built-in tiers' names in the active language, as a JSON object by code."""
    return json.dumps({code: str(name) for code, name in BUILTIN_TIER_NAMES.items()})


def page_items(
    kind: str, page: QuerySet[Any], field: str, descending: bool
) -> list[tuple[Any, Any, str]]:
    """``(id, sort value, item JSON)`` of each row of ``page`` (an ordered, sliced
    queryset of contacts or accounts, ``kind``), in its order."""
    by_pk = field == "pk"
    inner = page.values_list("pk") if by_pk else page.values_list("pk", field)
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # e.g. ``.none()`` or an empty ``__in``: nothing to ask
        return []
    wrapper = _page_sql(kind, by_pk, descending)
    text = wrapper.replace("{page}", sql)
    with connection.cursor() as cursor:
        # The tier names come first: the item expressions precede the page in the SQL.
        cursor.execute(text, [_tier_names(), *params])
        return cursor.fetchall()
