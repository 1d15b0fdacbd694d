"""Technicians' calendar pages: the technician's page (hours, time off, free slots) with
its forms and bad input, who may see it, and the dispatch board's hours, absences and
one-click free slots."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.service.models import TechnicianHours, TimeOff, Visit
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
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """March 2031 in Shanghai: the 3rd is a Monday, the 5th a holiday."""
    return datetime(2031, 3, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def crew():
    manager = make_user(role="service_manager")
    agent = make_user(role="service_agent", full_name="王强")
    point = make_point(calendar=working_calendar(), team=make_team(members=[manager, agent]))
    return manager, agent, point, make_technician(point, user=agent)


def page_of(technician):
    return reverse("service:field_technician_detail", args=[technician.pk])


def test_a_manager_sets_own_hours_and_bad_text_is_refused(client, crew):
    manager, _agent, point, technician = crew
    client.force_login(manager)
    page = client.get(page_of(technician)).content.decode()
    assert 'data-testid="hours-form"' in page
    assert "09:00–12:00, 13:00–18:00" in page  # the point's calendar

    response = client.post(
        reverse("service:field_technician_hours", args=[technician.pk]),
        {"day_0": "9 to 5", "day_1": "10:00-09:00"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "hh:mm-hh:mm" in text
    assert "The hours must end after they start." in text
    assert not TechnicianHours.objects.exists()

    response = client.post(
        reverse("service:field_technician_hours", args=[technician.pk]),
        {"day_0": "08:00-12:00， 13:00-17:00", "day_5": "09:00-12:00"},
    )
    assert response.status_code == 302
    rows = TechnicianHours.objects.filter(technician=technician).order_by("weekday", "starts")
    assert [(r.weekday, f"{r.starts:%H:%M}", f"{r.ends:%H:%M}") for r in rows] == [
        (0, "08:00", "12:00"),
        (0, "13:00", "17:00"),
        (5, "09:00", "12:00"),
    ]
    page = client.get(page_of(technician)).content.decode()
    assert 'value="08:00-12:00, 13:00-17:00"' in page
    assert 'data-testid="hours-source"' in page

    client.post(reverse("service:field_technician_hours", args=[technician.pk]), {})
    assert not TechnicianHours.objects.exists()


def test_a_manager_records_and_removes_time_off(client, crew):
    manager, _agent, point, technician = crew
    visit = schedule_visit(
        actor=field_admin(),
        visit=make_visit(point=point),
        technician=technician,
        start=at(4, 9),
        end=at(4, 11),
    )
    client.force_login(manager)
    url = reverse("service:field_time_off_add", args=[technician.pk])

    bad = client.post(
        url, {"starts_at": "2031-03-04T18:00", "ends_at": "2031-03-04T09:00", "reason": "x"}
    )
    assert bad.status_code == 200
    assert not TimeOff.objects.exists()
    assert 'data-testid="time-off-form"' in bad.content.decode()

    response = client.post(
        url,
        {
            "starts_at": "2031-03-04T00:00",
            "ends_at": "2031-03-06T23:00",
            "reason": "training",
            "note": "Certification",
        },
        follow=True,
    )
    entry = TimeOff.objects.get()
    assert (entry.reason, entry.note, entry.starts_at) == ("training", "Certification", at(4, 0))
    text = response.content.decode()
    assert f"Visit {visit}" in text  # the booked visit to move
    assert 'data-testid="time-off"' in text

    client.post(reverse("service:field_time_off_delete", args=[entry.pk]))
    assert not TimeOff.objects.exists()


def test_a_technician_reads_their_own_page_and_nobody_elses(client, crew):
    _manager, agent, point, technician = crew
    add_time_off(actor=field_admin(), technician=technician, starts_at=at(3, 9), ends_at=at(3, 18))
    client.force_login(agent)
    page = client.get(page_of(technician))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="time-off"' in text
    assert 'data-testid="hours-form"' not in text
    assert 'data-testid="time-off-form"' not in text

    colleague = make_technician(point)
    assert client.get(page_of(colleague)).status_code == 403
    refused = client.post(
        reverse("service:field_technician_hours", args=[technician.pk]), {"day_0": "09:00-10:00"}
    )
    assert refused.status_code == 403
    assert not TechnicianHours.objects.exists()


def test_the_board_shows_hours_absences_and_assigns_a_free_slot(client, crew):
    manager, _agent, point, technician = crew
    schedule_visit(
        actor=field_admin(),
        visit=make_visit(point=point),
        technician=technician,
        start=at(3, 9),
        end=at(3, 11),
    )
    add_time_off(actor=field_admin(), technician=technician, starts_at=at(3, 13), ends_at=at(3, 15))
    waiting = make_visit(point=point)
    client.force_login(manager)
    board = client.get(reverse("service:dispatch_board"), {"day": "2031-03-03"}).content.decode()
    assert "09:00–12:00, 13:00–18:00" in board
    assert 'data-testid="board-absence"' in board
    assert "(Leave)" in board  # managers see the reason
    # 11:00–13:00 crosses lunch, 13:00–15:00 is time off: first 15:00, then Tuesday.
    assert board.index('value="2031-03-03T15:00"') < board.index('value="2031-03-04T09:00"')
    assert 'value="2031-03-03T11:00"' not in board

    holiday = client.get(reverse("service:dispatch_board"), {"day": "2031-03-05"}).content.decode()
    assert "day off" in holiday

    response = client.post(
        reverse("service:dispatch_assign", args=[waiting.pk]),
        {
            "day": "2031-03-03",
            "view": "day",
            "technician": technician.pk,
            "scheduled_start": "2031-03-03T15:00",
            "scheduled_end": "2031-03-03T17:00",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    waiting.refresh_from_db()
    assert (waiting.status, waiting.scheduled_start) == ("scheduled", at(3, 15))


def test_the_board_refuses_a_window_outside_working_hours(client, crew):
    manager, _agent, point, technician = crew
    waiting = make_visit(point=point)
    client.force_login(manager)
    response = client.post(
        reverse("service:dispatch_assign", args=[waiting.pk]),
        {
            "day": "2031-03-03",
            "technician": technician.pk,
            "scheduled_start": "2031-03-03T18:00",
            "scheduled_end": "2031-03-03T20:00",
        },
        headers={"HX-Request": "true"},
    )
    text = response.content.decode()
    assert 'data-testid="assign-error"' in text
    assert "does not work from 2031-03-03 18:00 to 2031-03-03 20:00" in text
    waiting.refresh_from_db()
    assert waiting.status == "requested"


def test_the_visit_page_offers_free_slots(client, crew):
    manager, _agent, point, technician = crew
    visit = make_visit(point=point)
    client.force_login(manager)
    page = client.get(reverse("service:visit_detail", args=[visit.pk])).content.decode()
    assert 'data-testid="visit-free-slots"' in page
    assert page.count('data-testid="slot-form"') == 3


def test_the_board_costs_the_same_queries_for_more_technicians(client, crew):
    manager, _agent, point, technician = crew
    client.force_login(manager)
    url = reverse("service:dispatch_board")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"day": "2031-03-03", "view": "week"}).status_code == 200
        return len(captured)

    before = queries()
    for _n in range(3):
        other = make_technician(make_point(calendar=working_calendar()))
        add_time_off(actor=field_admin(), technician=other, starts_at=at(4, 9), ends_at=at(4, 12))
        make_visit(point=other.service_point)
    assert queries() == before
    assert Visit.objects.count() == 3
