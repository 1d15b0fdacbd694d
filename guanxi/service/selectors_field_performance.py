"""How each service point and technician performs over a period (story 19): visits,
time from request to arrival, ticket resolution time, repeat rate, first-time fix rate
and satisfaction, with the repeat repairs behind the rate.

The visits counted are those requested in the period (cancelled ones left out) at the
points the user may see. A done visit "is followed by a repeat" when a later visit was
flagged as a repeat of it; it is a "first-time fix" when its outcome is fixed, no
earlier visit was made for the same ticket and no repeat followed. Counts are grouped
in SQL; times come from one query of timestamps (medians need the values). Seven queries
whatever the number of points, technicians or visits (once the user's grants are read).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from guanxi.core.access import scope_for, team_ids
from guanxi.core.choices import Scope
from guanxi.service.models import ServicePoint, Survey, Technician, Visit, VisitOutcome
from guanxi.service.models.field import VisitStatus
from guanxi.service.object_types import FIELD_PERFORMANCE
from guanxi.service.selectors_field import day_start


@dataclass
class Figures:
    """One row of the performance table (a service point or a technician)."""

    pk: int
    label: str
    visits: int = 0
    done: int = 0
    repeated: int = 0
    first_time_fixes: int = 0
    hours_to_visit: list[float] = field(default_factory=list)
    resolution_hours: list[float] = field(default_factory=list)
    scores: list[int] = field(default_factory=list)

    @staticmethod
    def _avg(values: list[float]) -> float | None:
        return round(sum(values) / len(values), 1) if values else None

    @property
    def avg_hours_to_visit(self) -> float | None:
        return self._avg(self.hours_to_visit)

    @property
    def median_hours_to_visit(self) -> float | None:
        return round(statistics.median(self.hours_to_visit), 1) if self.hours_to_visit else None

    @property
    def avg_resolution_hours(self) -> float | None:
        return self._avg(self.resolution_hours)

    @property
    def median_resolution_hours(self) -> float | None:
        values = self.resolution_hours
        return round(statistics.median(values), 1) if values else None

    @property
    def repeat_rate(self) -> float | None:
        """Percentage of done visits followed by a repeat repair."""
        return round(100 * self.repeated / self.done, 1) if self.done else None

    @property
    def first_time_fix_rate(self) -> float | None:
        return round(100 * self.first_time_fixes / self.done, 1) if self.done else None

    @property
    def satisfaction(self) -> float | None:
        """The average answered CSAT score (1–5) of the visits' tickets."""
        return round(sum(self.scores) / len(self.scores), 2) if self.scores else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "name": self.label,
            "visits": self.visits,
            "done": self.done,
            "avg_hours_to_visit": self.avg_hours_to_visit,
            "median_hours_to_visit": self.median_hours_to_visit,
            "avg_resolution_hours": self.avg_resolution_hours,
            "median_resolution_hours": self.median_resolution_hours,
            "repeated": self.repeated,
            "repeat_rate": self.repeat_rate,
            "first_time_fix_rate": self.first_time_fix_rate,
            "satisfaction": self.satisfaction,
            "surveys": len(self.scores),
        }


@dataclass
class Performance:
    start: date
    end: date
    points: list[Figures]
    technicians: list[Figures]
    repeats: list[Visit]


def performance_points(user: Any, point: ServicePoint | None = None) -> QuerySet[ServicePoint]:
    """The points whose figures the user may see: all, or their teams' points."""
    scope = scope_for(user, FIELD_PERFORMANCE, "view")
    if scope is None:
        return ServicePoint.objects.none()
    points = ServicePoint.objects.all()
    if scope != Scope.ALL:
        points = points.filter(team__in=team_ids(user))
    if point is not None:
        points = points.filter(pk=point.pk)
    return points.order_by("name", "pk")


def _hours(later: datetime | None, earlier: datetime | None) -> float | None:
    if later is None or earlier is None or later < earlier:
        return None
    return (later - earlier).total_seconds() / 3600


def _counts(visits: QuerySet[Visit], key: str) -> QuerySet[Any]:
    done = Q(status=VisitStatus.DONE)
    return (
        visits.order_by()
        .values(key)
        .annotate(
            n_visits=Count("pk"),
            n_done=Count("pk", filter=done),
            n_repeated=Count("pk", filter=done & Q(followed=True)),
            n_first=Count(
                "pk",
                filter=done & Q(outcome=VisitOutcome.FIXED, followed=False, earlier=False),
            ),
        )
    )


def field_performance(
    user: Any, *, start: date, end: date, point: ServicePoint | None = None
) -> Performance:
    """The figures per service point and per technician for visits requested from
    ``start`` to ``end`` (inclusive), and the repeat repairs of those visits."""
    points = list(performance_points(user, point))
    visits = (
        Visit.objects.filter(
            service_point__in=[p.pk for p in points],
            requested_at__gte=day_start(start),
            requested_at__lt=day_start(end + timedelta(days=1)),
        )
        .exclude(status=VisitStatus.CANCELLED)
        .annotate(
            followed=Exists(Visit.objects.filter(repeat_of=OuterRef("pk"))),
            earlier=Exists(
                Visit.objects.filter(
                    ticket=OuterRef("ticket"), requested_at__lt=OuterRef("requested_at")
                )
            ),
        )
    )
    by_point = {p.pk: Figures(pk=p.pk, label=p.name) for p in points}
    technicians = {
        t.pk: t
        for t in Technician.objects.filter(service_point__in=[p.pk for p in points])
        .select_related("user")
        .order_by("user__full_name", "pk")
    }
    by_tech: dict[int, Figures] = {}
    for row in _counts(visits, "service_point_id"):
        _fill(by_point[row["service_point_id"]], row)
    for row in _counts(visits.filter(technician__isnull=False), "technician_id"):
        technician = technicians.get(row["technician_id"])
        if technician is None:  # moved to a point the user may not see
            technician = Technician.objects.select_related("user").get(pk=row["technician_id"])
            technicians[technician.pk] = technician
        figures = Figures(pk=technician.pk, label=str(technician.user))
        by_tech[technician.pk] = _fill(figures, row)
    _times_and_scores(visits, by_point, by_tech)
    repeats = list(
        Visit.objects.filter(repeat_of__in=visits.values("pk"))
        .select_related(
            "ticket",
            "ticket__product",
            "ticket__serial",
            "ticket__account",
            "ticket__contact",
            "service_point",
            "technician__user",
            "repeat_of",
            "repeat_of__technician__user",
            "repeat_of__service_point",
        )
        .order_by("-requested_at", "-pk")[:200]
    )
    return Performance(
        start=start,
        end=end,
        points=list(by_point.values()),
        technicians=sorted(by_tech.values(), key=lambda f: (f.label, f.pk)),
        repeats=repeats,
    )


def _fill(figures: Figures, row: dict[str, Any]) -> Figures:
    figures.visits = row["n_visits"]
    figures.done = row["n_done"]
    figures.repeated = row["n_repeated"]
    figures.first_time_fixes = row["n_first"]
    return figures


def _times_and_scores(
    visits: QuerySet[Visit], by_point: dict[int, Figures], by_tech: dict[int, Figures]
) -> None:
    """Hours to visit per visit; resolution hours and CSAT scores per ticket, counted
    once per point and once per technician."""
    rows = visits.values_list(
        "service_point_id",
        "technician_id",
        "requested_at",
        "arrived_at",
        "ticket_id",
        "ticket__created_at",
        "ticket__solved_at",
    )
    tickets_of: dict[tuple[str, int], dict[int, float | None]] = defaultdict(dict)
    for point_id, tech_id, requested, arrived, ticket_id, created, solved in rows:
        groups = [("p", point_id, by_point.get(point_id))]
        if tech_id is not None:
            groups.append(("t", tech_id, by_tech.get(tech_id)))
        waited = _hours(arrived, requested)
        for kind, pk, figures in groups:
            if figures is None:
                continue
            if waited is not None:
                figures.hours_to_visit.append(waited)
            tickets_of[(kind, pk)][ticket_id] = _hours(solved, created)
    ticket_ids = {t for tickets in tickets_of.values() for t in tickets}
    scores: dict[int, list[int]] = defaultdict(list)
    answered = Survey.objects.filter(
        kind="csat", ticket_id__in=ticket_ids, score__isnull=False, answered_at__isnull=False
    ).values_list("ticket_id", "score")
    for ticket_id, score in answered:
        if ticket_id is not None and score is not None:
            scores[ticket_id].append(score)
    for (kind, pk), tickets in tickets_of.items():
        figures = (by_point if kind == "p" else by_tech)[pk]
        for ticket_id, hours in tickets.items():
            if hours is not None:
                figures.resolution_hours.append(hours)
            figures.scores.extend(scores.get(ticket_id, []))
