"""Service reports: ticket volume, backlog, response and resolution times, SLA
compliance and satisfaction (CSAT / NPS) over a date range, per period and per team,
agent, channel, category and product (docs/service-reports.md says what each means).

Counts are computed in the database (conditional ``COUNT``s grouped by one column);
medians and averages of durations come from one ``values_list`` per measure, grouped in
Python, so every report costs the same dozen queries whatever the number of tickets.
Times are wall-clock hours; SLA compliance is judged against the due times, which the
SLA clocks already computed in the policy calendar's business time.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, DateField, F, FloatField, Func, Q, QuerySet
from django.db.models.functions import Trunc
from django.utils import timezone, translation

from guanxi.core.access import restrict, scope_for, team_ids, teammate_ids
from guanxi.core.choices import Scope
from guanxi.service.choices import Channel
from guanxi.service.models import Survey, Ticket
from guanxi.service.models.surveys import SurveyKind
from guanxi.service.object_types import SERVICE_REPORT

PERIODS = ("week", "month")
DIMENSIONS = ("team", "agent", "channel", "category", "product")
MAX_DAYS = 3 * 366  # a longer range is refused (the period list would grow too long)
SATISFIED = 4  # CSAT 4–5 of 5
PROMOTER, DETRACTOR = 9, 6  # NPS: 9–10 promoters, 0–6 detractors


@dataclass(frozen=True)
class ReportFilters:
    """What a report covers: tickets of ``date_from``–``date_to`` (local days, both
    included), cut into weeks or months, narrowed by the optional ticket fields."""

    date_from: date
    date_to: date
    period: str = "week"
    team_id: int | None = None
    owner_id: int | None = None
    channel: str = ""
    category_id: int | None = None
    product_id: int | None = None
    priority: str = ""

    @property
    def narrows_tickets(self) -> bool:
        return any(
            (
                self.team_id,
                self.owner_id,
                self.channel,
                self.category_id,
                self.product_id,
                self.priority,
            )
        )


@dataclass
class Group:
    """The figures of one period or one row of a table (a team, an agent, …)."""

    key: Any = None
    label: str = ""
    created: int = 0
    solved: int = 0
    backlog: int = 0
    first_response_met: int = 0
    first_response_missed: int = 0
    resolution_met: int = 0
    resolution_missed: int = 0
    first_response_hours: list[float] = field(default_factory=list, repr=False)
    resolution_hours: list[float] = field(default_factory=list, repr=False)
    csat_scores: list[int] = field(default_factory=list, repr=False)
    nps_scores: list[int] = field(default_factory=list, repr=False)

    def summary(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "created": self.created,
            "solved": self.solved,
            "backlog": self.backlog,
            "first_response_median_hours": median(self.first_response_hours),
            "first_response_average_hours": average(self.first_response_hours),
            "resolution_median_hours": median(self.resolution_hours),
            "resolution_average_hours": average(self.resolution_hours),
            "first_response_sla_percent": percent(
                self.first_response_met, self.first_response_met + self.first_response_missed
            ),
            "resolution_sla_percent": percent(
                self.resolution_met, self.resolution_met + self.resolution_missed
            ),
            "sla_first_response_met": self.first_response_met,
            "sla_first_response_missed": self.first_response_missed,
            "sla_resolution_met": self.resolution_met,
            "sla_resolution_missed": self.resolution_missed,
            **csat_summary(self.csat_scores),
            **nps_summary(self.nps_scores),
        }


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def average(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 2) if values else None


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def csat_summary(scores: list[int]) -> dict[str, Any]:
    """Share of answers 4–5 (of 5) and the average score."""
    satisfied = sum(1 for s in scores if s >= SATISFIED)
    return {
        "csat_responses": len(scores),
        "csat_percent": percent(satisfied, len(scores)),
        "csat_average": average([float(s) for s in scores]),
    }


def nps_summary(scores: list[int]) -> dict[str, Any]:
    """Net promoter score: % promoters (9–10) minus % detractors (0–6), −100 … 100."""
    promoters = sum(1 for s in scores if s >= PROMOTER)
    detractors = sum(1 for s in scores if s <= DETRACTOR)
    score = round(100 * (promoters - detractors) / len(scores), 1) if scores else None
    return {
        "nps_responses": len(scores),
        "nps_promoters": promoters,
        "nps_detractors": detractors,
        "nps": score,
    }


# --- who sees what ----------------------------------------------------------------------------


def report_tickets(user: Any, action: str = "view") -> QuerySet[Ticket]:
    """The tickets the user's report figures count: tickets they may view, narrowed
    by their service-report grant (all, their teams' or their own)."""
    scope = scope_for(user, SERVICE_REPORT, action)
    tickets = restrict(Ticket.objects.all(), user, "view")
    if scope is None:
        return tickets.none()
    if scope == Scope.OWN:
        return tickets.filter(owner=user)
    if scope == Scope.TEAM:
        return tickets.filter(
            Q(owner=user) | Q(owner__in=teammate_ids(user)) | Q(team__in=team_ids(user))
        )
    return tickets


def filter_report_tickets(tickets: QuerySet[Ticket], filters: ReportFilters) -> QuerySet[Ticket]:
    for name, value in (
        ("team_id", filters.team_id),
        ("owner_id", filters.owner_id),
        ("channel", filters.channel),
        ("category_id", filters.category_id),
        ("product_id", filters.product_id),
        ("priority", filters.priority),
    ):
        if value:
            tickets = tickets.filter(**{name: value})
    return tickets


def filter_choices(user: Any) -> dict[str, list[tuple[Any, str]]]:
    """The teams, agents, categories and products found on the user's report tickets
    (for the filter form)."""
    tickets = report_tickets(user).order_by()
    zh = _chinese()
    categories = tickets.exclude(category=None).values_list(
        "category_id", "category__name", "category__name_zh"
    )
    return {
        "team": _sorted(tickets.exclude(team=None).values_list("team_id", "team__name")),
        "agent": _sorted(tickets.exclude(owner=None).values_list("owner_id", "owner__full_name")),
        "category": _sorted((pk, (zh and name_zh) or name) for pk, name, name_zh in categories),
        "product": _sorted(
            (pk, f"{sku} {name}")
            for pk, sku, name in tickets.exclude(product=None).values_list(
                "product_id", "product__sku", "product__name"
            )
        ),
    }


def _sorted(pairs: Iterable[tuple[Any, str]]) -> list[tuple[Any, str]]:
    return sorted(set(pairs), key=lambda pair: (str(pair[1]).lower(), pair[0]))


def _chinese() -> bool:
    return (translation.get_language() or "").startswith("zh")


# --- periods ----------------------------------------------------------------------------------


def period_start(day: date, period: str) -> date:
    return day - timedelta(days=day.weekday()) if period == "week" else day.replace(day=1)


def next_period(start: date, period: str) -> date:
    if period == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def period_starts(filters: ReportFilters) -> list[date]:
    starts = [period_start(filters.date_from, filters.period)]
    while next_period(starts[-1], filters.period) <= filters.date_to:
        starts.append(next_period(starts[-1], filters.period))
    return starts


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _local_day(moment: Any) -> date:
    if isinstance(moment, datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment  # type: ignore[no-any-return]


# --- the report -------------------------------------------------------------------------------


def _counts(start: datetime, end: datetime, now: datetime) -> dict[str, Count]:
    """Conditional counts of one group: created, solved, open at the end, SLA met and
    missed (over the tickets created in the range whose outcome is known)."""
    created = Q(created_at__gte=start, created_at__lt=end)
    fr_due = Q(first_response_due__isnull=False)
    res_due = Q(resolution_due__isnull=False)
    return {
        "created": Count("pk", filter=created),
        "solved": Count("pk", filter=Q(solved_at__gte=start, solved_at__lt=end)),
        "backlog": Count(
            "pk", filter=Q(created_at__lt=end) & (Q(solved_at__isnull=True) | Q(solved_at__gte=end))
        ),
        "first_response_met": Count(
            "pk",
            filter=created
            & fr_due
            & Q(
                first_response_breached_at__isnull=True,
                first_responded_at__lte=F("first_response_due"),
            ),
        ),
        "first_response_missed": Count(
            "pk",
            filter=created
            & fr_due
            & (
                Q(first_response_breached_at__isnull=False)
                | Q(first_responded_at__gt=F("first_response_due"))
                | Q(first_responded_at__isnull=True, first_response_due__lt=now)
            ),
        ),
        "resolution_met": Count(
            "pk",
            filter=created
            & res_due
            & Q(resolution_breached_at__isnull=True, solved_at__lte=F("resolution_due")),
        ),
        "resolution_missed": Count(
            "pk",
            filter=created
            & res_due
            & (
                Q(resolution_breached_at__isnull=False)
                | Q(solved_at__gt=F("resolution_due"))
                | Q(solved_at__isnull=True, resolution_due__lt=now)
            ),
        ),
    }


COUNT_FIELDS = (
    "created",
    "solved",
    "backlog",
    "first_response_met",
    "first_response_missed",
    "resolution_met",
    "resolution_missed",
)
# Per dimension: the ticket column grouped on and the columns its label is read from.
DIMENSION_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "team": ("team_id", ("team__name",)),
    "agent": ("owner_id", ("owner__full_name",)),
    "channel": ("channel", ()),
    "category": ("category_id", ("category__name", "category__name_zh")),
    "product": ("product_id", ("product__sku", "product__name")),
}
SLA_PREFIXES = ("first_response_", "resolution_")
KEY_COLUMNS = tuple(column for column, _labels in DIMENSION_COLUMNS.values())


def _label(dimension: str, key: Any, parts: tuple[Any, ...]) -> str:
    if dimension == "channel":
        return str(Channel(key).label) if key in Channel.values else str(key)
    if key is None:
        return ""
    if dimension == "category":
        name, name_zh = parts
        return str((_chinese() and name_zh) or name)
    if dimension == "product":
        return f"{parts[0]} {parts[1]}"
    return str(parts[0] or "")


def service_report(
    user: Any, filters: ReportFilters, now: datetime | None = None
) -> dict[str, Any]:
    """Every figure of the report over the tickets the user's report counts, in a
    constant number of queries (see the module's docstring)."""
    now = now or timezone.now()
    start, end = _moment(filters.date_from), _moment(filters.date_to + timedelta(days=1))
    tickets = filter_report_tickets(report_tickets(user), filters).order_by()
    # Every ticket that counts somewhere: created or solved in the range, or open at its end.
    relevant = tickets.filter(created_at__lt=end).filter(
        Q(created_at__gte=start) | Q(solved_at__gte=start) | Q(solved_at__isnull=True)
    )
    counts = _counts(start, end, now)
    tables: dict[str, dict[Any, Group]] = {}
    for dimension, (column, label_columns) in DIMENSION_COLUMNS.items():
        rows = relevant.values(column, *label_columns).annotate(**counts)
        groups: dict[Any, Group] = {}
        for row in rows:
            key = row[column]
            groups[key] = Group(
                key=key,
                label=_label(dimension, key, tuple(row[c] for c in label_columns)),
                **{name: row[name] for name in COUNT_FIELDS},
            )
        tables[dimension] = groups

    starts = period_starts(filters)
    periods = {day: Group(key=day, label=day.isoformat()) for day in starts}
    _period_counts(tickets, filters, start, end, starts, periods, now)
    total = Group(key=None, label="")
    for group in tables["team"].values():
        for name in COUNT_FIELDS:
            setattr(total, name, getattr(total, name) + getattr(group, name))

    _durations(tickets, filters, start, end, tables, periods, total)
    _surveys(user, tickets, filters, start, end, tables, periods, total)
    return {
        "filters": filters,
        "generated_at": now,
        "totals": total.summary(),
        "periods": [periods[day].summary() for day in starts],
        "tables": {
            dimension: sorted(
                (group.summary() for group in tables[dimension].values()),
                key=lambda row: (-row["created"], -row["backlog"], row["label"].lower()),
            )
            for dimension in DIMENSIONS
        },
    }


def _period_counts(
    tickets: QuerySet[Ticket],
    filters: ReportFilters,
    start: datetime,
    end: datetime,
    starts: list[date],
    periods: dict[date, Group],
    now: datetime,
) -> None:
    """Created and solved per period (grouped by the truncated date, local time) and the
    backlog at the end of each period (one conditional count per period)."""
    sla = {k: v for k, v in _counts(start, end, now).items() if k.startswith(SLA_PREFIXES)}
    for name, column in (("created", "created_at"), ("solved", "solved_at")):
        extra = sla if name == "created" else {}
        rows = (
            tickets.filter(**{f"{column}__gte": start, f"{column}__lt": end})
            .annotate(period=Trunc(column, filters.period, tzinfo=timezone.get_current_timezone()))
            .values("period")
            .annotate(n=Count("pk"), **extra)
        )
        for row in rows:
            group = periods.get(_local_day(row["period"]))
            if group is not None:
                # A period's SLA figures are those of the tickets created in it.
                setattr(group, name, row["n"])
                for key in extra:
                    setattr(group, key, getattr(group, key) + row[key])
    ends = [
        min(next_period(day, filters.period), filters.date_to + timedelta(days=1)) for day in starts
    ]
    backlog = tickets.aggregate(
        **{
            f"b{index}": Count(
                "pk",
                filter=Q(created_at__lt=_moment(day))
                & (Q(solved_at__isnull=True) | Q(solved_at__gte=_moment(day))),
            )
            for index, day in enumerate(ends)
        }
    )
    for index, day in enumerate(starts):
        periods[day].backlog = backlog[f"b{index}"]


class HoursBetween(Func):
    """Hours from the second expression to the first, as a number computed by the
    database (no timestamps to parse per row): ``EXTRACT(EPOCH …)`` on PostgreSQL,
    ``julianday`` on SQLite."""

    arity = 2
    output_field = FloatField()
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)"
    arg_joiner = " - "

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 24.0)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _period_of(column: str, filters: ReportFilters) -> Trunc:
    """The first day of the week or month of ``column``, in local time."""
    return Trunc(
        column, filters.period, output_field=DateField(), tzinfo=timezone.get_current_timezone()
    )


def _durations(
    tickets: QuerySet[Ticket],
    filters: ReportFilters,
    start: datetime,
    end: datetime,
    tables: dict[str, dict[Any, Group]],
    periods: dict[date, Group],
    total: Group,
) -> None:
    """Hours to the first response (tickets first answered in the range) and to the
    solution (tickets solved in the range), per period and per table row."""
    for attribute, column in (
        ("first_response_hours", "first_responded_at"),
        ("resolution_hours", "solved_at"),
    ):
        rows = (
            tickets.filter(**{f"{column}__gte": start, f"{column}__lt": end})
            .annotate(day=_period_of(column, filters), took=HoursBetween(column, "created_at"))
            .values_list(*KEY_COLUMNS, "day", "took")
        )
        total_hours: list[float] = getattr(total, attribute)
        # Per dimension: the row's key -> the list its hours go to (looked up once here).
        lists = [
            {key: getattr(group, attribute) for key, group in tables[dimension].items()}
            for dimension in DIMENSIONS
        ]
        per_period = {day: getattr(group, attribute) for day, group in periods.items()}
        team, agent, channel, category, product = lists
        for team_id, owner_id, channel_key, category_id, product_id, day, took in rows:
            hours = took if took > 0 else 0.0
            total_hours.append(hours)
            for found in (
                per_period.get(day),
                team.get(team_id),
                agent.get(owner_id),
                channel.get(channel_key),
                category.get(category_id),
                product.get(product_id),
            ):
                if found is not None:
                    found.append(hours)


def _surveys(
    user: Any,
    tickets: QuerySet[Ticket],
    filters: ReportFilters,
    start: datetime,
    end: datetime,
    tables: dict[str, dict[Any, Group]],
    periods: dict[date, Group],
    total: Group,
) -> None:
    """CSAT and NPS answers given in the range about the report's tickets (and, for a
    report over every ticket with no ticket filter, NPS surveys about no ticket)."""
    about = Q(ticket__in=tickets.values("pk"))
    if scope_for(user, SERVICE_REPORT, "view") == Scope.ALL and not filters.narrows_tickets:
        about |= Q(ticket__isnull=True)
    answers = Survey.objects.filter(
        about, answered_at__gte=start, answered_at__lt=end, score__isnull=False
    ).order_by()
    labels = [f"ticket__{c}" for _column, cols in DIMENSION_COLUMNS.values() for c in cols]
    rows = answers.annotate(day=_period_of("answered_at", filters)).values_list(
        "kind",
        "score",
        "day",
        "ticket_id",
        *(f"ticket__{c}" for c in KEY_COLUMNS),
        *labels,
    )
    for kind, score, day, ticket_id, *rest in rows:
        attribute = "csat_scores" if kind == SurveyKind.CSAT else "nps_scores"
        getattr(total, attribute).append(score)
        period = periods.get(day)
        if period is not None:
            getattr(period, attribute).append(score)
        if ticket_id is None:
            continue  # about no ticket: in the totals and trends only
        keys, label_values = rest[: len(KEY_COLUMNS)], rest[len(KEY_COLUMNS) :]
        offset = 0
        for dimension, key in zip(DIMENSIONS, keys, strict=True):
            width = len(DIMENSION_COLUMNS[dimension][1])
            parts = tuple(label_values[offset : offset + width])
            offset += width
            group = tables[dimension].get(key)
            if group is None:
                group = tables[dimension][key] = Group(key=key, label=_label(dimension, key, parts))
            getattr(group, attribute).append(score)


def csv_rows(report: dict[str, Any], table: str) -> list[dict[str, Any]]:
    """The rows of one table of the report (``periods`` or a dimension)."""
    if table == "periods":
        return list(report["periods"])
    return list(report["tables"][table])
