"""The contacts a batch of imported rows may be likely duplicates of, read as plain
values: what ``dedupe.record_of`` knows of each (names, emails, phones, first address,
first account), the accounts it works at, with five queries for the lot and no model
instances (``with_details``' prefetches build a related manager per contact: at a
hundred thousand contacts, where every name has candidates, they were a third of an
import's time)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from guanxi.customers.models import AccountContact, Address, Contact, ContactEmail, ContactPhone
from guanxi.lib.matching import PersonRecord


@dataclass(slots=True)
class Candidate:
    pk: int
    name_pinyin: str
    full_name: str
    account_ids: frozenset[int]  # every account it is linked to
    record: PersonRecord  # equal to ``record_of`` of the contact


def load_candidates(contacts: QuerySet[Contact]) -> list[Candidate]:
    """The candidates among ``contacts``, in the queryset's order."""
    rows = list(
        contacts.values_list(
            "pk", "name_pinyin", "full_name", "family_name", "given_name", "birthday"
        )
    )
    pks = [row[0] for row in rows]
    emails = _values_by_contact(ContactEmail, pks, "value")
    phones = _values_by_contact(ContactPhone, pks, "value")
    addresses = _values_by_contact(Address, pks, "street", "city", "postcode")
    links = AccountContact.objects.filter(contact_id__any_of=pks).order_by("-is_primary", "pk")
    accounts: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for contact_id, account_id, name in links.values_list(
        "contact_id", "account_id", "account__name"
    ):
        accounts[contact_id].append((account_id, name))
    found = []
    for pk, name_pinyin, full_name, family_name, given_name, birthday in rows:
        street, city, postcode = next(iter(addresses.get(pk, [])), ("", "", ""))
        linked = accounts.get(pk, [])
        record = PersonRecord(
            key=pk,
            family_name=family_name,
            given_name=given_name,
            emails=tuple(value for (value,) in emails.get(pk, [])),
            phones=tuple(value for (value,) in phones.get(pk, [])),
            company=linked[0][1] if linked else "",
            street=street or "",
            city=city or "",
            postcode=postcode or "",
            birth_year=birthday.year if birthday else None,
        )
        account_ids = frozenset(account_id for account_id, _name in linked)
        found.append(Candidate(pk, name_pinyin, full_name, account_ids, record))
    return found


def _values_by_contact(model: Any, pks: list[int], *fields: str) -> dict[int, list[tuple]]:
    """``fields`` of each contact's rows of ``model``, in the model's own order (what the
    contact's related manager lists: primary first)."""
    found: dict[int, list[tuple]] = defaultdict(list)
    ordering = model._meta.ordering
    for contact_id, *values in (
        model.objects.filter(contact_id__any_of=pks).order_by("contact_id", *ordering)
        .values_list("contact_id", *fields)
    ):  # fmt: skip
        found[contact_id].append(tuple(values))
    return found
