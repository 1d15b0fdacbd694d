"""Field service: the point covering an address, requesting, scheduling, moving on and
completing visits, and repeat repairs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.core.models import AuditEntry
from guanxi.service.models import Visit, VisitPart
from guanxi.service.services.field import (
    change_visit_status,
    complete_visit,
    request_visit,
    schedule_visit,
    update_visit,
)
from guanxi.service.services.field_points import (
    add_technician,
    create_service_point,
    point_covering,
)
from guanxi.testing.customers import make_account
from guanxi.testing.field import (
    customer_ticket,
    done_visit,
    field_admin,
    make_point,
    make_product,
    make_technician,
    make_visit,
    sold_unit,
)
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def errors_of(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_the_most_specific_coverage_wins():
    province = make_point(name="Guangdong", coverage=[{"province": "44"}])
    city = make_point(name="Guangzhou", coverage=[{"province": "广东", "city": "广州"}])
    district = make_point(
        name="Tianhe", coverage=[{"province": "44", "city": "广州", "district": "天河区"}]
    )
    assert point_covering("44", "广州", "天河") == district
    assert point_covering("44", "广州", "越秀区") == city
    assert point_covering("44", "深圳", "") == province
    assert point_covering("31", "上海", "") is None


def test_coverage_errors_name_the_area():
    errors = errors_of(
        lambda: create_service_point(
            actor=field_admin(),
            name="Bad",
            coverage=[{"province": "Atlantis"}, {"province": "44", "city": "上海"}],
        )
    )
    assert "coverage.0.province" in errors
    assert "coverage.1.city" in errors


def test_only_service_managers_set_up_points():
    with pytest.raises(PermissionDenied):
        create_service_point(actor=make_user(role="service_agent"), name="Nope")


def test_a_user_is_technician_at_one_point_only():
    point = make_point()
    technician = make_technician(point)
    errors = errors_of(
        lambda: add_technician(actor=field_admin(), service_point=point, user=technician.user)
    )
    assert "user" in errors


def test_a_visit_goes_to_the_point_covering_the_customers_address():
    make_point(name="Shanghai", coverage=[{"province": "31"}])
    beijing = make_point(name="Beijing", coverage=[{"province": "11"}])
    product = make_product(category="Washers")
    ticket = customer_ticket(province="11", city="北京", product=product)

    visit = make_visit(ticket)

    assert visit.service_point == beijing
    assert visit.status == "requested"
    assert visit.skill == "Washers"
    assert visit.team == beijing.team
    assert AuditEntry.objects.filter(object_type="service.visit", event="create").count() == 1


def test_without_a_covering_point_the_request_asks_for_one():
    make_point(coverage=[{"province": "31"}])
    ticket = customer_ticket(province="44", city="广州")
    errors = errors_of(lambda: request_visit(actor=field_admin(), ticket=ticket))
    assert list(errors) == ["service_point"]
    assert Visit.objects.count() == 0


def test_an_agent_who_cannot_change_the_ticket_cannot_request_a_visit():
    point = make_point()
    ticket = customer_ticket()
    with pytest.raises(PermissionDenied):
        request_visit(actor=make_user(role="sales_rep"), ticket=ticket, service_point=point)


@pytest.fixture
def booked():
    point = make_point()
    washer = make_technician(point, skills=["Washers"])
    dryer = make_technician(point, skills=["Dryers"])
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    return point, washer, dryer, start


def test_scheduling_needs_the_skill_a_free_window_and_the_points_technician(booked):
    point, washer, dryer, start = booked
    admin = field_admin()
    visit = make_visit(customer_ticket(product=make_product()), point=point)
    end = start + timedelta(hours=2)

    assert "technician" in errors_of(
        lambda: schedule_visit(actor=admin, visit=visit, technician=dryer, start=start, end=end)
    )
    other = make_technician(make_point(), skills=["Washers"])
    assert "technician" in errors_of(
        lambda: schedule_visit(actor=admin, visit=visit, technician=other, start=start, end=end)
    )
    assert "scheduled_end" in errors_of(
        lambda: schedule_visit(actor=admin, visit=visit, technician=washer, start=end, end=start)
    )

    schedule_visit(actor=admin, visit=visit, technician=washer, start=start, end=end)
    visit.refresh_from_db()
    assert (visit.status, visit.technician, visit.owner) == ("scheduled", washer, washer.user)

    second = make_visit(customer_ticket(product=make_product()), point=point)
    overlap = start + timedelta(hours=1)
    errors = errors_of(
        lambda: schedule_visit(
            actor=admin,
            visit=second,
            technician=washer,
            start=overlap,
            end=overlap + timedelta(hours=2),
        )
    )
    assert "technician" in errors
    # Back to back is fine.
    schedule_visit(
        actor=admin, visit=second, technician=washer, start=end, end=end + timedelta(hours=1)
    )


def test_status_moves_on_and_done_needs_completion(booked):
    point, washer, dryer, start = booked
    admin = field_admin()
    visit = make_visit(customer_ticket(), point=point)
    schedule_visit(
        actor=admin, visit=visit, technician=washer, start=start, end=start + timedelta(hours=1)
    )
    assert "status" in errors_of(
        lambda: change_visit_status(actor=admin, visit=visit, status="done")
    )
    change_visit_status(actor=admin, visit=visit, status="en_route")
    arrived = timezone.now()
    change_visit_status(actor=admin, visit=visit, status="on_site", now=arrived)
    visit.refresh_from_db()
    assert (visit.status, visit.arrived_at) == ("on_site", arrived)


def test_the_technician_completes_their_visit_with_parts_and_report(booked):
    point, washer, dryer, start = booked
    visit = make_visit(customer_ticket(), point=point)
    schedule_visit(
        actor=field_admin(),
        visit=visit,
        technician=washer,
        start=start,
        end=start + timedelta(hours=1),
    )
    pump = make_product(sku="PUMP-1", category="Parts")
    errors = errors_of(
        lambda: complete_visit(
            actor=washer.user,
            visit=visit,
            outcome="",
            parts=[{"product": pump, "quantity": 0}],
            travel_minutes=-5,
        )
    )
    assert {"outcome", "parts.0.quantity", "travel_minutes"} <= set(errors)

    complete_visit(
        actor=washer.user,
        visit=visit,
        outcome="fixed",
        report="Replaced the pump.",
        parts=[{"product": pump, "quantity": 1, "serial": "P-77"}],
        travel_minutes=35,
    )
    visit.refresh_from_db()
    assert (visit.status, visit.outcome, visit.travel_minutes) == ("done", "fixed", 35)
    assert visit.completed_at is not None
    assert list(VisitPart.objects.values_list("product_id", "quantity", "serial")) == [
        (pump.pk, 1, "P-77")
    ]


def test_another_technician_cannot_complete_a_visit_not_theirs(booked):
    point, washer, dryer, start = booked
    visit = make_visit(customer_ticket(), point=point)
    schedule_visit(
        actor=field_admin(),
        visit=visit,
        technician=washer,
        start=start,
        end=start + timedelta(hours=1),
    )
    outsider = make_user(role="service_agent")
    with pytest.raises(PermissionDenied):
        complete_visit(actor=outsider, visit=visit, outcome="fixed")
    visit.refresh_from_db()
    assert visit.status == "scheduled"


def test_a_new_visit_for_the_same_serial_within_the_window_is_a_repeat(booked, settings):
    settings.FIELD_REPEAT_DAYS = 30
    point, washer, dryer, start = booked
    account = make_account()
    product = make_product(is_serialised=True)
    unit = sold_unit(account, product, "SN-100")
    first_ticket = customer_ticket(account=account, product=product, serial=unit)
    first = done_visit(first_ticket, washer, at=timezone.now() - timedelta(days=10))

    again = customer_ticket(account=account, product=product, serial=unit)
    repeat = make_visit(again, point=point)
    assert repeat.repeat_of == first

    # Beyond the window it is a new repair.
    settings.FIELD_REPEAT_DAYS = 5
    later = make_visit(customer_ticket(account=account, product=product, serial=unit), point=point)
    assert later.repeat_of is None


def test_same_product_same_customer_without_serial_is_a_repeat_when_done(booked):
    point, washer, dryer, start = booked
    account = make_account()
    product = make_product()
    first = done_visit(
        customer_ticket(account=account, product=product),
        washer,
        at=timezone.now() - timedelta(days=3),
    )
    # Requested before the first was done, so only completion finds the repeat.
    ticket = make_ticket(account=account, product=product)
    visit = request_visit(
        actor=field_admin(),
        ticket=ticket,
        service_point=point,
        now=timezone.now() - timedelta(days=5),
    )
    assert visit.repeat_of is None
    schedule_visit(
        actor=field_admin(),
        visit=visit,
        technician=washer,
        start=start,
        end=start + timedelta(hours=1),
    )
    complete_visit(actor=field_admin(), visit=visit, outcome="fixed")
    visit.refresh_from_db()
    assert visit.repeat_of == first
    other_customer = make_visit(customer_ticket(product=product), point=point)
    assert other_customer.repeat_of is None


def test_a_visit_moves_to_another_point_only_before_scheduling(booked):
    point, washer, dryer, start = booked
    other = make_point()
    visit = make_visit(customer_ticket(), point=point)
    update_visit(actor=field_admin(), visit=visit, service_point=other, notes="Ring twice")
    visit.refresh_from_db()
    assert (visit.service_point, visit.team, visit.notes) == (other, other.team, "Ring twice")
    make_technician(other)
    technician = other.technicians.get()
    schedule_visit(
        actor=field_admin(),
        visit=visit,
        technician=technician,
        start=start,
        end=start + timedelta(hours=1),
    )
    assert "service_point" in errors_of(
        lambda: update_visit(actor=field_admin(), visit=visit, service_point=point)
    )
