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
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.utils import timezone

from guanxi.analytics.models import CustomerClass
from guanxi.analytics.models.classification import LifecycleStage
from guanxi.analytics.services.classification_inputs import NEEDS, Inputs, gather
from guanxi.analytics.services.classification_rules import current_rules
from guanxi.analytics.services.classification_store import (
    LazyInputs,
    inputs_json,
    write_classes,
)
from guanxi.analytics.services.columns import fetch_for
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
    """The stored stage and its start of these customers (all rows for a full run),
    read as arrays (the stage by its place in ``LifecycleStage``)."""
    stages = [str(stage) for stage in LifecycleStage.values]
    codes = " ".join("WHEN %s THEN " + str(place) for place in range(len(stages)))
    table = connection.ops.quote_name(CustomerClass._meta.db_table)
    sql = (
        f"SELECT account_id, CASE stage {codes} ELSE -1 END, stage_since "  # noqa: S608
        f"FROM {table} WHERE 1 = 1 {{ids}}"
    )
    accounts, places, days = fetch_for(sql, stages, "iid", None if everyone else ids, "account_id")
    names = [*stages, ""]  # -1: a stage this version does not know
    since = np.asarray(days, dtype="datetime64[D]").astype(object).tolist()
    return {
        account: (names[place], day)
        for account, place, day in zip(accounts.tolist(), places.tolist(), since, strict=True)
    }


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
    texts = inputs_json(found)
    reasons = ["[]"] * len(found)
    for i in np.flatnonzero(found.key).tolist():
        reasons[i] = json.dumps(key_reasons(found, i))
    write_classes(found, texts, version, computed_at, previous, reasons)
    record_transitions(found, LazyInputs(texts), previous, version=version.version, as_of=as_of)
    # The rows of customers no longer classified, by account (the stored rows a full
    # run read in ``previous``): no scan of the whole table for them.
    kept = set(inputs.account_ids.tolist())
    gone = [pk for pk in (previous if ids is None else ids) if pk not in kept]
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
