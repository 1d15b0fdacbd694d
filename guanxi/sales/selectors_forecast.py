"""Reads for the forecast: weighted pipeline, forecast categories, closed-won and a
projection from history, by month or quarter and by rep or team.

Every figure is computed over the deals the user may see (``restrict``), amounts are
summed per currency (no conversion). The page costs the same number of queries however
many deals there are, and each returns rows per stage or per figure cell, never per deal:
open and won deals, the history per stage and the projection are aggregated in the
database (docs/forecast.md, "Cost").
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import (
    Case,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Min,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Trunc, TruncDate
from django.utils import timezone

from guanxi.core.access import restrict
from guanxi.core.models import Team, User
from guanxi.sales.choices import StageKind
from guanxi.sales.models import Deal, Stage

CENT = Decimal("0.01")
HISTORY_DAYS = 730  # closed deals older than this do not shape the projection
PERIOD_KINDS = ("month", "quarter")
GROUPS = ("rep", "team")
FIGURES = ("won", "commit", "best_case", "pipeline", "omitted", "weighted", "projected")


def visible_deals(user: Any) -> QuerySet[Deal]:
    """Every deal the user may see, fit for aggregates (``restrict`` adds no joins)."""
    return restrict(Deal.objects.all(), user, "view")


# --- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive
    kind: str

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_start(day: date, kind: str) -> date:
    """The first day of the month or quarter containing ``day``."""
    month = day.month if kind == "month" else 3 * ((day.month - 1) // 3) + 1
    return date(day.year, month, 1)


def periods_from(start: date, kind: str = "month", count: int = 6) -> list[Period]:
    """``count`` consecutive months or quarters, the first containing ``start``."""
    step = 1 if kind == "month" else 3
    first = period_start(start, kind)
    return [
        Period(_add_months(first, i * step), _add_months(first, (i + 1) * step), kind)
        for i in range(count)
    ]


def _period_index(periods: list[Period], day: date | None) -> int | None:
    if day is None:
        return None
    for index, period in enumerate(periods):
        if period.start <= day < period.end:
            return index
    return None


# --- history per stage -------------------------------------------------------------------------


@dataclass
class StageStat:
    """Of the closed deals that passed through a stage: how many, how many were won, and
    the median number of days from entering the stage to winning."""

    stage: Stage
    closed: int = 0
    won: int = 0
    median_days: float | None = None

    @property
    def win_rate(self) -> float | None:
        if self.stage.kind == StageKind.WON:
            return 1.0
        if self.stage.kind == StageKind.LOST:
            return 0.0
        return self.won / self.closed if self.closed else None

    @property
    def rate_used(self) -> Decimal:
        """The historical rate, or the stage's default probability without history."""
        if self.stage.kind != StageKind.OPEN:
            return Decimal(1 if self.stage.kind == StageKind.WON else 0)
        if not self.closed:
            return Decimal(self.stage.probability) / 100
        return Decimal(self.won) / Decimal(self.closed)

    @property
    def percent(self) -> float | None:
        rate = self.win_rate
        return None if rate is None else round(rate * 100, 1)


# Per open stage: how many entries (closed deals that entered it), how many of them won,
# and the middle one or two of the won entries by time from entering to closing (the
# median's operands: Python takes the median of those, exactly as of the whole list).
# Won entries rank first, so they hold places 1..won; place 1 carries the counts of a
# stage without wins. Window functions and integer division: PostgreSQL and SQLite alike.
_STAGE_HISTORY_SQL = """
SELECT to_stage_id, closed, won, is_won, place, span FROM (
    SELECT e.to_stage_id, e.is_won, e.span,
           count(*) OVER (PARTITION BY e.to_stage_id) AS closed,
           sum(e.is_won) OVER (PARTITION BY e.to_stage_id) AS won,
           row_number() OVER (
               PARTITION BY e.to_stage_id ORDER BY e.is_won DESC, e.span
           ) AS place
    FROM ({entries}) AS e
) AS ranked
WHERE place = 1 OR (is_won = 1 AND place IN ((won + 1) / 2, (won + 2) / 2))"""


def stage_stats(user: Any, *, today: date | None = None) -> dict[int, StageStat]:
    """Win rate and median cycle time per stage, from the visible deals closed in the
    last ``HISTORY_DAYS`` and their stage changes. Two queries, a few rows per stage."""
    now = timezone.now()
    since = now - timedelta(days=HISTORY_DAYS)
    stats = {s.pk: StageStat(stage=s) for s in Stage.objects.select_related("pipeline")}
    # The first time each visible deal closed in the window entered each open stage, and
    # how long before closing: read from the deals joined to their stage changes
    # (``restrict`` adds no joins, so each (deal, stage) is one group).
    entries = (
        visible_deals(user)
        .filter(
            stage__kind__in=(StageKind.WON, StageKind.LOST),
            closed_at__gte=since,
            stage_changes__to_stage__kind=StageKind.OPEN,
        )
        .values("pk")
        .annotate(
            to_stage_id=F("stage_changes__to_stage_id"),
            is_won=Case(
                When(stage__kind=StageKind.WON, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            span=ExpressionWrapper(
                F("closed_at") - Min("stage_changes__changed_at"), output_field=DurationField()
            ),
        )
        .order_by()
    )
    sql, params = entries.query.get_compiler(entries.db).as_sql()
    with connections[entries.db].cursor() as cursor:
        cursor.execute(_STAGE_HISTORY_SQL.format(entries=sql), params)
        rows = cursor.fetchall()
    middle: dict[int, list[float]] = defaultdict(list)
    for stage_id, closed_count, won_count, is_won, place, span in rows:
        stat = stats.get(stage_id)
        if stat is None:
            continue
        stat.closed, stat.won = int(closed_count), int(won_count or 0)
        if is_won and place in ((stat.won + 1) // 2, (stat.won + 2) // 2):
            middle[stage_id].append(_days(span))
    for pk, values in middle.items():
        stats[pk].median_days = statistics.median(values)
    return stats


def _days(span: Any) -> float:
    """Days (fractional, at least 0) of a span read raw: an interval on PostgreSQL,
    microseconds on SQLite (Django's ``django_timestamp_diff``)."""
    if not isinstance(span, timedelta):
        span = timedelta(microseconds=int(span))
    return max(0.0, span.total_seconds() / 86400)


class _PlusDays(Func):
    """``day + days`` as a date: ``date + integer`` on PostgreSQL, ``date(day, 'N days')``
    on SQLite (an ISO date string, as Django stores dates there)."""

    output_field = DateField()

    def __init__(self, day: Any, days: int) -> None:
        super().__init__(day, Value(days), template="(%(expressions)s)", arg_joiner=" + ")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        day, days = self.get_source_expressions()
        copy = self.copy()
        copy.set_source_expressions([day, Value(f"{days.value} days")])
        return copy.as_sql(compiler, connection, template="date(%(expressions)s)", arg_joiner=", ")


# --- the forecast ------------------------------------------------------------------------------


def _zero() -> dict[str, Decimal]:
    return dict.fromkeys(FIGURES, Decimal(0))


@dataclass
class ForecastRow:
    """One rep or team (``key`` None: no team), per currency: the figures per period and
    over the whole horizon."""

    key: int | None
    label: str
    currency: str
    cells: list[dict[str, Decimal]]
    total: dict[str, Decimal] = field(default_factory=_zero)


@dataclass
class Forecast:
    periods: list[Period]
    group: str
    rows: list[ForecastRow]
    totals: list[ForecastRow]  # one per currency, label ""
    stages: list[StageStat]
    currencies: list[str]

    @property
    def total_lines(self) -> list[tuple[Period, str, dict[str, Decimal]]]:
        """(period, currency, figures) for the totals table, period by period."""
        return [
            (period, total.currency, total.cells[index])
            for index, period in enumerate(self.periods)
            for total in self.totals
        ]

    def chart_rows(self, currency: str) -> list[tuple[Period, dict[str, Decimal]]]:
        total = next((t for t in self.totals if t.currency == currency), None)
        if total is None:
            return []
        return list(zip(self.periods, total.cells, strict=True))


def forecast_for(
    user: Any,
    *,
    kind: str = "month",
    count: int = 6,
    start: date | None = None,
    group: str = "rep",
    owner_id: int | None = None,
    team_id: int | None = None,
) -> Forecast:
    """The forecast over ``count`` months or quarters from the one containing ``start``
    (today by default):

    - ``won``: deals won (closed) in the period;
    - ``commit`` / ``best_case`` / ``pipeline`` / ``omitted``: open deals expected to close
      in the period, by the category their rep set;
    - ``weighted``: Σ amount × probability of those open deals;
    - ``projected``: every open deal × its stage's historical win rate, placed in the
      period its stage's median cycle time lands it (its expected close date, or today
      if that passed, when the stage has no history).
    """
    today = timezone.localdate()
    kind = kind if kind in PERIOD_KINDS else "month"
    group = group if group in GROUPS else "rep"
    periods = periods_from(start or today, kind, max(1, min(count, 24)))
    horizon_start, horizon_end = periods[0].start, periods[-1].end
    field_name = "owner_id" if group == "rep" else "team_id"
    deals = visible_deals(user)
    if owner_id:
        deals = deals.filter(owner_id=owner_id)
    if team_id:
        deals = deals.filter(team_id=team_id)
    cells: dict[tuple[Any, str], list[dict[str, Decimal]]] = {}

    def cell(key: Any, currency: str, index: int) -> dict[str, Decimal]:
        row = cells.setdefault((key, currency), [_zero() for _ in periods])
        return row[index]

    # Open deals expected to close in the horizon, per month/quarter, category, probability.
    open_rows = (
        deals.filter(
            stage__kind=StageKind.OPEN,
            expected_close__gte=horizon_start,
            expected_close__lt=horizon_end,
        )
        .annotate(bucket=Trunc("expected_close", kind, output_field=DateField()))
        .values("bucket", field_name, "currency", "forecast_category", "probability")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in open_rows:
        index = _period_index(periods, _as_date(row["bucket"]))
        if index is None:
            continue
        target = cell(row[field_name], row["currency"], index)
        total = _money(row["total"])
        target[row["forecast_category"]] += total
        target["weighted"] += total * row["probability"] / 100

    # Deals won in the horizon, per local day closed (bucketed here: no time-zone SQL).
    tz = timezone.get_current_timezone()
    won_rows = (
        deals.filter(
            stage__kind=StageKind.WON,
            closed_at__gte=_aware(horizon_start, tz),
            closed_at__lt=_aware(horizon_end, tz),
        )
        .annotate(day=TruncDate("closed_at", tzinfo=tz))
        .values("day", field_name, "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in won_rows:
        index = _period_index(periods, _as_date(row["day"]))
        if index is not None:
            cell(row[field_name], row["currency"], index)["won"] += _money(row["total"])

    # The projection: open deals by stage and the period their placing day falls in.
    stats = stage_stats(user)
    open_ids = [pk for pk, stat in stats.items() if stat.stage.kind == StageKind.OPEN]
    projected_rows = (
        deals.filter(stage_id__in=open_ids)  # no join: a plain filter, grouped by hash
        .annotate(placed=Greatest(_projected_day(stats, tz, today), Value(today)))
        .filter(placed__gte=horizon_start, placed__lt=horizon_end)
        .annotate(bucket=Trunc("placed", kind, output_field=DateField()))
        .values("stage_id", "bucket", field_name, "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in projected_rows:
        stat = stats.get(row["stage_id"])
        index = _period_index(periods, _as_date(row["bucket"]))
        if stat is not None and index is not None:
            amount = _money(row["total"]) * stat.rate_used
            cell(row[field_name], row["currency"], index)["projected"] += amount

    rows = _labelled_rows(cells, group)
    totals: dict[str, ForecastRow] = {}
    for line in rows:
        for figures in line.cells:
            for name in FIGURES:
                figures[name] = figures[name].quantize(CENT)
                line.total[name] += figures[name]
        summary = totals.setdefault(
            line.currency, ForecastRow(None, "", line.currency, [_zero() for _ in periods])
        )
        for position, figures in enumerate(line.cells):
            for name in FIGURES:
                summary.cells[position][name] += figures[name]
                summary.total[name] += figures[name]
    open_stages = [s for s in stats.values() if s.stage.kind == StageKind.OPEN]
    open_stages.sort(
        key=lambda s: (s.stage.pipeline.position, s.stage.pipeline_id, s.stage.position)
    )
    return Forecast(
        periods=periods,
        group=group,
        rows=rows,
        totals=[totals[c] for c in sorted(totals)],
        stages=open_stages,
        currencies=sorted(totals),
    )


def _projected_day(stats: dict[int, StageStat], tz: Any, today: date) -> Case:
    """Where the projection places an open deal, before ``today`` is applied as the
    earliest day: the local day it entered its stage plus the stage's median days to win
    (rounded by Python, half to even), else its expected close date, else today."""
    entered = TruncDate("stage_entered_at", tzinfo=tz)
    offsets: dict[int, list[int]] = defaultdict(list)
    for pk, stat in stats.items():
        if stat.median_days is not None:
            offsets[round(stat.median_days)].append(pk)
    return Case(
        *[
            When(stage_id__in=pks, then=_PlusDays(entered, days))
            for days, pks in sorted(offsets.items())
        ],
        default=Coalesce("expected_close", Value(today)),
        output_field=DateField(),
    )


def _labelled_rows(
    cells: dict[tuple[Any, str], list[dict[str, Decimal]]], group: str
) -> list[ForecastRow]:
    keys = {key for key, _currency in cells if key is not None}
    if group == "rep":
        names = {u.pk: str(u) for u in User.objects.filter(pk__in=keys)}
    else:
        names = {t.pk: t.name for t in Team.all_objects.filter(pk__in=keys)}
    rows = [
        ForecastRow(key, names.get(key, "—") if key is not None else "", currency, row)
        for (key, currency), row in cells.items()
    ]
    rows.sort(key=lambda r: (r.key is None, r.label.lower(), r.key or 0, r.currency))
    return rows


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _aware(day: date, tz: Any) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day), tz)
