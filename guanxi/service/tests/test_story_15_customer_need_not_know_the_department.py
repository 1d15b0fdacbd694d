"""Story 15: "A customer cannot tell which department fixes their product."

Given a routing rule sending printer problems (打印机, 卡纸, printer) to the printer
repair team, a customer who writes in plain words through the public help form, with
no category, gets a ticket in the printer repair team with an agent already on it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guanxi.service.models import Ticket
from guanxi.testing.routing import make_agents_team, make_rule
from guanxi.testing.service import make_category

pytestmark = pytest.mark.django_db


def test_a_customer_writing_in_plain_words_reaches_the_printer_repair_team(client):
    repairs, agents = make_agents_team(2, name="打印机维修组")
    make_agents_team(1, name="Billing")
    make_category(name="Billing questions")
    rule = make_rule(name="打印机报修", keywords="打印机, 卡纸, printer", team=repairs)

    response = client.post(
        reverse("service:help_form"),
        {
            "description": "我的打印机一直卡纸\n每打一页都卡住。",
            "name": "王女士",
            "email": "wang@example.com",
        },
    )

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.channel == "web"
    assert ticket.category is None
    assert ticket.team == repairs
    assert ticket.owner in agents
    assert ticket.routing.rule == rule


def test_english_words_reach_the_same_team_whatever_the_case(client):
    repairs, agents = make_agents_team(1, name="Printer repair")
    make_rule(keywords="打印机, 卡纸, printer", team=repairs)

    client.post(
        reverse("service:help_form"),
        {"description": "My PRINTER keeps jamming", "email": "amy@example.com"},
    )

    ticket = Ticket.objects.get()
    assert (ticket.team, ticket.owner) == (repairs, agents[0])
