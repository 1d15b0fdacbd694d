"""The field service demo: three points with technicians, visits in every state, some
overdue and some repeat repairs."""

from __future__ import annotations

import pytest

from guanxi.service.demo_field import load_field_service, reset_field_service
from guanxi.service.models import ServicePoint, Technician, Visit
from guanxi.testing.customers import make_account
from guanxi.testing.field import customer_ticket, make_product, sold_unit
from guanxi.testing.service import make_category
from guanxi.testing.users import make_team


@pytest.mark.django_db
def test_the_demo_has_three_points_overdue_visits_and_repeats():
    category = make_category(name="Hardware repair", team=make_team(name="Service"))
    product = make_product(is_serialised=True)
    for n in range(15):
        account = make_account()
        unit = sold_unit(account, product, f"DEMO-{n}")
        customer_ticket(account=account, product=product, serial=unit, category=category)

    result = load_field_service(visits=15)

    assert result["points"] == 3
    assert sorted(ServicePoint.objects.values_list("name", flat=True)) == [
        "上海服务站",
        "北京服务站",
        "广州服务站",
    ]
    assert Technician.objects.count() == 6
    assert Visit.objects.filter(status="done").exists()
    assert (
        Visit.objects.filter(status="scheduled").exists()
        or Visit.objects.filter(status="requested").exists()
    )
    assert Visit.objects.filter(overdue_at__isnull=False).exists()
    assert Visit.objects.filter(repeat_of__isnull=False).exists()
    assert load_field_service() == {"points": 0, "visits": 0}  # loaded once

    reset_field_service()
    assert Visit.objects.count() == ServicePoint.objects.count() == 0


@pytest.mark.django_db
def test_demo_technicians_have_hours_leave_and_visits_in_working_time():
    from datetime import timedelta

    from django.utils import timezone

    from guanxi.service.models import TimeOff
    from guanxi.service.services.field_hours import hours_source, technician_calendar
    from guanxi.service.services.field_slots import is_working

    category = make_category(name="Hardware repair", team=make_team(name="Service"))
    product = make_product(is_serialised=True)
    for n in range(10):
        account = make_account()
        unit = sold_unit(account, product, f"DEMO-{n}")
        customer_ticket(account=account, product=product, serial=unit, category=category)

    load_field_service(visits=10)

    technicians = list(Technician.objects.select_related("service_point__calendar"))
    assert {hours_source(t) for t in technicians} == {"own"}
    leave = TimeOff.objects.get()
    assert leave.starts_at > timezone.now()
    assert leave.ends_at - leave.starts_at == timedelta(days=3)
    scheduled = Visit.objects.filter(scheduled_start__isnull=False).select_related("technician")
    assert scheduled.count() >= 6
    for visit in scheduled:
        calendar = technician_calendar(visit.technician)
        assert is_working(calendar, visit.scheduled_start, visit.scheduled_end), visit
        if visit.technician_id == leave.technician_id:
            assert not (
                leave.starts_at < visit.scheduled_end and visit.scheduled_start < leave.ends_at
            )
