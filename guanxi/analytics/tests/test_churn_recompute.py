"""The recompute pipeline refreshes churn and associations (full runs: everyone and the
associations; incremental runs: just the changed customers' risk), and the work is in
bulk: the number of queries does not grow with the number of customers."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.analytics.models import AssociationRefresh, ChurnRisk, ProductAssociation
from guanxi.analytics.services.churn import refresh_churn
from guanxi.analytics.services.cross_sell import refresh_associations
from guanxi.analytics.services.cross_sell_suggest import suggestions_for_account
from guanxi.analytics.services.recompute import recompute_accounts, recompute_all
from guanxi.analytics.tests.factories import basket, buy, history, stored_score
from guanxi.testing.customers import make_account
from guanxi.testing.quotes import make_product
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_user

AS_OF = date(2026, 6, 30)
pytestmark = pytest.mark.django_db


def test_a_full_recompute_refreshes_risks_and_associations(settings):
    settings.ANALYTICS_CROSS_SELL = {"min_support": 0, "min_pair_buyers": 1}
    alpha, beta = make_product(name="Alpha"), make_product(name="Beta")
    accounts = [make_account() for _ in range(3)]
    for account in accounts:
        basket(account, AS_OF - timedelta(days=40), [alpha, beta])

    recompute_all(as_of=AS_OF)

    assert set(ChurnRisk.objects.values_list("account_id", flat=True)) == {a.pk for a in accounts}
    assert ProductAssociation.objects.count() == 2
    assert AssociationRefresh.objects.count() == 1


def test_an_incremental_recompute_rescores_just_the_changed_customer():
    changed, untouched = make_account(), make_account()
    history(changed, AS_OF, [40, 300], 100)
    history(untouched, AS_OF, [40, 300], 100)
    recompute_all(as_of=AS_OF)
    before = dict(ChurnRisk.objects.values_list("account_id", "computed_at"))
    make_ticket(account=changed)

    recompute_accounts([changed.pk], as_of=AS_OF)

    after = dict(ChurnRisk.objects.values_list("account_id", "computed_at"))
    assert after[untouched.pk] == before[untouched.pk]
    assert after[changed.pk] > before[changed.pk]
    tickets = {f["factor"]: f for f in ChurnRisk.objects.get(account=changed).factors}["tickets"]
    assert tickets["open_tickets"] == 1
    assert AssociationRefresh.objects.count() == 1  # incremental runs leave them alone


def _customers(n, owner=None):
    accounts = []
    for _ in range(n):
        account = make_account(**({"owner": owner} if owner else {}))
        stored_score(account, AS_OF, p_alive=0.5, clv=100)
        buy(account, AS_OF - timedelta(days=20), 100)
        make_ticket(account=account)
        accounts.append(account)
    return accounts


def _queries(action):
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def test_refreshing_risks_takes_the_same_queries_for_more_customers():
    _customers(3)
    refresh_churn(as_of=AS_OF)
    few = _queries(lambda: refresh_churn(as_of=AS_OF))
    _customers(6)
    refresh_churn(as_of=AS_OF)

    assert _queries(lambda: refresh_churn(as_of=AS_OF)) == few


def test_refreshing_associations_takes_the_same_queries_for_more_customers(settings):
    settings.ANALYTICS_CROSS_SELL = {"min_support": 0, "min_pair_buyers": 1}
    products = [make_product() for _ in range(3)]
    for _ in range(3):
        basket(make_account(), AS_OF - timedelta(days=5), products)
    few = _queries(lambda: refresh_associations(as_of=AS_OF))
    for _ in range(9):
        basket(make_account(), AS_OF - timedelta(days=5), products)

    assert _queries(lambda: refresh_associations(as_of=AS_OF)) == few


def test_suggestions_take_the_same_queries_for_more_customers(settings):
    settings.ANALYTICS_CROSS_SELL = {"min_support": 0, "min_pair_buyers": 1}
    products = [make_product(category="Kit") for _ in range(4)]
    mine = make_account()
    basket(mine, AS_OF - timedelta(days=5), products[:1])
    basket(make_account(), AS_OF - timedelta(days=5), products, price=200)
    refresh_associations(as_of=AS_OF)
    few = _queries(lambda: suggestions_for_account(mine))
    for _ in range(6):
        basket(make_account(), AS_OF - timedelta(days=5), products, price=300)
    refresh_associations(as_of=AS_OF)

    assert _queries(lambda: suggestions_for_account(mine)) == few


def test_the_at_risk_page_takes_the_same_queries_for_more_rows(client, settings):
    settings.ANALYTICS_CHURN = {"medium_threshold": 0.1}
    analyst = make_user(role="analyst")
    client.force_login(analyst)
    _customers(2)
    refresh_churn(as_of=AS_OF)
    url = reverse("analytics:at_risk_list")
    client.get(url)
    few = _queries(lambda: client.get(url))
    _customers(5)
    refresh_churn(as_of=AS_OF)

    assert _queries(lambda: client.get(url)) == few
