"""The field service API: service points, technicians, requesting, scheduling,
completing visits, the dispatch data and performance, with errors naming the field."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from guanxi.core.services.tokens import create_token
from guanxi.service.models import Visit
from guanxi.testing.field import (
    customer_ticket,
    done_visit,
    make_point,
    make_product,
    make_technician,
)
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def api_as(client):
    def for_user(user):
        key = create_token(actor=user, name="t")[1]

        def call(method, path, body=None, **params):
            url = f"{API}{path}?{urlencode(params)}" if params else f"{API}{path}"
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


def test_service_points_and_technicians(api_as):
    manager = make_user(role="service_manager")
    call = api_as(manager)
    created = call(
        "POST",
        "/service-points",
        {"name": "上海服务站", "province": "上海", "coverage": [{"province": "31"}]},
    )
    assert created.status_code == 201, created.content
    point = created.json()
    assert point["province"] == "31"
    assert _fields(call("POST", "/service-points", {"name": "X", "team_id": 99999})) == [
        "body.team_id"
    ]
    assert _fields(
        call("PATCH", f"/service-points/{point['id']}", {"coverage": [{"province": "Atlantis"}]})
    ) == ["body.coverage.0.province"]
    user = make_user(full_name="钱师傅")
    tech = call(
        "POST",
        "/technicians",
        {"user_id": user.pk, "service_point_id": point["id"], "skills": ["Printers"]},
    )
    assert tech.status_code == 201
    assert tech.json()["name"] == "钱师傅"
    again = call("POST", "/technicians", {"user_id": user.pk, "service_point_id": point["id"]})
    assert _fields(again) == ["body.user_id"]
    listed = api_as(make_user(role="sales_rep"))(
        "GET", "/technicians", service_point_id=point["id"]
    )
    assert [t["name"] for t in listed.json()] == ["钱师傅"]


def test_request_schedule_and_complete_a_visit(api_as):
    agent = make_user(role="service_agent")
    point = make_point(team=make_team(members=[agent]))
    technician = make_technician(point, user=agent, skills=["Washers"])
    ticket = customer_ticket(owner=agent, product=make_product())
    call = api_as(agent)

    made = call("POST", f"/tickets/{ticket.pk}/visits", {"notes": "Call first"})
    assert made.status_code == 201, made.content
    visit = made.json()
    assert (visit["service_point_id"], visit["skill"], visit["status"]) == (
        point.pk,
        "Washers",
        "requested",
    )

    start = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    bad = call(
        "POST",
        f"/visits/{visit['id']}/schedule",
        {
            "technician_id": technician.pk,
            "scheduled_start": start.isoformat(),
            "scheduled_end": start.isoformat(),
        },
    )
    assert _fields(bad) == ["body.scheduled_end"]
    ok = call(
        "POST",
        f"/visits/{visit['id']}/schedule",
        {
            "technician_id": technician.pk,
            "scheduled_start": start.isoformat(),
            "scheduled_end": (start + timedelta(hours=2)).isoformat(),
        },
    )
    assert ok.json()["status"] == "scheduled"
    assert _fields(call("POST", f"/visits/{visit['id']}/status", {"status": "done"})) == [
        "body.status"
    ]
    assert call("POST", f"/visits/{visit['id']}/status", {"status": "on_site"}).status_code == 200
    part = make_product(sku="BELT-1")
    missing = call(
        "POST",
        f"/visits/{visit['id']}/complete",
        {"outcome": "fixed", "parts": [{"product_id": 999999, "quantity": 1}]},
    )
    assert _fields(missing) == ["body.parts.0.product_id"]
    done = call(
        "POST",
        f"/visits/{visit['id']}/complete",
        {"outcome": "fixed", "report": "Belt.", "parts": [{"product_id": part.pk, "quantity": 2}]},
    )
    assert done.status_code == 200, done.content
    assert done.json()["parts"] == [{"product_id": part.pk, "quantity": 2, "serial": ""}]
    listed = call("GET", "/visits", status="done")
    assert [v["id"] for v in listed.json()["items"]] == [visit["id"]]


def test_sales_reads_visits_but_cannot_change_them(api_as):
    point = make_point()
    technician = make_technician(point)
    visit = done_visit(customer_ticket(), technician)
    rep = api_as(make_user(role="sales_rep"))
    assert rep("GET", f"/visits/{visit.pk}").status_code == 200
    refused = rep("POST", f"/visits/{visit.pk}/status", {"status": "cancelled"})
    assert refused.status_code == 403
    visit.refresh_from_db()
    assert visit.status == "done"
    assert Visit.objects.count() == 1


def test_dispatch_and_performance(api_as):
    manager = make_user(role="service_manager")
    point = make_point(team=make_team(members=[manager], managers=[manager]))
    technician = make_technician(point)
    visit = done_visit(customer_ticket(), technician, at=timezone.now() - timedelta(days=1))
    waiting = customer_ticket(owner=manager)
    call = api_as(manager)
    made = call("POST", f"/tickets/{waiting.pk}/visits", {"service_point_id": point.pk})
    assert made.status_code == 201, made.content

    board = call(
        "GET", "/dispatch", day=(timezone.localdate() - timedelta(days=2)).isoformat(), days=7
    )
    assert board.status_code == 200
    body = board.json()
    assert [v["id"] for row in body["rows"] for v in row["visits"]] == [visit.pk]
    assert len(body["unscheduled"]) == 1
    assert (
        _fields(call("GET", "/dispatch", days=30)) == ["query.days"]
        or call("GET", "/dispatch", days=30).status_code == 422
    )

    today = timezone.localdate()
    figures = call(
        "GET",
        "/field-performance",
        start=(today - timedelta(days=7)).isoformat(),
        end=today.isoformat(),
    ).json()
    assert figures["points"][0]["visits"] == 2
    assert figures["points"][0]["done"] == 1
    bad = call(
        "GET",
        "/field-performance",
        start=today.isoformat(),
        end=(today - timedelta(days=1)).isoformat(),
    )
    assert bad.status_code == 422
