"""Escalation (story 17): by hand with the reason and what was tried, to a chosen user or
the team's manager by default, raising the priority and recomputing the due times, with
an internal note and a notice; automatically once per resolution breach with a summary
made from the conversation; the panel above the conversation; and the API."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from guanxi.core.models import AuditEntry, Notification
from guanxi.core.services.tokens import create_token
from guanxi.service.choices import MessageKind
from guanxi.service.models import Escalation, Ticket
from guanxi.service.services.escalation import auto_escalate_breached, escalate_ticket
from guanxi.service.services.sla import check_ticket_clocks
from guanxi.service.services.tickets import add_note, reply
from guanxi.testing.service import make_category, make_policy, make_ticket
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment: datetime) -> datetime:
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(UTC))
        return moment

    return set_to


@pytest.fixture
def desk():
    class Desk:
        agent = make_user(role="service_agent", full_name="Agent Wang")
        colleague = make_user(role="service_agent", full_name="Agent Li")
        manager = make_user(role="service_manager", full_name="Manager Chen")
        outsider = make_user(role="service_agent", full_name="Agent Zhao")
        rep = make_user(role="sales_rep", full_name="Rep Sun")
        team = make_team(name="Printers", members=[agent, colleague, manager], managers=[manager])
        other_team = make_team(name="Scanners", members=[outsider])

    Desk.category = make_category(team=Desk.team)
    return Desk


@pytest.fixture
def ticket(desk, clock):
    """Opened Monday 2026-03-02 09:00 (Shanghai), normal priority, Agent Wang's."""
    make_policy()  # normal: first response in 4 business hours, resolution in 16
    make_policy(priority="high", first_response_minutes=60, resolution_minutes=240)
    clock(at(2026, 3, 2, 9, 0))
    opened = make_ticket(category=desk.category, owner=desk.agent)
    assert opened.resolution_due == at(2026, 3, 3, 18, 0)
    Notification.objects.all().delete()
    return opened


# Manual escalation -----------------------------------------------------------------------


def test_escalating_goes_to_the_team_manager_raises_the_priority_and_recomputes_due_times(
    desk, ticket
):
    escalation = escalate_ticket(
        actor=desk.agent,
        ticket=ticket,
        reason="Customer wants a refund",
        tried_so_far="Reinstalled the driver; swapped the cable.",
    )

    ticket.refresh_from_db()
    assert (escalation.level, escalation.from_user, escalation.to_user) == (
        1,
        desk.agent,
        desk.manager,
    )
    assert escalation.automatic is False
    assert ticket.escalation_level == 1
    assert ticket.owner == desk.manager
    assert ticket.priority == "high"
    # The high policy from the creation: 1 h to answer, 4 business hours (lunch 12–13).
    assert ticket.first_response_due == at(2026, 3, 2, 10, 0)
    assert ticket.resolution_due == at(2026, 3, 2, 14, 0)
    note = ticket.messages.get(kind=MessageKind.NOTE)
    assert "Customer wants a refund" in note.body
    assert "Reinstalled the driver; swapped the cable." in note.body
    assert note.author == desk.agent
    notice = Notification.objects.get(recipient=desk.manager)
    assert notice.kind == "service.ticket_escalated"
    assert ticket.number in notice.title
    assert notice.url == reverse("service:ticket_detail", args=[ticket.pk])
    changes = [e.changes for e in AuditEntry.objects.filter(object_id=str(ticket.pk))]
    assert any(c.get("escalation") == [None, 1] for c in changes)


def test_a_second_escalation_is_level_two_and_priority_stops_at_urgent(desk, ticket):
    boss = make_user(role="service_manager", full_name="Boss Liu")
    escalate_ticket(actor=desk.agent, ticket=ticket, reason="a", tried_so_far="b")
    escalate_ticket(actor=desk.manager, ticket=ticket, reason="c", tried_so_far="d", to_user=boss)
    third = escalate_ticket(actor=boss, ticket=ticket, reason="e", tried_so_far="f")

    ticket.refresh_from_db()
    assert list(ticket.escalations.values_list("level", flat=True)) == [1, 2, 3]
    assert ticket.escalation_level == 3
    assert ticket.priority == "urgent"
    # Boss Liu is in no team: the ticket goes back to the manager of its team.
    assert third.to_user == desk.manager


def test_without_a_team_manager_a_service_manager_then_an_administrator_receives(desk, clock):
    loner = make_ticket(owner=desk.agent)  # no team
    other = escalate_ticket(actor=desk.agent, ticket=loner, reason="r", tried_so_far="t")
    assert other.to_user == desk.manager  # the first service manager by pk

    desk.manager.roles.clear()
    admin = make_user(role="administrator")
    second = make_ticket(owner=desk.agent)
    assert (
        escalate_ticket(actor=desk.agent, ticket=second, reason="r", tried_so_far="t").to_user
        == admin
    )


def test_required_fields_and_a_target_who_works_tickets_are_named(desk, ticket):
    with pytest.raises(ValidationError) as refused:
        escalate_ticket(actor=desk.agent, ticket=ticket, reason=" ", tried_so_far="")
    assert set(refused.value.message_dict) == {"reason", "tried_so_far"}

    with pytest.raises(ValidationError) as refused:
        escalate_ticket(
            actor=desk.agent, ticket=ticket, reason="r", tried_so_far="t", to_user=desk.rep
        )
    assert set(refused.value.message_dict) == {"to_user"}

    ticket.refresh_from_db()
    assert (ticket.escalation_level, ticket.priority, ticket.owner) == (0, "normal", desk.agent)
    assert not Escalation.objects.exists()
    assert not ticket.messages.filter(kind=MessageKind.NOTE).exists()


def test_who_may_not_change_the_ticket_cannot_escalate_it(desk, ticket):
    for user in (desk.rep, desk.outsider):
        with pytest.raises(PermissionDenied):
            escalate_ticket(actor=user, ticket=ticket, reason="r", tried_so_far="t")
    ticket.refresh_from_db()
    assert (ticket.escalation_level, ticket.owner) == (0, desk.agent)
    assert not Escalation.objects.exists()


# Automatic escalation -------------------------------------------------------------------


def test_a_resolution_breach_escalates_once_with_the_conversation_digest(desk, ticket, clock):
    clock(at(2026, 3, 2, 10, 0))
    reply(actor=desk.agent, ticket=ticket, body="Please restart the print spooler.")
    add_note(actor=desk.agent, ticket=ticket, body="Firmware 2.1 is known to jam.")
    Notification.objects.all().delete()

    clock(at(2026, 3, 3, 18, 0))
    counts = check_ticket_clocks(at(2026, 3, 3, 18, 0))
    assert counts["resolution_breached"] == 1

    escalation = Escalation.objects.get()
    assert escalation.automatic is True
    assert escalation.from_user is None
    assert escalation.to_user == desk.manager
    assert escalation.reason == "Resolution time breached"
    assert escalation.created_at == at(2026, 3, 3, 18, 0)
    assert "breached" in escalation.tried_so_far
    assert "Please restart the print spooler." in escalation.tried_so_far
    assert "Firmware 2.1 is known to jam." in escalation.tried_so_far
    ticket.refresh_from_db()
    assert (ticket.escalation_level, ticket.owner, ticket.priority) == (1, desk.manager, "high")
    assert ticket.messages.filter(kind=MessageKind.NOTE).count() == 2
    assert Notification.objects.filter(kind="service.ticket_escalated").count() == 1

    # Again, later: the breach is escalated already.
    assert auto_escalate_breached(at(2026, 3, 4, 9, 0)) == 0
    check_ticket_clocks(at(2026, 3, 4, 18, 0))
    assert Escalation.objects.count() == 1
    ticket.refresh_from_db()
    assert ticket.escalation_level == 1


def test_a_ticket_escalated_by_hand_after_the_breach_is_not_escalated_again(desk, ticket, clock):
    Ticket.objects.filter(pk=ticket.pk).update(resolution_breached_at=at(2026, 3, 3, 18, 0))
    clock(at(2026, 3, 3, 18, 30))
    escalate_ticket(actor=desk.agent, ticket=ticket, reason="r", tried_so_far="t")

    assert auto_escalate_breached(at(2026, 3, 3, 19, 0)) == 0
    assert Escalation.objects.count() == 1


# The page ---------------------------------------------------------------------------------


def test_the_receiver_reads_the_escalation_above_the_conversation(client, desk, ticket):
    client.force_login(desk.agent)
    response = client.post(
        reverse("service:ticket_escalate", args=[ticket.pk]),
        {"reason": "Needs a refund", "tried_so_far": "Swapped the toner.", "to_user": ""},
    )
    assert response.status_code == 302

    client.force_login(desk.manager)
    content = client.get(reverse("service:ticket_detail", args=[ticket.pk])).content.decode()
    panel = content.index('data-testid="escalation-panel"')
    assert panel < content.index('id="conversation"')
    assert "Swapped the toner." in content[panel : content.index('id="conversation"')]
    assert "Agent Wang" in content[panel : content.index('id="conversation"')]

    queue = client.get(reverse("service:ticket_list"), {"tab": "all"}).content.decode()
    assert 'data-testid="escalation-level"' in queue


def test_an_escalation_without_what_was_tried_is_shown_again_with_the_error(client, desk, ticket):
    client.force_login(desk.agent)
    response = client.post(
        reverse("service:ticket_escalate", args=[ticket.pk]),
        {"reason": "Needs a refund", "tried_so_far": ""},
    )
    assert response.status_code == 400
    assert response.context["escalate_form"].errors["tried_so_far"]
    assert "Needs a refund" in response.content.decode()
    assert not Escalation.objects.exists()


def test_the_customer_never_sees_the_escalation(client, desk, ticket):
    escalate_ticket(actor=desk.agent, ticket=ticket, reason="Refund", tried_so_far="Secret tip")
    content = client.get(reverse("service:ticket_public", args=[ticket.public_token]))
    assert "Secret tip" not in content.content.decode()


# The API ----------------------------------------------------------------------------------


def _api(client, user, path, body):
    key = create_token(actor=user, name="t")[1]
    return client.post(
        path,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def test_the_api_escalates_and_the_detail_lists_escalations(client, desk, ticket):
    path = f"/api/v1/tickets/{ticket.pk}/escalations"
    refused = _api(client, desk.agent, path, {"reason": "r", "tried_so_far": " "})
    assert refused.status_code == 422, refused.content
    assert "tried_so_far" in refused.content.decode()
    wrong = _api(
        client, desk.agent, path, {"reason": "r", "tried_so_far": "t", "to_user_id": desk.rep.pk}
    )
    assert wrong.status_code == 422
    assert "to_user_id" in wrong.content.decode()
    assert not Escalation.objects.exists()

    response = _api(
        client,
        desk.agent,
        path,
        {"reason": "Refund", "tried_so_far": "Swapped toner", "to_user_id": desk.manager.pk},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["escalation_level"] == 1
    assert body["priority"] == "high"
    assert body["owner"]["id"] == desk.manager.pk
    [escalation] = body["escalations"]
    assert escalation["level"] == 1
    assert escalation["tried_so_far"] == "Swapped toner"
    assert escalation["from_user"]["id"] == desk.agent.pk
    assert escalation["to_user"]["id"] == desk.manager.pk
    assert escalation["automatic"] is False

    denied = _api(client, desk.rep, path, {"reason": "r", "tried_so_far": "t"})
    assert denied.status_code in (403, 404)
    assert Escalation.objects.count() == 1
