"""Churn risk per customer, in bulk: P(alive) from the stored scores, the change in
the purchase rate (orders in the recent window vs the window before), open tickets and
low satisfaction answers — one aggregate query per input (per 500 customers when only
some are recomputed) read into NumPy arrays, the risk computed over all customers at
once (``services/churn_vector.py``; ``risk_factors`` is the same for one customer),
rows upserted in batches. Crossings
of the alert threshold are recorded and alerted (``services/churn_alerts.py``).
See docs/churn-and-cross-sell.md."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.utils import timezone

from guanxi.analytics.models import ChurnCrossing, ChurnRisk
from guanxi.analytics.models.churn import CrossingDirection, factor_list
from guanxi.analytics.services.bulk import upsert_columns
from guanxi.analytics.services.churn_alerts import alert_rises
from guanxi.analytics.services.churn_config import ChurnConfig, churn_config
from guanxi.analytics.services.churn_inputs import gather_churn_inputs
from guanxi.analytics.services.churn_vector import cents_text, compute_risks
from guanxi.analytics.services.columns import id_chunks

BATCH = 2000
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
CHUNK = 500  # ids per IN (...) list: inside SQLite's limit on query parameters
RISK_FIELDS = [
    "risk",
    "level",
    "p_alive",
    "p_alive_contribution",
    "recent_orders",
    "earlier_orders",
    "window_days",
    "trend_contribution",
    "open_tickets",
    "tickets_contribution",
    "low_answers",
    "satisfaction_days",
    "satisfaction_contribution",
    "value_at_stake",
    "above_threshold",
    "crossed_at",
    "observation_end",
    "computed_at",
]


@dataclass(frozen=True)
class ChurnResult:
    computed: int  # risk rows written
    removed: int  # rows of customers without a score any more
    rises: list[int]  # accounts that rose above the threshold (alerted)
    falls: list[int]  # accounts that fell below it


def risk_factors(
    config: ChurnConfig,
    *,
    p_alive: float | None,
    recent: int,
    earlier: int,
    open_tickets: int,
    low_answers: int,
) -> tuple[float, list[dict[str, Any]]]:
    """The risk (0–1) and each factor with its inputs and contribution."""
    w = config.weights
    decline = max(0.0, min(1.0, (earlier - recent) / earlier)) if earlier > 0 else 0.0
    alive = 0.0 if p_alive is None else round(w["p_alive"] * (1.0 - p_alive), 4)
    trend = round(w["trend"] * decline, 4)
    tickets = round(w["tickets"] * min(1.0, open_tickets / config.tickets_for_full_weight), 4)
    satisfaction = round(
        w["satisfaction"] * min(1.0, low_answers / config.low_answers_for_full_weight), 4
    )
    risk = round(min(1.0, max(0.0, alive + trend + tickets + satisfaction)), 4)
    return risk, factor_list(
        p_alive=None if p_alive is None else round(p_alive, 4),
        p_alive_contribution=alive,
        recent=recent,
        earlier=earlier,
        window_days=config.window_days,
        trend_contribution=trend,
        open_tickets=open_tickets,
        tickets_contribution=tickets,
        low_answers=low_answers,
        satisfaction_days=config.satisfaction_days,
        satisfaction_contribution=satisfaction,
    )


def refresh_churn(
    *,
    as_of: date | None = None,
    account_ids: Iterable[int] | None = None,
    now: datetime | None = None,
) -> ChurnResult:
    """Compute the churn risk of every scored customer (or of ``account_ids``), store it,
    record threshold crossings and alert the owners of the customers that rose above."""
    config = churn_config()
    as_of = as_of or timezone.localdate()
    now = now or timezone.now()
    ids = None if account_ids is None else sorted({int(pk) for pk in account_ids})
    found = gather_churn_inputs(ids, config, as_of, now)
    risks = compute_risks(
        config,
        p_alive=found.p_alive,
        recent=found.recent,
        earlier=found.earlier,
        open_tickets=found.tickets,
        low_answers=found.low_answers,
        basis_cents=found.basis_cents,
    )
    # A first risk already above the threshold crossed nothing: no alert (it is on the
    # at-risk page); later rises are alerted.
    rising = risks.above & ~found.was_above & found.known
    falling = found.was_above & ~risks.above
    accounts = found.account_ids.tolist()
    rises = found.account_ids[rising].tolist()
    falls = found.account_ids[falling].tolist()
    crossed_field = ChurnRisk._meta.get_field("crossed_at")
    crossed_at: list[datetime | None] = [found.crossed_at.get(pk) for pk in accounts]
    for i in np.flatnonzero(rising).tolist():
        crossed_at[i] = now
    stakes = cents_text(risks.stake_cents)
    n = len(accounts)
    factors: dict[str, list[Any]] = {
        "p_alive": risks.p_alive,
        "p_alive_contribution": risks.contributions["p_alive"],
        "recent_orders": found.recent.tolist(),
        "earlier_orders": found.earlier.tolist(),
        "window_days": [config.window_days] * n,
        "trend_contribution": risks.contributions["trend"],
        "open_tickets": found.tickets.tolist(),
        "tickets_contribution": risks.contributions["tickets"],
        "low_answers": found.low_answers.tolist(),
        "satisfaction_days": [config.satisfaction_days] * n,
        "satisfaction_contribution": risks.contributions["satisfaction"],
    }
    columns: dict[str, list[Any]] = {
        "account_id": accounts,
        "risk": risks.risk,
        "level": risks.level,
        **factors,
        "value_at_stake": stakes,
        "above_threshold": risks.above.tolist(),
        "crossed_at": [
            None if at is None else crossed_field.get_db_prep_save(at, connection)
            for at in crossed_at
        ],
        "observation_end": _same(ChurnRisk, "observation_end", as_of, len(accounts)),
        "computed_at": _same(ChurnRisk, "computed_at", now, len(accounts)),
    }
    _write(columns)
    removed = _remove_unscored(ids, set(accounts), now)

    def row(i: int) -> ChurnRisk:
        return ChurnRisk(
            account_id=accounts[i],
            risk=risks.risk[i],
            level=risks.level[i],
            **{name: values[i] for name, values in factors.items()},
            value_at_stake=Decimal(stakes[i]),
            above_threshold=bool(risks.above[i]),
            crossed_at=crossed_at[i],
            observation_end=as_of,
            computed_at=now,
        )

    ChurnCrossing.objects.bulk_create(
        [
            _crossing(row(i), CrossingDirection.DOWN, config, now)
            for i in np.flatnonzero(falling).tolist()
        ],
        batch_size=BATCH,
    )
    rows = [row(i) for i in np.flatnonzero(rising).tolist()]
    alert_rises(
        [(risk, _crossing(risk, CrossingDirection.UP, config, now)) for risk in rows],
        config=config,
    )
    return ChurnResult(len(accounts), removed, rises, falls)


def _same(model: Any, name: str, value: Any, n: int) -> list[Any]:
    """One value for every row, prepared for the database once."""
    return [model._meta.get_field(name).get_db_prep_save(value, connection)] * n


def _write(columns: dict[str, list[Any]]) -> None:
    """Upsert the rows (``services/bulk.py``); other databases use ``bulk_create``."""
    if connection.vendor not in ("sqlite", "postgresql"):
        objects = [
            ChurnRisk(**dict(zip(columns, values, strict=True)))
            for values in zip(*columns.values(), strict=True)
        ]
        ChurnRisk.objects.bulk_create(
            objects,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["account"],
            update_fields=RISK_FIELDS,
        )
        return
    upsert_columns(ChurnRisk, columns)


def _crossing(row: ChurnRisk, direction: str, config: ChurnConfig, now: datetime) -> ChurnCrossing:
    return ChurnCrossing(
        account_id=row.account_id,
        direction=direction,
        risk=row.risk,
        threshold=config.alert_threshold,
        factors=row.factors,
        crossed_at=now,
    )


def _remove_unscored(ids: list[int] | None, kept: set[int], now: datetime) -> int:
    """Drop the risks of customers without a score any more (no confirmed order left,
    or trashed)."""
    if ids is None:
        return ChurnRisk.objects.filter(computed_at__lt=now).delete()[0]
    gone = [pk for pk in ids if pk not in kept]
    return sum(
        ChurnRisk.objects.filter(account_id__in=chunk).delete()[0]
        for chunk in id_chunks(gone)
        if chunk
    )
