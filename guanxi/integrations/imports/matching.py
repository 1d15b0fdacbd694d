"""Finding the existing contact or account an imported row is: exact identifiers first
(among the records the importing user can see, and the records this import already
made), then likely matches scored by the duplicate engine with the active match rules.
Every look-up is an indexed query with a bounded number of candidates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from guanxi.core.access import is_permitted, restrict
from guanxi.core.models import User
from guanxi.customers.models import Account, Contact, ContactEmail, ContactPhone
from guanxi.integrations.account_matching import domain_key, name_key
from guanxi.integrations.dedupe import draft_record, record_of, with_details
from guanxi.integrations.dedupe_accounts import find_account_duplicates_for
from guanxi.integrations.imports.fields import ACCOUNTS
from guanxi.integrations.imports.models import ImportJob
from guanxi.integrations.match_rules import person_rules
from guanxi.integrations.reason_labels import reason_labels
from guanxi.lib import names
from guanxi.lib.companies import normalize_company
from guanxi.lib.matching import Features, PersonRecord, could_match, features, score_features
from guanxi.lib.phones import normalize_phone

# At most this many accounts share a name or domain key for one row's look-up.
KEY_CANDIDATES = 20
# At most this many contacts are scored against one row.
LIKELY_CANDIDATES = 50


@dataclass
class Match:
    record: Model
    field: str  # the import field whose value matched
    in_file: bool = False  # an earlier row of this file created the record


@dataclass
class Likely:
    name: str
    score: float
    reasons: list[str]


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except ValueError:
        return ""


def contact_keys(cells: dict[str, str]) -> list[tuple[str, str]]:
    """(import field, normalised value) of a contact row's emails and phones."""
    keys = [(f, cells[f].strip().lower()) for f in ("email", "email2") if cells.get(f, "").strip()]
    keys += [(f, _phone(cells[f])) for f in ("mobile", "phone") if cells.get(f, "").strip()]
    return [(f, value) for f, value in keys if value]


ID_CHUNK = 500  # ids per ``IN (...)``: well inside SQLite's limit on query parameters


def _contacts_with(queryset: QuerySet[Contact], field: str, value: str) -> Contact | None:
    """The first contact of ``queryset`` with this email or phone. The contacts with the
    value are found first (indexed), then those of ``queryset`` among them: joined in
    one query, the database may read all of ``queryset`` first (the records an import
    made, hundreds of thousands of them, when its statistics are out of date)."""
    points = ContactEmail if field.startswith("email") else ContactPhone
    ids = sorted(set(points.objects.filter(value=value).values_list("contact_id", flat=True)))
    for start in range(0, len(ids), ID_CHUNK):  # a placeholder phone many contacts share
        found = queryset.filter(pk__in=ids[start : start + ID_CHUNK]).order_by("pk").first()
        if found is not None:
            return found
    return None


def account_by_name(queryset: QuerySet[Account], name: str) -> Account | None:
    """The first account whose name is the same without its legal form (华信科技有限公司 =
    华信科技), found by the indexed matching key."""
    key = name_key(name)
    if not key:
        return None
    stored = normalize_company(name)[:200]
    found = queryset.filter(Q(name_key=stored) | Q(name__iexact=name.strip()))
    return next((a for a in found.order_by("pk")[:KEY_CANDIDATES] if name_key(a.name) == key), None)


def accounts_named(queryset: QuerySet[Account], names_: list[str]) -> list[Account]:
    """Every account ``account_by_name`` could return for any of these names (one
    query, ordered by pk), to pick from with ``first_named``."""
    stored = {normalize_company(n)[:200] for n in names_ if name_key(n)}
    plain = {n.strip().upper() for n in names_ if name_key(n)}
    if not stored:
        return []
    # Found by the indexed keys first, then narrowed to ``queryset`` (see
    # ``_contacts_with``).
    every = Account._base_manager.all()
    ids = set(every.filter(name_key__in=stored).values_list("pk", flat=True))
    upper = every.annotate(upper_name=Upper("name")).filter(upper_name__in=plain)
    ids |= set(upper.values_list("pk", flat=True))
    return in_chunks(queryset, sorted(ids))


def in_chunks(queryset: QuerySet[Any], ids: list[int]) -> list[Any]:
    """The records of ``queryset`` among ``ids`` (ascending), in pk order, asked
    ``ID_CHUNK`` ids at a time."""
    found: list[Any] = []
    for start in range(0, len(ids), ID_CHUNK):
        found += queryset.filter(pk__in=ids[start : start + ID_CHUNK]).order_by("pk")
    return found


def first_named(accounts: list[Account], name: str) -> Account | None:
    """``account_by_name`` among ``accounts`` (from ``accounts_named``, in pk order)."""
    key = name_key(name)
    if not key:
        return None
    stored, plain = normalize_company(name)[:200], name.strip().upper()
    found = [a for a in accounts if a.name_key == stored or a.name.upper() == plain]
    return next((a for a in found[:KEY_CANDIDATES] if name_key(a.name) == key), None)


def _account_by_domain(queryset: QuerySet[Account], website: str) -> Account | None:
    domain = domain_key(website)
    if not domain:
        return None
    found = queryset.filter(website__icontains=domain).order_by("pk")[:KEY_CANDIDATES]
    return next((a for a in found if domain_key(a.website) == domain), None)


def _find(target: str, queryset: QuerySet[Any], cells: dict[str, str]) -> tuple[Model, str] | None:
    if target == ACCOUNTS:
        by_name = account_by_name(queryset, cells.get("name", ""))
        if by_name is not None:
            return by_name, "name"
        by_domain = _account_by_domain(queryset, cells.get("website", ""))
        return (by_domain, "website") if by_domain is not None else None
    for field, value in contact_keys(cells):
        contact = _contacts_with(queryset, field, value)
        if contact is not None:
            return contact, field
    return None


def _model(target: str) -> type[Account] | type[Contact]:
    return Account if target == ACCOUNTS else Contact


def import_tag_name(job: ImportJob) -> str:
    return f"import:{job.pk}"


def made_by_job(job: ImportJob, model: type[Model]) -> QuerySet[Any]:
    """The live records of ``model`` this import has created so far (earlier rows,
    earlier batches, or earlier rows of the dry run), by the import's tag: an indexed
    look-up however large the file. Anyone may tag a record, so only those the importer
    can see count (someone else's record tagged ``import:<id>`` is never found)."""
    tagged = model._default_manager.filter(tags__name=import_tag_name(job))
    return restrict(tagged, job.created_by, "view")


def same_in_file(job: ImportJob, cells: dict[str, str]) -> Match | None:
    """A record an earlier row of this file created with the same email or phone
    (accounts: name or website)."""
    found = _find(job.target, made_by_job(job, _model(job.target)), cells)
    return Match(found[0], found[1], in_file=True) if found is not None else None


def exact_match(actor: User, job: ImportJob, cells: dict[str, str]) -> Match | None:
    """A record the actor can see with the same email or phone (accounts: name without
    the legal form, or website domain)."""
    model = _model(job.target)
    found = _find(job.target, restrict(model.objects.all(), actor, "view"), cells)
    return Match(*found) if found is not None else None


def may_change(actor: User, record: Model) -> bool:
    return is_permitted(actor, record, "change")


def may_see(actor: User, record: Model) -> bool:
    return is_permitted(actor, record, "view")


def not_yours(target: str) -> str:
    if target == ACCOUNTS:
        return _("This matches an account you may not change.")
    return _("This matches a contact you may not change.")


def _contact_candidates(actor: User, kwargs: dict[str, Any]) -> list[Contact]:
    """Contacts the actor can see whose name reads the same in pinyin (张伟 = Wei Zhang =
    Zhang Wei): one indexed query, at most ``LIKELY_CANDIDATES``. Emails and phones are
    not blocked on here: the exact look-up before this already found those."""
    spoken = candidate_names(kwargs)
    if not spoken:
        return []
    visible = restrict(Contact.objects.all(), actor, "view")
    found = visible.filter(name_pinyin__in=spoken)
    return list(with_details(found)[:LIKELY_CANDIDATES])


def candidate_names(kwargs: dict[str, Any]) -> list[str]:
    """The ``name_pinyin`` values of the contacts a row is scored against: its name in
    pinyin, both ways round (none for a name with no letters)."""
    family, given = kwargs.get("family_name", ""), kwargs.get("given_name", "")
    spoken = " ".join(p for p in (family, given) if p)
    if family and given and names.has_cjk(family):
        spoken = f"{family}{given}"
    if not names.compact(spoken):
        return []
    words = names.pinyin_of(spoken).split()
    return [" ".join(words), " ".join(reversed(words))]


def _likely_contact(actor: User, cells: dict[str, str], kwargs: dict[str, Any]) -> Likely | None:
    candidates = [(c.full_name, record_of(c)) for c in _contact_candidates(actor, kwargs)]
    return likely_among(cells, kwargs, candidates, person_rules())


def likely_among(
    cells: dict[str, str],
    kwargs: dict[str, Any],
    candidates: list[tuple[str, PersonRecord]],
    rules: Any,
    features_of: Callable[[PersonRecord], Features] = features,
) -> Likely | None:
    """The best of ``candidates`` (``_contact_candidates``: their names and what the
    engine knows of them) the rules score at or above their threshold, as
    ``score_pair`` scores them; ``features_of`` may remember a candidate's features
    (a batch meets the same candidates row after row). Candidates ``could_match``
    rules out are not scored: they could not reach the threshold."""
    draft = draft_record(
        {
            "family_name": kwargs.get("family_name", ""),
            "given_name": kwargs.get("given_name", ""),
            "emails": kwargs.get("emails", []),
            "phones": kwargs.get("phones", []),
            "company": cells.get("company", ""),
            "city": cells.get("city", ""),
        }
    )
    best: Likely | None = None
    row = features(draft)
    for name, record in candidates:
        known = features_of(record)
        if not could_match(row, known, rules):
            continue
        result = score_features(row, known, rules)
        if result.score >= rules.threshold and (best is None or result.score > best.score):
            best = Likely(name, result.score, result.reasons)
    return best


def likely_duplicate(
    actor: User, target: str, cells: dict[str, str], kwargs: dict[str, Any]
) -> Likely | None:
    """The best record the duplicate engine scores at or above the threshold of the
    active match rules (only records the actor can see), or None."""
    if target != ACCOUNTS:
        return _likely_contact(actor, cells, kwargs)
    accounts = find_account_duplicates_for(
        actor,
        {
            "name": kwargs.get("name", ""),
            "website": kwargs.get("website", ""),
            "province": kwargs.get("province", ""),
            "city": kwargs.get("city", ""),
        },
        limit=1,
    )
    if not accounts:
        return None
    return Likely(accounts[0].name, accounts[0].score, accounts[0].reasons)


def likely_warning(likely: Likely, skipped: bool) -> str:
    values = {
        "name": likely.name,
        "score": f"{likely.score:.2f}",
        "reasons": reason_labels(likely.reasons, ", "),
    }
    if skipped:
        return _("Possible duplicate of %(name)s (score %(score)s: %(reasons)s); skipped.") % values
    return (
        _("Possible duplicate of %(name)s (score %(score)s: %(reasons)s); created anyway.") % values
    )


def same_in_file_warning(match: Match) -> str:
    return _(
        "Same value as %(name)s, made from an earlier row of this file; not imported twice."
    ) % {"name": str(match.record)}
