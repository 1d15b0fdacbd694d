"""Crossing the alert threshold upward alerts the owner once — a task, a notification
and the ``customer_at_risk`` signal — not again while above, again after a new
crossing; every crossing is recorded."""

from datetime import date

import pytest

from guanxi.analytics.models import ChurnCrossing, ChurnRisk
from guanxi.analytics.services.churn import refresh_churn
from guanxi.analytics.signals import customer_at_risk
from guanxi.analytics.tests.factories import stored_score
from guanxi.core.models import Notification
from guanxi.customers.models import Activity
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_user

AS_OF = date(2026, 6, 30)
pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    events = []

    def listener(sender, **kwargs):
        events.append(kwargs)

    customer_at_risk.connect(listener)
    yield events
    customer_at_risk.disconnect(listener)


def _run(account, p_alive):
    stored_score(account, AS_OF, p_alive=p_alive, clv=500)
    return refresh_churn(as_of=AS_OF)


def test_a_rise_above_the_threshold_alerts_the_owner_once(received, settings):
    settings.ANALYTICS_CHURN = {"alert_threshold": 0.4}
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep, name="Dragon Trading")

    first = _run(account, 0.9)  # risk 0.05: below
    assert first.rises == [] and received == []

    second = _run(account, 0.1)  # risk 0.45: crosses
    assert second.rises == [account.pk]
    task = Activity.objects.get(kind="task", accounts=account)
    assert task.assignee == rep and task.owner == rep and task.status == "open"
    assert "Dragon Trading" in task.subject
    assert "P(alive) 0.10" in task.body
    note = Notification.objects.get(recipient=rep, kind="analytics.churn_risk")
    assert "Dragon Trading" in note.title and note.url == account.get_absolute_url()
    assert len(received) == 1
    event = received[0]
    assert event["account"] == account and event["task"] == task
    assert event["risk"].risk == pytest.approx(0.45) and event["crossing"].direction == "up"
    risk = ChurnRisk.objects.get(account=account)
    assert risk.above_threshold and risk.level == "high" and risk.crossed_at is not None

    # Still above on the next runs: no second alert.
    _run(account, 0.05)
    _run(account, 0.1)
    assert Activity.objects.filter(kind="task", accounts=account).count() == 1
    assert Notification.objects.filter(kind="analytics.churn_risk").count() == 1
    assert len(received) == 1

    # Falls below, then crosses again: a new alert.
    fell = _run(account, 0.9)
    assert fell.falls == [account.pk] and not ChurnRisk.objects.get(account=account).above_threshold
    _run(account, 0.1)
    assert Activity.objects.filter(kind="task", accounts=account).count() == 2
    assert Notification.objects.filter(kind="analytics.churn_risk").count() == 2
    assert len(received) == 2

    history = list(ChurnCrossing.objects.filter(account=account).order_by("pk"))
    assert [c.direction for c in history] == ["up", "down", "up"]
    assert history[0].task == task and history[1].task is None
    assert history[0].threshold == 0.4 and history[0].factors[0]["factor"] == "p_alive"


def test_a_first_risk_already_above_the_threshold_raises_no_alert(received, settings):
    settings.ANALYTICS_CHURN = {"alert_threshold": 0.4}
    account = make_account()

    result = _run(account, 0.05)

    assert result.rises == [] and received == []
    assert ChurnRisk.objects.get(account=account).above_threshold
    assert not Activity.objects.filter(kind="task").exists()


def test_an_incremental_run_alerts_only_its_customers(received, settings):
    settings.ANALYTICS_CHURN = {"alert_threshold": 0.4}
    watched, other = make_account(), make_account()
    stored_score(watched, AS_OF, p_alive=0.9)
    stored_score(other, AS_OF, p_alive=0.9)
    refresh_churn(as_of=AS_OF)
    stored_score(watched, AS_OF, p_alive=0.1)
    stored_score(other, AS_OF, p_alive=0.1)

    result = refresh_churn(as_of=AS_OF, account_ids=[watched.pk])

    assert result.rises == [watched.pk]
    assert [event["account"] for event in received] == [watched]
    assert not ChurnRisk.objects.get(account=other).above_threshold


def test_an_inactive_owner_gets_no_task_but_the_signal_still_goes(received, settings):
    settings.ANALYTICS_CHURN = {"alert_threshold": 0.4}
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    _run(account, 0.9)
    type(rep).objects.filter(pk=rep.pk).update(is_active=False)

    _run(account, 0.1)

    assert not Activity.objects.filter(kind="task").exists()
    assert not Notification.objects.filter(kind="analytics.churn_risk").exists()
    assert len(received) == 1 and received[0]["task"] is None
    assert ChurnCrossing.objects.get(account=account, direction="up").task is None


def test_a_failing_receiver_does_not_undo_the_alert(settings):
    settings.ANALYTICS_CHURN = {"alert_threshold": 0.4}
    account = make_account(owner=make_user(role="sales_rep"))
    _run(account, 0.9)

    def broken(sender, **kwargs):
        raise RuntimeError("automation is down")

    customer_at_risk.connect(broken)
    try:
        result = _run(account, 0.1)
    finally:
        customer_at_risk.disconnect(broken)

    assert result.rises == [account.pk]
    assert Activity.objects.filter(kind="task", accounts=account).count() == 1
    assert ChurnCrossing.objects.filter(account=account, direction="up").count() == 1
