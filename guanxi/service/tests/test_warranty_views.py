"""The warranty lookup page and opening a ticket for a unit found."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guanxi.service.models import Ticket
from guanxi.testing.routing import make_agents_team, make_rule, make_unit
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_the_page_shows_a_box_and_then_the_units_found(client):
    unit = make_unit("SCN-42", order_date="2020-01-10")
    client.force_login(make_user(role="service_agent"))
    empty = client.get(reverse("service:warranty_lookup"))
    assert 'data-testid="warranty-form"' in empty.content.decode()
    page = client.get(reverse("service:warranty_lookup"), {"q": "scn-42"}).content.decode()
    assert "warranty ended on 2021-01-10" in page
    assert reverse("service:warranty_ticket", args=[unit.pk]) in page


def test_nothing_found_says_how_to_search(client):
    client.force_login(make_user(role="service_agent"))
    page = client.get(reverse("service:warranty_lookup"), {"q": "8000"}).content.decode()
    assert "A phone number must be whole" in page


def test_a_ticket_is_opened_for_the_unit_and_routed(client):
    unit = make_unit("PRN-5")
    team, agents = make_agents_team(1)
    make_rule(product=unit.product, team=team)
    client.force_login(make_user(role="service_manager"))
    response = client.post(
        reverse("service:warranty_ticket", args=[unit.pk]),
        {"subject": "卡纸", "body": "客户来电", "channel": "phone", "priority": "normal"},
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert (ticket.serial, ticket.product, ticket.account) == (
        unit,
        unit.product,
        unit.line.order.account,
    )
    assert (ticket.team, ticket.owner) == (team, agents[0])


def test_a_bad_ticket_form_names_the_field(client):
    unit = make_unit()
    client.force_login(make_user(role="service_agent"))
    response = client.post(
        reverse("service:warranty_ticket", args=[unit.pk]),
        {"subject": "", "body": "x", "channel": "phone", "priority": "normal"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["subject"]
    assert not Ticket.objects.exists()


def test_a_unit_the_user_may_not_see_is_not_found(client):
    unit = make_unit()
    client.force_login(make_user(role="sales_rep"))
    assert client.get(reverse("service:warranty_ticket", args=[unit.pk])).status_code == 404
