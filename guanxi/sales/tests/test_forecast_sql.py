"""The forecast's history per stage and its projection, computed in the database, give
what the former per-deal computation in Python gave: the median of an even count is the
mean of the middle two, median days are rounded as Python rounds (half to even), only a
deal's first entry into a stage counts, days are local days; and a seeded, mixed history
agrees with that computation (``_oracle_*`` below) for every figure and scope."""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.sales.choices import StageKind
from guanxi.sales.models import Deal, DealStageChange, Stage
from guanxi.sales.selectors_forecast import (
    CENT,
    HISTORY_DAYS,
    forecast_for,
    periods_from,
    stage_stats,
    visible_deals,
)
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.forecast import closed_deal
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db

D = Decimal


def _won_after(owner, code: str, days: float, **fields) -> Deal:
    """A deal won 400 days ago, ``days`` (fractional, may be negative) after it entered
    ``code``."""
    deal = closed_deal(owner=owner, won=True, path=[(code, 1)], **fields)
    DealStageChange.objects.filter(deal=deal, to_stage__code=code).update(
        changed_at=deal.closed_at - timedelta(days=days)
    )
    return deal


def _at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _last_day_of_month(offset: int) -> date:
    return periods_from(timezone.localdate(), "month", offset + 1)[offset].last_day


@pytest.mark.parametrize(
    ("spans", "median", "offset"),
    [
        ((10, 30, 31, 50), 30.5, 30),  # half to even: 30, where SQL round() gives 31
        ((10, 31, 32, 50), 31.5, 32),
        ((30, 40), 35.0, 35),
    ],
)
def test_an_even_count_takes_the_mean_of_the_middle_two_rounded_half_to_even(spans, median, offset):
    rep = make_user(role="sales_rep")
    for days in spans:
        _won_after(rep, "proposal", days)
    closed_deal(owner=rep, won=False, path=[("proposal", 5)])
    # An open deal entered so that +30 days is the last day of a month and +31 the next.
    last = _last_day_of_month(2)
    deal = make_deal(owner=rep, stage=stage("proposal"), amount=1000)
    Deal.all_objects.filter(pk=deal.pk).update(
        stage_entered_at=_at_noon(last - timedelta(days=30)), expected_close=None
    )

    proposal = stage_stats(rep)[stage("proposal").pk]
    result = forecast_for(rep, kind="month", count=6)

    won = len(spans)
    assert (proposal.closed, proposal.won, proposal.median_days) == (won + 1, won, median)
    placed = last - timedelta(days=30) + timedelta(days=offset)
    expected = [D("0.00")] * 6
    index = next(i for i, p in enumerate(result.periods) if p.start <= placed < p.end)
    expected[index] = (D(1000) * D(won) / D(won + 1)).quantize(CENT)
    assert [c["projected"] for c in result.totals[0].cells] == expected


def test_fractional_and_negative_spans_give_the_python_median_exactly():
    rep = make_user(role="sales_rep")
    spans = [-1.5, 0.75, 3.1, 7 + 1 / 3, 12.000001, 2.2]
    for days in spans:
        _won_after(rep, "needs_analysis", days)

    stat = stage_stats(rep)[stage("needs_analysis").pk]

    expected = []
    for change in DealStageChange.objects.filter(
        deal__owner=rep, to_stage__code="needs_analysis"
    ).select_related("deal"):
        seconds = (change.deal.closed_at - change.changed_at).total_seconds()
        expected.append(max(0.0, seconds / 86400))
    assert stat.median_days == statistics.median(expected)
    assert sorted(expected)[0] == 0.0  # the negative span counts as 0 days


def test_only_the_first_entry_into_a_stage_counts():
    rep = make_user(role="sales_rep")
    twice = closed_deal(
        owner=rep, won=True, path=[("proposal", 40), ("negotiation", 20), ("proposal", 10)]
    )
    first, second = DealStageChange.objects.filter(deal=twice, to_stage__code="proposal").order_by(
        "pk"
    )
    DealStageChange.objects.filter(pk=first.pk).update(
        changed_at=twice.closed_at - timedelta(days=40)
    )
    DealStageChange.objects.filter(pk=second.pk).update(
        changed_at=twice.closed_at - timedelta(days=10)
    )
    closed_deal(owner=rep, won=False, path=[("proposal", 3)])

    stats = stage_stats(rep)

    proposal, negotiation = stats[stage("proposal").pk], stats[stage("negotiation").pk]
    assert (proposal.closed, proposal.won, proposal.median_days) == (2, 1, 40.0)
    assert (negotiation.closed, negotiation.won, negotiation.median_days) == (1, 1, 20.0)


def test_a_stage_with_losses_only_has_a_zero_rate_and_no_median():
    rep = make_user(role="sales_rep")
    closed_deal(owner=rep, won=False, path=[("first_contact", 9)])
    closed_deal(owner=rep, won=False, path=[("first_contact", 4)])
    closed_deal(owner=rep, won=False, path=[("first_contact", 4)], closed_days_ago=800)

    stat = stage_stats(rep)[stage("first_contact").pk]

    assert (stat.closed, stat.won, stat.median_days, stat.rate_used) == (2, 0, None, D(0))


def test_the_history_is_one_query_returning_a_few_rows_per_stage():
    rep = make_user(role="sales_rep")
    for days in range(1, 40):
        _won_after(rep, "proposal", days)

    with CaptureQueriesContext(connection) as queries:
        stage_stats(rep)

    assert len(queries) == 2  # the stages, the history
    with connection.cursor() as cursor:
        cursor.execute(queries[1]["sql"])
        assert len(cursor.fetchall()) == 2  # place 1 (counts) and the median (place 20)


# --- the former computation, per deal in Python, as the oracle ------------------------------


def _oracle_stats(user) -> dict[int, tuple[int, int, float | None]]:
    since = timezone.now() - timedelta(days=HISTORY_DAYS)
    closed = visible_deals(user).filter(
        stage__kind__in=(StageKind.WON, StageKind.LOST), closed_at__gte=since
    )
    first: dict[tuple[int, int], datetime] = {}
    deals = {d.pk: d for d in closed.select_related("stage")}
    for change in DealStageChange.objects.filter(deal_id__in=list(deals)):
        key = (change.deal_id, change.to_stage_id)
        if key not in first or change.changed_at < first[key]:
            first[key] = change.changed_at
    kinds = dict(Stage.objects.values_list("pk", "kind"))
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    days: dict[int, list[float]] = defaultdict(list)
    for (deal_id, stage_id), entered in first.items():
        if kinds[stage_id] != StageKind.OPEN:
            continue
        deal = deals[deal_id]
        counts[stage_id][0] += 1
        if deal.stage.kind == StageKind.WON:
            counts[stage_id][1] += 1
            seconds = (deal.closed_at - entered).total_seconds()
            days[stage_id].append(max(0.0, seconds / 86400))
    return {
        pk: (closed_n, won_n, statistics.median(days[pk]) if days[pk] else None)
        for pk, (closed_n, won_n) in counts.items()
    }


def _oracle_projection(user, result, group: str) -> dict[tuple, Decimal]:
    stats = stage_stats(user)
    today = timezone.localdate()
    cells: dict[tuple, Decimal] = defaultdict(Decimal)
    for deal in visible_deals(user).filter(stage__kind=StageKind.OPEN):
        stat = stats[deal.stage_id]
        if stat.median_days is not None:
            entered = timezone.localtime(deal.stage_entered_at).date()
            when = entered + timedelta(days=round(stat.median_days))
        else:
            when = deal.expected_close or today
        when = max(when, today)
        for index, period in enumerate(result.periods):
            if period.start <= when < period.end:
                key = deal.owner_id if group == "rep" else deal.team_id
                cells[(key, deal.currency, index)] += deal.amount * stat.rate_used
    return {k: v.quantize(CENT) for k, v in cells.items() if v.quantize(CENT)}


@pytest.fixture
def mixed_history():
    """Two teams, a manager, reps with a seeded mix of closed deals (fractional spans,
    repeated stages, some outside the history window, some trashed) and open deals
    (entered at any hour, expected close past, inside, beyond the horizon or unset)."""
    rng = random.Random(20261126)
    manager = make_user(role="sales_manager")
    reps = [make_user(role="sales_rep") for _ in range(4)]
    east = make_team(name="East", members=[manager, *reps[:2]], managers=[manager])
    west = make_team(name="West", members=reps[2:])
    teams = {rep.pk: (east if i < 2 else west) for i, rep in enumerate(reps)}
    codes = ["first_contact", "needs_analysis", "proposal"]  # negotiation: no history
    today = timezone.localdate()
    for n in range(36):
        rep = reps[n % 4]
        path = [(code, 0) for code in codes[: rng.randint(1, 3)]]
        if n % 7 == 0 and len(path) > 1:
            path.append(("first_contact", 0))  # re-entered
        deal = closed_deal(
            owner=rep,
            won=rng.random() < 0.55,
            path=path,
            closed_days_ago=rng.choice([30, 200, 400, 700, 800]),
            team=teams[rep.pk],
            amount=rng.randint(1, 900) * 100,
        )
        for change in DealStageChange.objects.filter(deal=deal).exclude(
            to_stage__kind__in=(StageKind.WON, StageKind.LOST)
        ):
            span = timedelta(
                seconds=rng.randint(-3600, 120 * 86400), microseconds=rng.randint(0, 999999)
            )
            DealStageChange.objects.filter(pk=change.pk).update(changed_at=deal.closed_at - span)
        if n % 11 == 0:
            Deal.all_objects.filter(pk=deal.pk).update(deleted_at=timezone.now())
    for n in range(40):
        rep = reps[n % 4]
        deal = make_deal(
            owner=rep,
            team=teams[rep.pk],
            stage=stage(rng.choice([*codes, "negotiation"])),
            amount=D(rng.randint(100, 9_000_000)) / 100,
            currency=rng.choice(["CNY", "CNY", "USD"]),
        )
        close = rng.choice([None, -40, -3, 0, 10, 45, 80, 130, 200, 400])
        entered = timezone.now() - timedelta(
            days=rng.randint(0, 150), hours=rng.randint(0, 23), minutes=rng.randint(0, 59)
        )
        Deal.all_objects.filter(pk=deal.pk).update(
            stage_entered_at=entered,
            expected_close=None if close is None else today + timedelta(days=close),
        )
    admin = make_user(role="administrator")
    return admin, manager, reps


@pytest.mark.parametrize(("kind", "count", "group"), [("month", 6, "rep"), ("quarter", 3, "team")])
def test_history_and_projection_agree_with_the_per_deal_computation(
    mixed_history, kind, count, group
):
    admin, manager, reps = mixed_history
    for user in (admin, manager, reps[0]):
        stats = stage_stats(user)
        expected_stats = _oracle_stats(user)
        got = {pk: (s.closed, s.won, s.median_days) for pk, s in stats.items() if s.closed}
        assert got == expected_stats

        result = forecast_for(user, kind=kind, count=count, group=group)

        projected = {
            (row.key, row.currency, index): figures["projected"]
            for row in result.rows
            for index, figures in enumerate(row.cells)
            if figures["projected"]
        }
        assert projected == _oracle_projection(user, result, group)
        assert projected  # the data set does reach the horizon
