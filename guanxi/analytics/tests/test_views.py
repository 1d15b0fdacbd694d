"""The account card's explanation, the scores list (filters, sort, constant queries)
and the models page with its recompute button."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.analytics.services.recompute import recompute_all
from guanxi.analytics.tests.factories import history, population
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_user

AS_OF = date(2026, 6, 30)
pytestmark = pytest.mark.django_db


def test_the_account_page_explains_the_scores(client):
    # Given a customer who bought more recently, more often and more than four others
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    history(account, AS_OF, [23, 60, 90], 1000)
    for days in (100, 200, 300, 400):
        history(make_account(), AS_OF, [days], 1000)
    recompute_all(as_of=AS_OF)
    client.force_login(rep)

    # When its owner opens the account
    html = client.get(reverse("customers:account_detail", args=[account.pk])).content.decode()

    # Then the card explains the scores with the numbers behind them
    assert 'data-testid="customer-score"' in html
    assert "Champions" in html and "Bought recently and often" in html
    assert "Last order 23 days ago (2026-06-07) → R 5" in html
    assert "3 orders → F 5" in html
    assert "3,000.00 net of returns → M 5" in html
    assert "at least 20" in html  # no model yet: the card says why
    assert "Computed " in html and "from the orders up to 2026-06-30" in html


def test_the_account_card_shows_predictions_when_a_model_is_fitted(client):
    analyst = make_user(role="analyst")
    accounts = population(AS_OF)
    recompute_all(as_of=AS_OF)
    client.force_login(analyst)

    html = client.get(reverse("customers:account_detail", args=[accounts[0].pk])).content.decode()

    assert 'data-testid="score-p-alive"' in html
    assert 'data-testid="score-clv"' in html
    assert "purchases expected" in html


def test_an_account_without_orders_has_no_scores_yet(client):
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    client.force_login(rep)

    html = client.get(reverse("customers:account_detail", args=[account.pk])).content.decode()

    assert "No scores yet" in html


def test_the_list_filters_by_segment_and_minimum_lifetime_value(client):
    accounts = population(AS_OF)
    recompute_all(as_of=AS_OF)
    client.force_login(make_user(role="analyst"))
    from guanxi.analytics.models import CustomerScore

    segment = CustomerScore.objects.values_list("segment", flat=True).first()
    by_segment = client.get(reverse("analytics:score_list"), {"segment": segment})
    rich = client.get(reverse("analytics:score_list"), {"min_clv": "1000", "sort": "-clv"})

    assert {s.segment for s in by_segment.context["object_list"]} == {segment}
    clvs = [s.clv for s in rich.context["object_list"]]
    assert clvs == sorted(clvs, reverse=True) and all(v >= 1000 for v in clvs)
    assert len(accounts) == 40


def test_the_list_reads_a_constant_number_of_queries(client):
    analyst = make_user(role="analyst")
    population(AS_OF, customers=5)
    recompute_all(as_of=AS_OF)
    client.force_login(analyst)
    url = reverse("analytics:score_list")
    client.get(url)  # warm caches (grants, base currency)
    with CaptureQueriesContext(connection) as few:
        client.get(url)

    population(AS_OF, customers=20, seed=8)
    recompute_all(as_of=AS_OF)
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)


def test_the_models_page_shows_the_fit_and_the_recompute_button(client):
    population(AS_OF)
    recompute_all(as_of=AS_OF)
    client.force_login(make_user(role="analyst"))

    html = client.get(reverse("analytics:model_list")).content.decode()

    assert 'data-testid="fit-bgnbd"' in html and "Log-likelihood" in html
    assert 'data-testid="recompute-now"' in html


def test_the_recompute_button_queues_a_run(client, django_capture_on_commit_callbacks):
    from guanxi.analytics.models import RecomputeRun

    population(AS_OF, customers=3)
    client.force_login(make_user(role="administrator"))

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("analytics:recompute"))

    assert response.status_code == 302
    assert RecomputeRun.objects.get().status == "queued"


def test_the_models_page_says_why_there_is_no_model(client):
    client.force_login(make_user(role="analyst"))
    assert "Nothing computed yet" in client.get(reverse("analytics:model_list")).content.decode()

    history(make_account(), AS_OF, [10, 20], 100)
    recompute_all(as_of=AS_OF)
    html = client.get(reverse("analytics:model_list")).content.decode()

    assert "1 customer bought more than once" in html
    assert 'data-testid="fit-rfm"' in html
