"""The deals API: CRUD, errors naming the field, keyset pages, move, board, a deal's
activities and timeline; constant query counts."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.core.services.tokens import create_token
from guanxi.sales.models import Deal, DealStageChange
from guanxi.sales.services.deals import move_deal
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    """A client acting as a sales rep (in a team) through a token."""
    user = make_user(role="sales_rep", full_name="李伟")
    make_team(members=[user])
    key = create_token(actor=user, name="t")[1]

    def call(method, path, body=None, **params):
        return client.generic(
            method,
            path,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
            QUERY_STRING="&".join(f"{k}={v}" for k, v in params.items()),
        )

    call.user = user
    return call


def test_create_returns_201_with_defaults_and_the_primary_contact(api):
    account = make_account(owner=api.user)
    contact = make_contact(owner=api.user, accounts=[{"account": account, "is_primary": True}])
    response = api(
        "POST",
        "/api/v1/deals",
        {"name": "MES 项目", "account_id": account.pk, "contact_id": contact.pk, "amount": "88000"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["amount"], body["probability"], body["stage"]["name"]) == (
        "MES 项目",
        "88000.00",
        10,
        "First contact",
    )
    assert body["primary_contact"] == {"id": contact.pk, "full_name": contact.full_name}
    assert body["owner"] == {"id": api.user.pk, "full_name": "李伟"}


def test_errors_name_the_field(api):
    hidden = make_account(owner=make_user(role="sales_rep"))
    response = api("POST", "/api/v1/deals", {"name": "X", "account_id": hidden.pk})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "body.account_id", "message": "This does not exist.", "code": "invalid"}
    ]
    account = make_account(owner=api.user)
    response = api(
        "POST", "/api/v1/deals", {"name": "X", "account_id": account.pk, "currency": "rmb1"}
    )
    assert response.json()["errors"] == [
        {
            "field": "body.currency",
            "message": "Use a three-letter ISO currency code, such as CNY.",
            "code": "invalid",
        }
    ]
    assert Deal.objects.count() == 0


def test_patch_get_and_delete(api):
    deal = make_deal(owner=api.user)
    response = api("PATCH", f"/api/v1/deals/{deal.pk}", {"next_step": "报价", "tags": ["ERP"]})
    assert (response.status_code, response.json()["next_step"], response.json()["tags"]) == (
        200,
        "报价",
        ["ERP"],
    )
    assert api("GET", f"/api/v1/deals/{deal.pk}").json()["next_step"] == "报价"
    assert api("DELETE", f"/api/v1/deals/{deal.pk}").status_code == 204
    assert api("GET", f"/api/v1/deals/{deal.pk}").status_code == 404


def test_move_records_the_change_and_a_lost_stage_needs_a_reason(api):
    deal = make_deal(owner=api.user)
    response = api("POST", f"/api/v1/deals/{deal.pk}/move", {"stage_id": stage("negotiation").pk})
    assert (
        response.status_code,
        response.json()["stage"]["code"],
        response.json()["probability"],
    ) == (
        200,
        "negotiation",
        75,
    )
    before = DealStageChange.objects.count()
    response = api("POST", f"/api/v1/deals/{deal.pk}/move", {"stage_id": stage("lost").pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.lost_reason"
    assert DealStageChange.objects.count() == before
    response = api(
        "POST",
        f"/api/v1/deals/{deal.pk}/move",
        {"stage_id": stage("lost").pk, "lost_reason": "timing"},
    )
    assert (response.json()["lost_reason"], response.json()["closed_at"] is not None) == (
        "timing",
        True,
    )


def test_list_filters_and_pages_with_a_cursor(api):
    deals = [make_deal(owner=api.user, name=f"D{i}") for i in range(5)]
    move_deal(actor=api.user, deal=deals[0], stage=stage("won"))
    body = api("GET", "/api/v1/deals", status="won").json()
    assert [d["name"] for d in body["items"]] == ["D0"]
    names, cursor = [], None
    while True:
        params = {"sort": "name", "limit": 2, **({"cursor": cursor} if cursor else {})}
        body = api("GET", "/api/v1/deals", **params).json()
        names += [d["name"] for d in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert names == ["D0", "D1", "D2", "D3", "D4"]
    response = api("GET", "/api/v1/deals", sort="secret")
    assert response.json()["errors"][0]["field"] == "query.sort"


@pytest.mark.parametrize("path", ["/api/v1/deals", "/api/v1/deals/board"])
def test_list_and_board_cost_the_same_queries_for_5_and_25_deals(api, path):
    def add(n):
        for _i in range(n):
            account = make_account(owner=api.user)
            make_contact(owner=api.user, accounts=[{"account": account, "is_primary": True}])
            make_deal(owner=api.user, account=account, tags=["a", "b"])

    add(5)
    api("GET", path)
    with CaptureQueriesContext(connection) as small:
        api("GET", path, limit=50) if path.endswith("deals") else api("GET", path)
    add(20)
    with CaptureQueriesContext(connection) as large:
        response = api("GET", path, limit=50) if path.endswith("deals") else api("GET", path)
    assert len(large) == len(small)
    body = response.json()
    if path.endswith("deals"):
        assert len(body["items"]) == 25
    else:
        assert (body["columns"][0]["count"], len(body["columns"][0]["cards"])) == (25, 25)
        assert body["columns"][0]["totals"] == [{"currency": "CNY", "amount": "250000.00"}]


def test_activities_and_timeline_of_a_deal(api):
    deal = make_deal(owner=api.user)
    response = api(
        "POST", f"/api/v1/deals/{deal.pk}/activities", {"kind": "call", "subject": "承诺 9 折"}
    )
    assert response.status_code == 201
    assert response.json()["account_ids"] == [deal.account_id]
    listed = api("GET", f"/api/v1/deals/{deal.pk}/activities").json()
    assert [a["subject"] for a in listed["items"]] == ["承诺 9 折"]
    timeline = api("GET", f"/api/v1/deals/{deal.pk}/timeline").json()
    assert [(e["kind"], e["source"]) for e in timeline["items"]] == [
        ("call", "deal_activity"),
        ("deal_created", "deal"),
    ]


def test_someone_elses_deal_is_not_found(api):
    other = make_deal(owner=make_user(role="sales_rep"))
    assert api("GET", f"/api/v1/deals/{other.pk}").status_code == 404
    response = api("POST", f"/api/v1/deals/{other.pk}/move", {"stage_id": stage("won").pk})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.stage.code == "first_contact"
