"""Reads for targets, each rep's performance over a period, and who should take a deal.

Every figure is computed over the records the user may see; amounts stay per currency.
Each page costs a fixed number of queries whatever the number of deals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from guanxi.core.access import get_for_or_404, restrict, scope_for, teammate_ids
from guanxi.core.choices import Scope
from guanxi.core.models import Team, TeamMembership, User
from guanxi.customers.choices import ActivityKind
from guanxi.customers.models import Activity
from guanxi.sales.choices import StageKind
from guanxi.sales.models import Deal, Target
from guanxi.sales.object_types import DEAL
from guanxi.sales.selectors_forecast import HISTORY_DAYS, visible_deals
from guanxi.sales.suggest import DealFacts, Ranking, Suggestion, rank_owners

CENT = Decimal("0.01")
COUNTED_ACTIVITIES = (ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.EMAIL)
SUGGESTED_ROLES = ("sales_rep", "sales_manager")

# --- targets -----------------------------------------------------------------------------------


def targets_visible_to(user: Any, action: str = "view") -> QuerySet[Target]:
    return restrict(Target.objects.all(), user, action).select_related("user", "team", "set_by")


def get_target_for(user: Any, pk: Any, action: str = "view") -> Target:
    return get_for_or_404(targets_visible_to(user, action), user, pk, action)


def target_user_choices(user: Any) -> QuerySet[User]:
    """Whom the user may set targets for: everyone (administrators) or the members of the
    teams they manage, themselves excepted."""
    users = User.objects.filter(is_active=True).only("pk", "full_name", "email")
    scope = scope_for(user, "sales.target", "add")
    if scope == Scope.ALL:
        return users.order_by("full_name", "pk")
    if scope != Scope.TEAM:
        return users.none()
    managed = TeamMembership.objects.filter(user=user, is_manager=True).values("team_id")
    members = TeamMembership.objects.filter(team_id__in=managed).values("user_id")
    return users.filter(pk__in=members).exclude(pk=user.pk).order_by("full_name", "pk")


def target_team_choices(user: Any) -> QuerySet[Team]:
    scope = scope_for(user, "sales.target", "add")
    if scope == Scope.ALL:
        return Team.objects.order_by("name")
    if scope != Scope.TEAM:
        return Team.objects.none()
    managed = TeamMembership.objects.filter(user=user, is_manager=True).values("team_id")
    return Team.objects.filter(pk__in=managed).order_by("name")


# --- performance -------------------------------------------------------------------------------


@dataclass
class PerformanceRow:
    """A rep's figures over the period in one currency (activities: all currencies)."""

    rep: Any
    currency: str
    target: Decimal | None = None
    won_amount: Decimal = Decimal(0)
    won: int = 0
    lost: int = 0
    cycle_days: list[float] = field(default_factory=list)
    open_amount: Decimal = Decimal(0)
    open_deals: int = 0
    calls: int = 0
    meetings: int = 0
    emails: int = 0

    @property
    def attainment(self) -> Decimal | None:
        if not self.target:
            return None
        return (self.won_amount * 100 / self.target).quantize(Decimal("0.1"))

    @property
    def win_rate(self) -> Decimal | None:
        closed = self.won + self.lost
        return (Decimal(self.won * 100) / closed).quantize(Decimal("0.1")) if closed else None

    @property
    def average_deal(self) -> Decimal | None:
        return (self.won_amount / self.won).quantize(CENT) if self.won else None

    @property
    def average_cycle_days(self) -> Decimal | None:
        if not self.cycle_days:
            return None
        return Decimal(str(sum(self.cycle_days) / len(self.cycle_days))).quantize(Decimal("0.1"))


@dataclass
class TeamPerformanceRow:
    team: Any
    currency: str
    target: Decimal | None = None
    won_amount: Decimal = Decimal(0)

    @property
    def attainment(self) -> Decimal | None:
        if not self.target:
            return None
        return (self.won_amount * 100 / self.target).quantize(Decimal("0.1"))


@dataclass
class Performance:
    start: date
    end: date  # inclusive
    reps: list[PerformanceRow]
    teams: list[TeamPerformanceRow]


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    first = timezone.make_aware(datetime(start.year, start.month, start.day), tz)
    after = end + timedelta(days=1)
    return first, timezone.make_aware(datetime(after.year, after.month, after.day), tz)


def performance_for(
    user: Any, *, start: date, end: date, owner_id: int | None = None
) -> Performance:
    """Per rep over ``start``–``end`` (inclusive): target (the rep's targets lying within the
    period, summed), won amount and attainment, win rate (won / closed), average won deal,
    average days from created to won, calls / meetings / emails they own, and the open
    pipeline today. Six queries."""
    first, after = _bounds(start, end)
    deals = visible_deals(user)
    if owner_id:
        deals = deals.filter(owner_id=owner_id)
    rows: dict[tuple[int, str], PerformanceRow] = {}
    teams: dict[tuple[int, str], TeamPerformanceRow] = {}

    def row(owner: int, currency: str) -> PerformanceRow:
        return rows.setdefault((owner, currency), PerformanceRow(rep=owner, currency=currency))

    closed = deals.filter(
        stage__kind__in=(StageKind.WON, StageKind.LOST), closed_at__gte=first, closed_at__lt=after
    ).values_list(
        "owner_id", "team_id", "currency", "stage__kind", "amount", "created_at", "closed_at"
    )
    for owner, team, currency, kind, amount, created, closed_at in closed:
        if closed_at is None:  # excluded by the filter; for the type checker
            continue
        target = row(owner, currency)
        if kind == StageKind.WON:
            value = Decimal(str(amount))
            target.won += 1
            target.won_amount += value
            target.cycle_days.append(max(0.0, (closed_at - created).total_seconds() / 86400))
            if team is not None:
                key = (team, currency)
                teams.setdefault(key, TeamPerformanceRow(team=team, currency=currency))
                teams[key].won_amount += value
        else:
            target.lost += 1
    open_rows = (
        deals.filter(stage__kind=StageKind.OPEN)
        .values("owner_id", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by()
    )
    for item in open_rows:
        target = row(item["owner_id"], item["currency"])
        target.open_deals = item["n"]
        target.open_amount = Decimal(str(item["total"] or 0)).quantize(CENT)
    # Through a subquery: ``restrict`` joins team memberships and may add a DISTINCT.
    goals = Target.objects.filter(
        pk__in=restrict(Target.objects.all(), user, "view").values("pk"),
        period_start__gte=start,
        period_end__lte=end,
    )
    if owner_id:
        goals = goals.filter(user_id=owner_id)
    goal_rows = (
        goals.order_by()
        .values("user_id", "team_id", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for item in goal_rows:
        total = Decimal(str(item["total"] or 0)).quantize(CENT)
        if item["user_id"] is not None:
            row(item["user_id"], item["currency"]).target = total
        else:
            key = (item["team_id"], item["currency"])
            teams.setdefault(
                key, TeamPerformanceRow(team=item["team_id"], currency=item["currency"])
            )
            teams[key].target = total
    rep_ids = {owner for owner, _currency in rows}
    activity_rows = (
        Activity.objects.filter(pk__in=restrict(Activity.objects.all(), user, "view").values("pk"))
        .filter(owner_id__in=rep_ids, kind__in=COUNTED_ACTIVITIES, at__gte=first, at__lt=after)
        .values("owner_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for item in activity_rows:
        counts[item["owner_id"]][item["kind"]] = item["n"]
    people = {u.pk: u for u in User.objects.filter(pk__in=rep_ids)}
    for (owner, _currency), line in rows.items():
        line.rep = people.get(owner)
        line.calls = counts[owner].get(ActivityKind.CALL, 0)
        line.meetings = counts[owner].get(ActivityKind.MEETING, 0)
        line.emails = counts[owner].get(ActivityKind.EMAIL, 0)
        line.won_amount = line.won_amount.quantize(CENT)
    names = {t.pk: t for t in Team.all_objects.filter(pk__in={t for t, _c in teams})}
    for team_line in teams.values():
        team_line.team = names.get(team_line.team)
        team_line.won_amount = team_line.won_amount.quantize(CENT)
    ordered = sorted(
        (r for r in rows.values() if r.rep is not None),
        key=lambda r: (str(r.rep).lower(), r.rep.pk, r.currency),
    )
    team_rows = sorted(
        (t for t in teams.values() if t.team is not None and t.target is not None),
        key=lambda t: (t.team.name.lower(), t.currency),
    )
    return Performance(start=start, end=end, reps=ordered, teams=team_rows)


# --- who should take this deal -------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestedOwner:
    user: User
    suggestion: Suggestion
    is_current_owner: bool


@dataclass(frozen=True)
class OwnerSuggestions:
    ranking: Ranking
    owners: list[SuggestedOwner]


def suggested_owners(user: Any, deal: Deal) -> OwnerSuggestions:
    """Active sales reps and managers (those whose deals the user sees) ranked for ``deal``
    by their shrunk win rate on similar visible deals closed in the last ``HISTORY_DAYS``.
    Three queries."""
    since = timezone.now() - timedelta(days=HISTORY_DAYS)
    deals = visible_deals(user)
    closed = (
        deals.filter(stage__kind__in=(StageKind.WON, StageKind.LOST), closed_at__gte=since)
        .exclude(pk=deal.pk)
        .values_list(
            "owner_id",
            "amount",
            "currency",
            "account__industry",
            "account__province",
            "stage__kind",
        )
    )
    history = [
        DealFacts(
            owner_id=owner,
            amount=Decimal(str(amount)),
            currency=currency,
            industry=industry or "",
            region=province or "",
            won=kind == StageKind.WON,
        )
        for owner, amount, currency, industry, province, kind in closed
    ]
    candidates = User.objects.filter(is_active=True, roles__code__in=SUGGESTED_ROLES)
    if scope_for(user, DEAL, "view") != Scope.ALL:
        candidates = candidates.filter(pk__in=[user.pk, *_teammates(user)])
    people = {u.pk: u for u in candidates.distinct().order_by("pk")}
    load: dict[int, tuple[int, Decimal]] = {}
    open_rows = (
        deals.filter(stage__kind=StageKind.OPEN, owner_id__in=list(people))
        .values("owner_id", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by()
    )
    for item in open_rows:
        count, amount = load.get(item["owner_id"], (0, Decimal(0)))
        if item["currency"] == deal.currency:
            amount += Decimal(str(item["total"] or 0)).quantize(CENT)
        load[item["owner_id"]] = (count + item["n"], amount)
    target = DealFacts(
        owner_id=deal.owner_id,
        amount=deal.amount,
        currency=deal.currency,
        industry=deal.account.industry,
        region=deal.account.province,
    )
    ranking = rank_owners(target, history, people, open_load=load)
    owners = [
        SuggestedOwner(people[s.owner_id], s, s.owner_id == deal.owner_id)
        for s in ranking.suggestions
    ]
    return OwnerSuggestions(ranking=ranking, owners=owners)


def _teammates(user: Any) -> list[int]:
    return list(teammate_ids(user).values_list("user_id", flat=True))
