"""The measures classification and lifecycle rules apply to, gathered per customer in
a fixed number of grouped queries (never one per customer) and held as NumPy arrays
aligned on ``account_ids`` (ascending).

A customer here is a live account with a confirmed order up to the observation end, or
with interest shown: a lead converted to it, a deal or an activity."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Lower, TruncMonth

from guanxi.analytics.services.columns import empty_columns, fetch_columns, id_chunks
from guanxi.customers.choices import ActivityKind
from guanxi.customers.models import Account, Activity
from guanxi.sales.choices_orders import OrderStatus
from guanxi.sales.models import Deal, Lead, Order, OrderLine, Product, Return
from guanxi.service.models import Survey, Ticket, Visit, VisitStatus

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
NEEDS = ("functional", "quality", "emotional", "social")
_EPOCH = date(1970, 1, 1)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (clamped to the month's end)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass
class Inputs:
    """Per customer (aligned on ``account_ids``); amounts in the base currency, for the
    classification window (the last ``window_months`` up to ``as_of``) unless named
    otherwise. ``first_day``/``last_day`` are days since 1970-01-01, -1 without orders."""

    as_of: date
    window_start: date
    previous_start: date
    account_ids: IntArray
    orders: IntArray  # all confirmed orders up to as_of
    first_day: IntArray
    last_day: IntArray
    orders_window: IntArray
    active_months: IntArray
    revenue: FloatArray  # order totals in the window
    revenue_previous: FloatArray  # in the window before it
    discounts: FloatArray
    product_cost: FloatArray
    returns: FloatArray
    tickets: IntArray
    meetings: IntArray  # meetings (sales visits) in the window
    service_visits: IntArray  # technicians' visits done in the window
    categories: IntArray  # distinct product categories ever bought
    categories_sold: int  # distinct categories of the product catalogue
    nps: FloatArray  # latest answered NPS score, NaN without one
    leads: IntArray
    deals: IntArray
    activities: IntArray
    needs: FloatArray  # (n, 4) signal weight per need, NEEDS order
    # Per customer position with signals: "source:match\x01need" → weight before rules.
    needs_sources: dict[int, dict[str, float]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.account_ids)


def _each(query: QuerySet[Any], column: str, ids: list[int] | None) -> Iterable[tuple[Any, ...]]:
    """``query``'s rows, over chunks of ``ids`` (``column`` is the account column)."""
    for chunk in id_chunks(ids):
        yield from (query if chunk is None else query.filter(**{f"{column}__in": chunk}))


def _orders(as_of: date) -> QuerySet[Order]:
    return Order.objects.filter(
        status=OrderStatus.CONFIRMED, order_date__lte=as_of, account__deleted_at__isnull=True
    )


def _universe(as_of: date, ids: list[int] | None) -> IntArray:
    """Live accounts with an order or shown interest (of ``ids`` when given)."""
    sources: list[tuple[QuerySet[Any], str]] = [
        (_orders(as_of).values_list("account_id"), "account_id"),
        (
            Lead.objects.filter(
                converted_account__isnull=False, converted_account__deleted_at__isnull=True
            ).values_list("converted_account_id"),
            "converted_account_id",
        ),
        (
            Deal.objects.filter(
                account__isnull=False, account__deleted_at__isnull=True
            ).values_list("account_id"),
            "account_id",
        ),
        (
            Activity.accounts.through.objects.filter(
                account__deleted_at__isnull=True, activity__deleted_at__isnull=True
            ).values_list("account_id"),
            "account_id",
        ),
    ]
    found = [
        _columns_of(query.order_by().distinct(), "i", column, ids)[0] for query, column in sources
    ]
    return np.unique(np.concatenate(found)).astype(np.int64)


class _Columns:
    """Scatters grouped query results onto the customers' positions."""

    def __init__(self, account_ids: IntArray) -> None:
        self.ids = account_ids

    def positions(self, keys: list[int]) -> tuple[IntArray, npt.NDArray[np.bool_]]:
        keys_array = np.asarray(keys, dtype=np.int64)
        where = np.searchsorted(self.ids, keys_array)
        where = np.minimum(where, max(len(self.ids) - 1, 0))
        known = (self.ids[where] == keys_array) if len(self.ids) else np.zeros(len(keys), bool)
        return where, known

    def put(
        self, keys: npt.NDArray[Any], *columns: npt.NDArray[Any], default: float = 0.0
    ) -> list[FloatArray]:
        """The ``columns`` (values of the customers ``keys``) at the customers'
        positions, ``default`` for the others (and for NaN)."""
        out = [np.full(len(self.ids), default, dtype=np.float64) for _ in columns]
        if not len(keys):
            return out
        where, known = self.positions(keys.tolist())
        for target, values in zip(out, columns, strict=True):
            values = np.asarray(values, dtype=np.float64)
            target[where[known]] = np.where(np.isnan(values), default, values)[known]
        return out

    def fill(
        self, rows: list[tuple[Any, ...]], width: int = 1, *, default: float = 0.0
    ) -> list[FloatArray]:
        """``width`` float columns from ``rows`` (``(account_id, v1, v2, …)``)."""
        out = [np.full(len(self.ids), default, dtype=np.float64) for _ in range(width)]
        if not rows:
            return out
        where, known = self.positions([row[0] for row in rows])
        for index in range(width):
            values = np.array(
                [np.nan if row[index + 1] is None else float(row[index + 1]) for row in rows],
                dtype=np.float64,
            )
            values = np.where(np.isnan(values), default, values)
            out[index][where[known]] = values[known]
        return out


def _float(expression: Any) -> Any:
    """A sum as a float, 0 where there was nothing to sum (read as arrays)."""
    return Coalesce(Cast(expression, FloatField()), Value(0.0))


def _columns_of(
    query: QuerySet[Any], kinds: str, column: str, ids: list[int] | None
) -> list[npt.NDArray[Any]]:
    """The columns of ``query``'s rows as arrays (``services/columns.py``), over chunks
    of ``ids`` (``column`` is the account column)."""
    parts = []
    for chunk in id_chunks(ids):
        narrowed = query if chunk is None else query.filter(**{f"{column}__in": chunk})
        sql, params = narrowed.query.sql_with_params()
        parts.append(fetch_columns(sql, params, kinds))
    if not parts:  # no accounts asked for
        return empty_columns(kinds)
    return [np.concatenate([part[i] for part in parts]) for i in range(len(kinds))]


def _as_money(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Sums of money as the database keeps them: SQLite sums decimals as floats (0.1 +
    0.7 = 0.7999999999999999), which Django's decimal reading rounded to cents; the
    float read here skips that, so round the same way (half to even, like Decimal's
    quantize). PostgreSQL sums decimals exactly."""
    return np.round(values, 2) if connection.vendor == "sqlite" else values


def gather(
    *,
    as_of: date,
    window_months: int,
    needs_mapping: list[dict[str, str]],
    account_ids: Iterable[int] | None = None,
) -> Inputs:
    ids = None if account_ids is None else sorted({int(pk) for pk in account_ids})
    start = months_before(as_of, window_months)
    previous = months_before(as_of, 2 * window_months)
    universe = _universe(as_of, ids)
    cols = _Columns(universe)
    n = len(universe)
    in_window = Q(order_date__gt=start)
    in_previous = Q(order_date__gt=previous, order_date__lte=start)
    money: Any = DecimalField(max_digits=20, decimal_places=2)
    (
        order_accounts,
        count_found,
        first_found,
        last_found,
        window_found,
        months_found,
        revenue_found,
        previous_found,
        discounts_found,
    ) = _columns_of(
        _orders(as_of)
        .values("account_id")
        .annotate(
            count=Count("pk"),
            first=Min("order_date"),
            last=Max("order_date"),
            count_window=Count("pk", filter=in_window),
            months=Count(TruncMonth("order_date"), filter=in_window, distinct=True),
            revenue=_float(Sum("total_base", filter=in_window)),
            revenue_previous=_float(Sum("total_base", filter=in_previous)),
            discounts=_float(
                Sum(
                    ExpressionWrapper(F("discount_total") * F("exchange_rate"), output_field=money),
                    filter=in_window,
                )
            ),
        )
        .values_list(
            "account_id",
            "count",
            "first",
            "last",
            "count_window",
            "months",
            "revenue",
            "revenue_previous",
            "discounts",
        ),
        "iiddiifff",
        "account_id",
        ids,
    )
    first_day, last_day = cols.put(order_accounts, first_found, last_found, default=-1)
    count, count_window, months, revenue, revenue_prev, discounts = cols.put(
        order_accounts,
        count_found,
        window_found,
        months_found,
        _as_money(revenue_found),
        _as_money(previous_found),
        _as_money(discounts_found),
    )
    line_orders = Q(
        order__status=OrderStatus.CONFIRMED,
        order__order_date__lte=as_of,
        order__account__deleted_at__isnull=True,
    )
    (product_cost,) = cols.put(
        *_columns_of(
            OrderLine.objects.filter(line_orders, order__order_date__gt=start)
            .values("order__account_id")
            .annotate(
                cost=_float(
                    Sum(ExpressionWrapper(F("quantity") * F("product__cost"), output_field=money))
                )
            )
            .values_list("order__account_id", "cost"),
            "if",
            "order__account_id",
            ids,
        )
    )
    product_cost = _as_money(product_cost)
    (returns,) = cols.put(
        *_columns_of(
            Return.objects.filter(
                return_date__gt=start,
                return_date__lte=as_of,
                order__status=OrderStatus.CONFIRMED,
                order__account__deleted_at__isnull=True,
            )
            .values("order__account_id")
            .annotate(total=_float(Sum("total_base")))
            .values_list("order__account_id", "total"),
            "if",
            "order__account_id",
            ids,
        )
    )
    returns = _as_money(returns)
    links: QuerySet[Any] = Activity.accounts.through.objects.filter(
        activity__deleted_at__isnull=True
    )
    counts: list[tuple[QuerySet[Any], str]] = [
        (
            Ticket.objects.filter(
                account__isnull=False, created_at__date__gt=start, created_at__date__lte=as_of
            ),
            "account_id",
        ),
        (
            links.filter(
                activity__kind=ActivityKind.MEETING,
                activity__at__date__gt=start,
                activity__at__date__lte=as_of,
            ),
            "account_id",
        ),
        (
            Visit.objects.filter(
                status=VisitStatus.DONE,
                ticket__account__isnull=False,
                completed_at__date__gt=start,
                completed_at__date__lte=as_of,
            ),
            "ticket__account_id",
        ),
        (links, "account_id"),
        (Lead.objects.filter(converted_account__isnull=False), "converted_account_id"),
        (Deal.objects.filter(account__isnull=False), "account_id"),
    ]
    tickets, meetings, service_visits, activities, leads, deals = (
        cols.put(
            *_columns_of(
                query.values(column).annotate(n=Count("pk")).values_list(column, "n"),
                "ii",
                column,
                ids,
            )
        )[0]
        for query, column in counts
    )
    bought = _categories_bought(line_orders, ids)
    where, known = cols.positions(bought.account_ids.tolist())
    categories = np.bincount(where[known], minlength=n).astype(np.float64)
    categories_sold = Product.objects.exclude(category="").values("category").distinct().count()
    nps = _latest_nps(cols, as_of, ids)
    needs, sources = _needs(cols, bought, needs_mapping, as_of, ids)
    return Inputs(
        as_of=as_of,
        window_start=start,
        previous_start=previous,
        account_ids=universe,
        orders=count.astype(np.int64),
        first_day=first_day.astype(np.int64),
        last_day=last_day.astype(np.int64),
        orders_window=count_window.astype(np.int64),
        active_months=months.astype(np.int64),
        revenue=revenue,
        revenue_previous=revenue_prev,
        discounts=discounts,
        product_cost=product_cost,
        returns=returns,
        tickets=tickets.astype(np.int64),
        meetings=meetings.astype(np.int64),
        service_visits=service_visits.astype(np.int64),
        categories=categories.astype(np.int64),
        categories_sold=categories_sold,
        nps=nps,
        leads=leads.astype(np.int64),
        deals=deals.astype(np.int64),
        activities=activities.astype(np.int64),
        needs=needs,
        needs_sources=sources,
    )


@dataclass(frozen=True)
class CategoriesBought:
    """Order lines per (customer, product category), sorted by customer then category
    name: ``names[codes[i]]`` is row i's category."""

    account_ids: IntArray
    codes: IntArray
    counts: FloatArray
    names: list[str]


def _categories_bought(line_orders: Q, ids: list[int] | None) -> CategoriesBought:
    """Lines counted by customer and category here, from each line's (customer,
    product) read as arrays (grouping a million lines in the database took longer than
    reading them); the catalogue's few hundred products map to their categories."""
    account_ids, product_ids = _columns_of(
        OrderLine.objects.filter(line_orders)
        .exclude(product__category="")
        .values_list("order__account_id", "product_id"),
        "ii",
        "order__account_id",
        ids,
    )
    products, product_at = np.unique(product_ids, return_inverse=True)
    category_of = dict(
        Product.objects.filter(pk__in=products.tolist()).values_list("pk", "category")
    )
    names = sorted(set(category_of.values()))
    index = {name: code for code, name in enumerate(names)}
    code_of = np.array([index[category_of[pk]] for pk in products.tolist()], dtype=np.int64)
    codes = code_of[product_at] if len(products) else product_ids
    width = max(len(names), 1)
    keys, counts = np.unique(account_ids * width + codes, return_counts=True)
    return CategoriesBought(
        account_ids=(keys // width).astype(np.int64),
        codes=(keys % width).astype(np.int64),
        counts=counts.astype(np.float64),
        names=names,
    )


def _latest_nps(cols: _Columns, as_of: date, ids: list[int] | None) -> FloatArray:
    """The latest answered NPS score per customer (of the account, or of a contact
    currently working there), NaN without one."""
    answered = Survey.objects.filter(
        kind="nps", score__isnull=False, answered_at__isnull=False, answered_at__date__lte=as_of
    )
    rows = list(
        _each(
            answered.exclude(account=None).values_list("account_id", "answered_at", "score"),
            "account_id",
            ids,
        )
    )
    rows += list(
        _each(
            answered.filter(account=None, contact__account_links__is_current=True).values_list(
                "contact__account_links__account_id", "answered_at", "score"
            ),
            "contact__account_links__account_id",
            ids,
        )
    )
    rows.sort(key=lambda row: (row[0], row[1]))
    latest = {row[0]: row[2] for row in rows}  # the last one per account wins
    (nps,) = cols.fill(list(latest.items()), default=np.nan)
    return nps


def _needs(
    cols: _Columns,
    bought: CategoriesBought,
    mapping: list[dict[str, str]],
    as_of: date,
    ids: list[int] | None,
) -> tuple[FloatArray, dict[int, dict[str, float]]]:
    """Signals per need: order lines in mapped categories (1 each), mapped tags on the
    account and survey comments containing a mapped word (each counted once per
    tag/survey; weighted by the rules when classified)."""
    n = len(cols.ids)
    signals = np.zeros((3, n, len(NEEDS)), dtype=np.float64)  # category, tag, survey
    sources: dict[int, dict[str, float]] = {}

    def add(kind: int, label: str, need: str, rows: list[tuple[int, float]]) -> None:
        if not rows:
            return
        where, known = cols.positions([row[0] for row in rows])
        for position, ok, row in zip(where.tolist(), known.tolist(), rows, strict=True):
            if ok:
                signals[kind, position, NEEDS.index(need)] += row[1]
                key = f"{label}\u0001{need}"
                found = sources.setdefault(position, {})
                found[key] = found.get(key, 0) + row[1]

    by_category: dict[str, str] = {}
    tags: dict[str, str] = {}
    for entry in mapping:
        match = entry["match"].casefold()
        if entry["source"] == "category":
            by_category.setdefault(match, entry["need"])
        elif entry["source"] == "tag":
            tags.setdefault(match, entry["need"])
    # The (customer, category) rows of mapped categories, placed with one search.
    need_of = [by_category.get(name.casefold()) for name in bought.names]
    mapped = np.array([need is not None for need in need_of], dtype=bool)
    hits = np.flatnonzero(mapped[bought.codes]) if bought.names else np.zeros(0, np.int64)
    where, known = cols.positions(bought.account_ids[hits].tolist())
    placed = zip(
        bought.codes[hits].tolist(),
        bought.counts[hits].tolist(),
        where.tolist(),
        known.tolist(),
        strict=True,
    )
    for code, count, position, ok in placed:
        need = need_of[code]
        if ok and need is not None:
            key = f"category:{bought.names[code]}\u0001{need}"
            signals[0, position, NEEDS.index(need)] += count
            found = sources.setdefault(position, {})
            found[key] = found.get(key, 0) + count
    if tags:
        tag_links: QuerySet[Any] = Account.tags.through.objects.all()
        tag_rows = list(
            _each(
                tag_links.annotate(lower=Lower("tag__name"))
                .filter(lower__in=list(tags), account__deleted_at__isnull=True)
                .values_list("account_id", "tag__name"),
                "account_id",
                ids,
            )
        )
        for account_id, name in tag_rows:
            add(1, f"tag:{name}", tags[name.casefold()], [(account_id, 1.0)])
    answered = Survey.objects.filter(answered_at__isnull=False, answered_at__date__lte=as_of)
    for entry in mapping:
        if entry["source"] != "survey":
            continue
        rows = list(
            _each(
                answered.filter(comment__icontains=entry["match"])
                .exclude(account=None)
                .values("account_id")
                .annotate(n=Count("pk"))
                .values_list("account_id", "n"),
                "account_id",
                ids,
            )
        )
        add(2, f"survey:{entry['match']}", entry["need"], [(r[0], float(r[1])) for r in rows])
    return signals.reshape(3, n, len(NEEDS)).transpose(1, 0, 2).reshape(n, 3 * len(NEEDS)), sources
