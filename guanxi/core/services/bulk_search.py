"""Search documents of many records at once (records just created in bulk): what
``index_record`` writes for each, with a few queries for the lot."""

from __future__ import annotations

from django.db.models import Model

from guanxi.core.custom_fields import cached_definitions
from guanxi.core.models import SearchDocument
from guanxi.core.search import searchable
from guanxi.core.services.search import document_row


def index_records(model: type[Model], pks: list[int]) -> int:
    """Write (or rewrite) the documents of the live records of ``model`` with these
    primary keys, read through the type's index queryset (its prefetches); returns
    how many were written."""
    spec = searchable(model._meta.label_lower)
    if spec is None or not pks:
        return 0
    queryset = spec.queryset() if spec.queryset else model._default_manager.all()
    documents = []
    with cached_definitions():
        for obj in queryset.filter(pk__in=pks).order_by("pk"):
            if getattr(obj, "deleted_at", None) is not None:
                continue
            documents.append(document_row(spec, obj))
    SearchDocument.objects.filter(object_type=spec.key, object_id__in=pks).delete()
    SearchDocument.objects.bulk_create(documents)
    return len(documents)
