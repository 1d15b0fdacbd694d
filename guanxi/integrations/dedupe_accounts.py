"""Finding duplicate accounts: at create time for a draft, the scan (whole or
incremental), a preview of other rules and the pairs a user sees."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from guanxi.core.models import User
from guanxi.core.search import matching_ids
from guanxi.customers.models import Account, AccountContact, ContactPhone
from guanxi.customers.object_types import ACCOUNT
from guanxi.customers.selectors import accounts_visible_to
from guanxi.integrations.account_matching import (
    HAN,
    CompanyRecord,
    CompanyRules,
    candidate_pairs,
    domain_key,
    score_pair,
)
from guanxi.integrations.match_rules import company_rules
from guanxi.integrations.models_account_dedupe import AccountMerge, AccountPair
from guanxi.integrations.models_dedupe import PairStatus
from guanxi.integrations.pair_store import RulesPreview, compare_rules, store_pairs, visible_pairs
from guanxi.integrations.reason_labels import reason_labels
from guanxi.lib.companies import strip_legal_suffix

# A rules preview scores at most this many accounts (the most recently changed).
PREVIEW_LIMIT = 5000
# At most this many accounts are scored for one draft.
DRAFT_CANDIDATES = 200


def _with_phones(queryset: QuerySet[Account]) -> QuerySet[Account]:
    return queryset.prefetch_related(
        Prefetch(
            "contact_links",
            queryset=AccountContact.objects.prefetch_related(
                Prefetch("contact__phones", queryset=ContactPhone.objects.only("contact", "value"))
            ).select_related("contact"),
        )
    )


def record_of(account: Account) -> CompanyRecord:
    """What the matcher knows of an account (prefetch with ``_with_phones``): its name,
    website, region and the phones of its contacts."""
    phones = tuple(
        phone.value for link in account.contact_links.all() for phone in link.contact.phones.all()
    )
    return CompanyRecord(
        key=account.pk,
        name=account.name,
        website=account.website,
        phones=phones,
        province=account.province,
        city=account.city,
    )


@dataclass
class PossibleAccountDuplicate:
    account: Account
    score: float
    reasons: list[str]

    @property
    def name(self) -> str:
        return self.account.name

    @property
    def url(self) -> str:
        return self.account.get_absolute_url()

    @property
    def reason_text(self) -> str:
        """The reasons in the reader's language, as the create form shows them."""
        return reason_labels(self.reasons)


def draft_company(fields: Mapping[str, Any]) -> CompanyRecord:
    """A ``CompanyRecord`` from what is typed into the account form or sent to the API."""
    return CompanyRecord(
        name=str(fields.get("name") or ""),
        website=str(fields.get("website") or ""),
        province=str(fields.get("province") or ""),
        city=str(fields.get("city") or ""),
    )


def _draft_candidates(user: User, draft: CompanyRecord) -> list[Account]:
    """Accounts the user can see that share a block with the draft, found by the
    database (never a full scan): the name without its legal form in the search index,
    the name's first 2 Han characters / 4 letters, the website domain."""
    visible = accounts_visible_to(user)
    stripped = strip_legal_suffix(draft.name.strip())
    domain = domain_key(draft.website)
    strong = Q(pk__in=[])
    if stripped and (ids := matching_ids(ACCOUNT, stripped)) is not None:
        strong |= Q(pk__in=ids)
    if domain:
        strong |= Q(website__icontains=domain)
    found = list(visible.filter(strong)[:DRAFT_CANDIDATES])
    if stripped and len(found) < DRAFT_CANDIDATES:
        prefix = stripped[:2] if HAN.match(stripped) else stripped[:4]
        loose = visible.filter(name__istartswith=prefix).exclude(pk__in=[a.pk for a in found])
        found += list(loose[: DRAFT_CANDIDATES - len(found)])
    return found


def find_account_duplicates_for(
    user: User,
    draft_fields: Mapping[str, Any],
    *,
    rules: CompanyRules | None = None,
    limit: int = 5,
) -> list[PossibleAccountDuplicate]:
    """Accounts the user can see that look like the draft, best first (by the rules in
    use unless ``rules`` are given)."""
    rules = rules or company_rules()
    draft = draft_company(draft_fields)
    if not draft.name.strip() and not domain_key(draft.website):
        return []
    found = []
    for account in _draft_candidates(user, draft):
        result = score_pair(draft, record_of_fields(account), rules)
        if result.score >= rules.threshold:
            found.append(PossibleAccountDuplicate(account, result.score, result.reasons))
    found.sort(key=lambda hit: -hit.score)
    return found[:limit]


def record_of_fields(account: Account) -> CompanyRecord:
    """An account's record without the phones of its contacts (a draft has none)."""
    return CompanyRecord(
        key=account.pk,
        name=account.name,
        website=account.website,
        province=account.province,
        city=account.city,
    )


def scan_accounts(
    *, rules: CompanyRules | None = None, changed_since: datetime | None = None
) -> int:
    """Score the blocked pairs of live accounts and keep those above the threshold (by
    the rules in use unless ``rules`` are given; dismissed and merged pairs keep their
    status). With ``changed_since`` only pairs with an account changed since then are
    scored and refreshed. Returns the number of open pairs."""
    rules = rules or company_rules()
    accounts = list(_with_phones(Account.objects.all()))
    records = [record_of(account) for account in accounts]
    touched: set[int] | None = None
    if changed_since is not None:
        touched = {a.pk for a in accounts if a.updated_at >= changed_since}
    found: dict[tuple[int, int], tuple[float, list[str]]] = {}
    for i, j in candidate_pairs(records, rules):
        first, second = sorted((accounts[i].pk, accounts[j].pk))
        if touched is not None and not ({first, second} & touched):
            continue
        result = score_pair(records[i], records[j], rules)
        if result.score >= rules.threshold:
            found[(first, second)] = (result.score, result.reasons)
    return store_pairs(AccountPair, found, touched)


def preview_rules(proposed: CompanyRules, *, limit: int = PREVIEW_LIMIT) -> RulesPreview:
    """How many pairs ``proposed`` would suggest next to the rules in use: over a scan of
    the live accounts (the ``limit`` most recently changed) and the open pairs stored."""
    return compare_rules(
        _with_phones(Account.objects.all()),
        open_pairs=AccountPair.objects.filter(status=PairStatus.OPEN),
        record_of=record_of,
        limit=limit,
        current=company_rules(),
        proposed=proposed,
        candidates=candidate_pairs,
        score=score_pair,
    )


def pairs_visible_to(user: User) -> QuerySet[AccountPair]:
    """Pairs whose two accounts the user can both see."""
    return visible_pairs(AccountPair, user, ACCOUNT, accounts_visible_to(user))


def get_pair_for(user: User, pk: Any) -> AccountPair:
    return get_object_or_404(pairs_visible_to(user), pk=pk)


def get_merge_for(user: User, pk: Any) -> AccountMerge:
    """A merge whose surviving account the user may change; 404 otherwise."""
    visible = accounts_visible_to(user, "change").values("pk")
    return get_object_or_404(AccountMerge.objects.filter(survivor__in=visible), pk=pk)


def dismiss_pair(*, actor: User, pair: AccountPair) -> AccountPair:
    """Two different companies; later scans leave the pair alone."""
    pair.status = PairStatus.DISMISSED
    pair.resolved_by = actor
    pair.save(update_fields=["status", "resolved_by"])
    return pair
