"""The customer dashboard's figures, over the customers the user may see: the mix of
RFM segments and retention by cohort (customers grouped by the month of their first
order, and the share of each group that ordered again in each later month) — and the
drill-down from a cohort cell to exactly the customers behind it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.http import urlencode

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
    return narrow_scores(scores_visible_to(user), team_id, region)


def narrow_scores(
    scores: QuerySet[CustomerScore], team_id: int | None, region: str
) -> QuerySet[CustomerScore]:
    """The scores of the accounts of the team and in the region (a province code)."""
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


@dataclass(frozen=True)
class CohortCell:
    """One cell of the retention table (or, without ``period``, one cohort's row)."""

    cohort: date  # first of the month of the first order
    until: date  # the end of the dashboard's period: later orders do not count
    period: int | None = None  # months since the first (0: that month); None: everyone
    retained: bool = True  # ordered in that month (False: did not)

    @property
    def month(self) -> date:
        """The first of the month the cell looks at."""
        return month_start(month_index(self.cohort) + (self.period or 0))

    def query(self, *, team_id: int | None = None, region: str = "") -> dict[str, str]:
        """The score list's query string for the cell (with the dashboard's filters)."""
        params = {"cohort": f"{self.cohort:%Y-%m}", "until": self.until.isoformat()}
        if self.period is not None:
            params["period"] = str(self.period)
            params["retained"] = "yes" if self.retained else "no"
        if team_id is not None:
            params["team"] = str(team_id)
        if region:
            params["region"] = region
        return params

    def url(self, *, team_id: int | None = None, region: str = "") -> str:
        query = urlencode(self.query(team_id=team_id, region=region))
        return f"{reverse('analytics:score_list')}?{query}"


def parse_cohort_cell(params: Mapping[str, str]) -> CohortCell | None:
    """The cell a score-list query string names (``cohort=2026-04&until=2026-06-30``,
    with ``period=2&retained=yes|no`` for one month); None without a valid ``cohort``
    (a wrong period or ``until`` gives None too, rather than a different list)."""
    try:
        year, month = (int(part) for part in params.get("cohort", "").split("-"))
        cohort = date(year, month, 1)
        until_text = params.get("until", "")
        until = date.fromisoformat(until_text) if until_text else date.max
        period_text = params.get("period", "")
        period = int(period_text) if period_text else None
    except ValueError:
        return None
    if period is not None and period < 0:
        return None
    retained = params.get("retained", "yes") != "no"
    return CohortCell(cohort=cohort, until=until, period=period, retained=retained)


def cohort_members(scores: QuerySet[CustomerScore], cell: CohortCell) -> QuerySet[CustomerScore]:
    """The customers of ``scores`` behind the cell: first order in the cohort's month
    (up to ``until``) and, for one month since, a confirmed order in it (up to
    ``until``) — or none, for the not retained. The same rules as ``cohort_retention``,
    so the list holds exactly the customers a cell counts."""
    following = month_start(month_index(cell.cohort) + 1)
    members = scores.filter(
        first_order_date__gte=cell.cohort,
        first_order_date__lt=following,
        first_order_date__lte=cell.until,
    )
    if cell.period is None:
        return members
    start = cell.month
    end = min(month_start(month_index(start) + 1) - timedelta(days=1), cell.until)
    ordered = Order.objects.filter(
        status=OrderStatus.CONFIRMED, order_date__gte=start, order_date__lte=end
    ).values("account_id")
    if cell.retained:
        return members.filter(account_id__in=ordered)
    return members.exclude(account_id__in=ordered)
