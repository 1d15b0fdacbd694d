"""Field service pages: the ticket's visits panel, requesting, the visit page and its
forms, the list with filters, the dispatch board's htmx assignment, service points,
and the customer timeline."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.service.models import ServicePoint, Technician, Visit
from guanxi.service.services.field import schedule_visit
from guanxi.testing.field import (
    customer_ticket,
    done_visit,
    field_admin,
    make_point,
    make_product,
    make_technician,
    make_visit,
)
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew():
    agent = make_user(role="service_agent")
    team = make_team(members=[agent])
    point = make_point(name="北京服务站", team=team, coverage=[{"province": "11"}])
    technician = make_technician(point, user=agent, skills=["Washers"])
    return agent, point, technician


def test_the_ticket_page_requests_a_visit_from_the_covering_point(client, crew):
    agent, point, technician = crew
    ticket = customer_ticket(owner=agent, product=make_product())
    client.force_login(agent)

    page = client.get(reverse("service:ticket_detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="visit-request-form"' in page
    assert "北京服务站" in page

    response = client.post(reverse("service:visit_request", args=[ticket.pk]), {"notes": "Gate B"})
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("service:visit_detail", args=[visit.pk])
    assert (visit.service_point, visit.notes, visit.skill) == (point, "Gate B", "Washers")
    page = client.get(reverse("service:ticket_detail", args=[ticket.pk])).content.decode()
    assert f">{visit}</a>" in page


def test_an_uncovered_address_flashes_an_error_naming_the_point(client, crew):
    agent, point, technician = crew
    ticket = customer_ticket(owner=agent, province="44", city="广州")
    client.force_login(agent)
    response = client.post(reverse("service:visit_request", args=[ticket.pk]), {}, follow=True)
    assert Visit.objects.count() == 0
    assert "No service point covers the customer" in response.content.decode()


def test_the_ticket_page_says_repeat_repair(client, crew):
    agent, point, technician = crew
    product = make_product()
    first_ticket = customer_ticket(owner=agent, product=product)
    first = done_visit(first_ticket, technician, at=timezone.now() - timedelta(days=2))
    again = customer_ticket(owner=agent, product=product, account=first_ticket.account)
    client.force_login(agent)
    page = client.get(reverse("service:ticket_detail", args=[again.pk])).content.decode()
    assert 'data-testid="ticket-repeat"' in page
    assert f"Repeat repair of visit {first}" in page


def test_the_visit_page_schedules_and_reports_field_errors(client, crew):
    agent, point, technician = crew
    visit = make_visit(customer_ticket(), point=point)
    client.force_login(agent)
    url = reverse("service:visit_schedule", args=[visit.pk])
    start = (timezone.localtime() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)

    bad = client.post(
        url,
        {
            "technician": technician.pk,
            "scheduled_start": start.strftime("%Y-%m-%dT%H:%M"),
            "scheduled_end": (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert bad.status_code == 200
    assert "The window must end after it starts." in bad.content.decode()

    good = client.post(
        url,
        {
            "technician": technician.pk,
            "scheduled_start": start.strftime("%Y-%m-%dT%H:%M"),
            "scheduled_end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert good.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.technician) == ("scheduled", technician)

    client.post(reverse("service:visit_status", args=[visit.pk]), {"status": "on_site"})
    pump = make_product(sku="PUMP-9")
    done = client.post(
        reverse("service:visit_complete", args=[visit.pk]),
        {
            "outcome": "fixed",
            "report": "New pump.",
            "parts": "PUMP-9, 2, P-1",
            "travel_minutes": 30,
        },
    )
    assert done.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.outcome, visit.travel_minutes) == ("done", "fixed", 30)
    assert list(visit.parts.values_list("product_id", "quantity", "serial")) == [
        (pump.pk, 2, "P-1")
    ]
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "New pump." in page and "PUMP-9" in page


def test_an_unknown_part_sku_is_an_error_on_parts(client, crew):
    agent, point, technician = crew
    visit = make_visit(customer_ticket(), point=point)
    start = timezone.now() + timedelta(days=1)
    schedule_visit(
        actor=field_admin(),
        visit=visit,
        technician=technician,
        start=start,
        end=start + timedelta(hours=1),
    )
    client.force_login(agent)
    response = client.post(
        reverse("service:visit_complete", args=[visit.pk]),
        {"outcome": "fixed", "parts": "NOPE, 1"},
    )
    assert response.status_code == 200
    assert "no product has the SKU NOPE" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == "scheduled"


def test_another_teams_agent_does_not_see_the_visit(client, crew):
    agent, point, technician = crew
    visit = make_visit(customer_ticket(), point=point)
    outsider = make_user(role="service_agent")
    make_team(members=[outsider])
    client.force_login(outsider)
    assert client.get(visit.get_absolute_url()).status_code == 404
    page = client.get(reverse("service:visit_list")).content.decode()
    assert f">{visit}</a>" not in page


def test_the_list_puts_overdue_first_and_filters(client, crew):
    agent, point, technician = crew
    now = timezone.now()
    older = make_visit(customer_ticket(), point=point, now=now - timedelta(days=2))
    late = make_visit(customer_ticket(), point=point, now=now - timedelta(days=1))
    schedule_visit(
        actor=field_admin(),
        visit=late,
        technician=technician,
        start=now - timedelta(hours=5),
        end=now - timedelta(hours=3),
    )
    from guanxi.service.services.field_overdue import flag_overdue_visits

    flag_overdue_visits(now=now)
    client.force_login(agent)
    page = client.get(reverse("service:visit_list")).content.decode()
    assert page.index(f">{late}</a>") < page.index(f">{older}</a>")
    only = client.get(reverse("service:visit_list"), {"overdue": "1"}).content.decode()
    assert f">{late}</a>" in only and f">{older}</a>" not in only


def test_assigning_on_the_board_with_htmx_returns_the_board(client, crew):
    agent, point, technician = crew
    visit = make_visit(customer_ticket(), point=point)
    other = make_visit(customer_ticket(), point=point)
    client.force_login(agent)
    start = (timezone.localtime() + timedelta(days=1)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    data = {
        "technician": technician.pk,
        "scheduled_start": start.strftime("%Y-%m-%dT%H:%M"),
        "scheduled_end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "day": start.strftime("%Y-%m-%d"),
        "view": "day",
    }
    url = reverse("service:dispatch_assign", args=[visit.pk])
    response = client.post(url, data, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<div id="dispatch-board"')
    assert 'data-testid="board-visit"' in body and f"{visit}</a>" in body
    visit.refresh_from_db()
    assert visit.status == "scheduled"

    clash = client.post(
        reverse("service:dispatch_assign", args=[other.pk]), data, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'data-testid="assign-error"' in clash
    assert "This technician has visit" in clash
    other.refresh_from_db()
    assert other.status == "requested"


def test_a_week_board_lists_each_technicians_visits(client, crew):
    agent, point, technician = crew
    visit = make_visit(customer_ticket(), point=point)
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    start = timezone.make_aware(datetime.combine(monday + timedelta(days=3), time(9)))
    schedule_visit(
        actor=field_admin(),
        visit=visit,
        technician=technician,
        start=start,
        end=start + timedelta(hours=1),
    )
    client.force_login(agent)
    page = client.get(
        reverse("service:dispatch_board"), {"view": "week", "day": monday.isoformat()}
    ).content.decode()
    row = page[page.index(f'data-technician="{technician.pk}"') :]
    assert f"{visit}</a>" in row.split("</tr>")[0]


def test_a_service_manager_sets_up_a_point_and_its_technician(client):
    manager = make_user(role="service_manager")
    client.force_login(manager)
    response = client.post(
        reverse("service:field_point_list"),
        {
            "name": "广州服务站",
            "province": "44",
            "city": "广州",
            "coverage": "广东 / 广州\n广西",
            "is_active": "on",
        },
    )
    point = ServicePoint.objects.get()
    assert response.status_code == 302
    assert point.coverage == [
        {"province": "44", "city": "广州", "district": ""},
        {"province": "45", "city": "", "district": ""},
    ]
    bad = client.post(reverse("service:field_point_list"), {"name": "X", "coverage": "Atlantis"})
    assert bad.status_code == 200 and "This is not a province of China." in bad.content.decode()

    user = make_user(full_name="赵技师")
    client.post(
        reverse("service:field_technician_add", args=[point.pk]),
        {"user": user.pk, "skills": "打印机，网络"},
    )
    technician = Technician.objects.get()
    assert (technician.user, technician.skills) == (user, ["打印机", "网络"])
    page = client.get(point.get_absolute_url()).content.decode()
    assert "赵技师" in page and "Guangdong / 广州" in page


def test_visits_show_on_the_customers_timeline(client, crew):
    agent, point, technician = crew
    ticket = customer_ticket()
    visit = make_visit(ticket, point=point)
    from guanxi.customers.timeline import timeline_page

    admin = field_admin()
    entries, _cursor = timeline_page(admin, ticket.account, limit=20)
    found = [e for e in entries if e.source == "field_visit"]
    assert [(e.id, e.url) for e in found] == [(visit.pk, visit.get_absolute_url())]
    only, _cursor = timeline_page(admin, ticket.account, kinds=["field_visit"])
    assert [e.id for e in only] == [visit.pk]
