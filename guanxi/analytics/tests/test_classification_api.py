"""Classes in the API and on the account page: reasons, filters, who sees what."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from guanxi.analytics.models import ClassificationRules
from guanxi.analytics.services.classification import classify_customers
from guanxi.analytics.tests.factories import history
from guanxi.testing.customers import make_account
from guanxi.testing.deals import make_deal
from guanxi.testing.users import make_user, team_trio

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def customers():
    reps = team_trio("sales_rep")
    accounts = {}
    for name, days in (("owner", [10, 40, 70, 100]), ("teammate", [10]), ("outsider", [400])):
        accounts[name] = make_account(name=f"{name} Ltd", owner=getattr(reps, name))
        history(accounts[name], TODAY, days, 30000)
    classify_customers()
    return reps, accounts


def _names(body):
    return sorted(item["account"]["name"] for item in body["items"])


def test_an_accounts_classes_come_with_the_reasons(api_as, customers):
    reps, accounts = customers

    body = api_as(reps.owner)("GET", f"/api/v1/accounts/{accounts['owner'].pk}/classes").json()

    assert (body["purchase"], body["value"], body["stage"], body["is_key_account"]) == (
        "regular",
        "high",
        "growth",
        True,
    )
    explained = {e["dimension"]: e for e in body["explained"]}
    assert explained["purchase"]["reason"] == "4 orders in the last 12 months, rule: ≥ 4."
    assert body["rules_version"] == 1
    assert body["key_reasons_text"][0].startswith("High value: net value")
    assert body["stage_reason"] == "Customer for 100 days, rule: less than 730 days."


def test_a_rep_sees_only_their_own_customers_classes(api_as, customers):
    reps, accounts = customers
    call = api_as(reps.owner)

    assert _names(call("GET", "/api/v1/analytics/classes").json()) == ["owner Ltd"]
    refused = call("GET", f"/api/v1/accounts/{accounts['outsider'].pk}/classes")
    assert refused.status_code == 404
    assert call("GET", f"/api/v1/accounts/{accounts['outsider'].pk}/lifecycle").json() == []


def test_an_analyst_sees_and_filters_everyone(api_as, customers):
    _, accounts = customers
    call = api_as(make_user(role="analyst"))

    assert len(call("GET", "/api/v1/analytics/classes").json()["items"]) == 3
    assert _names(call("GET", "/api/v1/analytics/classes", purchase="lost").json()) == [
        "outsider Ltd"
    ]
    assert _names(call("GET", "/api/v1/analytics/classes", stage="new").json()) == ["teammate Ltd"]
    assert call("GET", "/api/v1/analytics/classes", stage="unknown").json()["items"] == []
    assert _names(call("GET", "/api/v1/analytics/key-accounts").json()) == ["owner Ltd"]
    lifecycle = call("GET", f"/api/v1/accounts/{accounts['outsider'].pk}/lifecycle").json()
    assert [(t["from_stage"], t["to_stage"]) for t in lifecycle] == [("", "churned")]
    assert lifecycle[0]["reason_text"] == "Last order 400 days ago, rule: more than 365 days."
    flow = call("GET", "/api/v1/analytics/lifecycle/flow", months=3).json()
    assert flow["current"] == {"growth": 1, "new": 1, "churned": 1}
    assert flow["months"][-1]["entered"] == {"growth": 1, "new": 1, "churned": 1}


def test_rules_api_preview_saves_nothing_and_put_saves_a_version(api_as, customers):
    admin = api_as(make_user(role="administrator"))

    preview = admin(
        "POST", "/api/v1/analytics/classification/rules/preview", {"regular_min_orders": 1}
    ).json()
    assert preview["changed"]["purchase"] == 1  # the teammate's one order: now regular
    assert ClassificationRules.objects.count() == 1

    bad = admin("PUT", "/api/v1/analytics/classification/rules", {"new_days": 9999})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.new_days"

    saved = admin("PUT", "/api/v1/analytics/classification/rules", {"regular_min_orders": 1})
    assert saved.status_code == 200
    assert (saved.json()["version"], saved.json()["rules"]["regular_min_orders"]) == (2, 1)
    got = api_as(make_user(role="analyst"))("GET", "/api/v1/analytics/classification/rules")
    assert got.json()["version"] == 2


def test_the_account_page_explains_the_classes(client, customers):
    reps, accounts = customers
    client.force_login(reps.owner)

    html = client.get(reverse("customers:account_detail", args=[accounts["owner"].pk])).content
    html = html.decode()

    assert 'data-testid="customer-classes"' in html
    assert "4 orders in the last 12 months, rule: ≥ 4." in html
    assert 'data-testid="class-key"' in html
    assert "since " + TODAY.isoformat() in html


def test_a_potential_customer_is_explained_on_the_page_without_a_score(client):
    deal = make_deal()
    classify_customers()
    client.force_login(deal.owner)

    html = client.get(reverse("customers:account_detail", args=[deal.account.pk])).content
    html = html.decode()

    assert "Never bought; interest shown: 0 leads, 1 deals, 0 activities." in html


def test_the_class_list_filters_by_class_and_key_flag(client, customers):
    client.force_login(make_user(role="analyst"))

    lost = client.get(reverse("analytics:class_list"), {"purchase": "lost"})
    key = client.get(reverse("analytics:class_list"), {"key": "yes"})

    assert [r.account.name for r in lost.context["object_list"]] == ["outsider Ltd"]
    assert [r.account.name for r in key.context["object_list"]] == ["owner Ltd"]
    assert (TODAY - timedelta(days=0)).isoformat() in lost.content.decode()
