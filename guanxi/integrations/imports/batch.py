"""Importing contacts a batch at a time: the same decisions as ``rows.import_row``, row
by row in file order, but with what they read fetched once for the batch (owners,
tiers, tags, teams, match rules, custom field definitions; the contacts sharing an email
or phone with any row, the contacts whose name reads the same, the accounts named) and
what they write saved with a few ``bulk_create`` calls (``bulk_contacts``).

Earlier rows of the batch count as they would one by one: the contacts they made are
found by email and phone and scored as likely duplicates from memory, the accounts they
made are found by name. A row goes through ``import_row`` itself (in its savepoint,
after the rows decided before it are saved) whenever the batch could not decide it
exactly as that would:

- it matches a contact an earlier row of the batch made and duplicates are to be
  updated ("link and update"; a match with a saved record is updated by the batch,
  ``update_contact`` with the values that differ, nothing when none do);
- its ID in the old system is one an earlier row of the batch gave its new contact
  (IDs in the old system are otherwise looked up and kept for the batch: see
  ``batch_refs.py``);
- it names a tag that does not exist yet, or a company whose new account would be
  refused;
- it shares an email, phone or name (in pinyin) with an earlier row of the batch that
  went through ``import_row`` or made a contact for another owner;
- a likely-duplicate candidate works at several accounts, one of which an earlier row
  of the batch joined (the account's primary contact changed, and with it maybe the
  account the engine knows the candidate by).

Everything else a row decides (created, skipped, its errors and warnings) is exactly
``import_row``'s answer; ``test_import_batch`` compares the two paths."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from guanxi.core.access import can, restrict
from guanxi.core.custom_fields import cached_definitions
from guanxi.core.models import Tag, Team, User
from guanxi.customers.models import Account, Contact, ContactEmail, ContactPhone
from guanxi.customers.services.bulk_contacts import (
    NewAccount,
    NewContact,
    prepare_account,
    prepare_contact,
    save_new_records,
)
from guanxi.customers.services.common import first_team_of, split_tag_names
from guanxi.customers.services.contacts import check_contact_update, update_contact
from guanxi.integrations.imports.batch_refs import OldSystemIds
from guanxi.integrations.imports.candidates import Candidate, load_candidates
from guanxi.integrations.imports.check_parts import Earlier, EarlierParts
from guanxi.integrations.imports.fields import (
    CONTACTS,
    Lookups,
    RowError,
    contact_arguments,
    field_of_error,
)
from guanxi.integrations.imports.matching import (
    LIKELY_CANDIDATES,
    Match,
    accounts_named,
    candidate_names,
    contact_keys,
    first_named,
    import_tag_name,
    in_chunks,
    likely_among,
    likely_warning,
    made_by_job,
    not_yours,
    same_in_file_warning,
)
from guanxi.integrations.imports.models import (
    ImportJob,
    ImportRecord,
    LikelyDuplicates,
    OnDuplicate,
)
from guanxi.integrations.imports.rows import UPDATABLE, blocks_update, changed_values
from guanxi.integrations.match_rules import person_rules
from guanxi.lib.companies import normalize_company
from guanxi.lib.matching import Features, PersonRecord, features

Cells = dict[str, str]
# (outcome, errors, warnings): errors and warnings as (field key, message)
Decision = tuple[str, list[tuple[str, str]], list[tuple[str, str]]]


class _PerRow(Exception):
    """This row goes through ``import_row``."""


@dataclass
class _Pending:
    line: int
    account: NewAccount | None
    contact: NewContact
    external_id: str = ""


@dataclass
class _Prepared:
    problems: list[RowError]
    kwargs: dict[str, Any]
    keys: list[tuple[str, str]]
    names: list[str]
    marks: set[tuple[str, str]] = field(default_factory=set)


def usable(actor: User) -> bool:
    """The batch decides for importers who see contacts and accounts (their own at
    least); anyone else's rows all go through ``import_row``."""
    return can(actor, "customers.contact", "view") and can(actor, "customers.account", "view")


def _kind(field_key: str) -> str:
    return "email" if field_key.startswith("email") else "phone"


def _old_id(cells: Cells) -> str:
    """The row's ID in the old system, as ``import_row`` reads it."""
    return cells.get("external_id", "")[:100]


def _normalised(name: str) -> str:
    return " ".join((name or "").split())


def _database_order(texts: list[str]) -> dict[str, int]:
    """Each text's rank as the database sorts them (``ORDER BY name_pinyin`` follows
    the column's collation, which need not be Python's): one query."""
    if not texts:
        return {}
    if connection.vendor != "postgresql":  # SQLite's BINARY collation is Python's
        return {text: rank for rank, text in enumerate(sorted(texts))}
    with connection.cursor() as cursor:  # name_pinyin has the database's collation
        cursor.execute(
            'SELECT t FROM unnest(%s::text[]) AS t ORDER BY t COLLATE "default"', [texts]
        )
        return {text: rank for rank, (text,) in enumerate(cursor.fetchall())}


def _primary_first(rows: list[Any] | None) -> list[Any]:
    """Cleaned child rows in their model's order (primary first, then as given)."""
    return sorted(rows or [], key=lambda r: not r["is_primary"])


class _Accounts:
    """Accounts by the keys ``account_by_name`` looks them up with, in pk order (those
    the batch makes last, as they will have the highest pks)."""

    def __init__(self, accounts: list[Account]) -> None:
        self.all: list[Account] = []
        self.by_key: dict[str, list[Account]] = defaultdict(list)
        self.by_name: dict[str, list[Account]] = defaultdict(list)
        for account in accounts:
            self.add(account)

    def add(self, account: Account) -> None:
        self.all.append(account)
        self.by_key[account.name_key].append(account)
        self.by_name[account.name.upper()].append(account)

    def first(self, name: str) -> Account | None:
        key, plain = normalize_company(name)[:200], name.strip().upper()
        found = {id(a): a for a in [*self.by_key.get(key, []), *self.by_name.get(plain, [])]}
        order = {id(a): i for i, a in enumerate(self.all)} if len(found) > 1 else {}
        ordered = sorted(found.values(), key=lambda a: order.get(id(a), 0))
        return first_named(ordered, name)


def _errors_of(error: ValidationError, kwargs: dict[str, Any]) -> list[tuple[str, str]]:
    """A service's refusal as the row's errors, keyed by import field."""
    messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    return [(field_of_error(k, kwargs), " ".join(str(m) for m in v)) for k, v in messages.items()]


class ContactBatch:
    """One import job's contacts, a batch at a time (``run``). What does not change
    during the job (owners, tiers, teams, match rules) is kept across batches."""

    def __init__(self, actor: User, job: ImportJob, *, checking: bool = False) -> None:
        self.actor, self.job, self.checking = actor, job, checking
        self.lookups = Lookups()
        self.teams: dict[int, Team | None] = {}
        self.rules = person_rules()
        self.on_duplicate = job.options.get("on_duplicate", OnDuplicate.SKIP)
        self.skip_likely = job.options.get("likely_duplicates") == LikelyDuplicates.SKIP
        self.create_accounts = job.options.get("create_accounts", True)
        self.tag_name = import_tag_name(job)
        # A check in parts: what the rows of the parts rolled back before made.
        self.earlier = EarlierParts() if checking else None

    # -- loading ------------------------------------------------------------------

    def _team(self, owner: User) -> Team | None:
        if owner.pk not in self.teams:
            self.teams[owner.pk] = first_team_of(owner)
        return self.teams[owner.pk]

    def _first_with(self, queryset: Any, prepared: list[_Prepared]) -> dict[tuple[str, str], int]:
        """(kind, value) → the lowest pk among ``queryset``'s contacts with that email or
        phone (what ``_contacts_with`` returns), for every key of the batch."""
        wanted: dict[str, set[str]] = {"email": set(), "phone": set()}
        for row in prepared:
            for key, value in row.keys:
                wanted[_kind(key)].add(value)
        found: dict[tuple[str, str], int] = {}
        for kind, model in (("email", ContactEmail), ("phone", ContactPhone)):
            if not wanted[kind]:
                continue
            # The contacts with these values first, then which of them ``queryset``
            # holds: asked in one query, the database may read all of ``queryset``
            # (every contact the import made so far) for each batch.
            rows = list(
                model.objects.filter(value__in=wanted[kind]).values_list("value", "contact_id")
            )
            among = {c.pk for c in in_chunks(queryset.only("pk"), sorted({pk for _v, pk in rows}))}
            for value, pk in rows:
                if pk in among:
                    found[(kind, value)] = min(pk, found.get((kind, value), pk))
        return found

    def _load_candidates(self, prepared: list[_Prepared]) -> None:
        names = sorted({n for row in prepared for n in row.names})
        self.candidates: dict[str, list[Candidate]] = defaultdict(list)
        # Their features, once each, by the record's id (the record is kept with them,
        # so its id is not reused while the entry exists).
        self.features: dict[int, tuple[PersonRecord, Features]] = {}
        self.name_rank = _database_order(names)
        if not names or self.on_duplicate == OnDuplicate.CREATE:
            return
        visible = restrict(Contact.objects.all(), self.actor, "view")
        # A row is scored against at most LIKELY_CANDIDATES contacts, the first by name
        # and pk: each name's first that many are all it can reach, however many people
        # of the base bear it (张伟 in a million contacts), so the load stays bounded.
        first = Window(RowNumber(), partition_by=F("name_pinyin"), order_by=F("pk").asc())
        found = visible.filter(name_pinyin__in=names).annotate(name_place=first)
        for candidate in load_candidates(found.filter(name_place__lte=LIKELY_CANDIDATES)):
            self.candidates[candidate.name_pinyin].append(candidate)

    def _load_accounts(self, companies: list[str]) -> None:
        self.made_accounts = _Accounts(accounts_named(made_by_job(self.job, Account), companies))
        visible = restrict(Account.objects.all(), self.actor, "view")
        self.visible_accounts = _Accounts(accounts_named(visible, companies))

    def _refresh_accounts(self, company: str) -> None:
        """After a row went through ``import_row``: the accounts it may have made."""
        for attribute, queryset in (
            ("made_accounts", made_by_job(self.job, Account)),
            ("visible_accounts", restrict(Account.objects.all(), self.actor, "view")),
        ):
            known = {a.pk: a for a in getattr(self, attribute).all}
            for account in accounts_named(queryset, [company]):
                known.setdefault(account.pk, account)
            setattr(self, attribute, _Accounts(sorted(known.values(), key=lambda a: a.pk)))

    def _load_tags(self, names: set[str]) -> None:
        condition = Q(pk__in=[])
        for name in names:
            condition |= Q(name__iexact=name)
        self.tags = {t.name.lower(): t for t in Tag.objects.filter(condition)}

    def _load_matched(self, rows: list[tuple[int, Cells]]) -> None:
        """In "link and update": the saved contacts the rows may match (by ID in the old
        system, email or phone), as stored now, and which of them the importer may
        change (one query each)."""
        self.matched: dict[int, Contact] = {}
        self.changeable: set[int] = set()
        if self.on_duplicate != OnDuplicate.UPDATE:
            return
        pks = {*self.in_file.values(), *self.exact.values()}
        for _line, cells in rows:
            named = self.old_ids.record(_old_id(cells)) if _old_id(cells) else None
            if named is not None:
                pks.add(named)
        self.matched = Contact.objects.in_bulk(list(pks))
        may = restrict(Contact.objects.all(), self.actor, "change").filter(pk__in=list(pks))
        self.changeable = set(may.values_list("pk", flat=True))

    def _tag_names(self, prepared: _Prepared) -> list[str]:
        """The names ``clean_tags`` would look up for the row (normalised, once each)."""
        wanted: list[str] = []
        for raw in split_tag_names([*prepared.kwargs.get("tags", []), self.tag_name]):
            name = _normalised(raw)
            if name and name.lower() not in {w.lower() for w in wanted}:
                wanted.append(name)
        return wanted

    # -- deciding -------------------------------------------------------------------

    def run(
        self, rows: list[tuple[int, Cells]], per_row: Callable[[int], Decision]
    ) -> list[Decision]:
        """Each row's decision, in order; ``per_row(i)`` imports row ``i`` through
        ``import_row`` (in its savepoint). Records are saved when the batch ends."""
        with cached_definitions():
            return self._run(rows, per_row)

    def _run(
        self, rows: list[tuple[int, Cells]], per_row: Callable[[int], Decision]
    ) -> list[Decision]:
        prepared = []
        for _line, cells in rows:
            problems: list[RowError] = []
            kwargs = contact_arguments(cells, problems, self.lookups)
            prepared.append(
                _Prepared(problems, kwargs, contact_keys(cells), candidate_names(kwargs))
            )
        contacts = Contact.objects.all()
        self.in_file = self._first_with(made_by_job(self.job, Contact), prepared)
        self.exact: dict[tuple[str, str], int] = {}
        if self.on_duplicate != OnDuplicate.CREATE:
            self.exact = self._first_with(restrict(contacts, self.actor, "view"), prepared)
        in_file_ids = set(self.in_file.values())
        self.in_file_records = {c.pk: c for c in Contact.objects.filter(pk__in=in_file_ids)}
        self._load_candidates(prepared)
        self._load_accounts(sorted({c["company"] for _line, c in rows if c.get("company")}))
        self._load_tags({n for row in prepared for n in self._tag_names(row)})
        self.old_ids = OldSystemIds(self.actor, (_old_id(cells) for _line, cells in rows))
        self._load_matched(rows)
        self.pending: list[_Pending] = []
        # Contacts made by earlier rows of the batch (saved or not), by email / phone
        # and by name in pinyin, with what the duplicate engine knows of them.
        self.made: dict[tuple[str, str], Contact] = {}
        self.made_named: dict[str, list[tuple[Contact, PersonRecord]]] = defaultdict(list)
        # Emails, phones and names of the rows left to ``import_row``.
        self.touched: set[tuple[str, str]] = set()
        self.joined: set[int] = set()  # existing accounts rows of the batch joined
        decisions: list[Decision] = []
        for index, ((line, cells), row) in enumerate(zip(rows, prepared, strict=True)):
            row.marks = {(_kind(k), v) for k, v in row.keys} | {("name", n) for n in row.names}
            if _old_id(cells):
                row.marks.add(("external_id", _old_id(cells)))
            try:
                decisions.append(self._decide(line, cells, row))
            except _PerRow:
                self.flush()
                decisions.append(per_row(index))
                if cells.get("company"):
                    self._refresh_accounts(cells["company"])
                    self._join(cells["company"])
                missing = set(self._tag_names(row)) - set(self.tags)
                if missing:
                    self._load_tags(set(self.tags) | missing)
                if self.on_duplicate == OnDuplicate.UPDATE:  # it may have changed a record
                    self._load_candidates(prepared[index + 1 :])
                    self._load_matched(rows[index + 1 :])
                self.touched |= row.marks
        self.flush()
        return decisions

    def _join(self, company: str) -> None:
        account = self.made_accounts.first(company) or self.visible_accounts.first(company)
        if account is not None and account.pk is not None:
            self.joined.add(account.pk)

    def _match(self, row: _Prepared) -> Match | None:
        for key, value in row.keys:
            earlier = self.earlier.by_value.get((_kind(key), value)) if self.earlier else None
            if earlier is not None:  # made before any contact of this part: a lower pk
                return Match(earlier, key, in_file=True)  # type: ignore[arg-type]
            pk = self.in_file.get((_kind(key), value))
            if pk is not None:
                return Match(self.in_file_records[pk], key, in_file=True)
            made = self.made.get((_kind(key), value))  # after the saved ones: a higher pk
            if made is not None:
                return Match(made, key, in_file=True)
        if self.on_duplicate == OnDuplicate.CREATE:
            return None
        for key, value in row.keys:
            pk = self.exact.get((_kind(key), value))
            if pk is not None:
                return Match(Contact(pk=pk), key)
        return None

    def _candidates(self, row: _Prepared) -> list[tuple[str, PersonRecord]]:
        """What ``_contact_candidates`` finds for the row, in its order (name in pinyin
        as the database sorts it, then pk: the contacts loaded for the batch before
        those earlier rows of the batch made) and up to its limit, as (name, the
        engine's record)."""
        names = set(row.names)
        found = {c.pk: c for n in names for c in self.candidates.get(n, [])}
        ordered: list[tuple[int, tuple[int, int], Candidate | None, str, PersonRecord]] = []
        # In a check's later part, the contacts its earlier parts made come after those
        # there before the check and before those this part's earlier batches saved.
        bound = self.earlier.bound if self.earlier else None
        for saved in found.values():
            rank = self.name_rank[saved.name_pinyin]
            group = 0 if bound is None or saved.pk <= bound else 2
            ordered.append((rank, (group, saved.pk), saved, saved.full_name, saved.record))
        for name in names:
            for index, (earlier, record) in enumerate(
                self.earlier.by_name.get(name, []) if self.earlier else []
            ):
                ordered.append((self.name_rank[name], (1, index), None, earlier.full_name, record))
            for index, (made, record) in enumerate(self.made_named.get(name, [])):
                ordered.append((self.name_rank[name], (3, index), None, made.full_name, record))
        ordered.sort(key=lambda item: (item[0], item[1]))
        chosen: list[tuple[str, PersonRecord]] = []
        for _rank, _order, saved_one, full_name, record in ordered[:LIKELY_CANDIDATES]:
            if (
                saved_one is not None
                and len(saved_one.account_ids) > 1
                and not saved_one.account_ids.isdisjoint(self.joined)
            ):
                # Its primary flag there may have changed, and with it which of its
                # accounts the engine knows it by (one account: that one either way).
                raise _PerRow
            chosen.append((full_name, record))
        return chosen

    def _by_old_id(self, external_id: str, row: _Prepared) -> Decision | None:
        """The row's decision when its ID in the old system names a contact already:
        skipped, or an error when the importer does not see that contact (the update
        of "link and update" goes through ``import_row``); None for a new ID."""
        earlier = self.earlier.by_old_id.get(external_id.strip()) if self.earlier else None
        if earlier is not None:  # a contact a row of a check's earlier part made
            if not earlier.visible:
                errors = [(p.field, p.message) for p in row.problems]
                return "error", [*errors, ("external_id", not_yours(CONTACTS))], []
            if self.on_duplicate == OnDuplicate.UPDATE:
                return self._updated(Match(earlier, "external_id"), row)  # type: ignore[arg-type]
            return "skipped", [], []
        if external_id != external_id.strip() or external_id in self.old_ids.made:
            raise _PerRow  # looked up stripped; or a contact made by an earlier row
        pk = self.old_ids.record(external_id)
        if pk is None:
            return None
        if not self.old_ids.visible(pk):
            errors = [(p.field, p.message) for p in row.problems]
            return "error", [*errors, ("external_id", not_yours(CONTACTS))], []
        if self.on_duplicate == OnDuplicate.UPDATE:
            return self._updated(Match(Contact(pk=pk), "external_id"), row)
        return "skipped", [], []

    def _updated(self, match: Match, row: _Prepared) -> Decision:
        """What ``import_row`` decides for a row matching a saved record in "link and
        update": the record updated with the values that differ (``update_contact``, in
        a savepoint, after the rows decided before it are saved) or, when none differ,
        counted as updated with nothing written; same in file, skipped when the
        importer may not change it, else an error; a row with a bad value the update
        would write is an error (``blocks_update``), other bad values its warnings. A
        row matching a contact made by this batch goes through ``import_row``."""
        problems = [(p.field, p.message) for p in row.problems]
        if blocks_update(CONTACTS, row.problems):
            return "error", problems, []
        if isinstance(match.record, Earlier):  # made by a check's earlier part, gone now
            return self._earlier_updated(match, match.record, row, problems)
        record = self.matched.get(match.record.pk) if match.record.pk else None
        if record is None:
            raise _PerRow
        changeable = record.pk in self.changeable
        warnings: list[tuple[str, str]] = []
        if match.in_file:
            warnings = [(match.field, same_in_file_warning(match))]
            if not changeable:
                return "skipped", [], warnings + problems
        elif not changeable:
            return "error", [*problems, (match.field, not_yours(CONTACTS))], []
        if changed_values(CONTACTS, record, row.kwargs):
            # As stored now: someone may have changed it (or trashed it) since the
            # batch began.
            fresh = Contact.objects.filter(pk=record.pk).first()
            if fresh is None:
                raise _PerRow
            record = self.matched[record.pk] = fresh
        changes = changed_values(CONTACTS, record, row.kwargs)
        if changes:
            self.flush()  # the audit log in file order
            try:
                with transaction.atomic():
                    update_contact(actor=self.actor, contact=record, **changes)
            except ValidationError as error:
                self.matched[record.pk] = Contact.objects.get(pk=record.pk)
                return "error", [*problems, *_errors_of(error, row.kwargs)], []
            # The candidates loaded for the batch stay as they are: none of the values
            # an update changes is compared with a row (``draft_record``).
        return "updated", [], warnings + problems

    def _earlier_updated(
        self, match: Match, earlier: Earlier, row: _Prepared, problems: list[tuple[str, str]]
    ) -> Decision:
        """``_updated`` for a contact a check's earlier part made (rolled back): the
        row's values an update writes are checked as ``update_contact`` would (on an
        unsaved stand-in: those equal to the stored ones passed the same checks)."""
        warnings = [(match.field, same_in_file_warning(match))] if match.in_file else []
        if earlier.changeable:
            fields = {key: row.kwargs[key] for key in UPDATABLE[CONTACTS] if key in row.kwargs}
            try:
                check_contact_update(actor=self.actor, contact=Contact(owner=self.actor), **fields)
            except ValidationError as error:
                return "error", [*problems, *_errors_of(error, row.kwargs)], []
            return "updated", [], warnings + problems
        if match.in_file:
            return "skipped", [], warnings + problems
        return "error", [*problems, (match.field, not_yours(CONTACTS))], []

    def keep_part(self) -> None:
        """At the end of a check's part, before it is rolled back (see ``check_parts``)."""
        if self.earlier is not None:
            self.earlier.keep(self.actor, self.job)

    def start_part(self) -> None:
        """At the start of a check's later part: the tags earlier parts made."""
        if self.earlier is not None:
            self.earlier.restore(self.actor)

    def _decide(self, line: int, cells: Cells, row: _Prepared) -> Decision:
        if row.marks & self.touched:
            raise _PerRow
        external_id = _old_id(cells)
        if external_id:
            known = self._by_old_id(external_id, row)
            if known is not None:
                return known
        problems, kwargs = row.problems, dict(row.kwargs)
        warnings: list[tuple[str, str]] = []
        match = self._match(row)
        if match is not None:
            if self.on_duplicate == OnDuplicate.UPDATE:
                return self._updated(match, row)
            if match.in_file:
                return "skipped", [], [(match.field, same_in_file_warning(match))]
            return "skipped", [], []
        if self.on_duplicate != OnDuplicate.CREATE and not problems:
            likely = likely_among(
                cells, kwargs, self._candidates(row), self.rules, self._features_of
            )
            if likely is not None:
                warnings.append(("family_name", likely_warning(likely, self.skip_likely)))
                if self.skip_likely:
                    return "skipped", [], warnings
        tag_names = self._tag_names(row)
        if any(name.lower() not in self.tags for name in tag_names):
            raise _PerRow  # a new tag: ``create_tag`` (or its refusal) per row
        tags = [self.tags[name.lower()] for name in tag_names]
        kwargs["tags"] = [*kwargs.get("tags", []), self.tag_name]
        new_account: NewAccount | None = None
        if cells.get("company"):
            name = cells["company"]
            account = self.made_accounts.first(name) or self.visible_accounts.first(name)
            if account is None:
                if not self.create_accounts:
                    problems = [
                        *problems,
                        RowError("company", _("There is no account with this name.")),
                    ]
                    return "error", [(p.field, p.message) for p in problems], []
                try:
                    new_account = prepare_account(
                        actor=self.actor,
                        team=self._team(self.actor),
                        name=name,
                        tags=[self.tags[self.tag_name.lower()]],
                    )
                except ValidationError as error:
                    raise _PerRow from error
                account = new_account.account
            kwargs["accounts"] = [{"account": account, "is_primary": True}]
        fields = {k: v for k, v in kwargs.items() if k != "tags"}
        try:
            owner = fields.pop("owner", None) or self.actor
            contact = prepare_contact(
                actor=self.actor, team=self._team(owner), owner=owner, **fields
            )
        except ValidationError as error:
            found = _errors_of(error, kwargs)
            return "error", [(p.field, p.message) for p in problems] + found, []
        if problems:
            return "error", [(p.field, p.message) for p in problems], []
        contact.tags = tags
        self.pending.append(_Pending(line, new_account, contact, external_id))
        if external_id:
            self.old_ids.made.add(external_id)
        self._remember(contact)
        if new_account is not None:
            self.made_accounts.add(new_account.account)
            self.visible_accounts.add(new_account.account)
        elif cells.get("company"):
            self.joined.add(kwargs["accounts"][0]["account"].pk)
        return "created", [], warnings

    def _features_of(self, record: PersonRecord) -> Features:
        known = self.features.get(id(record))
        if known is None:
            # Stored phones are parsed again, as ``score_pair`` does (a value written
            # other than by the services need not be E.164 as this version writes it).
            known = self.features[id(record)] = (record, features(record))
        return known[1]

    def _remember(self, new: NewContact) -> None:
        """A contact this batch made, as later rows of the batch find it: by email and
        phone (same in file) and by name (scored), as ``record_of`` reads it."""
        contact = new.contact
        if contact.owner_id != self.actor.pk:  # visible to the importer? ask per row
            self.touched |= {("phone", p["value"]) for p in new.nested["phones"] or []}
            self.touched |= {("email", e["value"]) for e in new.nested["emails"] or []}
            self.touched.add(("name", contact.name_pinyin))
            return
        for kind, rows in (("phone", new.nested["phones"]), ("email", new.nested["emails"])):
            for point in rows or []:
                self.made.setdefault((kind, point["value"]), contact)
        address: dict[str, Any] = next(iter(_primary_first(new.nested["addresses"])), {})
        links = new.nested["accounts"] or []
        record = PersonRecord(
            key=None,
            family_name=contact.family_name,
            given_name=contact.given_name,
            emails=tuple(e["value"] for e in _primary_first(new.nested["emails"])),
            phones=tuple(p["value"] for p in _primary_first(new.nested["phones"])),
            company=links[0]["account"].name if links else "",
            street=address.get("street", "") or "",
            city=address.get("city", "") or "",
            postcode=address.get("postcode", "") or "",
            birth_year=contact.birthday.year if contact.birthday else None,
        )
        self.made_named[contact.name_pinyin].append((contact, record))

    def flush(self) -> None:
        """Save the rows decided so far, with the import's records of them."""
        if not self.pending:
            return
        accounts = [p.account for p in self.pending if p.account is not None]
        contacts = [p.contact for p in self.pending]
        save_new_records(self.actor, accounts, contacts, checking=self.checking)
        account_type = ContentType.objects.get_for_model(Account)
        contact_type = ContentType.objects.get_for_model(Contact)
        records = []
        for pending in self.pending:
            if pending.account is not None:
                records.append(
                    ImportRecord(
                        job=self.job,
                        row=pending.line,
                        content_type=account_type,
                        object_id=pending.account.account.pk,
                    )
                )
            records.append(
                ImportRecord(
                    job=self.job,
                    row=pending.line,
                    content_type=contact_type,
                    object_id=pending.contact.contact.pk,
                )
            )
        ImportRecord.objects.bulk_create(records)
        self.old_ids.save(
            [(p.external_id, p.contact.contact.pk) for p in self.pending if p.external_id]
        )
        self.pending = []
