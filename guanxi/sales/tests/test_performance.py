"""Performance against target: won amount, attainment, win rate, average deal, cycle
time, activity counts and open pipeline per rep; what each user sees; query counts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guanxi.customers.services.activities import log_activity
from guanxi.sales.selectors_performance import performance_for
from guanxi.sales.services.targets import set_target
from guanxi.testing.customers import make_account
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.forecast import lost_deal, won_deal
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db

D = Decimal
START, END = date(2026, 1, 1), date(2026, 3, 31)


def at(month, day, hour=12):
    return timezone.make_aware(datetime(2026, month, day, hour))


@pytest.fixture
def quarter():
    manager = make_user(role="sales_manager", full_name="Manager")
    rep = make_user(role="sales_rep", full_name="Rep")
    other = make_user(role="sales_rep", full_name="Other")
    team = make_team(name="South", members=[manager, rep, other], managers=[manager])
    set_target(actor=manager, user=rep, amount=100000, period_start=START, period_end=END)
    set_target(actor=manager, team=team, amount=200000, period_start=START, period_end=END)
    # Rep: won 30,000 (10 days) and 50,000 (30 days), lost one, won 1,000 USD (4 days);
    # one win after the quarter does not count.
    won_deal(owner=rep, amount=30000, closed_at=at(2, 10), created_at=at(1, 31))
    won_deal(owner=rep, amount=50000, closed_at=at(3, 1), created_at=at(1, 30))
    lost_deal(owner=rep, amount=9000, closed_at=at(2, 20))
    won_deal(owner=rep, amount=1000, currency="USD", closed_at=at(3, 5), created_at=at(3, 1))
    won_deal(owner=rep, amount=99999, closed_at=at(4, 2), created_at=at(3, 1))
    make_deal(owner=rep, stage=stage("proposal"), amount=7000)
    won_deal(owner=other, amount=20000, closed_at=at(1, 15), created_at=at(1, 5))
    account = make_account(owner=rep)
    for kind, when in (
        ("call", at(1, 5)),
        ("call", at(2, 5)),
        ("meeting", at(2, 6)),
        ("email", at(2, 7)),
        ("note", at(2, 8)),
        ("call", at(4, 5)),
    ):
        log_activity(actor=rep, kind=kind, subject=kind, at=when, accounts=[account])
    return manager, rep, other, team


def test_a_reps_quarter_against_target(quarter):
    manager, rep, *_ = quarter

    result = performance_for(manager, start=START, end=END)

    cny = next(r for r in result.reps if r.rep == rep and r.currency == "CNY")
    assert (cny.target, cny.won_amount, cny.won, cny.lost) == (D("100000.00"), D("80000.00"), 2, 1)
    assert cny.attainment == D("80.0")
    assert cny.win_rate == D("66.7")
    assert cny.average_deal == D("40000.00")
    assert cny.average_cycle_days == D("20.0")  # (10 + 30) / 2
    assert (cny.calls, cny.meetings, cny.emails) == (2, 1, 1)
    assert (cny.open_deals, cny.open_amount) == (1, D("7000.00"))
    usd = next(r for r in result.reps if r.rep == rep and r.currency == "USD")
    assert (usd.target, usd.won_amount, usd.win_rate, usd.average_cycle_days) == (
        None,
        D("1000.00"),
        D("100.0"),
        D("4.0"),
    )
    assert usd.attainment is None


def test_team_targets_count_the_teams_deals(quarter):
    manager, *_rest, team = quarter

    result = performance_for(manager, start=START, end=END)

    [south] = result.teams
    assert (south.team, south.target, south.won_amount, south.attainment) == (
        team,
        D("200000.00"),
        D("100000.00"),  # 30,000 + 50,000 + the other rep's 20,000
        D("50.0"),
    )


def test_a_rep_sees_only_their_own_row(quarter):
    _manager, rep, *_ = quarter

    result = performance_for(rep, start=START, end=END)

    assert {(r.rep.full_name, r.currency) for r in result.reps} == {("Rep", "CNY"), ("Rep", "USD")}
    assert result.teams == []


def test_performance_page_and_api(client, api_as, quarter):
    manager, rep, *_ = quarter
    client.force_login(manager)

    page = client.get(reverse("sales:performance"), {"start": "2026-01-01", "end": "2026-03-31"})
    body = api_as(manager)("GET", "/api/v1/performance", start="2026-01-01", end="2026-03-31")

    assert page.status_code == 200
    assert "80.0%" in page.content.decode()
    row = next(
        r for r in body.json()["reps"] if r["rep"]["id"] == rep.pk and r["currency"] == "CNY"
    )
    assert (row["won_amount"], row["attainment"], row["calls"]) == ("80000.00", "80.0", 2)


def _seed(owner, n):
    when = timezone.now() - timedelta(days=3)
    for i in range(n):
        if i % 3 == 0:
            won_deal(owner=owner, amount=1000 + i, closed_at=when, created_at=when - timedelta(i))
        elif i % 3 == 1:
            lost_deal(owner=owner, amount=500, closed_at=when, currency="USD")
        else:
            make_deal(owner=owner, amount=300)
    account = make_account(owner=owner)
    for _i in range(n // 5):
        log_activity(actor=owner, kind="call", subject="c", at=when, accounts=[account])


def _count(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_performance_page_costs_the_same_queries_for_5_and_25_deals(client):
    small_owner = make_user(role="sales_manager")
    large_owner = make_user(role="sales_manager")
    admin = make_user(role="administrator")
    for owner, n in ((small_owner, 5), (large_owner, 25)):
        _seed(owner, n)
        set_target(
            actor=admin,
            user=owner,
            amount=1,
            period_start=timezone.localdate() - timedelta(days=30),
            period_end=timezone.localdate(),
        )
    url = reverse("sales:performance")
    params = {
        "start": (timezone.localdate() - timedelta(days=30)).isoformat(),
        "end": timezone.localdate().isoformat(),
    }
    client.force_login(small_owner)
    _count(client, url, params)
    small = _count(client, url, params)
    client.force_login(large_owner)
    _count(client, url, params)
    large = _count(client, url, params)

    assert small == large
