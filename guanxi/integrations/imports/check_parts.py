"""A large contacts file is checked in parts (``IMPORT_CHECK_PART_ROWS`` rows), each in
its own transaction that is rolled back, instead of in one: a check of a million rows
held one transaction open for an hour and a half, during which PostgreSQL could remove
no dead row anywhere and the accounts the file names stayed locked.

What the rows of earlier parts made is gone when a later part starts, so it is kept
here, read back just before each rollback: the contacts of the part the importer sees,
by email and phone (a later row with one of them is the same in file), by name in
pinyin with what the duplicate engine knows of them (scored as likely duplicates), and
by their ID in the old system (also of those the importer does not see: the row is an
error); and the tags they made, made again at the start of each later part.
``ContactBatch`` consults it where it would otherwise find those contacts in the
database (*A large contacts file: checked in parts* in ``docs/import.md`` lists what a
part does not see of the earlier ones)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max

from guanxi.core.access import restrict
from guanxi.core.models import Tag, User
from guanxi.core.services.tags import tags_from_names
from guanxi.customers.models import Contact
from guanxi.integrations.imports.candidates import load_candidates
from guanxi.integrations.imports.matching import LIKELY_CANDIDATES, import_tag_name, made_by_job
from guanxi.integrations.imports.models import ImportJob
from guanxi.integrations.imports.rows import IMPORT_SOURCE
from guanxi.integrations.models import ExternalRef
from guanxi.lib.matching import PersonRecord


def part_rows(batch: int) -> int:
    """Rows per part of a check: whole batches, at least one."""
    rows = int(getattr(settings, "IMPORT_CHECK_PART_ROWS", 20_000))
    return max(batch, rows // batch * batch)


@dataclass(slots=True)
class Earlier:
    """A contact a row of an earlier part made (rolled back since): what a match with it
    needs. It reads as the contact does in a row's warning."""

    full_name: str
    changeable: bool  # the importer may change it ("link and update")
    visible: bool = True  # the importer sees it (kept only by its ID in the old system)

    def __str__(self) -> str:
        return self.full_name


class EarlierParts:
    """The contacts made by the rows of a check's earlier parts."""

    def __init__(self) -> None:
        self.by_value: dict[tuple[str, str], Earlier] = {}  # ("email" | "phone", value)
        self.by_name: dict[str, list[tuple[Earlier, PersonRecord]]] = defaultdict(list)
        self.by_old_id: dict[str, Earlier] = {}
        self.tags: list[str] = []  # names of the tags rows of earlier parts made
        # Contacts up to this pk were there before the check: a part's saved
        # candidates above it were made by its own earlier batches.
        self.bound = Contact.all_objects.aggregate(top=Max("pk"))["top"] or 0
        self.tag_bound = Tag.objects.aggregate(top=Max("pk"))["top"] or 0

    def restore(self, actor: User) -> None:
        """At the start of a later part: the tags earlier parts made, made again."""
        if self.tags:
            tags_from_names(actor=actor, names=self.tags, create=True)

    def keep(self, actor: User, job: ImportJob) -> None:
        """Before the part is rolled back: what its rows made, as later rows find it."""
        known = {name.lower() for name in self.tags}
        for name in Tag.objects.filter(pk__gt=self.tag_bound).values_list("name", flat=True):
            if name.lower() not in known:
                self.tags.append(name)
        made = made_by_job(job, Contact).order_by("pk")
        candidates = load_candidates(made)
        pks = [c.pk for c in candidates]
        may_change = set(
            restrict(Contact.objects.all(), actor, "change")
            .filter(pk__any_of=pks)
            .values_list("pk", flat=True)
        )
        kept: dict[int, Earlier] = {}
        for candidate in candidates:
            record = candidate.record
            earlier = Earlier(candidate.full_name, candidate.pk in may_change)
            kept[candidate.pk] = earlier
            for kind, values in (("email", record.emails), ("phone", record.phones)):
                for value in values:
                    self.by_value.setdefault((kind, value), earlier)
            named = self.by_name[candidate.name_pinyin]
            if len(named) < LIKELY_CANDIDATES:  # a row reaches no more of one name
                named.append((earlier, record))
        # IDs of all the part's contacts: one the importer does not see is an error.
        tagged = Contact.objects.filter(tags__name=import_tag_name(job))
        every = list(tagged.values_list("pk", flat=True))
        refs = ExternalRef.objects.filter(
            source=IMPORT_SOURCE,
            content_type=ContentType.objects.get_for_model(Contact),
            object_id__any_of=every,
        ).values_list("external_id", "object_id")
        for external_id, pk in refs:
            unseen = Earlier("", changeable=False, visible=False)
            self.by_old_id.setdefault(external_id, kept.get(pk, unseen))
