"""Search documents of many records at once (records just created in bulk): what
``index_record`` writes for each, built from the objects in memory and written with a
few queries for the lot."""

from __future__ import annotations

from django.db.models import Model

from guanxi.core.custom_fields import cached_definitions
from guanxi.core.models import SearchDocument
from guanxi.core.search import searchable
from guanxi.core.services.search import document_row


def index_objects(model: type[Model], objects: list[Model]) -> int:
    """Write (or rewrite) the documents of these saved, live records of ``model`` from
    the objects themselves, not read again: the caller sets on them what the type's
    index queryset would have prefetched (for contacts and accounts the ``search_*``
    lists, see ``customers.search``). Returns how many were written."""
    spec = searchable(model._meta.label_lower)
    if spec is None or not objects:
        return 0
    with cached_definitions():
        documents = [document_row(spec, obj) for obj in objects]
    pks = [obj.pk for obj in objects]
    SearchDocument.objects.filter(object_type=spec.key, object_id__in=pks).delete()
    SearchDocument.objects.bulk_create(documents)
    return len(documents)
