"""Churn risk: each factor moves the risk the right way, the explanation lists every
factor's contribution, levels and settings."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from guanxi.analytics.models import ChurnRisk
from guanxi.analytics.services.churn import refresh_churn, risk_factors
from guanxi.analytics.services.churn_config import churn_config
from guanxi.analytics.services.churn_explain import describe
from guanxi.analytics.tests.factories import buy, low_answer, stored_score
from guanxi.testing.customers import make_account
from guanxi.testing.service import make_ticket

AS_OF = date(2026, 6, 30)
pytestmark = pytest.mark.django_db


def _risk(**inputs):
    values = {"p_alive": 0.9, "recent": 2, "earlier": 2, "open_tickets": 0, "low_answers": 0}
    values.update(inputs)
    return risk_factors(churn_config(), **values)[0]


def test_a_lower_p_alive_raises_the_risk():
    assert _risk(p_alive=0.2) > _risk(p_alive=0.5) > _risk(p_alive=0.9)


def test_fewer_recent_orders_than_before_raise_the_risk():
    assert _risk(recent=0, earlier=4) > _risk(recent=2, earlier=4) > _risk(recent=4, earlier=4)
    # Buying more than before is no risk, and a customer with no earlier orders has no
    # trend yet.
    assert _risk(recent=6, earlier=2) == _risk(recent=2, earlier=2) == _risk(recent=0, earlier=0)


def test_open_tickets_raise_the_risk_up_to_a_cap():
    assert _risk(open_tickets=0) < _risk(open_tickets=1) < _risk(open_tickets=3)
    assert _risk(open_tickets=3) == _risk(open_tickets=10)


def test_low_satisfaction_raises_the_risk():
    assert _risk(low_answers=0) < _risk(low_answers=1) < _risk(low_answers=2)


def test_the_default_weights_give_these_contributions():
    risk, factors = risk_factors(
        churn_config(), p_alive=0.31, recent=1, earlier=4, open_tickets=2, low_answers=1
    )
    contributions = {f["factor"]: f["contribution"] for f in factors}
    assert contributions == {"p_alive": 0.345, "trend": 0.15, "tickets": 0.1, "satisfaction": 0.075}
    assert risk == pytest.approx(0.67)


def test_without_a_model_p_alive_adds_nothing_and_says_so():
    risk, factors = risk_factors(
        churn_config(), p_alive=None, recent=0, earlier=0, open_tickets=0, low_answers=0
    )
    assert risk == 0
    with translation.override("en"):
        assert "not available" in describe(factors)[0]


def test_the_explanation_lists_each_factor_with_its_contribution():
    _, factors = risk_factors(
        churn_config(), p_alive=0.31, recent=1, earlier=4, open_tickets=2, low_answers=1
    )
    with translation.override("en"):
        assert describe(factors) == [
            "P(alive) 0.31 → +0.34",
            "Orders in the last 180 days: 1, in the 180 days before: 4 → +0.15",
            "Open tickets: 2 → +0.10",
            "Low satisfaction answers in the last 365 days: 1 → +0.07",
        ]


def test_weights_and_thresholds_come_from_the_settings(settings):
    settings.ANALYTICS_CHURN = {"weights": {"tickets": 0.5}, "alert_threshold": 0.5}
    config = churn_config()
    assert config.weights["tickets"] == 0.5 and config.weights["p_alive"] == 0.5
    assert config.level(0.5) == "high" and config.level(0.45) == "medium"
    assert config.level(0.1) == "low"


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ({"alert_threshold": 1.5}, "alert_threshold"),
        ({"weights": {"p_alive": -1}}, "p_alive"),
        ({"weights": {"mood": 1}}, "weights"),
        ({"medium_threshold": 0.9, "alert_threshold": 0.5}, "medium_threshold"),
        ({"window_days": "x"}, "window_days"),
        ({"colour": 1}, "colour"),
    ],
)
def test_bad_settings_name_the_key(settings, value, key):
    settings.ANALYTICS_CHURN = value
    with pytest.raises(ImproperlyConfigured, match=key):
        churn_config()


def test_refresh_reads_every_input_from_the_database():
    quiet, troubled = make_account(), make_account()
    for account in (quiet, troubled):
        stored_score(account, AS_OF, p_alive=0.9, clv=1000)
        for days in (200, 250, 300):
            buy(account, AS_OF - timedelta(days=days), 100)
    buy(quiet, AS_OF - timedelta(days=10), 100)
    make_ticket(account=troubled)
    solved = make_ticket(account=troubled)
    type(solved).objects.filter(pk=solved.pk).update(status="solved")
    low_answer(troubled, kind="nps", score=3)
    low_answer(troubled, kind="csat", score=5)  # a good answer does not count

    refresh_churn(as_of=AS_OF)

    risks = {r.account_id: r for r in ChurnRisk.objects.all()}
    factors = {f["factor"]: f for f in risks[troubled.pk].factors}
    assert factors["tickets"]["open_tickets"] == 1
    assert factors["satisfaction"]["low_answers"] == 1
    assert (factors["trend"]["recent"], factors["trend"]["earlier"]) == (0, 3)
    assert {f["factor"]: f for f in risks[quiet.pk].factors}["trend"]["recent"] == 1
    assert risks[troubled.pk].risk > risks[quiet.pk].risk
    # Value at stake: lifetime value × risk.
    assert float(risks[troubled.pk].value_at_stake) == pytest.approx(
        1000 * risks[troubled.pk].risk, abs=0.01
    )


def test_a_customer_without_a_score_loses_the_risk():
    account = make_account()
    score = stored_score(account, AS_OF, p_alive=0.5)
    refresh_churn(as_of=AS_OF)
    assert ChurnRisk.objects.filter(account=account).exists()

    score.delete()
    refresh_churn(as_of=AS_OF, account_ids=[account.pk])

    assert not ChurnRisk.objects.filter(account=account).exists()
