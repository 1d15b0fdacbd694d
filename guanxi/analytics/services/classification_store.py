"""Storing the classes of a classification run: the measures behind each customer's
classes as the JSON stored with them (``inputs``), built column by column as text —
one conversion per array, one string format per customer, no dict per customer — and
the rows upserted in batches (``services/bulk.py``). ``classification.all_inputs``
gives the same measures as dicts; ``json.loads`` of each text equals it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import connection

from guanxi.analytics.models import ClassificationRules, CustomerClass
from guanxi.analytics.services.bulk import upsert_columns
from guanxi.analytics.services.classification_inputs import NEEDS

if TYPE_CHECKING:
    from guanxi.analytics.services.classification import Classified

_EPOCH = np.datetime64("1970-01-01", "D")


def _floats(values: Any, digits: int) -> list[str]:
    """Rounded like ``np.round(...).tolist()``, NaN as null."""
    rounded = np.round(np.asarray(values, dtype=np.float64), digits).tolist()
    return ["null" if v != v else repr(v) for v in rounded]


def _ints(values: Any) -> list[str]:
    return list(map(str, np.asarray(values, dtype=np.int64).tolist()))


def _days(days: list[int]) -> list[str]:
    text = {d: f'"{_EPOCH + np.timedelta64(d, "D")}"' for d in set(days) if d >= 0}
    return [text[d] if d >= 0 else "null" for d in days]


def _since(days: list[int], today: int, bought: list[bool]) -> list[str]:
    return [str(today - d) if b else "null" for d, b in zip(days, bought, strict=True)]


def inputs_json(found: Classified) -> list[str]:
    """Each customer's measures as JSON text (``all_inputs`` as ``json.dumps`` gives it)."""
    x = found.inputs
    today = int((np.datetime64(x.as_of, "D") - _EPOCH).astype(np.int64))
    bought = (x.orders > 0).tolist()
    first, last = x.first_day.tolist(), x.last_day.tolist()
    nps = ["null" if v != v else str(int(v)) for v in np.round(x.nps, 0).tolist()]
    columns: dict[str, list[str]] = {
        "orders": _ints(x.orders),
        "orders_window": _ints(x.orders_window),
        "first_order": _days(first),
        "last_order": _days(last),
        "days_since_last": _since(last, today, bought),
        "tenure_days": _since(first, today, bought),
        "active_months": _ints(x.active_months),
        "revenue": _floats(x.revenue, 2),
        "revenue_previous": _floats(x.revenue_previous, 2),
        "growth": _floats(found.growth, 4),
        "product_cost": _floats(x.product_cost, 2),
        "discounts": _floats(x.discounts, 2),
        "returns": _floats(x.returns, 2),
        "tickets": _ints(x.tickets),
        "visits": _ints(x.meetings + x.service_visits),
        "meetings": _ints(x.meetings),
        "service_visits": _ints(x.service_visits),
        "cost_to_serve": _floats(found.cost, 2),
        "margin": _floats(found.margin, 2),
        "categories": _ints(x.categories),
        "nps": nps,
        "loyalty_points": _ints(found.points),
        "leads": _ints(x.leads),
        "deals": _ints(x.deals),
        "activities": _ints(x.activities),
    }
    common = json.dumps(
        {"window_start": str(x.window_start), "categories_sold": int(x.categories_sold)}
    )[1:-1]
    weights = found.needs_weights.tolist()
    weights_template = "{" + ", ".join(f'"{need}": %r' for need in NEEDS) + "}"
    columns["needs_weights"] = [weights_template % tuple(row) for row in weights]
    sources = ["{}"] * len(found)
    for i, found_sources in x.needs_sources.items():
        sources[i] = json.dumps(
            {key.replace("\u0001", "→"): value for key, value in found_sources.items()}
        )
    columns["needs_sources"] = sources
    names = list(columns)
    split = names.index("needs_weights")
    head = ", ".join(f'"{name}": %s' for name in names[:split])
    template = "{" + head + ", " + common + ', "needs_weights": %s, "needs_sources": %s}'
    return [template % values for values in zip(*columns.values(), strict=True)]


def _day_text(value: int) -> str | None:
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

    days = {d: _day_text(d) for d in set(first) | set(last)}
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


class LazyInputs(Sequence[dict[str, Any]]):
    """The measures as dicts, parsed from the JSON texts only when asked for (the
    lifecycle transitions need them for the few customers whose stage changed)."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [json.loads(text) for text in self.texts[index]]
        return json.loads(self.texts[index])


def write_classes(
    found: Classified,
    inputs: list[str],
    version: ClassificationRules,
    computed_at: datetime,
    previous: dict[int, tuple[str, date]],
    reasons: list[str],
) -> None:
    """Upsert the classes (``inputs`` from ``inputs_json``, ``reasons`` the key-account
    reasons as JSON text), keeping the stage's start where the stage is unchanged."""
    fields = {f.attname: f for f in CustomerClass._meta.concrete_fields}
    x = found.inputs
    ids = x.account_ids.tolist()
    n = len(ids)
    stages = found.stage.tolist()
    since_field = fields["stage_since"]
    prepared: dict[date, Any] = {}

    def since(account_id: int, stage: str) -> Any:
        old = previous.get(account_id)
        day = old[1] if old is not None and old[0] == stage else x.as_of
        if day not in prepared:
            prepared[day] = since_field.get_db_prep_save(day, connection)
        return prepared[day]

    at = fields["computed_at"].get_db_prep_save(computed_at, connection)
    day = fields["observation_end"].get_db_prep_save(x.as_of, connection)
    columns: dict[str, list[Any]] = {
        "account_id": ids,
        "purchase": found.purchase.tolist(),
        "value": found.value.tolist(),
        "needs": found.needs.tolist(),
        "loyalty": found.loyalty.tolist(),
        "stage": stages,
        "stage_since": [since(pk, stage) for pk, stage in zip(ids, stages, strict=True)],
        "is_key_account": found.key.tolist(),
        "key_reasons": reasons,
        "inputs": inputs,
        "margin": list(map("%.2f".__mod__, found.margin.tolist())),
        "rules_id": [version.pk] * n,
        "observation_end": [day] * n,
        "computed_at": [at] * n,
    }
    if connection.vendor in ("sqlite", "postgresql"):
        upsert_columns(CustomerClass, columns)
        return
    objects = []  # portable fallback
    for values in zip(*columns.values(), strict=True):
        row = dict(zip(columns, values, strict=True))
        row["key_reasons"] = json.loads(row["key_reasons"])
        row["inputs"] = json.loads(row["inputs"])
        row["stage_since"] = since_field.to_python(row["stage_since"])
        objects.append(CustomerClass(**row))
    CustomerClass.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=["account"],
        update_fields=[name.removesuffix("_id") for name in list(columns)[1:]],
    )
