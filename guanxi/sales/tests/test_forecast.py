"""The forecast: category sums, weighted pipeline, closed-won and the projection from
history, on a small fixed data set; what each user may see; constant query counts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guanxi.sales.selectors_forecast import forecast_for, periods_from, stage_stats
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.forecast import closed_deal
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db

D = Decimal


def _month(offset: int, day: int = 5) -> date:
    """A day in the month ``offset`` months from now."""
    first = periods_from(timezone.localdate(), "month", offset + 1)[offset].start
    return first.replace(day=day)


def _index(day: date) -> int | None:
    for index, period in enumerate(periods_from(timezone.localdate(), "month", 6)):
        if period.start <= day < period.end:
            return index
    return None


@pytest.fixture
def history_and_pipeline():
    """Rep A's history: first contact → 2 won of 4 (won after 100 and 80 days), proposal
    → 2 won of 3 (won 30 and 50 days after entering it). Open deals of A and B."""
    rep_a = make_user(role="sales_rep", full_name="Rep A")
    rep_b = make_user(role="sales_rep", full_name="Rep B")
    manager = make_user(role="sales_manager", full_name="Manager")
    make_team(name="East", members=[manager, rep_a, rep_b], managers=[manager])
    closed_deal(owner=rep_a, won=True, path=[("first_contact", 100), ("proposal", 30)])
    closed_deal(owner=rep_a, won=True, path=[("first_contact", 80), ("proposal", 50)])
    closed_deal(owner=rep_a, won=False, path=[("first_contact", 60), ("proposal", 20)])
    closed_deal(owner=rep_a, won=False, path=[("first_contact", 10)])
    deals = {
        "o1": make_deal(
            owner=rep_a, stage=stage("proposal"), amount=9000,
            expected_close=_month(1), forecast_category="commit",
        ),
        "o2": make_deal(
            owner=rep_a, stage=stage("first_contact"), amount=4000,
            expected_close=_month(1, 20), forecast_category="best_case",
        ),
        "o3": make_deal(
            owner=rep_a, stage=stage("needs_analysis"), amount=2000,
            expected_close=_month(2), forecast_category="pipeline",
        ),
        "o4": make_deal(
            owner=rep_a, stage=stage("proposal"), amount=1000, currency="USD",
            expected_close=_month(2), forecast_category="commit",
        ),
        "o5": make_deal(
            owner=rep_a, stage=stage("negotiation"), amount=5000,
            expected_close=_month(8), forecast_category="commit",
        ),
        "b1": make_deal(
            owner=rep_b, stage=stage("proposal"), amount=100000,
            expected_close=_month(1), forecast_category="commit",
        ),
    }  # fmt: skip
    return rep_a, rep_b, manager, deals


def test_stage_history_gives_win_rates_and_median_cycle_times(history_and_pipeline):
    rep_a, *_rest = history_and_pipeline

    stats = stage_stats(rep_a)

    first, proposal, needs = (
        stats[stage(c).pk] for c in ("first_contact", "proposal", "needs_analysis")
    )
    assert (first.closed, first.won, first.win_rate, first.median_days) == (4, 2, 0.5, 90)
    assert (proposal.closed, proposal.won, proposal.median_days) == (3, 2, 40)
    assert proposal.rate_used == D(2) / D(3)
    assert (needs.closed, needs.win_rate, needs.rate_used) == (0, None, D("0.25"))


def test_forecast_sums_categories_weighted_pipeline_and_projection(history_and_pipeline):
    rep_a, *_rest = history_and_pipeline
    today = timezone.localdate()

    result = forecast_for(rep_a, kind="month", count=6)

    assert [p.start for p in result.periods] == [_month(i, 1) for i in range(6)]
    assert result.currencies == ["CNY", "USD"]
    cny, usd = result.totals
    assert cny.cells[1]["commit"] == D("9000.00")
    assert cny.cells[1]["best_case"] == D("4000.00")
    assert cny.cells[1]["weighted"] == D("4900.00")  # 9000 × 50 % + 4000 × 10 %
    assert cny.cells[2]["pipeline"] == D("2000.00")
    assert cny.cells[2]["weighted"] == D("500.00")  # 2000 × 25 %
    assert usd.cells[2]["commit"] == D("1000.00")
    assert usd.cells[2]["weighted"] == D("500.00")
    # o5 closes after the horizon: in no category.
    assert cny.total["commit"] == D("9000.00")
    assert cny.total["won"] == D("0.00")  # the history closed more than a year ago
    # Projection: o1 9000 × 2/3 at today + 40 days, o2 4000 × 1/2 at today + 90 days,
    # o3 (no history at its stage) 2000 × 25 % at its expected close; o5 (no history)
    # 5000 × 75 % at its expected close, beyond the horizon.
    expected = [D(0)] * 6
    expected[_index(today + timedelta(days=40))] += D("6000.00")
    if _index(today + timedelta(days=90)) is not None:
        expected[_index(today + timedelta(days=90))] += D("2000.00")
    expected[2] += D("500.00")
    assert [c["projected"] for c in cny.cells] == expected
    usd_expected = [D(0)] * 6
    usd_expected[_index(today + timedelta(days=40))] += D("666.67")
    assert [c["projected"] for c in usd.cells] == usd_expected


def test_forecast_counts_won_deals_in_the_month_they_closed(history_and_pipeline):
    rep_a, _rep_b, _manager, deals = history_and_pipeline
    from guanxi.sales.services.deals import move_deal

    move_deal(actor=rep_a, deal=deals["o3"], stage=stage("won"))

    cny = forecast_for(rep_a).totals[0]

    assert cny.cells[0]["won"] == D("2000.00")
    assert cny.cells[2]["pipeline"] == D("0.00")


def test_a_rep_sees_only_their_deals_and_a_manager_the_team_by_rep(history_and_pipeline):
    rep_a, rep_b, manager, _deals = history_and_pipeline

    as_rep = forecast_for(rep_a)
    as_manager = forecast_for(manager)

    assert {(r.label, r.currency) for r in as_rep.rows} == {("Rep A", "CNY"), ("Rep A", "USD")}
    assert {(r.label, r.currency) for r in as_manager.rows} == {
        ("Rep A", "CNY"),
        ("Rep A", "USD"),
        ("Rep B", "CNY"),
    }
    rep_b_row = next(r for r in as_manager.rows if r.key == rep_b.pk)
    assert rep_b_row.cells[1]["commit"] == D("100000.00")
    assert rep_b_row.cells[1]["weighted"] == D("50000.00")
    assert as_manager.totals[0].cells[1]["commit"] == D("109000.00")


def test_forecast_by_team_and_by_quarter(history_and_pipeline):
    _rep_a, _rep_b, manager, _deals = history_and_pipeline

    result = forecast_for(manager, kind="quarter", count=3, group="team")

    assert [r.label for r in result.rows] == ["East", "East"]
    cny = next(r for r in result.rows if r.currency == "CNY")
    assert cny.total["commit"] == D("109000.00")
    assert cny.total["best_case"] == D("4000.00")
    assert cny.total["pipeline"] == D("2000.00")


def test_outsiders_see_nothing_of_the_team(history_and_pipeline):
    outsider = make_user(role="sales_rep")

    result = forecast_for(outsider)

    assert result.rows == [] and result.totals == []


def test_forecast_page_and_api(client, api_as, history_and_pipeline):
    rep_a, *_rest = history_and_pipeline
    client.force_login(rep_a)

    page = client.get(reverse("sales:forecast"))
    response = api_as(rep_a)("GET", "/api/v1/forecast", period="month")

    assert page.status_code == 200
    assert b"<svg" in page.content and b"forecast-chart" in page.content
    assert b"style=" not in page.content.split(b"<svg", 1)[1].split(b"</svg>", 1)[0]
    assert response.status_code == 200
    body = response.json()
    cny = next(t for t in body["totals"] if t["currency"] == "CNY")
    assert D(cny["periods"][1]["figures"]["weighted"]) == D("4900.00")
    refused = api_as(rep_a)("GET", "/api/v1/forecast", period="week")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "query.period"


def _seed(owner, n):
    for i in range(n):
        make_deal(
            owner=owner,
            stage=stage("proposal" if i % 2 else "first_contact"),
            amount=1000 + i,
            currency="USD" if i % 3 == 0 else "CNY",
            expected_close=_month(i % 6),
            forecast_category=("commit", "best_case", "pipeline")[i % 3],
        )
    for i in range(n // 5):
        closed_deal(owner=owner, won=bool(i % 2), path=[("first_contact", 20 + i)])


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_forecast_page_costs_the_same_queries_for_5_and_25_deals(client):
    small_owner = make_user(role="sales_manager")
    large_owner = make_user(role="sales_manager")
    _seed(small_owner, 5)
    _seed(large_owner, 25)
    client.force_login(small_owner)
    _count(client, reverse("sales:forecast"))  # warm caches
    small = _count(client, reverse("sales:forecast"))
    client.force_login(large_owner)
    _count(client, reverse("sales:forecast"))
    large = _count(client, reverse("sales:forecast"))

    assert small == large


@pytest.mark.parametrize(
    "query",
    [
        {"period": "quarter", "group": "team"},
        {"period": "month", "periods": "12", "currency": "USD"},
        {"period": "nonsense", "group": "nonsense", "periods": "x", "start": "bad"},
    ],
)
def test_forecast_page_takes_its_options_and_ignores_bad_ones(client, history_and_pipeline, query):
    _rep_a, _rep_b, manager, _deals = history_and_pipeline
    client.force_login(manager)

    response = client.get(reverse("sales:forecast"), query)

    assert response.status_code == 200
    assert "East" in response.content.decode() or query.get("group") != "team"
