"""Keeping the search documents in step with the records they describe.

Services call ``index_record`` after every create or change of a searchable record
and ``unindex_record`` when it goes to the trash; ``rebuild_index`` recomputes all of
them (the ``rebuild_search_index`` command).
"""

from __future__ import annotations

from django.db.models import Model

from guanxi.core.custom_fields import cached_definitions
from guanxi.core.models import SearchDocument
from guanxi.core.search import Searchable, document_text, model_of, searchable, searchables

BATCH = 1000


def document_row(spec: Searchable, obj: Model) -> SearchDocument:
    """The (unsaved) search document of ``obj``, a record of ``spec``'s type."""
    document = spec.document(obj)
    return SearchDocument(
        object_type=spec.key,
        object_id=obj.pk,
        title=document.title[:200],
        subtitle=document.subtitle[:300],
        text=document_text(document),
    )


def index_record(obj: Model) -> None:
    """Write (or rewrite) the search document of one record, if its type is searchable."""
    spec = searchable(obj._meta.label_lower)
    if spec is None:
        return
    if getattr(obj, "deleted_at", None) is not None:
        unindex_record(obj)
        return
    row = document_row(spec, obj)
    SearchDocument.objects.update_or_create(
        object_type=spec.key,
        object_id=obj.pk,
        defaults={"title": row.title, "subtitle": row.subtitle, "text": row.text},
    )


def unindex_record(obj: Model) -> None:
    SearchDocument.objects.filter(object_type=obj._meta.label_lower, object_id=obj.pk).delete()


def rebuild_index(keys: list[str] | None = None) -> int:
    """Recompute the documents of every live record of the given (default: all) types."""
    with cached_definitions():
        return _rebuild(keys)


def _rebuild(keys: list[str] | None) -> int:
    written = 0
    for spec in searchables():
        if keys is not None and spec.key not in keys:
            continue
        SearchDocument.objects.filter(object_type=spec.key).delete()
        queryset = spec.queryset() if spec.queryset else model_of(spec.key)._default_manager.all()
        batch: list[SearchDocument] = []
        for obj in queryset.order_by("pk").iterator(chunk_size=BATCH):
            batch.append(document_row(spec, obj))
            if len(batch) >= BATCH:
                SearchDocument.objects.bulk_create(batch)
                written += len(batch)
                batch = []
        SearchDocument.objects.bulk_create(batch)
        written += len(batch)
    return written
