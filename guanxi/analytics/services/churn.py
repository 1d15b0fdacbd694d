"""Churn risk per customer, in bulk: P(alive) from the stored scores, the change in
the purchase rate (orders in the recent window vs the window before), open tickets and
low satisfaction answers — one aggregate query per input (per 500 customers when only
some are recomputed), the risk computed in Python, rows upserted in batches. Crossings
of the alert threshold are recorded and alerted (``services/churn_alerts.py``).
See docs/churn-and-cross-sell.md."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from guanxi.analytics.models import ChurnCrossing, ChurnRisk, CustomerScore
from guanxi.analytics.models.churn import CrossingDirection
from guanxi.analytics.services.bulk import upsert
from guanxi.analytics.services.churn_alerts import alert_rises
from guanxi.analytics.services.churn_config import ChurnConfig, churn_config
from guanxi.sales.choices_orders import OrderStatus
from guanxi.sales.models import Order
from guanxi.service.choices import UNRESOLVED
from guanxi.service.models import Survey, Ticket
from guanxi.service.models.surveys import SurveyKind

BATCH = 2000
CHUNK = 500  # ids per IN (...) list: inside SQLite's limit on query parameters
CENT = Decimal("0.01")
RISK_FIELDS = [
    "risk",
    "level",
    "factors",
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


def _chunks(ids: list[int] | None) -> Iterator[list[int] | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _narrow(queryset: QuerySet[Any], chunk: list[int] | None) -> QuerySet[Any]:
    return queryset if chunk is None else queryset.filter(account_id__in=chunk)


@dataclass
class _Inputs:
    scores: list[tuple[Any, ...]]
    orders: dict[int, tuple[int, int]]
    tickets: dict[int, int]
    low_answers: dict[int, int]
    previous: dict[int, tuple[bool, datetime | None]]


def _inputs(ids: list[int] | None, config: ChurnConfig, as_of: date, now: datetime) -> _Inputs:
    window = timedelta(days=config.window_days)
    recent_from = as_of - window
    orders = Order.objects.filter(
        status=OrderStatus.CONFIRMED,
        order_date__lte=as_of,
        order_date__gt=as_of - 2 * window,
        account__deleted_at__isnull=True,
    )
    tickets = Ticket.objects.filter(
        status__in=UNRESOLVED, deleted_at__isnull=True, account__isnull=False
    )
    low = Q(kind=SurveyKind.CSAT, score__lte=config.low_csat) | Q(
        kind=SurveyKind.NPS, score__lte=config.low_nps
    )
    surveys = Survey.objects.filter(
        low,
        answered_at__isnull=False,
        answered_at__gt=now - timedelta(days=config.satisfaction_days),
        score__isnull=False,
        account__isnull=False,
    )
    found = _Inputs([], {}, {}, {}, {})
    for chunk in _chunks(ids):
        found.scores.extend(
            _narrow(CustomerScore.objects.filter(account__deleted_at__isnull=True), chunk)
            .order_by()
            .values_list("account_id", "p_alive", "clv", "predicted_value", "total_spend")
        )
        counted = (
            _narrow(orders, chunk)
            .order_by()
            .values("account_id")
            .annotate(
                recent=Count("pk", filter=Q(order_date__gt=recent_from)),
                earlier=Count("pk", filter=Q(order_date__lte=recent_from)),
            )
            .values_list("account_id", "recent", "earlier")
        )
        found.orders.update((pk, (recent, earlier)) for pk, recent, earlier in counted)
        for source, target in ((tickets, found.tickets), (surveys, found.low_answers)):
            target.update(
                _narrow(source, chunk)
                .order_by()
                .values("account_id")
                .annotate(n=Count("pk"))
                .values_list("account_id", "n")
            )
        found.previous.update(
            (pk, (above, crossed))
            for pk, above, crossed in _narrow(ChurnRisk.objects.all(), chunk)
            .order_by()
            .values_list("account_id", "above_threshold", "crossed_at")
        )
    return found


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
    factors: list[dict[str, Any]] = [
        {
            "factor": "p_alive",
            "p_alive": None if p_alive is None else round(p_alive, 4),
            "contribution": 0.0 if p_alive is None else w["p_alive"] * (1.0 - p_alive),
        },
        {
            "factor": "trend",
            "recent": recent,
            "earlier": earlier,
            "window_days": config.window_days,
            "contribution": w["trend"] * decline,
        },
        {
            "factor": "tickets",
            "open_tickets": open_tickets,
            "contribution": w["tickets"] * min(1.0, open_tickets / config.tickets_for_full_weight),
        },
        {
            "factor": "satisfaction",
            "low_answers": low_answers,
            "days": config.satisfaction_days,
            "contribution": w["satisfaction"]
            * min(1.0, low_answers / config.low_answers_for_full_weight),
        },
    ]
    for factor in factors:
        factor["contribution"] = round(factor["contribution"], 4)
    risk = round(min(1.0, max(0.0, sum(f["contribution"] for f in factors))), 4)
    return risk, factors


def _stake(risk: float, clv: Any, predicted: Any, spend: Any) -> Decimal:
    """Value at stake: lifetime value (else predicted value, else net spend so far, when
    no model could be fitted) × risk."""
    basis = next((v for v in (clv, predicted, spend) if v is not None), Decimal(0))
    return (Decimal(str(basis)) * Decimal(str(risk))).quantize(CENT)


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
    found = _inputs(ids, config, as_of, now)
    rows: list[tuple[Any, ...]] = []
    rises: list[int] = []
    falls: list[int] = []
    crossing: dict[int, ChurnRisk] = {}  # the rows that crossed, for their records
    crossed_field = ChurnRisk._meta.get_field("crossed_at")
    day = ChurnRisk._meta.get_field("observation_end").get_db_prep_save(as_of, connection)
    at = ChurnRisk._meta.get_field("computed_at").get_db_prep_save(now, connection)
    for account_id, p_alive, clv, predicted, spend in found.scores:
        recent, earlier = found.orders.get(account_id, (0, 0))
        risk, factors = risk_factors(
            config,
            p_alive=p_alive,
            recent=recent,
            earlier=earlier,
            open_tickets=found.tickets.get(account_id, 0),
            low_answers=found.low_answers.get(account_id, 0),
        )
        above = risk >= config.alert_threshold
        known = account_id in found.previous
        was_above, crossed_at = found.previous.get(account_id, (False, None))
        # A first risk already above the threshold crossed nothing: no alert (it is on
        # the at-risk page); later rises are alerted.
        crossed = None
        if above and not was_above and known:
            rises.append(account_id)
            crossed_at = now
            crossed = account_id
        elif was_above and not above:
            falls.append(account_id)
            crossed = account_id
        level = config.level(risk)
        stake = _stake(risk, clv, predicted, spend)
        rows.append(
            (
                account_id,
                risk,
                level,
                json.dumps(factors),
                stake,
                above,
                None
                if crossed_at is None
                else crossed_field.get_db_prep_save(crossed_at, connection),
                day,
                at,
            )
        )
        if crossed is not None:
            crossing[account_id] = ChurnRisk(
                account_id=account_id,
                risk=risk,
                level=level,
                factors=factors,
                value_at_stake=stake,
                above_threshold=above,
                crossed_at=crossed_at,
                observation_end=as_of,
                computed_at=now,
            )
    _write(rows)
    removed = _remove_unscored(ids, {row[0] for row in rows}, now)
    ChurnCrossing.objects.bulk_create(
        [_crossing(crossing[pk], CrossingDirection.DOWN, config, now) for pk in falls],
        batch_size=BATCH,
    )
    alert_rises(
        [
            (crossing[pk], _crossing(crossing[pk], CrossingDirection.UP, config, now))
            for pk in rises
        ],
        config=config,
    )
    return ChurnResult(len(rows), removed, rises, falls)


def _write(rows: list[tuple[Any, ...]]) -> None:
    """Upsert the rows (values of ``account_id`` and ``RISK_FIELDS``, prepared for the
    database) in batches (``services/bulk.py``); other databases use ``bulk_create``."""
    if connection.vendor not in ("sqlite", "postgresql"):
        names = ["account_id", *RISK_FIELDS]
        objects = []
        for row in rows:
            values = dict(zip(names, row, strict=True))
            values["factors"] = json.loads(values["factors"])
            objects.append(ChurnRisk(**values))
        ChurnRisk.objects.bulk_create(
            objects,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["account"],
            update_fields=RISK_FIELDS,
        )
        return
    upsert(ChurnRisk, ["account_id", *RISK_FIELDS], rows)


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
        for chunk in _chunks(gone)
        if chunk
    )
