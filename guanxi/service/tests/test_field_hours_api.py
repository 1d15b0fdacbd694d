"""The API of technicians' calendars: reading and replacing working hours, listing,
recording and removing time off, free slots for a technician and for a visit, with
errors naming the field and the technician reading their own time off."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from guanxi.core.services.tokens import create_token
from guanxi.service.models import TechnicianHours, TimeOff
from guanxi.service.services.field import schedule_visit
from guanxi.service.services.field_hours import add_time_off
from guanxi.testing.field import (
    field_admin,
    make_point,
    make_technician,
    make_visit,
    working_calendar,
)
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db
API = "/api/v1"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int) -> datetime:
    return datetime(2031, 3, day, hour, tzinfo=SHANGHAI)


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


@pytest.fixture
def crew():
    agent = make_user(role="service_agent")
    point = make_point(calendar=working_calendar(), team=make_team(members=[agent]))
    return agent, point, make_technician(point, user=agent)


def _fields(response):
    assert response.status_code == 422, response.content
    return sorted(error["field"] for error in response.json()["errors"])


def test_hours_are_read_and_replaced(api_as, crew):
    _agent, _point, technician = crew
    call = api_as(make_user(role="service_manager"))
    read = call("GET", f"/technicians/{technician.pk}/hours").json()
    assert read["source"] == "service_point"
    assert read["timezone"] == "Asia/Shanghai"
    assert read["own"] == []
    assert read["weekly"][:2] == [
        {"weekday": 0, "starts": "09:00:00", "ends": "12:00:00"},
        {"weekday": 0, "starts": "13:00:00", "ends": "18:00:00"},
    ]
    replaced = call(
        "PUT",
        f"/technicians/{technician.pk}/hours",
        {"hours": [{"weekday": 5, "starts": "09:00", "ends": "12:00"}]},
    )
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["source"] == "own"
    assert replaced.json()["weekly"] == [{"weekday": 5, "starts": "09:00:00", "ends": "12:00:00"}]

    bad = call(
        "PUT",
        f"/technicians/{technician.pk}/hours",
        {
            "hours": [
                {"weekday": 9, "starts": "09:00", "ends": "12:00"},
                {"weekday": 1, "starts": "12:00", "ends": "08:00"},
            ]
        },
    )
    assert _fields(bad) == ["body.hours.0.weekday", "body.hours.1.ends"]
    assert list(TechnicianHours.objects.values_list("weekday", flat=True)) == [5]
    assert call("PUT", f"/technicians/{technician.pk}/hours", {"hours": []}).status_code == 200
    assert not TechnicianHours.objects.exists()


def test_time_off_is_recorded_listed_and_removed(api_as, crew):
    agent, _point, technician = crew
    call = api_as(make_user(role="service_manager"))
    created = call(
        "POST",
        f"/technicians/{technician.pk}/time-off",
        {"starts_at": "2031-03-04T09:00:00+08:00", "ends_at": "2031-03-04T18:00:00+08:00"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["reason"] == "leave"
    bad = call(
        "POST",
        f"/technicians/{technician.pk}/time-off",
        {
            "starts_at": "2031-03-04T09:00:00+08:00",
            "ends_at": "2031-03-03T09:00:00+08:00",
            "reason": "party",
        },
    )
    assert _fields(bad) == ["body.ends_at", "body.reason"]
    assert TimeOff.objects.count() == 1

    listed = call(
        "GET", f"/technicians/{technician.pk}/time-off", start="2031-03-04T12:00:00+08:00"
    )
    assert [entry["id"] for entry in listed.json()] == [created.json()["id"]]
    later = call("GET", f"/technicians/{technician.pk}/time-off", start="2031-03-05T00:00:00+08:00")
    assert later.json() == []

    own = api_as(agent)("GET", f"/technicians/{technician.pk}/time-off")
    assert own.status_code == 200
    assert len(own.json()) == 1
    colleague = make_technician(technician.service_point)
    assert api_as(agent)("GET", f"/technicians/{colleague.pk}/time-off").status_code == 403

    assert call("DELETE", f"/time-off/{created.json()['id']}").status_code == 204
    assert not TimeOff.objects.exists()
    assert call("DELETE", f"/time-off/{created.json()['id']}").status_code == 404


def test_free_slots_for_a_technician_and_a_visit(api_as, crew):
    agent, point, technician = crew
    schedule_visit(
        actor=field_admin(),
        visit=make_visit(point=point),
        technician=technician,
        start=at(3, 9),
        end=at(3, 11),
    )
    call = api_as(agent)
    slots = call(
        "GET",
        f"/technicians/{technician.pk}/free-slots",
        after="2031-03-03T08:00:00+08:00",
        length_minutes=60,
        count=2,
    )
    assert slots.status_code == 200, slots.content
    assert [s["start"] for s in slots.json()] == [
        "2031-03-03T11:00:00+08:00",
        "2031-03-03T13:00:00+08:00",
    ]
    assert _fields(
        call("GET", f"/technicians/{technician.pk}/free-slots", length_minutes=5, count=50)
    ) == ["query.count", "query.length_minutes"]

    waiting = make_visit(point=point)
    for_visit = call(
        "GET", f"/visits/{waiting.pk}/free-slots", after="2031-03-03T08:00:00+08:00"
    ).json()
    assert for_visit == [
        {
            "technician_id": technician.pk,
            "start": "2031-03-03T13:00:00+08:00",
            "end": "2031-03-03T15:00:00+08:00",
        },
        {
            "technician_id": technician.pk,
            "start": "2031-03-03T15:00:00+08:00",
            "end": "2031-03-03T17:00:00+08:00",
        },
        {
            "technician_id": technician.pk,
            "start": "2031-03-04T09:00:00+08:00",
            "end": "2031-03-04T11:00:00+08:00",
        },
    ]


def test_scheduling_outside_working_time_names_the_window(api_as, crew):
    agent, point, technician = crew
    visit = make_visit(point=point)
    response = api_as(agent)(
        "POST",
        f"/visits/{visit.pk}/schedule",
        {
            "technician_id": technician.pk,
            "scheduled_start": "2031-03-09T10:00:00+08:00",
            "scheduled_end": "2031-03-09T12:00:00+08:00",
        },
    )
    assert _fields(response) == ["body.scheduled_start"]
    visit.refresh_from_db()
    assert visit.status == "requested"


def test_the_dispatch_data_has_hours_absences_and_free_slots(api_as, crew):
    agent, point, technician = crew
    add_time_off(actor=field_admin(), technician=technician, starts_at=at(3, 9), ends_at=at(3, 12))
    board = api_as(agent)(
        "GET", "/dispatch", day="2031-03-03", days=3, service_point_id=point.pk
    ).json()
    row = next(r for r in board["rows"] if r["technician_id"] == technician.pk)
    assert row["hours"] == [
        {"day": "2031-03-03", "hours": "09:00–12:00, 13:00–18:00"},
        {"day": "2031-03-04", "hours": "09:00–12:00, 13:00–18:00"},
        {"day": "2031-03-05", "hours": "day off"},
    ]
    assert [
        (datetime.fromisoformat(a["starts_at"]), datetime.fromisoformat(a["ends_at"]))
        for a in row["absences"]
    ] == [(at(3, 9), at(3, 12))]
    assert row["free_slots"][0] == {
        "start": "2031-03-03T13:00:00+08:00",
        "end": "2031-03-03T15:00:00+08:00",
    }
