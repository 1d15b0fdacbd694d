"""Finding duplicate contacts: at create time for a draft, and as a background scan.

Contacts become ``PersonRecord``s; ``guanxi.lib.matching`` blocks and scores them, so
only contacts sharing a bucket (an email, a phone, a name + city, a company) are ever
compared and the cost grows about linearly with the number of contacts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from guanxi.core.models import User
from guanxi.customers.models import AccountContact, Address, Contact, ContactEmail, ContactPhone
from guanxi.customers.object_types import CONTACT
from guanxi.customers.selectors import contacts_visible_to
from guanxi.integrations.match_rules import person_rules
from guanxi.integrations.models_dedupe import DuplicatePair, Merge, PairStatus
from guanxi.integrations.pair_store import RulesPreview, compare_rules, store_pairs, visible_pairs
from guanxi.integrations.reason_labels import reason_labels
from guanxi.lib import names
from guanxi.lib.blocking import candidate_pairs, feature_pairs
from guanxi.lib.matching import (
    MatchRules,
    PersonRecord,
    could_match,
    email_key,
    features,
    key_counts,
    name_key,
    score_features,
    score_pair,
)
from guanxi.lib.phones import normalize_phone, phone_digits


def with_details(queryset: QuerySet[Contact]) -> QuerySet[Contact]:
    """What ``record_of`` reads, prefetched."""
    return queryset.prefetch_related(
        "emails",
        "phones",
        "addresses",
        Prefetch(
            "account_links",
            queryset=AccountContact.objects.select_related("account").order_by("-is_primary", "pk"),
        ),
    )


def record_of(contact: Contact) -> PersonRecord:
    """What the matcher knows about a contact (prefetch with ``with_details``)."""
    address = next(iter(contact.addresses.all()), None)
    link = next(iter(contact.account_links.all()), None)
    return PersonRecord(
        key=contact.pk,
        family_name=contact.family_name,
        given_name=contact.given_name,
        emails=tuple(e.value for e in contact.emails.all()),
        phones=tuple(p.value for p in contact.phones.all()),
        company=link.account.name if link else "",
        street=getattr(address, "street", "") or "",
        city=getattr(address, "city", "") or "",
        postcode=getattr(address, "postcode", "") or "",
        birth_year=contact.birthday.year if contact.birthday else None,
    )


def draft_record(fields: Mapping[str, Any]) -> PersonRecord:
    """A ``PersonRecord`` from what is typed into a create form or sent to the API."""

    def listed(key: str) -> tuple[str, ...]:
        value = fields.get(key) or ()
        if isinstance(value, str):
            value = [value]
        return tuple(str(v.get("value", "") if isinstance(v, Mapping) else v) for v in value if v)

    return PersonRecord(
        name=str(fields.get("name") or ""),
        family_name=str(fields.get("family_name") or ""),
        given_name=str(fields.get("given_name") or ""),
        emails=listed("emails") + listed("email"),
        phones=listed("phones") + listed("phone"),
        company=str(fields.get("company") or ""),
        city=str(fields.get("city") or ""),
    )


# A rules preview scores at most this many contacts (the most recently changed).
PREVIEW_LIMIT = 5000
NAME_CANDIDATES = 500  # people of one common name (张伟) to score against a draft


@dataclass
class PossibleDuplicate:
    contact: Contact
    score: float
    reasons: list[str]

    @property
    def name(self) -> str:
        return self.contact.full_name

    @property
    def url(self) -> str:
        return self.contact.get_absolute_url()

    @property
    def reason_text(self) -> str:
        """The reasons in the reader's language, as the create form shows them."""
        return reason_labels(self.reasons)


def find_duplicates_for(
    user: User,
    draft_fields: Mapping[str, Any],
    *,
    rules: MatchRules | None = None,
    limit: int = 5,
) -> list[PossibleDuplicate]:
    """Contacts the user can see that look like the draft, best first (by the rules in
    use unless ``rules`` are given)."""
    rules = rules or person_rules()
    draft = draft_record(draft_fields)
    if not (draft.name or draft.family_name or draft.given_name or draft.emails or draft.phones):
        return []
    spoken = draft.name or " ".join(p for p in (draft.family_name, draft.given_name) if p)
    if draft.family_name and draft.given_name and names.has_cjk(draft.family_name):
        spoken = f"{draft.family_name}{draft.given_name}"
    ids = _candidate_ids(draft.emails, draft.phones, spoken)
    candidates = with_details(contacts_visible_to(user).filter(pk__in=ids))[:200]
    found = []
    for contact in candidates:
        result = score_pair(draft, record_of(contact), rules)
        if result.score >= rules.threshold:
            found.append(PossibleDuplicate(contact, result.score, result.reasons))
    found.sort(key=lambda hit: -hit.score)
    return found[:limit]


def _candidate_ids(emails: Iterable[str], phones: Iterable[str], spoken: str) -> set[int]:
    """Contacts sharing an email, a phone or the spoken name with the draft: one indexed
    look-up per kind of evidence (stored emails are lower-case and phones E.164), not
    one query with ORs across joins, which the database answers by reading every row."""
    ids: set[int] = set()
    wanted = {email.strip().lower() for email in emails if email.strip()}
    if wanted:
        found = ContactEmail.objects.filter(value__in=wanted).values_list("contact_id", flat=True)
        ids.update(found)
    exact, suffixes = set(), set()
    for phone in phones:
        try:
            exact.add(normalize_phone(phone, region=settings.PHONE_DEFAULT_REGION))
        except ValueError:
            digits = phone_digits(phone)
            if len(digits) >= 7:
                suffixes.add(digits[-8:])
    if exact:
        ids.update(
            ContactPhone.objects.filter(value__in=exact).values_list("contact_id", flat=True)
        )
    for digits in suffixes:  # a number that does not parse: its last digits
        ids.update(
            ContactPhone.objects.filter(value__endswith=digits).values_list("contact_id", flat=True)
        )
    if spoken and names.compact(spoken):
        words = names.pinyin_of(spoken).split()
        same = Q(name_pinyin__in=[" ".join(words), " ".join(reversed(words))])
        same |= Q(full_name=spoken.strip())  # both columns are indexed: a bitmap OR
        ids.update(Contact.objects.filter(same).values_list("pk", flat=True)[:NAME_CANDIDATES])
    return ids


def duplicates_of(
    user: User, *, email: str = "", phone: str = "", name: str = ""
) -> list[PossibleDuplicate]:
    """The API's look-up: contacts that match an email, a phone or a name."""
    return find_duplicates_for(user, {"email": email, "phone": phone, "name": name})


CHUNK = 20_000


def _rows(manager: Any, *fields: str) -> Iterable[tuple[Any, ...]]:
    """``(contact_id, *fields)`` of a contact's child rows, its first (primary) first."""
    rows = manager.filter(contact__isnull=False).order_by("contact_id", "-is_primary", "pk")
    return rows.values_list("contact_id", *fields).iterator(chunk_size=CHUNK)


def scan_records() -> tuple[list[int], list[PersonRecord], list[datetime]]:
    """Every live contact as the matcher sees it (``record_of``), with its id and when it
    last changed: read as plain rows, one query per table, not as model instances (a
    scan reads every contact, and a million contacts must fit in memory)."""
    emails: dict[int, list[str]] = defaultdict(list)
    for contact_id, value in _rows(ContactEmail.objects, "value"):
        emails[contact_id].append(value)
    phones: dict[int, list[str]] = defaultdict(list)
    for contact_id, value in _rows(ContactPhone.objects, "value"):
        phones[contact_id].append(value)
    addresses: dict[int, tuple[str, str, str]] = {}
    for contact_id, street, city, postcode in _rows(Address.objects, "street", "city", "postcode"):
        addresses.setdefault(contact_id, (street or "", city or "", postcode or ""))
    companies: dict[int, str] = {}
    for contact_id, company in _rows(AccountContact.objects, "account__name"):
        companies.setdefault(contact_id, company)
    keys, records, updated = [], [], []
    contacts = Contact.objects.order_by("pk").values_list(
        "pk", "family_name", "given_name", "birthday", "updated_at"
    )
    for pk, family, given, birthday, updated_at in contacts.iterator(chunk_size=CHUNK):
        street, city, postcode = addresses.get(pk, ("", "", ""))
        keys.append(pk)
        updated.append(updated_at)
        records.append(
            PersonRecord(
                key=pk,
                family_name=family,
                given_name=given,
                emails=tuple(emails.get(pk, ())),
                phones=tuple(phones.get(pk, ())),
                company=companies.get(pk, ""),
                street=street,
                city=city,
                postcode=postcode,
                birth_year=birthday.year if birthday else None,
            )
        )
    return keys, records, updated


def scan_contacts(*, rules: MatchRules | None = None, changed_since: datetime | None = None) -> int:
    """Score every blocked pair of live contacts and store those above the threshold
    (by the rules in use unless ``rules`` are given); dismissed and merged pairs keep
    their status. With ``changed_since`` only pairs with a contact changed since then
    are scored and refreshed (the nightly scan). Returns the number of open pairs. Safe
    to run twice."""
    rules = rules or person_rules()
    keys, records, updated = scan_records()
    touched: set[int] | None = None
    # How many contacts bear each one's name: a common name alone counts for less.
    spoken = [name_key(record) for record in records]
    counts = key_counts(spoken)
    if changed_since is not None:
        touched = {pk for pk, at in zip(keys, updated, strict=True) if at >= changed_since}
        # A new or renamed contact makes its name commoner (or rarer) for every bearer:
        # their pairs are scored again too.
        names = {name for pk, name in zip(keys, spoken, strict=True) if pk in touched and name}
        touched |= {pk for pk, name in zip(keys, spoken, strict=True) if name in names}
    # Each contact's keys worked out once (stored phones are E.164: not parsed again),
    # buckets filled from them, and most pairs ruled out by ``could_match`` before the
    # full score.
    compared = [
        features(record, name_count=count, stored_phones=True)
        for record, count in zip(records, counts, strict=True)
    ]
    del records, spoken, counts  # a million of each: the features are what is compared
    found = {}
    for i, j in feature_pairs(compared, rules):
        if touched is not None and keys[i] not in touched and keys[j] not in touched:
            continue
        if not could_match(compared[i], compared[j], rules):
            continue
        result = score_features(compared[i], compared[j], rules)
        if result.score >= rules.threshold:
            found[(min(keys[i], keys[j]), max(keys[i], keys[j]))] = (result.score, result.reasons)
    return store_pairs(DuplicatePair, found, touched)


def preview_rules(proposed: MatchRules, *, limit: int = PREVIEW_LIMIT) -> RulesPreview:
    """How many pairs ``proposed`` would suggest next to the rules in use: over a scan of
    the live contacts (the ``limit`` most recently changed) and the open pairs stored."""
    return compare_rules(
        with_details(Contact.objects.all()),
        open_pairs=DuplicatePair.objects.filter(status=PairStatus.OPEN),
        record_of=record_of,
        limit=limit,
        current=person_rules(),
        proposed=proposed,
        candidates=candidate_pairs,
        score=score_pair,
        scorer_for=_scorer_with_name_counts,
    )


def _scorer_with_name_counts(records: list[PersonRecord]) -> Any:
    """``score_pair`` with each name's count among ``records``, as a scan scores (the
    preview's sample stands for the base: on a base larger than it, names count as
    rarer than the scan will find them)."""
    spoken = [name_key(record) for record in records]
    counts = dict(zip(spoken, key_counts(spoken), strict=True))

    def score(a: PersonRecord, b: PersonRecord, rules: MatchRules) -> Any:
        first = features(a, name_count=counts.get(name_key(a), 1))
        second = features(b, name_count=counts.get(name_key(b), 1))
        return score_features(first, second, rules)

    return score


def pairs_visible_to(user: User) -> QuerySet[DuplicatePair]:
    """Pairs whose two contacts the user can both see."""
    return visible_pairs(DuplicatePair, user, CONTACT, contacts_visible_to(user))


def get_pair_for(user: User, pk: Any) -> DuplicatePair:
    """A pair the user can see both contacts of; 404 otherwise."""
    return get_object_or_404(pairs_visible_to(user), pk=pk)


def get_merge_for(user: User, pk: Any) -> Merge:
    """A merge whose surviving contact the user may change; 404 otherwise."""
    visible = contacts_visible_to(user, "change").values("pk")
    return get_object_or_404(Merge.objects.filter(survivor__in=visible), pk=pk)


def dismiss_pair(*, actor: User, pair: DuplicatePair) -> DuplicatePair:
    """Mark a pair as two different people; a later scan leaves it alone."""
    pair.status = PairStatus.DISMISSED
    pair.resolved_by = actor
    pair.save(update_fields=["status", "resolved_by"])
    return pair


__all__ = [
    "PossibleDuplicate",
    "dismiss_pair",
    "draft_record",
    "duplicates_of",
    "email_key",
    "find_duplicates_for",
    "pairs_visible_to",
    "phone_digits",
    "preview_rules",
    "record_of",
    "scan_contacts",
    "with_details",
]
