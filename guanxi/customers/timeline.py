"""One timeline per customer, merged from registered sources.

Every module that records touchpoints (activities here; orders, tickets, campaign sends
and surveys later) registers a ``TimelineSource``. A page of the timeline asks each
source for its newest entries older than the cursor — one query per source — and
merges them, so the cost of a page does not grow with the customer's history and a
new source never changes this module.

The stream is ordered by ``(at, source, id)`` descending; the cursor is the last
entry's triple, so pages never repeat or skip an entry, even with equal timestamps.
"""

from __future__ import annotations

import base64
import heapq
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Q
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Cursor:
    at: datetime
    source: str
    id: int

    def encode(self) -> str:
        raw = json.dumps([self.at.isoformat(), self.source, self.id]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            padded = text + "=" * (-len(text) % 4)
            at, source, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
            when = parse_datetime(at)
            if when is None or not isinstance(source, str):
                raise ValueError(at)
            return cls(when, source, int(pk))
        except (ValueError, TypeError) as exc:
            raise ValidationError({"cursor": _("This cursor is not valid.")}) from exc


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a customer's timeline, whatever module it comes from."""

    at: datetime
    source: str
    id: int
    kind: str
    kind_label: str | Promise
    title: str
    body: str = ""
    actor: str = ""
    url: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple[datetime, str, int]:
        return (self.at, self.source, self.id)

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.at, self.source, self.id)


# fetch(user, subject, cursor, limit, kinds) -> the source's newest entries before cursor
Fetch = Callable[[Any, Model, Cursor | None, int, set[str] | None], Sequence[TimelineEntry]]


@dataclass(frozen=True)
class TimelineSource:
    key: str
    kinds: Sequence[tuple[str, str | Promise]]  # (kind, label) this source produces
    fetch: Fetch


_sources: dict[str, TimelineSource] = {}


def register_source(source: TimelineSource) -> None:
    _sources[source.key] = source


def unregister_source(key: str) -> None:
    _sources.pop(key, None)


def sources() -> list[TimelineSource]:
    return sorted(_sources.values(), key=lambda s: s.key)


def kind_choices() -> list[tuple[str, str | Promise]]:
    return [kind for source in sources() for kind in source.kinds]


def before(cursor: Cursor | None, source: str, at_field: str = "at", id_field: str = "pk") -> Q:
    """The filter a source applies so that it returns only entries after ``cursor``."""
    if cursor is None:
        return Q()
    if source < cursor.source:
        return Q(**{f"{at_field}__lte": cursor.at})
    if source > cursor.source:
        return Q(**{f"{at_field}__lt": cursor.at})
    return Q(**{f"{at_field}__lt": cursor.at}) | Q(
        **{at_field: cursor.at, f"{id_field}__lt": cursor.id}
    )


def timeline_page(
    user: Any,
    subject: Model,
    *,
    cursor: str | None = None,
    limit: int = 25,
    kinds: Iterable[str] | None = None,
) -> tuple[list[TimelineEntry], str | None]:
    """One page of the subject's timeline, newest first, and the cursor of the next."""
    position = Cursor.decode(cursor) if cursor else None
    wanted = {k for k in kinds if k} if kinds is not None else set()
    batches = []
    for source in sources():
        if wanted and not wanted & {kind for kind, _label in source.kinds}:
            continue
        entries = source.fetch(user, subject, position, limit + 1, wanted or None)
        batches.append(sorted(entries, key=lambda e: e.sort_key, reverse=True))
    merged = list(heapq.merge(*batches, key=lambda e: e.sort_key, reverse=True))
    page = merged[:limit]
    next_cursor = page[-1].cursor.encode() if len(merged) > limit else None
    return page, next_cursor
