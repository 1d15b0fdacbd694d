"""The customer dashboard's figures, over the customers the user may see: the mix of
RFM segments and retention by cohort (customers grouped by the month of their first
order, and the share of each group that ordered again in each later month)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from guanxi.analytics.choices import Segment
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


def segment_mix(user: Any) -> list[SegmentShare]:
    """Customers and predicted value per RFM segment, in the segments' order."""
    rows = {
        row["segment"]: row
        for row in scores_visible_to(user)
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


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def cohort_retention(user: Any, *, as_of: date, cohorts: int = 12) -> list[Cohort]:
    """The last ``cohorts`` monthly cohorts up to ``as_of``'s month, newest last, in two
    queries whatever the number of customers (first orders come from the stored scores)."""
    first_month = _month_start(as_of, cohorts - 1)
    visible = scores_visible_to(user).filter(first_order_date__gte=first_month)
    sizes = {
        row["cohort"]: row["n"]
        for row in visible.order_by()
        .annotate(cohort=TruncMonth("first_order_date"))
        .values("cohort")
        .annotate(n=Count("pk"))
    }
    active = (
        Order.objects.filter(
            status=OrderStatus.CONFIRMED,
            order_date__gte=first_month,
            order_date__lte=as_of,
            account_id__in=visible.values("account_id"),
        )
        .order_by()
        .annotate(
            cohort=TruncMonth("account__score__first_order_date"), month=TruncMonth("order_date")
        )
        .values("cohort", "month")
        .annotate(n=Count("account_id", distinct=True))
    )
    counts = {(_as_date(row["cohort"]), _as_date(row["month"])): row["n"] for row in active}
    result = []
    for back in range(cohorts - 1, -1, -1):
        month = _month_start(as_of, back)
        size = next((n for key, n in sizes.items() if _as_date(key) == month), 0)
        if not size:
            continue
        elapsed = _months_between(month, as_of)
        retention: list[float | None] = []
        for offset in range(cohorts):
            if offset > elapsed:
                retention.append(None)
            else:
                later = _month_start(as_of, back - offset)
                retention.append(counts.get((month, later), 0) / size)
        result.append(Cohort(month=month, customers=size, retention=retention))
    return result


def _as_date(value: Any) -> date:
    """TruncMonth gives dates on one database and datetimes on another."""
    return value.date() if hasattr(value, "date") and callable(value.date) else value
