"""The customer dashboard's figures, over the customers the user may see: the mix of
RFM segments and retention by cohort (customers grouped by the month of their first
order, and the share of each group that ordered again in each later month)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from guanxi.analytics.choices import Segment
from guanxi.analytics.models import CustomerScore
from guanxi.analytics.selectors import scores_visible_to
from guanxi.sales.choices_orders import OrderStatus
from guanxi.sales.models import Order


@dataclass(frozen=True)
class SegmentShare:
    segment: str
    label: str
    customers: int
    share: float  # of all customers counted, 0–1
    value: Decimal  # their predicted value over the horizon (base currency)


@dataclass(frozen=True)
class Cohort:
    month: date  # first of the month of the customers' first order
    customers: int
    # per month since the first (0 = that month): the share that ordered in it, None
    # for months not over yet
    retention: list[float | None]


def _visible(user: Any, team_id: int | None, region: str) -> QuerySet[CustomerScore]:
    scores = scores_visible_to(user)
    if team_id is not None:
        scores = scores.filter(account__team_id=team_id)
    if region:
        scores = scores.filter(account__province=region)
    return scores


def segment_mix(user: Any, *, team_id: int | None = None, region: str = "") -> list[SegmentShare]:
    """Customers and predicted value per RFM segment, in the segments' order."""
    rows = {
        row["segment"]: row
        for row in _visible(user, team_id, region)
        .order_by()
        .values("segment")
        .annotate(customers=Count("pk"), value=Sum("predicted_value"))
    }
    total = sum(row["customers"] for row in rows.values())
    return [
        SegmentShare(
            segment=value,
            label=str(label),
            customers=rows[value]["customers"],
            share=rows[value]["customers"] / total,
            value=rows[value]["value"] or Decimal(0),
        )
        for value, label in Segment.choices
        if value in rows
    ]


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def cohort_retention(
    user: Any, *, start: date, end: date, team_id: int | None = None, region: str = ""
) -> list[Cohort]:
    """One cohort per month from ``start``'s to ``end``'s (oldest first, empty months
    left out), each followed for as many months as the period has, in two queries
    whatever the number of customers (first orders come from the stored scores)."""
    first, last = month_index(start), month_index(end)
    months = last - first + 1
    visible = _visible(user, team_id, region).filter(
        first_order_date__gte=month_start(first), first_order_date__lte=end
    )
    sizes = {
        month_index(_as_date(row["cohort"])): row["n"]
        for row in visible.order_by()
        .annotate(cohort=TruncMonth("first_order_date"))
        .values("cohort")
        .annotate(n=Count("pk"))
    }
    active = (
        Order.objects.filter(
            status=OrderStatus.CONFIRMED,
            order_date__gte=month_start(first),
            order_date__lte=end,
            account_id__in=visible.values("account_id"),
        )
        .order_by()
        .annotate(
            cohort=TruncMonth("account__score__first_order_date"), month=TruncMonth("order_date")
        )
        .values("cohort", "month")
        .annotate(n=Count("account_id", distinct=True))
    )
    counts = {
        (month_index(_as_date(row["cohort"])), month_index(_as_date(row["month"]))): row["n"]
        for row in active
    }
    result = []
    for cohort in range(first, last + 1):
        size = sizes.get(cohort, 0)
        if not size:
            continue
        retention: list[float | None] = [
            counts.get((cohort, cohort + offset), 0) / size if cohort + offset <= last else None
            for offset in range(months)
        ]
        result.append(Cohort(month=month_start(cohort), customers=size, retention=retention))
    return result


def _as_date(value: Any) -> date:
    """TruncMonth gives dates on one database and datetimes on another."""
    return value.date() if isinstance(value, datetime) else value
