"""One search box across every kind of record.

Modules register what is searchable with ``register_searchable``: a function giving a
record's title, subtitle and search terms (pinyin, initials, phone digits, email
domains, names without legal suffixes ...). The services keep one ``SearchDocument``
per record (``core.services.search``); a query is a case-insensitive substring match
on those documents — FTS5 trigram on SQLite and a pg_trgm index on PostgreSQL for
queries of three characters or more, a plain scan of the documents for one or two
characters (Chinese names and places are often that short) — narrowed to what the user
may see with the same ``restrict`` as everything else, and ranked.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Case, IntegerField, Model, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.functional import Promise

from guanxi.core.access import restrict
from guanxi.core.models import SearchDocument

SEPARATOR = "|"
MAX_QUERY = 100


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    terms: Sequence[str]


@dataclass(frozen=True)
class Searchable:
    key: str  # the object type, "customers.contact"
    label: str | Promise
    document: Callable[[Any], Document]
    url: Callable[[int], str]  # the record's page, from its id
    queryset: Callable[[], QuerySet[Any]] | None = None  # for a rebuild; default: live rows


_registry: dict[str, Searchable] = {}


def register_searchable(spec: Searchable) -> None:
    _registry[spec.key] = spec


def searchables() -> list[Searchable]:
    return sorted(_registry.values(), key=lambda s: s.key)


def searchable(key: str) -> Searchable | None:
    return _registry.get(key)


def normalize(text: str) -> str:
    """Lower-case, full-width folded, whitespace collapsed; the separator removed."""
    folded = unicodedata.normalize("NFKC", text or "").lower().replace(SEPARATOR, " ")
    return " ".join(folded.split())


def document_text(document: Document) -> str:
    """``|title|term|term|``: the title first, each term once."""
    seen: list[str] = []
    for term in (document.title, document.subtitle, *document.terms):
        value = normalize(str(term))
        if value and value not in seen:
            seen.append(value)
    return SEPARATOR + SEPARATOR.join(seen) + SEPARATOR


def _fts_quoted(query: str) -> str:
    return '"' + query.replace('"', '""') + '"'


def _matching(query: str) -> QuerySet[SearchDocument]:
    documents = SearchDocument.objects.all()
    if len(query) >= 3 and connection.vendor == "sqlite":
        # Trigram FTS5 serves substring queries of three characters or more.
        return documents.filter(
            pk__in=RawSQL(
                "SELECT rowid FROM core_searchdocument_fts WHERE core_searchdocument_fts MATCH %s",
                [_fts_quoted(query)],
            )
        )
    # PostgreSQL: LIKE '%q%' on the lower-case text uses the pg_trgm GIN index.
    return documents.filter(text__contains=query)


def matching_ids(object_type: str, text: str) -> QuerySet[SearchDocument, Any] | None:
    """Ids (a subquery) of the records of one type whose document contains ``text``,
    served by the trigram index; None for an empty query. Lists use it for their
    search box, so they are as fast and as Chinese-aware as the global search."""
    query = normalize(text)[:MAX_QUERY]
    if not query:
        return None
    return _matching(query).filter(object_type=object_type).values("object_id")


def _visible(user: Any, types: Iterable[str]) -> Q:
    """Documents of records the user may see, one subquery per type."""
    condition = Q(pk__in=[])
    for key in types:
        model = apps.get_model(key)
        allowed = restrict(model._default_manager.all(), user, "view").values("pk")
        condition |= Q(object_type=key, object_id__in=allowed)
    return condition


def search(
    user: Any, text: str, *, types: Iterable[str] | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """The best ``limit`` matches the user may see, best first."""
    query = normalize(text)[:MAX_QUERY]
    if not query:
        return []
    keys = [s.key for s in searchables() if types is None or s.key in set(types)]
    rank = Case(
        When(text__startswith=f"{SEPARATOR}{query}{SEPARATOR}", then=Value(0)),
        When(text__startswith=f"{SEPARATOR}{query}", then=Value(1)),
        When(text__contains=f"{SEPARATOR}{query}{SEPARATOR}", then=Value(2)),
        When(text__contains=f"{SEPARATOR}{query}", then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
    rows = (
        _matching(query)
        .filter(_visible(user, keys))
        .annotate(rank=rank)
        .order_by("rank", "title", "pk")
        .values("object_type", "object_id", "title", "subtitle", "rank")[:limit]
    )
    results = []
    for row in rows:
        spec = _registry[row["object_type"]]
        results.append(
            {
                **row,
                "type_label": str(spec.label),
                "url": spec.url(row["object_id"]),
            }
        )
    return results


def model_of(key: str) -> type[Model]:
    return apps.get_model(key)
