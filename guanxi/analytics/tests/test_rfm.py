"""RFM quintile scores and segments: the rule on plain arrays and on hand-built order
histories, with exact expected scores."""

from datetime import date
from decimal import Decimal

import pytest

from guanxi.analytics.choices import Segment
from guanxi.analytics.models import CustomerScore
from guanxi.analytics.services.recompute import recompute_all
from guanxi.analytics.services.rfm import (
    SEGMENT_GRID,
    quintile_cutoffs,
    quintile_scores,
    rfm_cutoffs,
    rfm_scores,
    segment_of,
)
from guanxi.analytics.tests.factories import give_back, history
from guanxi.testing.customers import make_account

AS_OF = date(2026, 6, 30)


def test_five_distinct_values_score_one_to_five():
    values = [30, 10, 50, 20, 40]
    assert quintile_cutoffs(values) == (10.0, 20.0, 30.0, 40.0)
    assert quintile_scores(values, quintile_cutoffs(values)).tolist() == [3, 1, 5, 2, 4]


def test_tied_values_share_the_lowest_score_of_their_group():
    orders = [1, 1, 1, 1, 1, 1, 2, 3, 4, 5]
    cuts = quintile_cutoffs(orders)
    assert cuts == (1.0, 1.0, 1.0, 3.0)
    assert quintile_scores(orders, cuts).tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]


def test_scores_do_not_depend_on_the_order_of_customers():
    values = [5, 3, 3, 9, 1, 3, 7]
    shuffled = [3, 7, 1, 9, 3, 5, 3]
    assert quintile_cutoffs(values) == quintile_cutoffs(shuffled)


def test_fewer_days_since_the_last_order_score_higher():
    cutoffs = rfm_cutoffs([1, 10, 20, 30, 40], [1, 1, 1, 1, 1], [1, 2, 3, 4, 5])
    assert cutoffs.recency_days == (40.0, 30.0, 20.0, 10.0)
    r, f, m = rfm_scores(cutoffs, [1, 10, 20, 30, 40], [1, 1, 1, 1, 1], [1, 2, 3, 4, 5])
    assert r.tolist() == [5, 4, 3, 2, 1]
    assert f.tolist() == [1, 1, 1, 1, 1]
    assert m.tolist() == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("r", "f", "segment"),
    [
        (5, 5, Segment.CHAMPIONS),
        (5, 4, Segment.CHAMPIONS),
        (4, 5, Segment.LOYAL),
        (3, 4, Segment.LOYAL),
        (5, 2, Segment.POTENTIAL_LOYALISTS),
        (4, 3, Segment.POTENTIAL_LOYALISTS),
        (5, 1, Segment.NEW_CUSTOMERS),
        (4, 1, Segment.PROMISING),
        (3, 3, Segment.NEED_ATTENTION),
        (3, 1, Segment.ABOUT_TO_SLEEP),
        (3, 2, Segment.ABOUT_TO_SLEEP),
        (2, 3, Segment.AT_RISK),
        (1, 4, Segment.AT_RISK),
        (1, 5, Segment.CANT_LOSE),
        (2, 5, Segment.CANT_LOSE),
        (2, 2, Segment.HIBERNATING),
        (1, 2, Segment.HIBERNATING),
        (1, 1, Segment.LOST),
    ],
)
def test_segment_of_r_and_f(r, f, segment):
    assert segment_of(r, f) == segment


def test_every_segment_is_reachable():
    assert {s for row in SEGMENT_GRID for s in row} == set(Segment)


def test_scores_outside_one_to_five_are_refused():
    with pytest.raises(ValueError):
        segment_of(0, 3)


@pytest.mark.django_db
def test_hand_built_histories_get_exact_scores_and_segments():
    # Given five customers, each a step less recent, frequent and valuable
    plan = {
        "A": ([5, 30, 60, 90, 120], 1000),
        "B": ([20, 50, 80, 110], 1000),
        "C": ([60, 100, 140], 1000),
        "D": ([200, 300], 1000),
        "E": ([400], 1000),
    }
    accounts = {}
    for name, (days, amount) in plan.items():
        accounts[name] = make_account(name=name)
        history(accounts[name], AS_OF, days, amount)

    # When everything is recomputed
    recompute_all(as_of=AS_OF)

    # Then
    scores = {s.account.name: s for s in CustomerScore.objects.select_related("account")}
    assert {
        n: (s.recency_score, s.frequency_score, s.monetary_score) for n, s in scores.items()
    } == {
        "A": (5, 5, 5),
        "B": (4, 4, 4),
        "C": (3, 3, 3),
        "D": (2, 2, 2),
        "E": (1, 1, 1),
    }
    assert {n: s.segment for n, s in scores.items()} == {
        "A": "champions",
        "B": "loyal",
        "C": "need_attention",
        "D": "hibernating",
        "E": "lost",
    }
    a = scores["A"]
    assert (a.orders_count, a.recency_days, a.total_spend) == (5, 5, Decimal("5000.00"))
    assert (a.first_order_date, a.last_order_date) == (date(2026, 3, 2), date(2026, 6, 25))
    # Fewer than 20 repeat buyers: no model, no predictions, and the run says why.
    assert a.p_alive is None and a.clv is None and a.model_fit is None
    assert "20" in a.rfm_fit.run.note


@pytest.mark.django_db
def test_a_return_lowers_net_spend_and_mean_repeat_purchase():
    account = make_account()
    first, second, third = history(account, AS_OF, [100, 50, 10], 1000)
    give_back(third, date(2026, 6, 25), 400)

    recompute_all(as_of=AS_OF)

    score = CustomerScore.objects.get(account=account)
    assert score.total_spend == Decimal("2600.00")
    assert score.monetary == Decimal("800.00")  # (1000 + 600) / 2 repeat purchases
    assert score.orders_count == 3
    assert score.frequency == 2


@pytest.mark.django_db
def test_only_confirmed_orders_up_to_the_day_count():
    account = make_account()
    history(account, AS_OF, [10], 500)
    history(account, AS_OF, [-5], 700)  # after the observation end
    from guanxi.analytics.tests.factories import buy

    buy(account, date(2026, 6, 1), 900, status="draft")

    recompute_all(as_of=AS_OF)

    score = CustomerScore.objects.get(account=account)
    assert (score.orders_count, score.total_spend) == (1, Decimal("500.00"))
