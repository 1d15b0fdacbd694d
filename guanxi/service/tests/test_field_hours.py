"""Technicians' calendars: scheduling only within working time (the point's business
calendar or the technician's own hours, holidays and make-up days) and not on time off;
setting hours and recording time off (checks, permissions, audit); free slots."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.core.models import AuditEntry
from guanxi.service.models import TechnicianHours, TimeOff, Visit
from guanxi.service.services.field import schedule_visit
from guanxi.service.services.field_hours import (
    add_time_off,
    hours_source,
    remove_time_off,
    set_technician_hours,
    technician_free_slots,
    visit_slots,
    visits_during,
)
from guanxi.testing.field import (
    field_admin,
    make_point,
    make_technician,
    make_visit,
    week_hours,
    working_calendar,
)
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of March 2031 in Shanghai: the 3rd is a Monday, the 5th a holiday and
    Saturday the 8th a make-up working day in ``working_calendar``."""
    return datetime(2031, 3, day, hour, minute, tzinfo=SHANGHAI)


def errors_of(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


@pytest.fixture
def crew():
    point = make_point(calendar=working_calendar())
    return point, make_technician(point)


def schedule(technician, start, end, visit=None):
    visit = visit or make_visit(point=technician.service_point)
    return schedule_visit(
        actor=field_admin(), visit=visit, technician=technician, start=start, end=end
    )


def test_the_point_calendar_limits_the_window(crew):
    point, technician = crew
    assert hours_source(technician) == "service_point"
    assert schedule(technician, at(3, 9), at(3, 11)).status == "scheduled"
    visit = make_visit(point=point)
    for start, end in (
        (at(3, 11), at(3, 13)),  # over lunch
        (at(3, 17), at(3, 19)),  # after closing
        (at(9, 10), at(9, 12)),  # Sunday
        (at(5, 10), at(5, 12)),  # the holiday
    ):
        errors = errors_of(lambda s=start, e=end: schedule(technician, s, e, visit))
        assert list(errors) == ["scheduled_start"]
    visit.refresh_from_db()
    assert (visit.status, visit.technician_id, visit.scheduled_start) == ("requested", None, None)
    message = errors_of(lambda: schedule(technician, at(9, 10), at(9, 12), visit))
    assert "2031-03-09 10:00" in message["scheduled_start"][0]
    assert "day off" in message["scheduled_start"][0]


def test_a_make_up_saturday_is_worked_with_monday_hours(crew):
    _point, technician = crew
    assert schedule(technician, at(8, 14), at(8, 16)).scheduled_start == at(8, 14)
    errors = errors_of(lambda: schedule(technician, at(15, 14), at(15, 16)))  # next Saturday
    assert "scheduled_start" in errors


def test_own_hours_override_the_point_hours_but_not_its_holidays(crew):
    _point, technician = crew
    set_technician_hours(actor=field_admin(), technician=technician, hours=week_hours())
    technician.refresh_from_db()
    assert hours_source(technician) == "own"
    assert schedule(technician, at(4, 11), at(4, 13)).status == "scheduled"  # no lunch break
    assert schedule(technician, at(15, 9), at(15, 12)).status == "scheduled"  # Saturday morning
    assert "scheduled_start" in errors_of(lambda: schedule(technician, at(22, 11), at(22, 13)))
    assert "scheduled_start" in errors_of(lambda: schedule(technician, at(5, 10), at(5, 11)))


def test_own_hours_without_a_point_calendar_use_the_site_time_zone():
    technician = make_technician(make_point())
    assert hours_source(technician) == "any"
    assert schedule(technician, at(9, 2), at(9, 4)).status == "scheduled"  # Sunday night
    set_technician_hours(
        actor=field_admin(),
        technician=technician,
        hours=[{"weekday": 0, "starts": "08:00", "ends": "10:00"}],
    )
    assert schedule(technician, at(10, 8), at(10, 10)).status == "scheduled"
    assert "scheduled_start" in errors_of(lambda: schedule(technician, at(10, 10), at(10, 11)))


def test_time_off_refuses_scheduling_and_rescheduling(crew):
    _point, technician = crew
    booked = schedule(technician, at(4, 9), at(4, 11))
    leave = add_time_off(
        actor=field_admin(),
        technician=technician,
        starts_at=at(6, 0),
        ends_at=at(7, 23),
        reason="sick",
    )
    errors = errors_of(lambda: schedule(technician, at(6, 9), at(6, 11)))
    assert "away (Sick)" in errors["scheduled_start"][0]
    errors = errors_of(lambda: schedule(technician, at(7, 14), at(7, 16), booked))
    assert "scheduled_start" in errors
    booked.refresh_from_db()
    assert booked.scheduled_start == at(4, 9)
    assert visits_during(leave) == []
    remove_time_off(actor=field_admin(), time_off=leave)
    assert schedule(technician, at(6, 9), at(6, 11)).status == "scheduled"


def test_time_off_over_a_booked_visit_is_recorded_and_reported(crew):
    _point, technician = crew
    booked = schedule(technician, at(4, 9), at(4, 11))
    leave = add_time_off(
        actor=field_admin(), technician=technician, starts_at=at(4, 0), ends_at=at(4, 23)
    )
    assert visits_during(leave) == [booked]
    assert leave.reason == "leave"


def test_hours_are_checked_and_errors_name_the_row(crew):
    _point, technician = crew
    errors = errors_of(
        lambda: set_technician_hours(
            actor=field_admin(),
            technician=technician,
            hours=[
                {"weekday": 7, "starts": "09:00", "ends": "12:00"},
                {"weekday": 1, "starts": "14:00", "ends": "13:00"},
                {"weekday": 2, "starts": "9 am", "ends": "12:00"},
                {"weekday": 3, "starts": "09:00", "ends": "12:00"},
                {"weekday": 3, "starts": "11:00", "ends": "15:00"},
            ],
        )
    )
    assert sorted(errors) == ["hours.0.weekday", "hours.1.ends", "hours.2.starts", "hours.4.starts"]
    assert not TechnicianHours.objects.exists()


def test_only_managers_set_hours_and_time_off_and_changes_are_audited(crew):
    _point, technician = crew
    agent = make_user(role="service_agent")
    with pytest.raises(PermissionDenied):
        set_technician_hours(actor=agent, technician=technician, hours=week_hours())
    with pytest.raises(PermissionDenied):
        add_time_off(actor=agent, technician=technician, starts_at=at(3, 9), ends_at=at(3, 10))
    assert not TechnicianHours.objects.exists()
    assert not TimeOff.objects.exists()
    manager = make_user(role="service_manager")
    set_technician_hours(
        actor=manager,
        technician=technician,
        hours=[{"weekday": 0, "starts": time(9), "ends": time(12)}],
    )
    entry = AuditEntry.objects.filter(object_type="service.technician", event="change").latest("pk")
    assert entry.actor == manager
    assert entry.changes == {"hours": [None, "0 09:00-12:00"]}
    set_technician_hours(actor=manager, technician=technician, hours=[])
    assert hours_source(technician) == "service_point"
    leave = add_time_off(
        actor=manager, technician=technician, starts_at=at(3, 9), ends_at=at(3, 10), note="Dentist"
    )
    created = AuditEntry.objects.get(object_type="service.timeoff", event="create")
    assert created.changes["note"] == [None, "Dentist"]
    remove_time_off(actor=manager, time_off=leave)
    assert AuditEntry.objects.filter(object_type="service.timeoff", event="delete").count() == 1
    assert not TimeOff.objects.exists()


def test_time_off_is_checked(crew):
    _point, technician = crew
    errors = errors_of(
        lambda: add_time_off(
            actor=field_admin(),
            technician=technician,
            starts_at=at(4, 9),
            ends_at=at(4, 8),
            reason="holiday",
        )
    )
    assert sorted(errors) == ["ends_at", "reason"]
    errors = errors_of(
        lambda: add_time_off(
            actor=field_admin(), technician=technician, starts_at=None, ends_at="x"
        )
    )
    assert sorted(errors) == ["ends_at", "starts_at"]
    assert not TimeOff.objects.exists()


def test_free_slots_avoid_visits_time_off_and_closed_time(crew):
    point, technician = crew
    schedule(technician, at(3, 9), at(3, 11))
    add_time_off(actor=field_admin(), technician=technician, starts_at=at(3, 13), ends_at=at(4, 12))
    slots = technician_free_slots(technician, length=timedelta(hours=2), after=at(3, 8), count=3)
    assert slots == [(at(4, 13), at(4, 15)), (at(4, 15), at(4, 17)), (at(6, 9), at(6, 11))]


def test_visit_slots_come_from_skilled_technicians_of_its_point(crew):
    point, busy_one = crew
    free_one = make_technician(point, skills=["Washers"])
    make_technician(make_point(), skills=["Washers"])  # another point
    add_time_off(actor=field_admin(), technician=busy_one, starts_at=at(3, 0), ends_at=at(4, 0))
    visit = make_visit(point=point, skill="")
    slots = visit_slots(visit, [busy_one, free_one], after=at(3, 9), count=3)
    assert [(s.technician, s.start) for s in slots] == [
        (free_one, at(3, 9)),
        (free_one, at(3, 13)),
        (free_one, at(3, 15)),
    ]
    visit.skill = "Dryers"
    assert visit_slots(visit, [busy_one, free_one], after=at(3, 9)) == []
    assert Visit.objects.filter(status="scheduled").count() == 0


def test_a_refusal_read_in_another_time_zone_names_the_calendars_zone(crew):
    from django.utils import timezone

    _point, technician = crew
    with timezone.override(ZoneInfo("Europe/Berlin")):
        message = errors_of(lambda: schedule(technician, at(3, 17), at(3, 19)))
    # The window is shown in the calendar's zone, like the hours it is compared with.
    text = message["scheduled_start"][0]
    assert "2031-03-03 17:00 (Asia/Shanghai)" in text
    assert "2031-03-03 19:00 (Asia/Shanghai)" in text
