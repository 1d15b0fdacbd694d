"""Tickets on the customers' timelines and in the global search box, for those who may
see them."""

import dataclasses

import pytest
from django.urls import NoReverseMatch, reverse

from guanxi.core import search as core_search
from guanxi.core.models import SearchDocument
from guanxi.core.search import search
from guanxi.customers.timeline import timeline_page
from guanxi.service.models import Ticket
from guanxi.service.object_types import TICKET
from guanxi.service.services.tickets import add_note, customer_message, reply, update_ticket
from guanxi.service.timeline_sources import ticket_entries
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.service import make_category, make_ticket
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ticket_urls(monkeypatch):
    """Until the ticket pages exist, tickets link to a stand-in address."""
    try:
        reverse("service:ticket_detail", args=[1])
    except NoReverseMatch:
        monkeypatch.setattr(Ticket, "get_absolute_url", lambda self: f"/service/{self.pk}/")
        spec = core_search.searchable(TICKET)
        assert spec is not None
        monkeypatch.setitem(
            core_search._registry,
            TICKET,
            dataclasses.replace(spec, url=lambda pk: f"/service/{pk}/"),
        )


@pytest.fixture
def world():
    rep = make_user(role="sales_rep", full_name="Sales Rep")
    agent = make_user(role="service_agent", full_name="Agent A")
    outsider = make_user(role="service_agent", full_name="Agent B")
    team = make_team(members=[agent])
    make_team(members=[outsider])
    account = make_account(owner=rep, name="Acme Printing")
    contact = make_contact(
        owner=rep,
        family_name="Zhou",
        given_name="Min",
        emails=[{"value": "zhou.min@acme.example"}],
        accounts=[{"account": account, "is_primary": True}],
    )
    ticket = make_ticket(
        category=make_category(team=team),
        subject="Toner leaks",
        requester_email="Zhou.Min@acme.example",
        body="Toner everywhere.",
    )
    return type("World", (), locals())


def _kinds(entries):
    return [(e.kind, e.body) for e in entries]


def test_the_timeline_shows_customer_messages_and_replies_not_notes(world):
    reply(actor=world.agent, ticket=world.ticket, body="Please send a photo.")
    add_note(actor=world.agent, ticket=world.ticket, body="Internal: VIP")
    customer_message(ticket=world.ticket, body="Here it is.", channel="email")

    for subject in (world.account, world.contact):
        entries, _cursor = timeline_page(world.rep, subject, limit=50)
        ticket_entries_only = [e for e in entries if e.source == "ticket"]
        assert _kinds(ticket_entries_only) == [
            ("ticket_customer", "Here it is."),
            ("ticket_reply", "Please send a photo."),
            ("ticket_customer", "Toner everywhere."),
        ]
    entry = ticket_entries_only[1]
    assert world.ticket.number in entry.title
    assert "Toner leaks" in entry.title
    assert entry.actor == "Agent A"
    assert entry.url == world.ticket.get_absolute_url()
    assert entry.details == {"ticket_id": world.ticket.pk, "status": "open"}


def test_the_timeline_filters_by_kind_and_pages(world):
    reply(actor=world.agent, ticket=world.ticket, body="First answer")
    reply(actor=world.agent, ticket=world.ticket, body="Second answer")

    entries, _cursor = timeline_page(world.rep, world.account, kinds=["ticket_reply"])
    assert _kinds(entries) == [
        ("ticket_reply", "Second answer"),
        ("ticket_reply", "First answer"),
    ]
    first, cursor = timeline_page(world.rep, world.account, kinds=["ticket_reply"], limit=1)
    assert cursor is not None
    second, _ = timeline_page(
        world.rep, world.account, kinds=["ticket_reply"], limit=1, cursor=cursor
    )
    assert _kinds(first + second) == _kinds(entries)


def test_the_timeline_shows_only_tickets_the_reader_may_see(world):
    reply(actor=world.agent, ticket=world.ticket, body="Answer")
    assert ticket_entries(world.outsider, world.account, None, 10, None) == []
    assert len(ticket_entries(world.agent, world.account, None, 10, None)) == 2
    assert ticket_entries(make_user(), world.account, None, 10, None) == []
    # Other records have no ticket entries.
    assert ticket_entries(world.agent, world.agent, None, 10, None) == []


def test_a_moved_ticket_leaves_the_old_customer_timeline(world):
    other = make_account(owner=world.rep, name="Other Co")
    update_ticket(actor=world.agent, ticket=world.ticket, account=other)
    assert ticket_entries(world.rep, world.account, None, 10, None) == []
    assert len(ticket_entries(world.rep, other, None, 10, None)) == 1


def test_search_finds_a_ticket_by_number_email_and_subject_for_those_who_may_see_it(world):
    number = world.ticket.number
    for text in (number, number.lower(), "zhou.min@acme", "Toner leaks", "acme printing"):
        hits = [r for r in search(world.agent, text) if r["object_type"] == TICKET]
        assert [h["object_id"] for h in hits] == [world.ticket.pk], text
    hit = next(r for r in search(world.rep, number) if r["object_type"] == TICKET)
    assert hit["title"] == f"{number} Toner leaks"
    assert "Acme Printing" in hit["subtitle"]
    assert hit["url"]

    assert not [r for r in search(world.outsider, number) if r["object_type"] == TICKET]
    assert search(make_user(), number) == []


def test_the_search_document_follows_changes_and_the_trash(world):
    update_ticket(actor=world.agent, ticket=world.ticket, subject="Paper jam")
    assert [r["object_id"] for r in search(world.agent, "paper jam")] == [world.ticket.pk]
    assert not [r for r in search(world.agent, "toner leaks") if r["object_type"] == TICKET]

    from guanxi.core.services.trash import trash_record

    trash_record(actor=make_user(role="administrator"), obj=world.ticket)
    assert not SearchDocument.objects.filter(object_type=TICKET).exists()
    assert search(world.rep, world.ticket.number) == []
