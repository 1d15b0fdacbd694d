"""Ticket services: routing, the customer found by e-mail, replies, notes, customer
messages, status changes, updates, assignment and who may do what."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from guanxi.core.models import AuditEntry, Notification
from guanxi.customers.models import Contact
from guanxi.service.models import Ticket, TicketMessage
from guanxi.service.services.sla import check_ticket_clocks
from guanxi.service.services.tickets import (
    add_note,
    assign_ticket,
    change_status,
    customer_message,
    open_ticket,
    pick_agent,
    reply,
    update_ticket,
)
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.service import make_category, make_policy, make_ticket
from guanxi.testing.users import make_team, make_user

SH = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ticket_urls(monkeypatch):
    """Until the ticket pages exist, tickets link to a stand-in address."""
    try:
        reverse("service:ticket_detail", args=[1])
    except NoReverseMatch:
        monkeypatch.setattr(Ticket, "get_absolute_url", lambda self: f"/service/{self.pk}/")


@pytest.fixture
def clock(monkeypatch):
    """``clock(datetime)`` sets what ``timezone.now()`` answers."""

    def set_to(moment: datetime) -> datetime:
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(UTC))
        return moment

    return set_to


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def desk():
    """A service team of two agents and a manager, with a category routed to it."""
    first = make_user(role="service_agent", full_name="First Agent")
    second = make_user(role="service_agent", full_name="Second Agent")
    manager = make_user(role="service_manager", full_name="Service Manager")
    team = make_team(members=[first, second, manager], managers=[manager])
    category = make_category(team=team)
    return type(
        "Desk",
        (),
        {
            "first": first,
            "second": second,
            "manager": manager,
            "team": team,
            "category": category,
        },
    )


def _tickets_for(desk, count: int) -> list[Ticket]:
    return [make_ticket(category=desk.category) for _ in range(count)]


# Routing -------------------------------------------------------------------------------


def test_a_ticket_goes_to_its_category_team_and_the_least_loaded_agent(desk):
    tickets = _tickets_for(desk, 4)

    assert {t.team for t in tickets} == {desk.team}
    # Ties go to the lower pk; each new ticket evens out the load.
    assert desk.first.pk < desk.second.pk < desk.manager.pk
    assert [t.owner for t in tickets] == [desk.first, desk.second, desk.manager, desk.first]


def test_resolved_and_trashed_tickets_do_not_count_as_load(desk):
    busy = make_ticket(category=desk.category, owner=desk.first)
    make_ticket(category=desk.category, owner=desk.second)
    make_ticket(category=desk.category, owner=desk.manager)
    assert pick_agent(desk.team) == desk.first  # one each: the lowest pk

    make_ticket(category=desk.category, owner=desk.first)
    assert pick_agent(desk.team) == desk.second

    Ticket.objects.filter(owner=desk.first).exclude(pk=busy.pk).update(status="solved")
    Ticket.objects.filter(pk=busy.pk).update(deleted_at=timezone.now())
    assert pick_agent(desk.team) == desk.first


def test_only_active_service_agents_and_managers_get_tickets(desk):
    rep = make_user(role="sales_rep")
    plain = make_user()
    team = make_team(members=[rep, plain, desk.first, desk.second])
    desk.first.is_active = False
    desk.first.save()

    assert pick_agent(team) == desk.second
    desk.second.is_active = False
    desk.second.save()
    assert pick_agent(team) is None
    assert pick_agent(None) is None


def test_a_given_team_and_agent_win_over_the_category(desk):
    other_agent = make_user(role="service_agent")
    other_team = make_team(members=[other_agent])

    to_team = make_ticket(category=desk.category, team=other_team)
    assert (to_team.team, to_team.owner) == (other_team, other_agent)

    to_agent = make_ticket(category=desk.category, owner=desk.second)
    assert (to_agent.team, to_agent.owner) == (desk.team, desk.second)


def test_no_team_means_no_agent():
    make_user(role="service_agent")
    ticket = make_ticket(category=make_category())
    assert ticket.team is None
    assert ticket.owner is None


def test_the_agent_is_told_of_a_new_ticket_but_not_when_they_opened_it(desk):
    ticket = make_ticket(category=desk.category)
    note = Notification.objects.get(recipient=desk.first)
    assert note.kind == "service.ticket_assigned"
    assert ticket.number in note.title
    assert note.object_id == str(ticket.pk)

    own = make_ticket(actor=desk.second, category=desk.category, owner=desk.second)
    assert own.created_by == desk.second
    assert not Notification.objects.filter(recipient=desk.second).exists()


def test_a_new_ticket_has_a_number_a_token_the_first_message_and_an_audit_entry(clock):
    clock(at(2026, 3, 2, 10, 0))
    first = make_ticket(message_id="<first@customer.example>", body="  Help!  ")
    second = make_ticket()

    assert first.number == "T-2026-0001"
    assert second.number == "T-2026-0002"
    assert len(first.public_token) >= 40
    assert first.public_token != second.public_token
    assert first.status == "new"
    assert first.created_at == at(2026, 3, 2, 10, 0)
    message = first.messages.get()
    assert (message.kind, message.body, message.message_id) == (
        "customer",
        "Help!",
        "<first@customer.example>",
    )
    assert message.author_email == "customer@example.com"
    entry = AuditEntry.objects.get(object_type="service.ticket", object_id=str(first.pk))
    assert entry.event == "create"
    assert entry.changes["number"] == [None, "T-2026-0001"]


def test_numbers_go_on_after_a_trashed_ticket(clock):
    clock(at(2026, 3, 2, 10, 0))
    first = make_ticket()
    second = make_ticket()
    Ticket.objects.filter(pk=second.pk).update(deleted_at=timezone.now())
    third = make_ticket()
    assert (first.number, second.number, third.number) == (
        "T-2026-0001",
        "T-2026-0002",
        "T-2026-0003",
    )
    clock(at(2027, 1, 1, 8, 0))
    assert make_ticket().number == "T-2027-0001"


def test_a_deactivated_agent_cannot_be_given_a_new_ticket(desk):
    desk.second.is_active = False
    desk.second.save()
    with pytest.raises(ValidationError) as caught:
        make_ticket(category=desk.category, owner=desk.second)
    assert "owner" in caught.value.message_dict


def test_open_ticket_validates_its_input():
    with pytest.raises(ValidationError) as caught:
        open_ticket(
            actor=None,
            subject=" ",
            body="",
            channel="fax",
            priority="asap",
            requester_email="not-an-address",
        )
    assert set(caught.value.message_dict) == {
        "subject",
        "body",
        "channel",
        "priority",
        "requester_email",
    }
    assert not Ticket.objects.exists()

    retired = make_category(is_active=False)
    with pytest.raises(ValidationError) as caught:
        make_ticket(category=retired)
    assert "category" in caught.value.message_dict


# The customer found by e-mail ----------------------------------------------------------


@pytest.fixture
def rep():
    return make_user(role="sales_rep", full_name="李伟")


def test_the_customer_is_found_by_email_in_any_case(rep):
    contact = make_contact(
        owner=rep, family_name="王", given_name="芳", emails=[{"value": "wang.fang@example.cn"}]
    )
    ticket = make_ticket(requester_email="  Wang.Fang@EXAMPLE.cn ")

    assert ticket.contact == contact
    assert ticket.requester_email == "wang.fang@example.cn"
    assert ticket.requester_name == "王芳"


def test_a_trashed_contact_is_not_the_customer(rep):
    trashed = make_contact(owner=rep, emails=[{"value": "gone@example.cn"}])
    Contact.objects.filter(pk=trashed.pk).update(deleted_at=timezone.now())
    assert make_ticket(requester_email="gone@example.cn").contact is None

    live = make_contact(owner=rep, emails=[{"value": "gone@example.cn"}])
    assert make_ticket(requester_email="gone@example.cn").contact == live


def test_the_customer_account_is_the_primary_one(rep):
    former = make_account(owner=rep, name="Former Ltd")
    main = make_account(owner=rep, name="Main Ltd")
    contact = make_contact(
        owner=rep,
        emails=[{"value": "zhang@example.cn"}],
        accounts=[
            {"account": former, "is_current": False},
            {"account": main, "is_primary": True},
        ],
    )
    ticket = make_ticket(requester_email="zhang@example.cn")
    assert (ticket.contact, ticket.account) == (contact, main)

    # A trashed account is no one's account any more.
    main.deleted_at = timezone.now()
    main.save()
    assert make_ticket(requester_email="zhang@example.cn").account == former


def test_a_given_contact_brings_their_account_and_address(rep):
    account = make_account(owner=rep)
    contact = make_contact(
        owner=rep,
        emails=[{"value": "other@example.cn"}, {"value": "main@example.cn", "is_primary": True}],
        accounts=[{"account": account}],
    )
    ticket = make_ticket(actor=rep, contact=contact, requester_email="", channel="phone")

    assert (ticket.contact, ticket.account) == (contact, account)
    assert ticket.requester_email == "main@example.cn"
    assert ticket.created_by == rep


def test_an_unknown_address_leaves_the_ticket_without_customer():
    ticket = make_ticket(requester_email="stranger@example.com")
    assert (ticket.contact, ticket.account) == (None, None)


def test_an_acting_user_cannot_link_a_customer_they_cannot_see(rep):
    others = make_account(owner=make_user(role="sales_rep"))
    with pytest.raises(ValidationError) as caught:
        make_ticket(actor=rep, account=others)
    assert "account" in caught.value.message_dict

    # Service agents see every account; the customer (no actor) links whatever matches.
    agent = make_user(role="service_agent")
    assert make_ticket(actor=agent, account=others).account == others
    assert make_ticket(account=others).account == others


# Replies, notes and the customer's messages ---------------------------------------------


@pytest.fixture
def worked(desk, clock):
    """A ticket of the desk's category opened Monday 2026-03-02 10:00, with a policy."""
    make_policy()
    clock(at(2026, 3, 2, 10, 0))
    return make_ticket(category=desk.category, message_id="<q1@customer.example>")


def test_a_reply_stops_the_first_response_clock_once(desk, worked, clock):
    clock(at(2026, 3, 2, 11, 0))
    first = reply(actor=desk.first, ticket=worked, body="We are on it.")
    clock(at(2026, 3, 2, 15, 0))
    reply(actor=desk.second, ticket=worked, body="Still on it.")

    worked.refresh_from_db()
    assert worked.first_responded_at == at(2026, 3, 2, 11, 0)
    assert worked.status == "open"
    assert first.kind == "reply"
    assert first.in_reply_to == "<q1@customer.example>"
    assert first.message_id.startswith("<") and first.message_id.endswith(">")
    assert (first.author, first.author_name) == (desk.first, "First Agent")
    assert first.channel == "email"
    assert first.delivery == "queued"
    entries = AuditEntry.objects.filter(object_type="service.ticket", object_id=str(worked.pk))
    assert entries.filter(changes__has_key="reply").count() == 2


def test_a_reply_is_queued_for_mail_only_with_an_address(
    desk, django_capture_on_commit_callbacks, mailoutbox
):
    ticket = make_ticket(category=desk.category, requester_email="", requester_name="Walk-in")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = reply(actor=desk.first, ticket=ticket, body="Done.")

    assert message.delivery == ""
    assert message.channel == "web"
    assert callbacks == []
    assert mailoutbox == []


def test_a_reply_may_set_the_status_and_is_refused_on_a_closed_ticket(desk, worked):
    reply(actor=desk.first, ticket=worked, body="Please send a photo.", status="pending")
    worked.refresh_from_db()
    assert worked.status == "pending"
    assert worked.paused_at is not None

    with pytest.raises(ValidationError):
        reply(actor=desk.first, ticket=worked, body="x", status="later")

    change_status(actor=desk.first, ticket=worked, status="closed")
    with pytest.raises(ValidationError) as caught:
        reply(actor=desk.first, ticket=worked, body="One more thing")
    assert "status" in caught.value.message_dict
    assert worked.messages.filter(kind="reply").count() == 1


def test_notes_are_internal_and_never_mailed(desk, worked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        note = add_note(actor=desk.second, ticket=worked, body="Customer is a VIP.")

    assert (note.kind, note.is_public, note.delivery, note.channel) == (
        "note",
        False,
        "",
        "agent",
    )
    assert callbacks == []
    worked.refresh_from_db()
    assert worked.first_responded_at is None  # a note is no answer
    assert worked.status == "new"
    with pytest.raises(ValidationError):
        add_note(actor=desk.second, ticket=worked, body="  ")


def test_the_customer_answer_reopens_a_pending_ticket_and_tells_the_agent(desk, worked, clock):
    clock(at(2026, 3, 2, 11, 0))
    reply(actor=desk.first, ticket=worked, body="Which model?", status="pending")
    Notification.objects.all().delete()

    clock(at(2026, 3, 3, 10, 0))
    message = customer_message(
        ticket=worked,
        body="The LaserJet 1020.",
        channel="email",
        message_id="<q2@customer.example>",
        in_reply_to="<whatever>",
    )

    worked.refresh_from_db()
    assert worked.status == "open"
    assert worked.paused_at is None
    assert worked.paused_seconds == 7 * 3600  # Mon 11–12 and 13–18, Tue 9–10
    assert message.author_email == "customer@example.com"
    assert message.author is None
    note = Notification.objects.get()
    assert (note.recipient, note.kind) == (desk.first, "service.customer_replied")
    assert worked.number in note.title
    assert note.body == "The LaserJet 1020."


def test_the_customer_answer_reopens_a_solved_ticket(desk, worked):
    change_status(actor=desk.first, ticket=worked, status="solved")
    customer_message(ticket=worked, body="It broke again.", channel="web")
    worked.refresh_from_db()
    assert worked.status == "open"
    assert worked.solved_at is None


def test_the_customer_answer_leaves_other_statuses_and_refuses_closed(desk, worked):
    change_status(actor=desk.first, ticket=worked, status="on_hold")
    customer_message(ticket=worked, body="Any news?", channel="web")
    worked.refresh_from_db()
    assert worked.status == "on_hold"

    change_status(actor=desk.first, ticket=worked, status="closed")
    with pytest.raises(ValidationError):
        customer_message(ticket=worked, body="Hello?", channel="web")
    assert worked.messages.filter(kind="customer").count() == 2


def test_a_customer_answer_on_a_ticket_without_agent_tells_no_one():
    ticket = make_ticket()
    customer_message(ticket=ticket, body="More details.", channel="email")
    assert not Notification.objects.exists()


# Statuses ------------------------------------------------------------------------------


def test_solved_and_closed_record_when_and_reopening_clears_them(desk, worked, clock):
    clock(at(2026, 3, 3, 10, 0))
    change_status(actor=desk.first, ticket=worked, status="solved")
    assert worked.solved_at == at(2026, 3, 3, 10, 0)
    assert worked.closed_at is None

    clock(at(2026, 3, 3, 11, 0))
    change_status(actor=desk.first, ticket=worked, status="open")
    worked.refresh_from_db()
    assert (worked.solved_at, worked.closed_at) == (None, None)

    change_status(actor=desk.first, ticket=worked, status="solved")
    clock(at(2026, 3, 4, 9, 0))
    change_status(actor=desk.first, ticket=worked, status="closed")
    worked.refresh_from_db()
    assert worked.solved_at == at(2026, 3, 3, 11, 0)
    assert worked.closed_at == at(2026, 3, 4, 9, 0)


def test_closed_is_final(desk, worked):
    change_status(actor=desk.first, ticket=worked, status="closed")
    assert worked.solved_at == worked.closed_at
    for status in ("open", "solved", "pending", "new"):
        with pytest.raises(ValidationError):
            change_status(actor=desk.first, ticket=worked, status=status)
    change_status(actor=desk.first, ticket=worked, status="closed")  # no change, no error
    worked.refresh_from_db()
    assert worked.status == "closed"


def test_an_unknown_status_is_refused(desk, worked):
    with pytest.raises(ValidationError):
        change_status(actor=desk.first, ticket=worked, status="done")


def test_status_changes_work_on_the_current_row_not_a_stale_copy(desk, worked):
    stale = Ticket.objects.get(pk=worked.pk)
    change_status(actor=desk.first, ticket=worked, status="pending")
    # Another request still holds the ticket as it was before it went pending.
    customer_message(ticket=stale, body="Here is the photo.", channel="web")
    worked.refresh_from_db()
    assert worked.status == "open"
    assert worked.paused_at is None


def test_saving_a_stale_ticket_keeps_the_breaches_the_scheduler_recorded(desk, worked):
    # Three requests loaded the ticket before the scheduler ran.
    stale = [Ticket.objects.get(pk=worked.pk) for _ in range(3)]
    counts = check_ticket_clocks(at(2026, 3, 4, 10, 0))
    assert counts["first_response_breached"] == 1
    assert counts["resolution_breached"] == 1

    change_status(actor=desk.first, ticket=stale[0], status="on_hold")
    update_ticket(actor=desk.first, ticket=stale[1], subject="New")
    assign_ticket(actor=desk.manager, ticket=stale[2], owner=desk.second)

    worked.refresh_from_db()
    assert worked.first_response_breached_at is not None
    assert worked.resolution_breached_at is not None
    assert check_ticket_clocks(at(2026, 3, 4, 10, 5)) == {
        "warned": 0,
        "first_response_breached": 0,
        "resolution_breached": 0,
    }


# Updates and assignment ----------------------------------------------------------------


def test_update_ticket_changes_editable_fields_only(desk, worked):
    with pytest.raises(ValidationError) as caught:
        update_ticket(actor=desk.first, ticket=worked, status="closed", owner=desk.second)
    assert set(caught.value.message_dict) == {"status", "owner"}

    with pytest.raises(ValidationError):
        update_ticket(actor=desk.first, ticket=worked, subject="", priority="asap")

    update_ticket(actor=desk.first, ticket=worked, subject="Printer jams")
    worked.refresh_from_db()
    assert worked.subject == "Printer jams"
    entry = AuditEntry.objects.filter(object_id=str(worked.pk), event="change").latest("pk")
    assert entry.changes["subject"][1] == "Printer jams"


def test_assigning_to_a_team_picks_its_least_loaded_agent_and_tells_them(desk, worked):
    other_agent = make_user(role="service_agent")
    other_team = make_team(members=[other_agent])
    Notification.objects.all().delete()

    assign_ticket(actor=desk.manager, ticket=worked, team=other_team)
    worked.refresh_from_db()
    assert (worked.team, worked.owner) == (other_team, other_agent)
    note = Notification.objects.get()
    assert (note.recipient, note.kind) == (other_agent, "service.ticket_assigned")


def test_assigning_to_a_deactivated_user_is_refused(desk, worked):
    gone = make_user(role="service_agent", is_active=False)
    with pytest.raises(ValidationError):
        assign_ticket(actor=desk.manager, ticket=worked, owner=gone)
    worked.refresh_from_db()
    assert worked.owner == desk.first


# Who may do what -----------------------------------------------------------------------


def test_an_agent_of_another_team_may_not_touch_the_ticket(worked):
    outsider = make_user(role="service_agent")
    make_team(members=[outsider])
    with pytest.raises(PermissionDenied):
        reply(actor=outsider, ticket=worked, body="Hi")
    with pytest.raises(PermissionDenied):
        add_note(actor=outsider, ticket=worked, body="Hi")
    with pytest.raises(PermissionDenied):
        change_status(actor=outsider, ticket=worked, status="solved")
    with pytest.raises(PermissionDenied):
        update_ticket(actor=outsider, ticket=worked, subject="Mine")
    with pytest.raises(PermissionDenied):
        assign_ticket(actor=outsider, ticket=worked, owner=outsider)
    assert TicketMessage.objects.filter(ticket=worked).count() == 1


def test_a_teammate_may_work_a_ticket_another_agent_owns(desk, worked):
    assert worked.owner == desk.first
    reply(actor=desk.second, ticket=worked, body="Covering for my colleague.")
    add_note(actor=desk.manager, ticket=worked, body="ok")


def test_a_sales_rep_may_open_a_ticket_but_not_work_it(rep, desk):
    ticket = make_ticket(actor=rep, category=desk.category, channel="agent")
    assert ticket.owner == desk.first
    with pytest.raises(PermissionDenied):
        reply(actor=rep, ticket=ticket, body="I'll handle it")
    with pytest.raises(PermissionDenied):
        add_note(actor=rep, ticket=ticket, body="note")
    with pytest.raises(PermissionDenied):
        change_status(actor=rep, ticket=ticket, status="solved")


@pytest.mark.parametrize("role", ["analyst", None])
def test_readers_and_users_without_a_role_may_not_open_tickets(role):
    with pytest.raises(PermissionDenied):
        make_ticket(actor=make_user(role=role))
