"""Recompute: one changed order rescores exactly that customer, and the incremental
result equals a full recompute with the same fits."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone

from guanxi.analytics.choices import RunStatus
from guanxi.analytics.models import CustomerScore, RecomputeRun
from guanxi.analytics.services.recompute import (
    recompute_accounts,
    recompute_all,
    recompute_changed,
    request_recompute,
)
from guanxi.analytics.tests.factories import buy, give_back, population
from guanxi.core.models import AuditEntry
from guanxi.sales.models import Order
from guanxi.testing.users import make_user

AS_OF = date(2026, 6, 30)
pytestmark = pytest.mark.django_db
COMPARED = [
    "recency_score",
    "frequency_score",
    "monetary_score",
    "segment",
    "orders_count",
    "first_order_date",
    "last_order_date",
    "recency_days",
    "total_spend",
    "frequency",
    "recency",
    "age",
    "monetary",
    "p_alive",
    "expected_purchases",
    "expected_spend",
    "predicted_value",
    "clv",
    "rfm_fit",
    "model_fit",
    "spend_fit",
]


def _rows():
    return {
        row.account_id: (model_to_dict(row, fields=COMPARED), row.computed_at)
        for row in CustomerScore.objects.all()
    }


def test_one_changed_order_recomputes_exactly_that_customer():
    # Given scored customers
    accounts = population(AS_OF)
    recompute_all(as_of=AS_OF)
    before = _rows()
    since = timezone.now()

    # When one customer places another order
    changed = accounts[3]
    buy(changed, AS_OF - timedelta(days=2), 750)
    result = recompute_changed(since=since, as_of=AS_OF)

    # Then exactly that customer is rescored
    assert result.account_ids == [changed.pk]
    after = _rows()
    assert {pk for pk in after if after[pk][1] != before[pk][1]} == {changed.pk}
    assert after[changed.pk][0]["orders_count"] == before[changed.pk][0]["orders_count"] + 1
    assert after[changed.pk][0]["recency_days"] == 2

    # and a full recompute with the same fits gives that customer the same row
    recompute_all(as_of=AS_OF, refit=False)
    assert _rows()[changed.pk][0] == after[changed.pk][0]


def test_nothing_changed_runs_nothing():
    population(AS_OF, customers=3)
    recompute_all(as_of=AS_OF)
    runs = RecomputeRun.objects.count()

    result = recompute_changed(as_of=AS_OF)

    assert (result.run, result.account_ids) == (None, [])
    assert RecomputeRun.objects.count() == runs


def test_a_return_is_a_change_too():
    accounts = population(AS_OF, customers=3)
    recompute_all(as_of=AS_OF)
    since = timezone.now()
    order = Order.objects.filter(account=accounts[1]).first()
    give_back(order, AS_OF, 50)

    assert recompute_changed(since=since, as_of=AS_OF).account_ids == [accounts[1].pk]


def test_a_customer_without_orders_any_more_loses_the_row():
    accounts = population(AS_OF, customers=3)
    recompute_all(as_of=AS_OF)
    Order.objects.filter(account=accounts[0]).update(status="cancelled")

    result = recompute_accounts([accounts[0].pk], as_of=AS_OF)

    assert result.removed == 1
    assert not CustomerScore.objects.filter(account=accounts[0]).exists()
    assert CustomerScore.objects.count() == 2


def test_full_recompute_reports_progress_and_records_the_run():
    population(AS_OF, customers=5)
    calls = []

    result = recompute_all(as_of=AS_OF, progress=lambda done, total: calls.append((done, total)))

    assert calls == [(5, 5)]
    run = RecomputeRun.objects.get(pk=result.run.pk)
    assert (run.status, run.customers_done, run.customers_total) == (RunStatus.DONE, 5, 5)


def test_requesting_a_recompute_twice_queues_one_run(django_capture_on_commit_callbacks):
    population(AS_OF, customers=5)
    analyst = make_user(role="analyst")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = request_recompute(actor=analyst)
        second = request_recompute(actor=analyst)

    assert first == second and len(callbacks) == 1
    assert RecomputeRun.objects.get().status == RunStatus.QUEUED
    entry = AuditEntry.objects.get(object_type="analytics.recomputerun")
    assert (entry.event, entry.object_id, entry.actor) == ("create", str(first.pk), analyst)


def test_the_queued_run_is_carried_out_by_the_task(django_capture_on_commit_callbacks):
    population(AS_OF, customers=5)

    with django_capture_on_commit_callbacks(execute=True):
        run = request_recompute(actor=make_user(role="administrator"))

    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert CustomerScore.objects.count() == 5


def test_the_command_recomputes_everyone():
    population(AS_OF, customers=4)
    call_command("recompute_analytics", stdout=StringIO())
    assert CustomerScore.objects.count() == 4
