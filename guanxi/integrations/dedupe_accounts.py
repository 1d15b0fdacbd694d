"""Finding duplicate accounts: the scan (whole or incremental) and the pairs a user sees."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from guanxi.core.models import User
from guanxi.customers.models import Account, AccountContact, ContactPhone
from guanxi.customers.selectors import accounts_visible_to
from guanxi.integrations.account_matching import (
    THRESHOLD,
    CompanyRecord,
    candidate_pairs,
    score_pair,
)
from guanxi.integrations.models_account_dedupe import AccountMerge, AccountPair
from guanxi.integrations.models_dedupe import PairStatus
from guanxi.integrations.pair_store import store_pairs


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


def scan_accounts(*, changed_since: datetime | None = None) -> int:
    """Score the blocked pairs of live accounts and keep those above the threshold
    (dismissed and merged pairs keep their status). With ``changed_since`` only pairs
    with an account changed since then are scored and refreshed. Returns the number of
    open pairs."""
    accounts = list(_with_phones(Account.objects.all()))
    records = [record_of(account) for account in accounts]
    touched: set[int] | None = None
    if changed_since is not None:
        touched = {a.pk for a in accounts if a.updated_at >= changed_since}
    found: dict[tuple[int, int], tuple[float, list[str]]] = {}
    for i, j in candidate_pairs(records):
        first, second = sorted((accounts[i].pk, accounts[j].pk))
        if touched is not None and not ({first, second} & touched):
            continue
        result = score_pair(records[i], records[j])
        if result.score >= THRESHOLD:
            found[(first, second)] = (result.score, result.reasons)
    return store_pairs(AccountPair, found, touched)


def pairs_visible_to(user: User) -> QuerySet[AccountPair]:
    """Pairs whose two accounts the user can both see."""
    visible = accounts_visible_to(user).values("pk")
    return AccountPair.objects.filter(first__in=visible, second__in=visible).select_related(
        "first", "second"
    )


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
