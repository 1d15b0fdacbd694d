"""Story 19: "A service manager cannot see how each service point performs or why
repeat repairs are high."

Two service points: at one a washer came back within the repeat window (a repeat
repair), at the other every repair held. The performance page and its selector show
visits, times, the repeat rate, first-time fixes and satisfaction per point and per
technician, and list the repeated serial numbers with their products and outcomes, in
a constant number of queries.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guanxi.service.models import Survey
from guanxi.service.selectors_field_performance import field_performance
from guanxi.service.services.field import request_visit
from guanxi.testing.customers import make_account
from guanxi.testing.field import (
    customer_ticket,
    done_visit,
    field_admin,
    make_point,
    make_product,
    make_technician,
    sold_unit,
)
from guanxi.testing.users import make_team, make_user


def answer_csat(ticket, score):
    now = timezone.now()
    Survey.objects.create(
        kind="csat",
        ticket=ticket,
        token=secrets.token_urlsafe(24),
        sent_at=now,
        answered_at=now,
        score=score,
    )


@pytest.fixture
def two_points():
    manager = make_user(role="service_manager")
    team = make_team(members=[manager], managers=[manager])
    beijing = make_point(name="北京服务站", team=team)
    shanghai = make_point(
        name="上海服务站", team=team, province="31", city="上海", coverage=[{"province": "31"}]
    )
    wang = make_technician(beijing, skills=["Washers"])
    li = make_technician(shanghai, skills=["Washers"])
    product = make_product(sku="WM-8", name="Washer 8kg", category="Washers", is_serialised=True)
    now = timezone.now()

    # Beijing: the same washer fixed twice within two weeks; the second time it held.
    account = make_account(name="Repeat Co")
    unit = sold_unit(account, product, "SN-REPEAT-1")
    first_ticket = customer_ticket(account=account, product=product, serial=unit)
    first = done_visit(first_ticket, wang, at=now - timedelta(days=20))
    second_ticket = customer_ticket(account=account, product=product, serial=unit)
    second = done_visit(second_ticket, wang, at=now - timedelta(days=8))
    answer_csat(first_ticket, 2)
    answer_csat(second_ticket, 4)

    # Shanghai: two washers fixed once each.
    for n in (1, 2):
        other = make_account(name=f"Steady {n}")
        unit = sold_unit(other, product, f"SN-STEADY-{n}")
        ticket = customer_ticket(
            account=other, product=product, serial=unit, province="31", city="上海"
        )
        done_visit(ticket, li, at=now - timedelta(days=5 + n))
        answer_csat(ticket, 5)
    return manager, beijing, shanghai, wang, li, first, second


@pytest.mark.django_db
def test_the_selector_shows_each_points_figures_and_the_repeats(two_points):
    manager, beijing, shanghai, wang, li, first, second = two_points
    assert second.repeat_of == first
    today = timezone.localdate()

    result = field_performance(manager, start=today - timedelta(days=60), end=today)

    rows = {row.label: row.as_dict() for row in result.points}
    assert rows["北京服务站"]["visits"] == 2
    assert rows["北京服务站"]["done"] == 2
    assert rows["北京服务站"]["repeated"] == 1
    assert rows["北京服务站"]["repeat_rate"] == 50.0
    assert rows["北京服务站"]["first_time_fix_rate"] == 50.0
    assert rows["北京服务站"]["satisfaction"] == 3.0
    assert rows["北京服务站"]["median_hours_to_visit"] == 26.0
    assert rows["上海服务站"]["repeat_rate"] == 0.0
    assert rows["上海服务站"]["first_time_fix_rate"] == 100.0
    assert rows["上海服务站"]["satisfaction"] == 5.0
    technicians = {row.pk: row.as_dict() for row in result.technicians}
    assert technicians[wang.pk]["repeat_rate"] == 50.0
    assert technicians[li.pk]["visits"] == 2
    assert [(v.ticket.serial.serial, v.repeat_of_id) for v in result.repeats] == [
        ("SN-REPEAT-1", first.pk)
    ]


@pytest.mark.django_db
def test_the_page_shows_the_numbers_and_the_repeated_serials(client, two_points):
    manager, beijing, shanghai, wang, li, first, second = two_points
    client.force_login(manager)

    page = client.get(reverse("service:field_performance")).content.decode()

    assert "北京服务站" in page and "上海服务站" in page
    assert "50.0%" in page and "100.0%" in page
    assert "SN-REPEAT-1" in page
    assert "WM-8 Washer 8kg" in page
    assert "SN-STEADY-1" not in page.split('data-testid="repeat-repairs"')[1]


@pytest.mark.django_db
def test_an_agent_may_not_see_the_performance_page(client):
    client.force_login(make_user(role="service_agent"))
    assert client.get(reverse("service:field_performance")).status_code == 403


@pytest.mark.django_db
def test_a_manager_sees_only_their_teams_points(client, two_points):
    outsider = make_user(role="service_manager")
    make_team(members=[outsider], managers=[outsider])
    today = timezone.localdate()
    result = field_performance(outsider, start=today - timedelta(days=60), end=today)
    assert result.points == [] and result.repeats == []


@pytest.mark.django_db
def test_the_figures_cost_the_same_queries_however_many_visits(two_points):
    manager, beijing, shanghai, wang, li, first, second = two_points
    today = timezone.localdate()
    start = today - timedelta(days=60)
    field_performance(manager, start=start, end=today)  # the manager's grants are cached
    with CaptureQueriesContext(connection) as before:
        field_performance(manager, start=start, end=today)
    product = make_product()
    for _n in range(3):
        ticket = customer_ticket(product=product)
        done_visit(ticket, wang, at=timezone.now() - timedelta(days=1))
        request_visit(actor=field_admin(), ticket=customer_ticket(), service_point=shanghai)
    with CaptureQueriesContext(connection) as after:
        field_performance(manager, start=start, end=today)
    assert len(after) == len(before) == 7
