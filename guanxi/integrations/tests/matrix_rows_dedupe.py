"""Duplicate contacts and accounts, and merges, in the permission matrix.

Viewing pairs needs contact (account) view; scanning, dismissing, merging and undoing
need change on the records involved (here: two the acting user owns). Accounts and
contacts share one grant table, so the same roles may act on both.
"""

from __future__ import annotations

import itertools
from typing import Any

from guanxi.customers.models import Account, Contact
from guanxi.integrations.merge import merge_contacts
from guanxi.integrations.merge_accounts import merge_accounts
from guanxi.integrations.models_account_dedupe import AccountMerge, AccountPair
from guanxi.integrations.models_dedupe import DuplicatePair, DuplicateScan, Merge
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.users import make_user

CHANGERS = frozenset({"administrator", "sales_manager", "sales_rep", "service_manager"})
_ids = itertools.count(1)


def _two(actor: Any) -> tuple[Contact, Contact]:
    owner = actor or make_user()
    n = next(_ids)
    first = make_contact(owner=owner, family_name="张", given_name=f"伟{n}")
    second = make_contact(owner=owner, family_name="Zhang", given_name=f"Wei{n}")
    return first, second


def own_pair(actor: Any) -> dict[str, Any]:
    first, second = _two(actor)
    pair = DuplicatePair.objects.create(first=first, second=second, score=0.9, reasons=[])
    return {"pk": pair.pk}


def own_contacts(actor: Any) -> dict[str, Any]:
    first, second = _two(actor)
    return {"survivor_pk": first.pk, "other_pk": second.pk}


def own_merge(actor: Any) -> dict[str, Any]:
    first, second = _two(actor)
    merge = merge_contacts(actor=make_user(role="administrator"), survivor=first, other=second)
    return {"pk": merge.pk}


def _merge_payload(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    first, second = _two(actor)
    return {}, {"survivor_id": first.pk, "other_id": second.pk}


def _two_accounts(actor: Any) -> tuple[Account, Account]:
    owner = actor or make_user()
    n = next(_ids)
    return (
        make_account(owner=owner, name=f"ACME {n} Co., Ltd."),
        make_account(owner=owner, name=f"ACME {n} GmbH"),
    )


def own_account_pair(actor: Any) -> dict[str, Any]:
    first, second = _two_accounts(actor)
    pair = AccountPair.objects.create(first=first, second=second, score=0.95, reasons=[])
    return {"pk": pair.pk}


def own_accounts(actor: Any) -> dict[str, Any]:
    first, second = _two_accounts(actor)
    return {"survivor_pk": first.pk, "other_pk": second.pk}


def own_account_merge(actor: Any) -> dict[str, Any]:
    first, second = _two_accounts(actor)
    merge = merge_accounts(actor=make_user(role="administrator"), survivor=first, other=second)
    return {"pk": merge.pk}


def _account_merge_payload(actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    first, second = _two_accounts(actor)
    return {}, {"survivor_id": first.pk, "other_id": second.pk}


PAGES: dict[str, Case] = {
    "integrations:duplicate_list": Case("GET", EVERYONE),
    "integrations:duplicate_scan": Case("POST", CHANGERS),
    "integrations:duplicate_scan_status": Case("GET", EVERYONE),
    "integrations:duplicate_dismiss": Case("POST", CHANGERS, kwargs=own_pair),
    "integrations:merge_form": Case("GET", CHANGERS, kwargs=own_contacts),
    "integrations:merge_result": Case("GET", CHANGERS, kwargs=own_merge),
    "integrations:merge_undo": Case("POST", CHANGERS, kwargs=own_merge),
    "integrations:account_pair_dismiss": Case("POST", CHANGERS, kwargs=own_account_pair),
    "integrations:account_merge_form": Case("GET", CHANGERS, kwargs=own_accounts),
    "integrations:account_merge_result": Case("GET", CHANGERS, kwargs=own_account_merge),
    "integrations:account_merge_undo": Case("POST", CHANGERS, kwargs=own_account_merge),
}
OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/duplicates"): Case("GET", EVERYONE),
    ("POST", "/api/v1/duplicates/scan"): Case("POST", CHANGERS),
    ("GET", "/api/v1/duplicates/scans/{scan_id}"): Case(
        "GET", EVERYONE, kwargs=lambda a: {"scan_id": DuplicateScan.objects.create().pk}
    ),
    ("POST", "/api/v1/duplicates/{pair_id}/dismiss"): Case(
        "POST", CHANGERS, kwargs=lambda a: {"pair_id": own_pair(a)["pk"]}
    ),
    ("GET", "/api/v1/contacts/duplicates-of"): Case(
        "GET", EVERYONE, kwargs=lambda a: {}, query=lambda a: {"name": "张伟"}
    ),
    ("POST", "/api/v1/contacts/merge"): Case("POST", CHANGERS, setup=_merge_payload),
    ("POST", "/api/v1/merges/{merge_id}/undo"): Case(
        "POST", CHANGERS, kwargs=lambda a: {"merge_id": own_merge(a)["pk"]}
    ),
    ("GET", "/api/v1/duplicates/accounts"): Case("GET", EVERYONE),
    ("POST", "/api/v1/duplicates/accounts/{pair_id}/dismiss"): Case(
        "POST", CHANGERS, kwargs=lambda a: {"pair_id": own_account_pair(a)["pk"]}
    ),
    ("POST", "/api/v1/accounts/merge"): Case("POST", CHANGERS, setup=_account_merge_payload),
    ("POST", "/api/v1/account-merges/{merge_id}/undo"): Case(
        "POST", CHANGERS, kwargs=lambda a: {"merge_id": own_account_merge(a)["pk"]}
    ),
}


def state() -> tuple[Any, ...]:
    return (
        sorted(DuplicatePair.objects.values_list("pk", "status")),
        DuplicateScan.objects.count(),
        sorted(Merge.objects.values_list("pk", "undone_at")),
        Contact.objects.count(),
        sorted(AccountPair.objects.values_list("pk", "status")),
        sorted(AccountMerge.objects.values_list("pk", "undone_at")),
        Account.objects.count(),
    )
