"""IDs in the old system ("ID in the old system" column) for a batch of contacts: what
``import_row`` looks up one row at a time (``record_by_ref`` then, for a new contact,
``ExternalRef.update_or_create``), read with two queries for the batch and written with
one ``bulk_create`` when it is saved."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType

from guanxi.core.access import restrict
from guanxi.core.models import User
from guanxi.customers.models import Contact
from guanxi.integrations.imports.rows import IMPORT_SOURCE
from guanxi.integrations.models import ExternalRef


class OldSystemIds:
    """The refs of one batch's ids: ``record(id)`` is the live contact the id names (or
    None), ``visible(pk)`` whether the importer sees it; ``made`` the ids rows of the
    batch gave to contacts they created."""

    def __init__(self, actor: User, ids: Iterable[str]) -> None:
        self.content_type = ContentType.objects.get_for_model(Contact)
        self.made: set[str] = set()
        wanted = {i for i in ids if i}
        refs = ExternalRef.objects.filter(
            source=IMPORT_SOURCE, content_type=self.content_type, external_id__in=wanted
        )
        found = refs.values_list("external_id", "pk", "object_id")
        self.refs = {external_id: (pk, obj) for external_id, pk, obj in found}
        named = [obj for _pk, obj in self.refs.values()]
        live = Contact.objects.filter(pk__in=named)
        self.live = set(live.values_list("pk", flat=True))
        self.seen = set(restrict(live, actor, "view").values_list("pk", flat=True))

    def record(self, external_id: str) -> int | None:
        """The pk of the live contact this id names, as ``record_by_ref`` finds it."""
        known = self.refs.get(external_id)
        return known[1] if known is not None and known[1] in self.live else None

    def visible(self, pk: int) -> bool:
        return pk in self.seen

    def save(self, created: list[tuple[str, int]]) -> None:
        """Refs for the contacts the batch created, as (id, contact pk): a ref still naming
        a record in the trash (after a rollback) is taken over by the new contact."""
        new, taken_over = [], []
        for external_id, pk in created:
            known = self.refs.get(external_id)
            if known is not None:
                taken_over.append(ExternalRef(pk=known[0], object_id=pk))
            else:
                new.append(
                    ExternalRef(
                        source=IMPORT_SOURCE,
                        external_id=external_id,
                        content_type=self.content_type,
                        object_id=pk,
                    )
                )
        ExternalRef.objects.bulk_update(taken_over, ["object_id"], batch_size=500)
        ExternalRef.objects.bulk_create(new)
