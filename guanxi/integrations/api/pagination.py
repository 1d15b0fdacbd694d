"""Keyset pagination: stable, and no ``COUNT(*)`` however large the table.

A page is ordered by one field plus the primary key as a tie-breaker; the opaque
cursor carries the last row's values, so the next page starts strictly after it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

MAX_LIMIT = 200


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise ValidationError({"cursor": _("This cursor is not valid.")}) from exc
    if not isinstance(values, list) or len(values) != 2:
        raise ValidationError({"cursor": _("This cursor is not valid.")})
    return values


def keyset_window(
    queryset: QuerySet[Any],
    *,
    cursor: str | None,
    limit: int,
    sort: str,
    allowed: Sequence[str],
) -> tuple[QuerySet[Any], str, bool]:
    """``queryset`` narrowed to the page after ``cursor``, ordered by ``sort`` (``-field``
    for descending) and the pk, cut to ``limit + 1`` rows (the one more tells whether
    there is a next page); with the sort field and whether it is descending."""
    field = sort.lstrip("-")
    if field not in allowed:
        raise ValidationError(
            {"sort": _("Sort by one of: %(fields)s.") % {"fields": ", ".join(allowed)}}
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(
            {"limit": _("Limit must be between 1 and %(max)s.") % {"max": MAX_LIMIT}}
        )
    descending = sort.startswith("-")
    op = "lt" if descending else "gt"
    if cursor:
        value, pk = _decode(cursor)
        if field == "pk":
            queryset = queryset.filter(**{f"pk__{op}": pk})
        else:
            queryset = queryset.filter(
                Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": pk})
            )
    order = [sort, "-pk" if descending else "pk"] if field != "pk" else [sort]
    return queryset.order_by(*order)[: limit + 1], field, descending


def next_cursor_after(value: Any, pk: Any) -> str:
    """The cursor of the page after the row with sort ``value`` and ``pk``."""
    return _encode([value, pk])


def keyset_page(
    queryset: QuerySet[Any],
    *,
    cursor: str | None,
    limit: int,
    sort: str,
    allowed: Sequence[str],
) -> tuple[list[Model], str | None]:
    """One page of ``queryset`` sorted by ``sort`` (``-field`` for descending)."""
    window, field, _descending = keyset_window(
        queryset, cursor=cursor, limit=limit, sort=sort, allowed=allowed
    )
    rows = list(window)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = next_cursor_after(getattr(last, field) if field != "pk" else last.pk, last.pk)
    return rows, next_cursor
