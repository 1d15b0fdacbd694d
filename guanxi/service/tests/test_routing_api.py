"""The API of routing rules, team strategies, service contracts and the warranty
lookup: CRUD, the route preview, errors naming the field, refused calls changing
nothing."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from guanxi.core.services.tokens import create_token
from guanxi.service.models import RoutingRule, ServiceContract, TeamRouting
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.routing import make_agents_team, make_contract, make_rule, make_unit
from guanxi.testing.service import make_category
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def api_as(client):
    def for_user(user):
        key = create_token(actor=user, name="t")[1]

        def call(method, path, body=None, **params):
            url = f"{API}{path}" + (f"?{urlencode(params)}" if params else "")
            return client.generic(
                method,
                url,
                data=json.dumps(body) if body is not None else "",
                content_type="application/json",
                headers={"Authorization": f"Bearer {key}"},
            )

        return call

    return for_user


def _fields(response):
    assert response.status_code == 422, response.content
    return sorted(error["field"] for error in response.json()["errors"])


def test_rules_are_created_listed_changed_moved_and_deleted(api_as):
    call = api_as(make_user(role="service_manager"))
    team, _a = make_agents_team(1)
    first = call(
        "POST",
        "/routing-rules",
        {"name": "Printers", "team_id": team.pk, "keywords": "打印机,printer"},
    )
    assert first.status_code == 201, first.content
    assert first.json()["keywords"] == "打印机, printer"
    second = call(
        "POST", "/routing-rules", {"name": "English", "team_id": team.pk, "language": "en"}
    ).json()
    assert [r["name"] for r in call("GET", "/routing-rules").json()] == ["Printers", "English"]
    moved = call("POST", f"/routing-rules/{second['id']}/move", {"direction": "up"})
    assert [r["name"] for r in moved.json()] == ["English", "Printers"]
    patched = call(
        "PATCH", f"/routing-rules/{second['id']}", {"is_active": False, "strategy": "round_robin"}
    )
    assert (patched.json()["is_active"], patched.json()["strategy"]) == (False, "round_robin")
    assert call("GET", f"/routing-rules/{second['id']}").json()["name"] == "English"
    assert call("DELETE", f"/routing-rules/{second['id']}").status_code == 204
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["Printers"]


def test_rule_errors_name_the_body_fields(api_as):
    call = api_as(make_user(role="administrator"))
    team, _a = make_agents_team(1)
    response = call(
        "POST",
        "/routing-rules",
        {
            "name": "Bad",
            "team_id": team.pk,
            "keywords": "x",
            "set_priority": "asap",
            "tier_id": 999999,
        },
    )
    assert _fields(response) == ["body.tier_id"]
    response = call(
        "POST", "/routing-rules", {"name": "Bad", "team_id": team.pk, "set_priority": "asap"}
    )
    assert _fields(response) == ["body.keywords", "body.set_priority"]
    assert not RoutingRule.objects.exists()


def test_an_agent_reads_rules_but_may_not_change_them(api_as):
    rule = make_rule(keywords="x")
    call = api_as(make_user(role="service_agent"))
    assert call("GET", "/routing-rules").status_code == 200
    assert call("PATCH", f"/routing-rules/{rule.pk}", {"name": "Mine"}).status_code == 403
    assert call("DELETE", f"/routing-rules/{rule.pk}").status_code == 403
    rule.refresh_from_db()
    assert rule.name != "Mine"


def test_the_route_preview_says_where_and_why_without_saving(api_as):
    repairs, _a = make_agents_team(1, name="Repairs")
    general, _b = make_agents_team(1, name="General")
    make_rule(name="English", language="en", team=general)
    rule = make_rule(name="Printers", keywords="打印机, 卡纸", team=repairs)
    call = api_as(make_user(role="service_agent"))
    body = call(
        "POST", "/routing-rules/preview", {"subject": "我的打印机一直卡纸", "language": "zh-hans"}
    ).json()
    assert body["rule"] == {
        "rule_id": rule.pk,
        "name": "Printers",
        "matched": True,
        "reasons": ["contains “打印机”"],
    }
    assert body["team"]["name"] == "Repairs"
    assert [r["matched"] for r in body["rules"]] == [False, True]
    fallback = call(
        "POST",
        "/routing-rules/preview",
        {"subject": "发票", "category_id": make_category(team=general).pk},
    ).json()
    assert (fallback["rule"], fallback["team"]["name"]) == (None, "General")


def test_team_strategies_are_read_and_set(api_as):
    team, _a = make_agents_team(1)
    call = api_as(make_user(role="service_manager"))
    response = call("PUT", f"/routing-strategies/{team.pk}", {"strategy": "round_robin"})
    assert response.json()["strategy"] == "round_robin"
    assert TeamRouting.objects.get(team=team).strategy == "round_robin"
    rows = {row["team"]["id"]: row["strategy"] for row in call("GET", "/routing-strategies").json()}
    assert rows[team.pk] == "round_robin"
    assert _fields(call("PUT", f"/routing-strategies/{team.pk}", {"strategy": "dice"})) == [
        "body.strategy"
    ]


def test_contracts_are_created_listed_changed_and_deleted(api_as):
    unit = make_unit()
    account = unit.line.order.account
    call = api_as(make_user(role="service_manager"))
    created = call(
        "POST",
        "/service-contracts",
        {
            "name": "Gold",
            "account_id": account.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2099-12-31",
            "serial_ids": [unit.pk],
            "response_hours": 4,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["serials"] == [{"id": unit.pk, "serial": unit.serial}] and body["in_force"] is True
    listed = call("GET", "/service-contracts", account_id=account.pk, current="true").json()
    assert [c["number"] for c in listed] == [body["number"]]
    patched = call(
        "PATCH", f"/service-contracts/{body['id']}", {"ends_on": "2030-06-30", "serial_ids": []}
    )
    assert (patched.json()["ends_on"], patched.json()["serials"]) == ("2030-06-30", [])
    assert call("GET", f"/service-contracts/{body['id']}").json()["name"] == "Gold"
    assert call("DELETE", f"/service-contracts/{body['id']}").status_code == 204
    assert not ServiceContract.objects.exists()


def test_contract_errors_name_the_body_fields(api_as):
    unit = make_unit()
    stranger = make_unit()
    call = api_as(make_user(role="administrator"))
    response = call(
        "POST",
        "/service-contracts",
        {
            "name": "",
            "account_id": unit.line.order.account.pk,
            "starts_on": "2026-02-01",
            "ends_on": "2026-01-01",
            "serial_ids": [stranger.pk],
        },
    )
    assert _fields(response) == ["body.ends_on", "body.name", "body.serial_ids"]
    assert not ServiceContract.objects.exists()


def test_an_agent_reads_contracts_but_may_not_add_one(api_as):
    unit = make_unit()
    make_contract(account=unit.line.order.account)
    call = api_as(make_user(role="service_agent"))
    assert len(call("GET", "/service-contracts").json()) == 1
    response = call(
        "POST",
        "/service-contracts",
        {
            "name": "X",
            "account_id": unit.line.order.account.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2027-01-01",
        },
    )
    assert response.status_code == 403
    assert ServiceContract.objects.count() == 1


def test_the_warranty_lookup_by_phone_returns_the_units(api_as):
    admin = make_user(role="administrator")
    account = make_account(owner=admin)
    contact = make_contact(
        owner=admin, phones=[{"value": "13800138000"}], accounts=[{"account": account}]
    )
    unit = make_unit("API-1", account=account, contact=contact)
    contract = make_contract(account=account)
    call = api_as(make_user(role="service_agent"))
    body = call("GET", "/warranty-lookup", q="+86 138-0013-8000").json()
    assert (body["phone"], body["searched_as"]) == ("+8613800138000", ["serial", "phone"])
    [found] = body["units"]
    assert found["serial"] == {"id": unit.pk, "serial": "API-1"}
    assert (
        found["in_warranty"] is True and found["warranty_until"] == unit.warranty_until.isoformat()
    )
    assert [c["number"] for c in found["contracts"]] == [contract.number]
    assert found["account"]["id"] == account.pk and found["contact"]["id"] == contact.pk
    assert call("GET", "/warranty-lookup", q="8000").json()["units"] == []
    assert _fields(call("GET", "/warranty-lookup", q=" ")) == ["query.q"]
