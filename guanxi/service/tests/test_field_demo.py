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
