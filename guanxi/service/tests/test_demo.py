"""Demo tickets: routed to the Service team, with SLA clocks and a history in the past,
no e-mail sent, loaded once by the command."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from guanxi.core.models import Role
from guanxi.service.demo import load_service
from guanxi.service.models import SlaPolicy, Ticket, TicketMessage
from guanxi.testing.customers import make_contact
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers():
    agent = make_user(role="service_agent")
    make_team(name="Service", members=[agent])
    return [make_contact(emails=[{"value": f"kunde{i}@example.cn"}]) for i in range(8)]


def test_demo_tickets_are_routed_timed_and_in_the_past(customers, mailoutbox):
    counts = load_service(tickets=30, seed=3)
    tickets = list(Ticket.objects.select_related("team", "owner"))
    assert counts == {"tickets": 30} and len(tickets) == 30
    assert SlaPolicy.objects.filter(tier__isnull=True, is_active=True).count() == 4
    now = timezone.now()
    assert {t.team.name for t in tickets} == {"Service"}
    assert all(
        t.owner is not None and t.owner.roles.filter(code="service_agent").exists() for t in tickets
    )
    assert len({t.status for t in tickets}) >= 3
    for ticket in tickets:
        assert ticket.created_at <= now and ticket.resolution_due is not None
        assert (ticket.resolution_breached_at is not None) == (
            (ticket.solved_at or now) > ticket.resolution_due
        )
        assert ticket.contact is not None
    assert not TicketMessage.objects.exclude(delivery="").exists()
    assert mailoutbox == []


def test_the_command_loads_once(customers, capsys):
    call_command("seed_demo_service", "--if-empty", "--tickets", "5")
    call_command("seed_demo_service", "--if-empty")
    out = capsys.readouterr().out
    assert "Demo service data loaded: 5 tickets," in out
    assert "no demo service data loaded" in out
    call_command("seed_demo_service", "--reset")
    assert Ticket.all_objects.count() == 0
    assert Role.objects.filter(code="service_agent").exists()
