"""Who holds a ticket nobody routed: the agent who took the call, or a manager routing
the queue; only people who work on tickets receive one; the serial names the product."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from guanxi.service.services.tickets import assign_ticket, open_ticket, update_ticket
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import priced_product
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


def test_an_agent_taking_a_call_without_a_category_keeps_the_ticket_in_their_team():
    agent = make_user(role="service_agent")
    team = make_team(members=[agent])
    ticket = open_ticket(
        actor=agent, subject="打印机卡纸", body="电话报修", channel="phone", requester_name="王先生"
    )
    assert (ticket.owner, ticket.team) == (agent, team)


def test_a_service_manager_routes_a_ticket_nobody_has_yet():
    manager = make_user(role="service_manager")
    agent = make_user(role="service_agent")
    team = make_team(members=[manager, agent], managers=[manager])
    ticket = make_ticket()  # by e-mail, no category: no team, no agent
    assert (ticket.team, ticket.owner) == (None, None)
    assign_ticket(actor=manager, ticket=ticket, team=team)
    ticket.refresh_from_db()
    assert ticket.team == team and ticket.owner in (manager, agent)


def test_only_people_who_work_on_tickets_receive_one():
    manager = make_user(role="service_manager")
    make_team(members=[manager], managers=[manager])
    ticket = make_ticket()
    with pytest.raises(ValidationError) as error:
        assign_ticket(actor=manager, ticket=ticket, owner=make_user(role="sales_rep"))
    assert "owner" in error.value.message_dict


def test_a_serial_number_names_its_product_and_a_new_product_must_match_it():
    agent = make_user(role="service_agent")
    make_team(members=[agent])
    printer = priced_product("10", sku="PRN-1", is_serialised=True, warranty_months=12)
    scanner = priced_product("10", sku="SCN-1", is_serialised=True, warranty_months=12)
    order = make_order(lines=[(printer, 1)], confirm=True)
    from guanxi.sales.services.orders import set_line_serials

    set_line_serials(actor=order.owner, line=order.lines.get(), serials=["PRN-0001"])
    unit = order.lines.get().serials.get()
    ticket = open_ticket(actor=agent, subject="Jam", body="Paper jam", channel="phone")
    update_ticket(actor=agent, ticket=ticket, serial=unit)
    assert ticket.product == printer
    with pytest.raises(ValidationError) as error:
        update_ticket(actor=agent, ticket=ticket, product=scanner)
    assert "serial" in error.value.message_dict
