"""Which customers the incremental recompute must rescore: those with a change, since
the last run, in anything the scores, churn risks or classes read (docs/analytics.md,
"What counts as a change").

Two kinds of evidence, each one query per source (never one per customer):

- time stamps: orders, returns, tickets, technicians' visits, survey answers, activities,
  leads, deals, accounts, contacts' links to accounts and products changed (or moved to
  the trash) at or after ``since``;
- the audit log, for the changes that leave no time stamp on the record itself: tags
  added or removed, records restored from the trash, activities unlinked from an
  account, a ticket, deal, order or lead moved to another account (both accounts), a tag
  renamed. The record's current customer and any account id in the diff count.

Finding too many customers costs time but never correctness (a rescored customer gets
exactly the row a full run would give); finding too few would leave stale rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from guanxi.analytics.models import CustomerClass
from guanxi.core.models import AuditEntry
from guanxi.customers.models import Account, AccountContact, Activity
from guanxi.sales.models import Deal, Lead, Order, OrderLine, Product, Return
from guanxi.service.models import Survey, Ticket, Visit

_CHUNK = 500  # ids per IN (...) list: well inside SQLite's limit on query parameters
# Diff keys holding the id of an account the record belonged to before or after.
ACCOUNT_KEYS = ("account", "account_id", "converted_account", "converted_account_id")


def _chunks(ids: Iterable[Any]) -> Iterable[list[Any]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def _values(query: QuerySet[Any], column: str, ids: Iterable[Any] | None = None) -> set[int]:
    """The non-null ``column`` values of ``query`` (narrowed to primary keys ``ids``)."""
    if ids is None:
        return {pk for pk in query.order_by().values_list(column, flat=True).distinct() if pk}
    found: set[int] = set()
    for chunk in _chunks(ids):
        narrowed = query.filter(pk__in=chunk).order_by()
        found.update(narrowed.values_list(column, flat=True).distinct())
    found.discard(None)  # type: ignore[arg-type]
    return found


def _contacts_accounts(contact_ids: Iterable[int]) -> set[int]:
    """Every account a contact is or was linked to (NPS answers without an account
    count for the accounts the contact works at)."""
    found: set[int] = set()
    for chunk in _chunks(contact_ids):
        found.update(
            AccountContact.objects.filter(contact_id__in=chunk).values_list("account_id", flat=True)
        )
    return found


def _bought(product_ids: Iterable[int]) -> set[int]:
    """The accounts with an order line of these products (their cost and category are
    read by the classification)."""
    found: set[int] = set()
    for chunk in _chunks(product_ids):
        found.update(
            OrderLine.objects.filter(product_id__in=chunk)
            .order_by()
            .values_list("order__account_id", flat=True)
            .distinct()
        )
    return found


def _linked(activity_ids: Iterable[int]) -> set[int]:
    links: QuerySet[Any] = Activity.accounts.through.objects.all()
    found: set[int] = set()
    for chunk in _chunks(activity_ids):
        found.update(links.filter(activity_id__in=chunk).values_list("account_id", flat=True))
    return found


def _tagged(tag_ids: Iterable[int]) -> set[int]:
    links: QuerySet[Any] = Account.tags.through.objects.all()
    found: set[int] = set()
    for chunk in _chunks(tag_ids):
        found.update(links.filter(tag_id__in=chunk).values_list("account_id", flat=True))
    return found


def stamped_account_ids(since: datetime) -> set[int]:
    """Accounts whose inputs carry a change time at or after ``since``."""
    touched = Q(updated_at__gte=since)
    trashed = touched | Q(deleted_at__gte=since)
    found = _values(Order.objects.filter(touched), "account_id")
    found |= _values(Return.objects.filter(created_at__gte=since), "order__account_id")
    found |= _values(Ticket.all_objects.filter(trashed), "account_id")
    found |= _values(Visit.objects.filter(touched), "ticket__account_id")
    answers = Survey.objects.filter(Q(answered_at__gte=since) | Q(changed_at__gte=since))
    found |= _values(answers, "account_id")
    found |= _contacts_accounts(_values(answers.filter(account=None), "contact_id"))
    found |= _linked(_values(Activity.all_objects.filter(trashed), "pk"))
    found |= _values(Lead.all_objects.filter(trashed), "converted_account_id")
    found |= _values(Deal.all_objects.filter(trashed), "account_id")
    found |= _values(Account.all_objects.filter(trashed), "pk")
    found |= _values(AccountContact.objects.filter(created_at__gte=since), "account_id")
    found |= _bought(_values(Product.objects.filter(touched), "pk"))
    return found


def _ids(values: Iterable[Any]) -> set[int]:
    found: set[int] = set()
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool):
            found.add(value)
        elif isinstance(value, str) and value.isdigit():
            found.add(int(value))
    return found


def audited_account_ids(since: datetime) -> set[int]:
    """Accounts of the records audited at or after ``since`` (their current customer
    and any account in the diff; an activity's diff names its accounts)."""
    by_type: dict[str, set[int]] = defaultdict(set)
    found: set[int] = set()
    names: set[str] = set()
    entries = AuditEntry.objects.filter(created_at__gte=since, object_type__in=list(_RESOLVERS))
    for object_type, object_id, changes in entries.values_list(
        "object_type", "object_id", "changes"
    ).iterator(chunk_size=2000):
        by_type[object_type] |= _ids([object_id])
        if not isinstance(changes, dict):
            continue
        for key in ACCOUNT_KEYS:
            if isinstance(changes.get(key), list):
                found |= _ids(changes[key])
        if object_type == "customers.activity" and isinstance(changes.get("accounts"), list):
            for side in changes["accounts"]:
                names.update(str(name) for name in side or [] if name)
    for object_type, ids in by_type.items():
        found |= _RESOLVERS[object_type](ids)
    for chunk in _chunks(names):  # names, not ids: every account of that name
        found.update(Account.all_objects.filter(name__in=chunk).values_list("pk", flat=True))
    return found


_RESOLVERS: dict[str, Any] = {
    "customers.account": lambda ids: set(ids),
    "customers.contact": _contacts_accounts,
    "customers.activity": _linked,
    "service.ticket": lambda ids: _values(Ticket.all_objects.all(), "account_id", ids),
    "service.visit": lambda ids: _values(Visit.objects.all(), "ticket__account_id", ids),
    "service.survey": lambda ids: (
        _values(Survey.objects.all(), "account_id", ids)
        | _contacts_accounts(_values(Survey.objects.all(), "contact_id", ids))
    ),
    "sales.order": lambda ids: _values(Order.objects.all(), "account_id", ids),
    "sales.return": lambda ids: _values(Return.objects.all(), "order__account_id", ids),
    "sales.deal": lambda ids: _values(Deal.all_objects.all(), "account_id", ids),
    "sales.lead": lambda ids: _values(Lead.all_objects.all(), "converted_account_id", ids),
    "sales.product": _bought,
    "core.tag": _tagged,
}


def changed_account_ids(since: datetime) -> set[int]:
    """Accounts with a change since ``since`` in any input of the analytics."""
    return stamped_account_ids(since) | audited_account_ids(since)


def catalogue_changed() -> bool:
    """Whether the number of product categories on sale differs from the one the stored
    classes were computed with (it is every customer's denominator of the category
    breadth: then everyone needs reclassifying, not just some customers)."""
    stored = CustomerClass.objects.order_by().values_list("inputs", flat=True).first()
    if not isinstance(stored, dict) or "categories_sold" not in stored:
        return False
    now = Product.objects.exclude(category="").values("category").distinct().count()
    return bool(stored["categories_sold"] != now)
