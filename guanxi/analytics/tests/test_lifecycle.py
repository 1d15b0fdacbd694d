"""Lifecycle stages on hand-built histories, transitions recorded only on change, and
the flow between stages per month."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from guanxi.analytics.models import CustomerClass, LifecycleTransition
from guanxi.analytics.selectors_classification import lifecycle_flow
from guanxi.analytics.services.classification import classify_customers
from guanxi.analytics.tests.factories import buy, history
from guanxi.testing.customers import make_account
from guanxi.testing.deals import make_deal
from guanxi.testing.users import make_user

AS_OF = date(2026, 6, 30)
pytestmark = pytest.mark.django_db


def stage(account):
    return CustomerClass.objects.get(account=account).stage


def test_each_stage_from_purchase_history_and_activity():
    potential = make_deal().account
    new = make_account(name="New")
    buy(new, AS_OF - timedelta(days=30), 100)
    growth_young = make_account(name="Young")
    history(growth_young, AS_OF, [20, 150, 300], 100)
    growth_rising = make_account(name="Rising")
    history(growth_rising, AS_OF, [20, 100, 200, 500, 900], 1000)  # 3,000 vs 1,000
    mature = make_account(name="Mature")
    history(mature, AS_OF, [30, 200, 400, 600, 900], 1000)  # 2,000 vs 2,000
    dropping = make_account(name="Dropping")
    history(dropping, AS_OF, [30, 400, 500, 600, 900], 1000)  # 1,000 vs 3,000
    silent = make_account(name="Silent")
    history(silent, AS_OF, [200, 400, 900], 1000)  # 200 days without an order
    churned = make_account(name="Churned")
    history(churned, AS_OF, [366, 900], 1000)

    classify_customers(as_of=AS_OF)

    assert stage(potential) == "potential"
    assert stage(new) == "new"
    assert stage(growth_young) == "growth"
    assert stage(growth_rising) == "growth"
    assert stage(mature) == "mature"
    assert stage(dropping) == "decline"
    assert stage(silent) == "decline"
    assert stage(churned) == "churned"
    reason = LifecycleTransition.objects.get(account=dropping).reason
    assert (reason["code"], reason["growth"]) == ("drop", round(1000 / 3000 - 1, 4))


def test_transitions_are_recorded_only_when_the_stage_changes():
    customer = make_account()
    buy(customer, AS_OF - timedelta(days=30), 100)
    classify_customers(as_of=AS_OF)
    classify_customers(as_of=AS_OF)  # nothing changed: no second row
    assert list(LifecycleTransition.objects.values_list("from_stage", "to_stage")) == [("", "new")]

    later = AS_OF + timedelta(days=100)  # tenure 130 days: growth
    classify_customers(as_of=later)
    classify_customers(as_of=later, account_ids=[customer.pk])

    rows = list(
        LifecycleTransition.objects.order_by("date").values_list("from_stage", "to_stage", "date")
    )
    assert rows == [("", "new", AS_OF), ("new", "growth", later)]
    row = CustomerClass.objects.get(account=customer)
    assert (row.stage, row.stage_since) == ("growth", later)


def test_stage_since_stays_while_the_stage_stays():
    customer = make_account()
    buy(customer, AS_OF - timedelta(days=10), 100)
    classify_customers(as_of=AS_OF)
    classify_customers(as_of=AS_OF + timedelta(days=5))

    assert CustomerClass.objects.get(account=customer).stage_since == AS_OF


def test_the_flow_counts_moves_per_month():
    a, b, c = (make_account(name=n) for n in "ABC")
    for account in (a, b, c):
        buy(account, date(2026, 1, 20), 100)
    classify_customers(as_of=date(2026, 1, 31))  # three new
    classify_customers(as_of=date(2026, 5, 31))  # three into growth
    buy(c, date(2026, 6, 1), 100)
    history(a, date(2026, 6, 10), [0], 100)
    classify_customers(as_of=date(2027, 3, 1))  # b silent 405 days: churned; a, c decline

    flow = lifecycle_flow(make_user(role="analyst"), months=12, as_of=date(2027, 3, 15))

    by_month = {m.month: m for m in flow.months}
    assert by_month[date(2026, 5, 1)].entered == {"growth": 3}
    assert by_month[date(2026, 5, 1)].moves == [("new", "growth", 3)]
    assert by_month[date(2027, 3, 1)].entered == {"churned": 1, "decline": 2}
    assert flow.matrix["growth"] == {"churned": 1, "decline": 2}
    assert date(2026, 1, 1) not in by_month  # outside the 12 months
    assert flow.current == {"churned": 1, "decline": 2}


def test_the_flow_page_and_the_account_history(client):
    customer = make_account(name="Flow Ltd")
    buy(customer, date.today() - timedelta(days=3), 100)
    classify_customers()
    client.force_login(make_user(role="analyst"))

    page = client.get(reverse("analytics:lifecycle_flow"))
    history_page = client.get(reverse("analytics:account_lifecycle", args=[customer.pk]))

    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    assert page.context["flow"].months[-1].entered == {"new": 1}
    month = page.context["flow"].months[-1].month.strftime("%Y-%m")
    assert f"<title>{month} · New: 1</title>" in page.content.decode()  # the month's bar
    assert history_page.status_code == 200
    assert len(history_page.context["transitions"]) == 1
    assert "First order 3 days ago" in history_page.content.decode()
