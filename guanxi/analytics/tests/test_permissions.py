"""Scores follow the account: a rep sees only their own customers' scores, a manager
their team's, an analyst everyone's — in the API and on the page."""

from datetime import date

import pytest
from django.urls import reverse

from guanxi.analytics.services.recompute import recompute_all
from guanxi.analytics.tests.factories import history
from guanxi.core.services.trash import trash_record
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_user, team_trio

AS_OF = date(2026, 6, 30)
pytestmark = pytest.mark.django_db


@pytest.fixture
def customers():
    """Each rep of a team trio owns one customer with orders; all are scored."""
    reps = team_trio("sales_rep")
    accounts = {}
    for name in ("owner", "teammate", "outsider"):
        accounts[name] = make_account(name=f"{name} Ltd", owner=getattr(reps, name))
        history(accounts[name], AS_OF, [10, 40], 500)
    recompute_all(as_of=AS_OF)
    return reps, accounts


def _names(response):
    return sorted(item["account"]["name"] for item in response.json()["items"])


def test_a_rep_lists_only_their_own_customers_scores(api_as, customers):
    reps, accounts = customers
    call = api_as(reps.owner)

    assert _names(call("GET", "/api/v1/analytics/customers")) == ["owner Ltd"]
    assert call("GET", f"/api/v1/accounts/{accounts['owner'].pk}/score").status_code == 200
    refused = call("GET", f"/api/v1/accounts/{accounts['teammate'].pk}/score")
    assert refused.status_code == 404


def test_an_analyst_sees_every_score(api_as, customers):
    _, accounts = customers
    call = api_as(make_user(role="analyst"))

    assert _names(call("GET", "/api/v1/analytics/customers")) == [
        "outsider Ltd",
        "owner Ltd",
        "teammate Ltd",
    ]
    body = call("GET", f"/api/v1/accounts/{accounts['outsider'].pk}/score").json()
    assert (body["orders_count"], body["recency_days"], body["total_spend"]) == (2, 10, "1000.00")


def test_a_manager_sees_their_teams_customers(api_as, customers):
    reps, _ = customers
    manager = make_user(role="sales_manager")
    reps.team.memberships.create(user=manager, is_manager=True)

    assert _names(api_as(manager)("GET", "/api/v1/analytics/customers")) == [
        "owner Ltd",
        "teammate Ltd",
    ]


def test_a_trashed_accounts_score_is_hidden(api_as, customers):
    _, accounts = customers
    analyst = make_user(role="analyst")
    trash_record(actor=make_user(role="administrator"), obj=accounts["owner"])

    response = api_as(analyst)("GET", f"/api/v1/accounts/{accounts['owner'].pk}/score")

    assert response.status_code == 404


def test_the_page_lists_a_reps_own_customers_only(client, customers):
    reps, _ = customers
    client.force_login(reps.owner)

    response = client.get(reverse("analytics:score_list"))

    assert [s.account.name for s in response.context["object_list"]] == ["owner Ltd"]


def test_the_page_lists_everyone_for_an_analyst(client, customers):
    client.force_login(make_user(role="analyst"))

    response = client.get(reverse("analytics:score_list"))

    assert len(response.context["object_list"]) == 3


def test_a_rep_may_not_recompute_and_nothing_is_queued(api_as, customers):
    from guanxi.analytics.models import RecomputeRun

    reps, _ = customers
    before = RecomputeRun.objects.count()

    response = api_as(reps.owner)("POST", "/api/v1/analytics/recompute")

    assert response.status_code == 403
    assert RecomputeRun.objects.count() == before
