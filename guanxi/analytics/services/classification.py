"""Classifying customers: the four classes (purchase behaviour, value, needs, loyalty),
the lifecycle stage and the key-account flag, by the rules of
``services/classification_rules.py`` applied to the measures of
``services/classification_inputs.py``. ``classify`` is pure and vectorised (NumPy over
all customers at once); ``classify_customers`` gathers, classifies and stores (an
upsert per batch of rows, the lifecycle transitions of the customers whose stage
changed); ``preview`` classifies with proposed rules and counts the moves, saving
nothing. See docs/customer-classification.md."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.utils import timezone

from guanxi.analytics.models import ClassificationRules, CustomerClass
from guanxi.analytics.services.bulk import upsert
from guanxi.analytics.services.classification_inputs import NEEDS, Inputs, gather
from guanxi.analytics.services.classification_rules import current_rules
from guanxi.analytics.services.lifecycle import record_transitions

ObjectArray = npt.NDArray[np.object_]
BATCH = 2000
DIMENSIONS = ("purchase", "value", "needs", "loyalty", "stage")
_EPOCH = np.datetime64("1970-01-01", "D")


@dataclass(frozen=True)
class Classified:
    """The classes of ``inputs``' customers (aligned arrays) under ``rules``."""

    inputs: Inputs
    rules: dict[str, Any]
    purchase: ObjectArray
    value: ObjectArray
    needs: ObjectArray
    loyalty: ObjectArray
    stage: ObjectArray
    key: npt.NDArray[np.bool_]
    margin: npt.NDArray[np.float64]
    cost: npt.NDArray[np.float64]
    points: npt.NDArray[np.int64]
    growth: npt.NDArray[np.float64]  # revenue change vs the previous window, NaN if none
    needs_weights: npt.NDArray[np.float64]  # (n, 4)

    def __len__(self) -> int:
        return len(self.inputs)


def classify(inputs: Inputs, rules: dict[str, Any]) -> Classified:
    """Apply the rules to every customer at once (no database access)."""
    x = inputs
    today = (np.datetime64(x.as_of, "D") - _EPOCH).astype(np.int64)
    bought = x.orders > 0
    since_last = np.where(bought, today - x.last_day, -1)
    tenure = np.where(bought, today - x.first_day, -1)
    lost = bought & (since_last > rules["lost_after_days"])

    purchase = np.select(
        [~bought, lost, x.orders_window >= rules["regular_min_orders"]],
        ["potential", "lost", "regular"],
        "occasional",
    ).astype(object)

    cost = (
        x.product_cost
        + x.discounts
        + x.returns
        + x.tickets * float(rules["ticket_cost"])
        + (x.meetings + x.service_visits) * float(rules["visit_cost"])
    )
    brings = x.revenue + x.discounts  # before discounts: the discounts count as a cost
    margin = np.round(brings - cost, 2)
    value = np.select(
        [margin < 0, margin >= rules["value_high_min"], margin >= rules["value_medium_min"]],
        ["negative", "high", "medium"],
        "low",
    ).astype(object)

    weights = (
        x.needs[:, 0:4]
        + x.needs[:, 4:8] * float(rules["needs_tag_weight"])
        + x.needs[:, 8:12] * float(rules["needs_survey_weight"])
    )
    strongest = np.argmax(weights, axis=1) if len(x) else np.zeros(0, dtype=np.int64)
    needs = np.where(weights.max(axis=1, initial=0) > 0, np.array(NEEDS)[strongest], "")
    needs = needs.astype(object)

    window = max(int(rules["window_months"]), 1)
    repeat_rate = x.active_months / window
    share = x.categories / x.categories_sold if x.categories_sold else np.zeros(len(x))
    has_nps = ~np.isnan(x.nps)
    nps = np.where(has_nps, x.nps, -1)
    points = (
        (tenure >= rules["loyalty_tenure_days"]).astype(np.int64)
        + (repeat_rate >= rules["loyalty_repeat_rate"])
        + (share >= rules["loyalty_category_share"])
        + (has_nps & (nps >= rules["nps_promoter_min"]))
        - (has_nps & (nps <= rules["nps_detractor_max"]))
    )
    loyalty = np.select(
        [
            ~bought | lost,
            points >= rules["loyalty_high_points"],
            points >= rules["loyalty_medium_points"],
        ],
        ["none", "high", "medium"],
        "low",
    ).astype(object)

    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(x.revenue_previous > 0, x.revenue / x.revenue_previous - 1, np.nan)
    dropped = (x.revenue_previous > 0) & (
        x.revenue < (1 - rules["decline_drop"]) * x.revenue_previous
    )
    rising = x.revenue >= (1 + rules["growth_rise"]) * x.revenue_previous
    rising &= x.revenue > 0
    stage = np.select(
        [
            ~bought,
            lost,
            tenure <= rules["new_days"],
            (since_last > rules["decline_days"]) | dropped,
            (tenure < rules["mature_days"]) | rising,
        ],
        ["potential", "churned", "new", "decline", "growth"],
        "mature",
    ).astype(object)

    growing = (
        (x.revenue_previous > 0)
        & (np.nan_to_num(growth, nan=-1) >= rules["key_growth_rise"])
        & (x.revenue >= rules["key_growth_min_revenue"])
    )
    key = (value == "high") | growing
    return Classified(
        inputs=x,
        rules=rules,
        purchase=purchase,
        value=value,
        needs=needs,
        loyalty=loyalty,
        stage=stage,
        key=np.asarray(key, dtype=bool),
        margin=margin,
        cost=np.round(cost, 2),
        points=points.astype(np.int64),
        growth=growth,
        needs_weights=weights,
    )


def _day(value: int) -> str | None:
    return None if value < 0 else str(_EPOCH + np.timedelta64(int(value), "D"))


def all_inputs(found: Classified) -> list[dict[str, Any]]:
    """The measures behind each customer's classes, as stored with them (built column
    by column: one conversion per array, not per value)."""
    x = found.inputs
    n = len(found)
    today = int((np.datetime64(x.as_of, "D") - _EPOCH).astype(np.int64))
    bought = (x.orders > 0).tolist()
    first, last = x.first_day.tolist(), x.last_day.tolist()

    def money(values: Any) -> list[float]:
        return np.round(np.asarray(values, dtype=np.float64), 2).tolist()  # type: ignore[no-any-return]

    def optional(values: Any, digits: int) -> list[Any]:
        rounded = np.round(values, digits).tolist()
        return [None if v != v else v for v in rounded]  # NaN → None

    days = {d: _day(d) for d in set(first) | set(last)}
    nps = [None if v is None else int(v) for v in optional(x.nps, 0)]
    weights = found.needs_weights.tolist()
    columns: dict[str, list[Any]] = {
        "orders": x.orders.tolist(),
        "orders_window": x.orders_window.tolist(),
        "first_order": [days[d] for d in first],
        "last_order": [days[d] for d in last],
        "days_since_last": [today - d if b else None for d, b in zip(last, bought, strict=True)],
        "tenure_days": [today - d if b else None for d, b in zip(first, bought, strict=True)],
        "active_months": x.active_months.tolist(),
        "revenue": money(x.revenue),
        "revenue_previous": money(x.revenue_previous),
        "growth": optional(found.growth, 4),
        "product_cost": money(x.product_cost),
        "discounts": money(x.discounts),
        "returns": money(x.returns),
        "tickets": x.tickets.tolist(),
        "visits": (x.meetings + x.service_visits).tolist(),
        "meetings": x.meetings.tolist(),
        "service_visits": x.service_visits.tolist(),
        "cost_to_serve": money(found.cost),
        "margin": money(found.margin),
        "categories": x.categories.tolist(),
        "nps": nps,
        "loyalty_points": found.points.tolist(),
        "leads": x.leads.tolist(),
        "deals": x.deals.tolist(),
        "activities": x.activities.tolist(),
    }
    names = list(columns)
    common = {"window_start": str(x.window_start), "categories_sold": int(x.categories_sold)}
    rows: list[dict[str, Any]] = []
    for i, values in enumerate(zip(*columns.values(), strict=True)):
        row = dict(zip(names, values, strict=True))
        row.update(common)
        row["needs_weights"] = dict(zip(NEEDS, weights[i], strict=True))
        sources = x.needs_sources.get(i)
        row["needs_sources"] = (
            {key.replace("\u0001", "→"): value for key, value in sources.items()} if sources else {}
        )
        rows.append(row)
    assert len(rows) == n
    return rows


def key_reasons(found: Classified, i: int) -> list[dict[str, Any]]:
    """Why customer ``i`` is a key account (empty when not): the deciding reasons
    first (high value, growth), then what supports it (regular, high loyalty)."""
    if not found.key[i]:
        return []
    rules, x = found.rules, found.inputs
    reasons: list[dict[str, Any]] = []
    if found.value[i] == "high":
        reasons.append(
            {"code": "high_value", "margin": float(found.margin[i]), "min": rules["value_high_min"]}
        )
    growth = found.growth[i]
    if not np.isnan(growth) and growth >= rules["key_growth_rise"]:
        reasons.append(
            {
                "code": "growth",
                "growth": round(float(growth), 4),
                "min": rules["key_growth_rise"],
                "revenue": round(float(x.revenue[i]), 2),
                "revenue_min": rules["key_growth_min_revenue"],
            }
        )
    if found.purchase[i] == "regular":
        reasons.append({"code": "regular", "orders": int(x.orders_window[i])})
    if found.loyalty[i] == "high":
        reasons.append({"code": "loyal", "points": int(found.points[i])})
    return reasons


def _previous(ids: list[int], everyone: bool) -> dict[int, tuple[str, date]]:
    """The stored stage and its start of these customers (all rows for a full run)."""
    rows = CustomerClass.objects.values_list("account_id", "stage", "stage_since")
    if everyone:
        return {row[0]: (row[1], row[2]) for row in rows}
    found: dict[int, tuple[str, date]] = {}
    for start in range(0, len(ids), 500):
        found.update(
            (row[0], (row[1], row[2]))
            for row in rows.filter(account_id__in=ids[start : start + 500])
        )
    return found


def _write(
    found: Classified,
    inputs_rows: list[dict[str, Any]],
    version: ClassificationRules,
    computed_at: datetime,
    previous: dict[int, tuple[str, date]],
) -> None:
    fields = {f.attname: f for f in CustomerClass._meta.concrete_fields}
    x = found.inputs
    ids = x.account_ids.tolist()
    as_of = x.as_of
    names = [
        "account_id",
        "purchase",
        "value",
        "needs",
        "loyalty",
        "stage",
        "stage_since",
        "is_key_account",
        "key_reasons",
        "inputs",
        "margin",
        "rules_id",
        "observation_end",
        "computed_at",
    ]
    at = fields["computed_at"].get_db_prep_save(computed_at, connection)
    day = fields["observation_end"].get_db_prep_save(as_of, connection)
    margins = [Decimal(t) for t in np.char.mod("%.2f", found.margin)] if len(found) else []
    since_field = fields["stage_since"]
    today = since_field.get_db_prep_save(as_of, connection)
    empty = "[]"
    keys = found.key.tolist()
    rows: list[tuple[Any, ...]] = []
    for i, (account_id, purchase, value, needs, loyalty, stage) in enumerate(
        zip(
            ids,
            found.purchase.tolist(),
            found.value.tolist(),
            found.needs.tolist(),
            found.loyalty.tolist(),
            found.stage.tolist(),
            strict=True,
        )
    ):
        old = previous.get(account_id)
        since = (
            since_field.get_db_prep_save(old[1], connection)
            if old is not None and old[0] == stage
            else today
        )
        rows.append(
            (
                account_id,
                purchase,
                value,
                needs,
                loyalty,
                stage,
                since,
                keys[i],
                json.dumps(key_reasons(found, i)) if keys[i] else empty,
                json.dumps(inputs_rows[i]),
                margins[i],
                version.pk,
                day,
                at,
            )
        )
    if connection.vendor not in ("sqlite", "postgresql"):  # portable fallback
        objects = [
            CustomerClass(
                **{
                    n: v
                    for n, v in zip(names, row, strict=True)
                    if n not in ("key_reasons", "inputs")
                },
                key_reasons=key_reasons(found, i),
                inputs=inputs_rows[i],
            )
            for i, row in enumerate(rows)
        ]
        CustomerClass.objects.bulk_create(
            objects,
            update_conflicts=True,
            unique_fields=["account"],
            update_fields=[n.removesuffix("_id") if n == "rules_id" else n for n in names[1:]],
        )
        return
    upsert(CustomerClass, names, rows)


def classify_customers(
    *, as_of: date | None = None, account_ids: Iterable[int] | None = None
) -> int:
    """Classify every customer (``account_ids`` None: a full run) or just these, store
    the rows and the lifecycle transitions of those whose stage changed; rows of
    customers no longer classified (no order and no interest) are removed. Returns the
    number of customers classified."""
    as_of = as_of or timezone.localdate()
    version = current_rules()
    rules = version.rules
    ids = None if account_ids is None else sorted({int(pk) for pk in account_ids})
    inputs = gather(
        as_of=as_of,
        window_months=int(rules["window_months"]),
        needs_mapping=rules.get("needs_mapping", []),
        account_ids=ids,
    )
    found = classify(inputs, rules)
    previous = _previous(ids or [], ids is None)
    computed_at = timezone.now()
    inputs_rows = all_inputs(found)
    _write(found, inputs_rows, version, computed_at, previous)
    record_transitions(found, inputs_rows, previous, version=version.version, as_of=as_of)
    kept = set(inputs.account_ids.tolist())
    if ids is None:
        CustomerClass.objects.filter(computed_at__lt=computed_at).delete()
    else:
        gone = [pk for pk in ids if pk not in kept]
        for start in range(0, len(gone), 500):
            CustomerClass.objects.filter(account_id__in=gone[start : start + 500]).delete()
    return len(found)


@dataclass(frozen=True)
class Preview:
    """What proposed rules would change: per dimension the moves (from, to) → count
    between the stored classes and the new ones, how many would change, and the
    counts per class after the change."""

    customers: int
    moves: dict[str, list[tuple[str, str, int]]]
    changed: dict[str, int]
    totals: dict[str, dict[str, int]]
    key_accounts: tuple[int, int]  # now, after


def preview(proposed: dict[str, Any], *, as_of: date | None = None) -> Preview:
    """Classify everyone with ``proposed`` (complete, validated rules) and compare with
    the stored classes; nothing is saved. Customers not classified yet count as moving
    from "" (none)."""
    as_of = as_of or timezone.localdate()
    inputs = gather(
        as_of=as_of,
        window_months=int(proposed["window_months"]),
        needs_mapping=proposed.get("needs_mapping", []),
    )
    found = classify(inputs, proposed)
    stored = {
        row[0]: row[1:]
        for row in CustomerClass.objects.values_list("account_id", *DIMENSIONS, "is_key_account")
    }
    ids = inputs.account_ids.tolist()
    moves: dict[str, Counter[tuple[str, str]]] = {d: Counter() for d in DIMENSIONS}
    totals: dict[str, Counter[str]] = {d: Counter() for d in DIMENSIONS}
    new_arrays = [found.purchase, found.value, found.needs, found.loyalty, found.stage]
    for i, account_id in enumerate(ids):
        old = stored.get(account_id)
        for d, (name, array) in enumerate(zip(DIMENSIONS, new_arrays, strict=True)):
            new = str(array[i])
            totals[name][new] += 1
            before = "" if old is None else old[d]
            if before != new:
                moves[name][(before, new)] += 1
    kept = set(ids)
    for account_id, old in stored.items():  # would lose their classes
        if account_id not in kept:
            for d, name in enumerate(DIMENSIONS):
                moves[name][(old[d], "")] += 1
    return Preview(
        customers=len(ids),
        moves={
            name: sorted(
                ((a, b, n) for (a, b), n in counter.items()), key=lambda m: (-m[2], m[0], m[1])
            )
            for name, counter in moves.items()
        },
        changed={name: sum(counter.values()) for name, counter in moves.items()},
        totals={name: dict(counter) for name, counter in totals.items()},
        key_accounts=(sum(1 for old in stored.values() if old[-1]), int(found.key.sum())),
    )
