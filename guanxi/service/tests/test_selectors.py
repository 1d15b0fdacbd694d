"""Who sees which tickets, the customer's secret link, filters and a customer's open
tickets."""

import pytest
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from guanxi.core.access import restrict
from guanxi.service.models import Ticket
from guanxi.service.selectors import (
    active_categories,
    filter_tickets,
    get_ticket_for,
    open_tickets_of,
    ticket_by_token,
    tickets_visible_to,
)
from guanxi.service.services.tickets import add_note, change_status, reply
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


@pytest.fixture
def world():
    """Two service teams with an agent and a manager each, a ticket per team and one
    no team has yet."""
    agent_a = make_user(role="service_agent")
    manager_a = make_user(role="service_manager")
    agent_b = make_user(role="service_agent")
    manager_b = make_user(role="service_manager")
    team_a = make_team(members=[agent_a, manager_a], managers=[manager_a])
    team_b = make_team(members=[agent_b, manager_b], managers=[manager_b])
    ticket_a = make_ticket(category=make_category(team=team_a), subject="Screen flickers")
    ticket_b = make_ticket(category=make_category(team=team_b), requester_email="b@example.cn")
    loose = make_ticket(requester_email="loose@example.cn")
    return type("World", (), locals())


def test_agents_see_their_teams_tickets_only(world):
    assert set(tickets_visible_to(world.agent_a)) == {world.ticket_a}
    assert set(tickets_visible_to(world.agent_b)) == {world.ticket_b}
    assert set(tickets_visible_to(world.agent_a, "change")) == {world.ticket_a}


def test_an_agent_keeps_seeing_a_ticket_they_own_in_another_team(world):
    Ticket.objects.filter(pk=world.ticket_b.pk).update(owner=world.agent_a)
    assert set(tickets_visible_to(world.agent_a)) == {world.ticket_a, world.ticket_b}


def test_managers_see_all_tickets_but_change_their_teams(world):
    everything = {world.ticket_a, world.ticket_b, world.loose}
    assert set(tickets_visible_to(world.manager_a)) == everything
    assert set(tickets_visible_to(world.manager_a, "change")) == {world.ticket_a}
    assert set(tickets_visible_to(world.manager_a, "assign")) == {world.ticket_a}


@pytest.mark.parametrize("role", ["sales_rep", "sales_manager", "marketer", "analyst"])
def test_sales_marketing_and_analysts_read_every_ticket(world, role):
    user = make_user(role=role)
    assert set(tickets_visible_to(user)) == {world.ticket_a, world.ticket_b, world.loose}
    assert not tickets_visible_to(user, "change").exists()


def test_administrators_see_all_and_users_without_a_role_nothing(world):
    assert tickets_visible_to(make_user(role="administrator")).count() == 3
    assert not tickets_visible_to(make_user()).exists()
    assert not tickets_visible_to(None).exists()


def test_trashed_tickets_are_hidden(world):
    Ticket.objects.filter(pk=world.ticket_a.pk).update(deleted_at=timezone.now())
    assert not tickets_visible_to(world.agent_a).exists()
    with pytest.raises(Http404):
        get_ticket_for(world.agent_a, world.ticket_a.pk)


def test_get_ticket_for_gives_the_whole_conversation_or_404(world):
    reply(actor=world.agent_a, ticket=world.ticket_a, body="Public")
    add_note(actor=world.agent_a, ticket=world.ticket_a, body="Internal")

    ticket = get_ticket_for(world.agent_a, world.ticket_a.pk)
    assert [m.kind for m in ticket.messages.all()] == ["customer", "reply", "note"]
    assert get_ticket_for(world.manager_b, world.ticket_a.pk) == world.ticket_a
    for user, pk, action in (
        (world.agent_b, world.ticket_a.pk, "view"),
        (world.manager_b, world.ticket_a.pk, "change"),
        (world.agent_a, "nonsense", "view"),
        (world.agent_a, 999999, "view"),
    ):
        with pytest.raises(Http404):
            get_ticket_for(user, pk, action)


def test_the_secret_link_shows_public_messages_only(world):
    reply(actor=world.agent_a, ticket=world.ticket_a, body="Public")
    add_note(actor=world.agent_a, ticket=world.ticket_a, body="Internal")

    ticket = ticket_by_token(world.ticket_a.public_token)
    assert ticket == world.ticket_a
    assert [m.body for m in ticket.public_messages] == ["The printer does not print.", "Public"]


@pytest.mark.parametrize("token", ["", "short", "x" * 43, None])
def test_a_wrong_token_is_404(world, token):
    with pytest.raises(Http404):
        ticket_by_token(token)


def test_a_prefix_of_a_token_or_a_trashed_ticket_is_404(world):
    token = world.ticket_a.public_token
    with pytest.raises(Http404):
        ticket_by_token(token[:-1])
    Ticket.objects.filter(pk=world.ticket_a.pk).update(deleted_at=timezone.now())
    with pytest.raises(Http404):
        ticket_by_token(token)


def test_filters(world):
    everyone = make_user(role="analyst")
    base = tickets_visible_to(everyone)
    assert set(filter_tickets(base, q=world.ticket_b.number)) == {world.ticket_b}
    assert set(filter_tickets(base, q=" LOOSE@example ")) == {world.loose}
    assert set(filter_tickets(base, q="flicker")) == {world.ticket_a}
    assert set(filter_tickets(base, team_id=world.team_b.pk)) == {world.ticket_b}
    assert set(filter_tickets(base, owner_id=world.agent_a.pk)) == {world.ticket_a}

    change_status(actor=world.agent_a, ticket=world.ticket_a, status="solved")
    assert set(filter_tickets(base, unresolved=True)) == {world.ticket_b, world.loose}
    assert set(filter_tickets(base, status="solved")) == {world.ticket_a}

    Ticket.objects.filter(pk=world.loose.pk).update(resolution_breached_at=timezone.now())
    assert set(filter_tickets(base, breached=True)) == {world.loose}


def test_a_customer_open_tickets_as_the_user_may_see_them(world):
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    contact = make_contact(
        owner=rep, emails=[{"value": "buyer@example.cn"}], accounts=[{"account": account}]
    )
    team = world.team_a
    first = make_ticket(requester_email="buyer@example.cn", team=team)
    second = make_ticket(requester_email="buyer@example.cn", team=world.team_b)
    done = make_ticket(requester_email="buyer@example.cn", team=team)
    change_status(actor=world.agent_a, ticket=done, status="closed")

    assert list(open_tickets_of(rep, account)) == [first, second]
    assert list(open_tickets_of(rep, contact)) == [first, second]
    assert list(open_tickets_of(world.agent_a, account)) == [first]
    assert not open_tickets_of(make_user(), account).exists()


def test_active_categories():
    make_category(name="Billing")
    make_category(name="Accounts", is_active=False)
    make_category(name="Repairs")
    assert [c.name for c in active_categories()] == ["Billing", "Repairs"]


def test_restrict_needs_no_distinct(world):
    """A user in two teams with the same ticket's owner sees it once."""
    make_team(members=[world.agent_a, world.agent_b])
    visible = restrict(Ticket.objects.all(), world.agent_a, "view")
    assert visible.count() == len(set(visible)) == 2
