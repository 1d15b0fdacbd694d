"""Story 17: "A customer had to tell the whole story again to a supervisor."

A customer writes; the agent answers twice and notes what was tried, then escalates to
the supervisor with what was tried. The supervisor opens the ticket and reads, without
the customer writing again, the escalation summary above the whole conversation; they
answer, and the customer's status page shows one continuous conversation."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.core.models import Notification
from guanxi.service.models import Ticket
from guanxi.service.services.tickets import customer_message
from guanxi.service.tasks_escalation import apply_escalation_rules
from guanxi.testing.service import make_category, make_ticket
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db

FIRST = "My label printer prints every label twice since Monday."
REPLY_1 = "Please turn the printer off and on again and tell us if it still happens."
REPLY_2 = "Thank you. Please reinstall the driver from our download page."
NOTE = "Restart and driver reinstall did not help; firmware 2.1 suspected."
TRIED = "Restart, driver reinstall (both no change). Suspect firmware 2.1: needs a swap."
ANSWER = "I have read everything: we are sending a replacement unit today."


def _post(client, name, pk, data):
    response = client.post(reverse(name, args=[pk]), data)
    assert response.status_code == 302, response.content.decode()[:500]


def test_the_supervisor_reads_the_whole_story_and_the_customer_never_repeats_it(client):
    # Given a team with an agent and its supervisor, and a customer's ticket.
    agent = make_user(role="service_agent", full_name="Agent Wang")
    supervisor = make_user(role="service_manager", full_name="Supervisor Chen")
    team = make_team(name="Printers", members=[agent, supervisor], managers=[supervisor])
    ticket = make_ticket(
        category=make_category(team=team), owner=agent, subject="Double labels", body=FIRST
    )

    # When the agent answers twice, notes what was tried and escalates.
    client.force_login(agent)
    _post(
        client,
        "service:ticket_reply",
        ticket.pk,
        {"body": REPLY_1, "kind": "reply", "status": "open"},
    )
    _post(
        client,
        "service:ticket_reply",
        ticket.pk,
        {"body": REPLY_2, "kind": "reply", "status": "open"},
    )
    _post(client, "service:ticket_reply", ticket.pk, {"body": NOTE, "kind": "note", "status": ""})
    _post(
        client,
        "service:ticket_escalate",
        ticket.pk,
        {"reason": "Hardware fault: needs a replacement", "tried_so_far": TRIED, "to_user": ""},
    )

    # Then the supervisor holds the ticket and is told, with a link.
    ticket.refresh_from_db()
    assert ticket.owner == supervisor
    assert ticket.escalation_level == 1
    notice = Notification.objects.get(recipient=supervisor, kind="service.ticket_escalated")
    assert notice.url == reverse("service:ticket_detail", args=[ticket.pk])

    # And opening it, reads the summary first and then the whole conversation.
    client.force_login(supervisor)
    page = client.get(notice.url).content.decode()
    panel = page.index('data-testid="escalation-panel"')
    conversation = page.index('id="conversation"')
    assert panel < conversation
    summary = page[panel:conversation]
    assert TRIED in summary
    assert "Hardware fault: needs a replacement" in summary
    assert "Agent Wang" in summary
    thread = page[conversation:]
    positions = [thread.index(text) for text in (FIRST, REPLY_1, REPLY_2, NOTE)]
    assert positions == sorted(positions)

    # When the supervisor answers the customer (who never wrote again).
    _post(
        client,
        "service:ticket_reply",
        ticket.pk,
        {"body": ANSWER, "kind": "reply", "status": "pending"},
    )
    customer_messages = Ticket.objects.get(pk=ticket.pk).messages.filter(kind="customer")
    assert customer_messages.count() == 1

    # Then the customer's status page shows one continuous conversation, no internals.
    client.logout()
    public = client.get(reverse("service:ticket_public", args=[ticket.public_token]))
    status_page = public.content.decode()
    positions = [status_page.index(text) for text in (FIRST, REPLY_1, REPLY_2, ANSWER)]
    assert positions == sorted(positions)
    assert status_page.count('data-testid="public-message"') == 4
    assert NOTE not in status_page
    assert TRIED not in status_page


def test_a_waiting_customer_reaches_the_supervisor_by_rule_with_the_story(client, monkeypatch):
    """The same story when nobody escalates by hand: a service manager's rule hands the
    ticket up once the customer has waited three business hours for an answer."""

    def clock(*moment: int) -> None:
        at = datetime(*moment, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)
        monkeypatch.setattr(timezone, "now", lambda: at)

    # Given a team, its supervisor's rule, and a ticket the agent answered once.
    agent = make_user(role="service_agent", full_name="Agent Wang")
    supervisor = make_user(role="service_manager", full_name="Supervisor Chen")
    team = make_team(name="Printers", members=[agent, supervisor], managers=[supervisor])
    client.force_login(supervisor)
    new_rule = client.post(
        reverse("service:escalation_rule_create"),
        {
            "name": "Customer waiting",
            "no_reply_hours": "3",
            "reason": "The customer has waited three business hours",
            "is_active": "on",
        },
    )
    assert new_rule.status_code == 302
    clock(2026, 3, 2, 9, 0)  # Monday
    ticket = make_ticket(
        category=make_category(team=team), owner=agent, subject="Double labels", body=FIRST
    )
    client.force_login(agent)
    clock(2026, 3, 2, 9, 30)
    _post(
        client,
        "service:ticket_reply",
        ticket.pk,
        {"body": REPLY_1, "kind": "reply", "status": "open"},
    )
    clock(2026, 3, 2, 10, 0)
    customer_message(ticket=ticket, body="It still prints twice.", channel="web")
    assert Ticket.objects.get(pk=ticket.pk).messages.filter(kind="customer").count() == 2

    # When the rules run before and after three business hours of waiting (10:00–12:00,
    # then 13:00–14:00: lunch does not count).
    clock(2026, 3, 2, 13, 30)
    assert apply_escalation_rules.call() == 0
    clock(2026, 3, 2, 14, 0)
    assert apply_escalation_rules.call() == 1
    assert apply_escalation_rules.call() == 0

    # Then the supervisor holds it and reads the rule, its reason and what was tried first.
    ticket.refresh_from_db()
    assert (ticket.owner, ticket.escalation_level) == (supervisor, 1)
    client.force_login(supervisor)
    page = client.get(reverse("service:ticket_detail", args=[ticket.pk])).content.decode()
    summary = page[page.index('data-testid="escalation-panel"') : page.index('id="conversation"')]
    assert "Customer waiting" in summary
    assert "The customer has waited three business hours" in summary
    assert REPLY_1 in summary
    client.logout()
    status_page = client.get(reverse("service:ticket_public", args=[ticket.public_token]))
    assert "The customer has waited three business hours" not in status_page.content.decode()
