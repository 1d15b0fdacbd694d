"""The service API: tickets and their conversation, set-up reads and an account's open
tickets; every endpoint's happy path, errors naming the field, record-level access
(refused calls change nothing) and a ticket list whose query count does not grow."""

import json
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from guanxi.core.models import AuditEntry
from guanxi.core.services.tokens import create_token
from guanxi.sales.services.orders import set_line_serials
from guanxi.service.models import Category, Ticket, TicketMessage
from guanxi.service.services.calendars import default_calendar
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import priced_product, tier
from guanxi.testing.service import make_category, make_policy, make_ticket
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def ticket_urls(monkeypatch):
    """Notifications link to the ticket's page; until the pages exist, to a stand-in."""
    try:
        reverse("service:ticket_detail", args=[1])
    except NoReverseMatch:
        monkeypatch.setattr(Ticket, "get_absolute_url", lambda self: f"/tickets/{self.pk}/")


@pytest.fixture
def api_as(client):
    """``api_as(user)(method, path, body, **query)``: calls the API with the user's token."""

    def for_user(user):
        key = create_token(actor=user, name="t")[1]

        def call(method, path, body=None, **params):
            url = f"{path}?{urlencode(params, doseq=True)}" if params else path
            return client.generic(
                method,
                url,
                data=json.dumps(body) if body is not None else "",
                content_type="application/json",
                headers={"Authorization": f"Bearer {key}"},
            )

        return call

    return for_user


def _fields(response):
    assert response.status_code == 422, response.content
    return [error["field"] for error in response.json()["errors"]]


def _desk():
    """Two agents in a team its category routes to, and an agent of another team."""
    agent, teammate, outsider = (make_user(role="service_agent") for _ in range(3))
    team = make_team(members=[agent, teammate])
    other = make_team(members=[outsider])
    return agent, teammate, outsider, team, other


def _state():
    return (
        sorted(
            Ticket.objects.values_list(
                "pk", "subject", "priority", "status", "owner_id", "team_id", "category_id"
            )
        ),
        TicketMessage.objects.count(),
        AuditEntry.objects.count(),
    )


# --- opening and reading ----------------------------------------------------------------------


def test_an_agent_opens_a_ticket_routed_to_the_category_team_with_sla_due_times(api_as):
    agent, teammate, _outsider, team, _other = _desk()
    make_policy()
    category = make_category(team=team)
    account = make_account()
    contact = make_contact(
        emails=[{"value": "li.wei@example.test"}],
        accounts=[{"account": account, "is_primary": True}],
    )
    make_ticket(team=team, owner=agent)  # the agent is busier than their teammate

    response = api_as(agent)(
        "POST",
        "/api/v1/tickets",
        {
            "subject": "Pump leaks",
            "body": "Water under the pump since Monday.",
            "category_id": category.pk,
            "requester_email": "Li.Wei@example.test",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("T")
    assert (body["channel"], body["status"], body["priority"]) == ("api", "new", "normal")
    assert (body["team"]["id"], body["owner"]["id"]) == (team.pk, teammate.pk)
    assert (body["contact"]["id"], body["account"]["id"]) == (contact.pk, account.pk)
    assert body["category"] == {"id": category.pk, "name": category.name}
    assert body["sla_policy"] is not None
    assert body["first_response_due"] < body["resolution_due"]
    assert (body["first_responded_at"], body["breached"]) == (None, False)
    assert [(m["kind"], m["body"], m["is_public"]) for m in body["messages"]] == [
        ("customer", "Water under the pump since Monday.", True)
    ]
    assert body["created_by"]["id"] == agent.pk
    assert "public_token" not in body
    ticket = Ticket.objects.get(pk=body["id"])
    assert (ticket.channel, ticket.requester_email) == ("api", "li.wei@example.test")


def test_a_ticket_names_the_unit_by_its_serial_number(api_as):
    agent, *_ = _desk()
    product = priced_product(is_serialised=True, warranty_months=12)
    order = make_order(lines=[(product, 1)], confirm=True)
    set_line_serials(actor=order.owner, line=order.lines.get(), serials=["SN-7781"])

    response = api_as(agent)(
        "POST", "/api/v1/tickets", {"subject": "Noise", "body": "Loud.", "serial": "sn-7781"}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["serial"], body["product"]["id"]) == ("SN-7781", product.pk)
    unknown = {"subject": "Noise", "body": "Loud.", "serial": "SN-0000"}
    assert _fields(api_as(agent)("POST", "/api/v1/tickets", unknown)) == ["body.serial"]
    other = priced_product()
    mismatch = {**unknown, "serial": "SN-7781", "product_id": other.pk}
    assert _fields(api_as(agent)("POST", "/api/v1/tickets", mismatch)) == ["body.serial"]


def test_the_detail_shows_the_sla_fields_and_the_whole_conversation_with_notes(api_as):
    agent, _teammate, _outsider, team, _other = _desk()
    make_policy()
    ticket = make_ticket(team=team, owner=agent)
    call = api_as(agent)
    call("POST", f"/api/v1/tickets/{ticket.pk}/notes", {"body": "Known firmware bug."})
    call("POST", f"/api/v1/tickets/{ticket.pk}/replies", {"body": "We are on it."})

    body = call("GET", f"/api/v1/tickets/{ticket.pk}").json()

    assert [(m["kind"], m["is_public"]) for m in body["messages"]] == [
        ("customer", True),
        ("note", False),
        ("reply", True),
    ]
    assert body["messages"][1]["author"]["id"] == agent.pk
    assert body["messages"][2]["delivery"] == "queued"
    assert body["sla_policy"]["id"] == ticket.sla_policy_id
    assert body["first_response_due"] is not None
    assert body["first_responded_at"] is not None
    assert (body["paused_seconds"], body["warned_at"], body["created_by"]) == (0, None, None)


# --- working a ticket -------------------------------------------------------------------------


def test_the_first_reply_sets_first_responded_at_and_the_status(api_as):
    agent, _teammate, _outsider, team, _other = _desk()
    make_policy()
    ticket = make_ticket(team=team, owner=agent)
    call = api_as(agent)

    first = call(
        "POST",
        f"/api/v1/tickets/{ticket.pk}/replies",
        {"body": "Send a photo?", "status": "pending"},
    )

    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["status"], body["paused_at"] is not None) == ("pending", True)
    responded = body["first_responded_at"]
    assert responded is not None
    second = call("POST", f"/api/v1/tickets/{ticket.pk}/replies", {"body": "Any news?"}).json()
    assert (second["status"], second["paused_at"], second["first_responded_at"]) == (
        "open",
        None,
        responded,
    )
    assert [m["kind"] for m in second["messages"]] == ["customer", "reply", "reply"]


def test_a_note_changes_neither_the_status_nor_the_first_response(api_as):
    agent, _teammate, _outsider, team, _other = _desk()
    ticket = make_ticket(team=team, owner=agent)
    response = api_as(agent)(
        "POST", f"/api/v1/tickets/{ticket.pk}/notes", {"body": "Call him after 3pm."}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["first_responded_at"]) == ("new", None)
    assert body["messages"][-1]["kind"] == "note"
    assert body["messages"][-1]["body"] == "Call him after 3pm."


def test_status_moves_record_solved_and_closed_and_a_closed_ticket_stays_closed(api_as):
    agent, _teammate, _outsider, team, _other = _desk()
    ticket = make_ticket(team=team, owner=agent)
    call = api_as(agent)
    url = f"/api/v1/tickets/{ticket.pk}/status"

    solved = call("POST", url, {"status": "solved"}).json()
    assert (solved["status"], solved["solved_at"] is not None) == ("solved", True)
    closed = call("POST", url, {"status": "closed"}).json()
    assert (closed["status"], closed["closed_at"] is not None) == ("closed", True)

    assert _fields(call("POST", url, {"status": "open"})) == ["body.status"]
    assert _fields(call("POST", url, {"status": "done"})) == ["body.status"]
    reply = call("POST", f"/api/v1/tickets/{ticket.pk}/replies", {"body": "Hello?"})
    assert _fields(reply) == ["body.status"]
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"


def test_patching_a_ticket_recomputes_its_due_times_on_a_new_priority(api_as):
    agent, _teammate, _outsider, team, _other = _desk()
    make_policy()
    make_policy(priority="urgent", first_response_minutes=30, resolution_minutes=240)
    ticket = make_ticket(team=team, owner=agent)
    account, category = make_account(), make_category()
    call = api_as(agent)

    response = call(
        "PATCH",
        f"/api/v1/tickets/{ticket.pk}",
        {
            "subject": "Pump leaks badly",
            "priority": "urgent",
            "category_id": category.pk,
            "account_id": account.pk,
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["subject"], body["priority"]) == ("Pump leaks badly", "urgent")
    assert (body["category"]["id"], body["account"]["id"]) == (category.pk, account.pk)
    ticket.refresh_from_db()
    assert body["sla_policy"]["id"] == ticket.sla_policy_id
    assert ticket.sla_policy.priority == "urgent"
    cleared = call("PATCH", f"/api/v1/tickets/{ticket.pk}", {"category_id": None}).json()
    assert (cleared["category"], cleared["subject"]) == (None, "Pump leaks badly")


def test_a_new_product_must_match_the_tickets_serial_number(api_as):
    agent, _teammate, _outsider, team, _other = _desk()
    product = priced_product(is_serialised=True, warranty_months=12)
    order = make_order(lines=[(product, 1)], confirm=True)
    serial = set_line_serials(actor=order.owner, line=order.lines.get(), serials=["SN-1"])
    ticket = make_ticket(team=team, owner=agent, serial=serial.serials.get())
    call = api_as(agent)
    url = f"/api/v1/tickets/{ticket.pk}"

    assert _fields(call("PATCH", url, {"product_id": priced_product().pk})) == ["body.product_id"]
    assert Ticket.objects.get(pk=ticket.pk).product_id == product.pk
    both = call("PATCH", url, {"product_id": priced_product().pk, "serial": None})
    assert both.status_code == 200, both.content
    assert both.json()["serial"] is None


def test_assigning_gives_the_ticket_to_an_agent_or_a_teams_least_loaded_agent(api_as):
    agent, teammate, outsider, team, other = _desk()
    ticket = make_ticket(team=team, owner=agent)
    call = api_as(agent)
    url = f"/api/v1/tickets/{ticket.pk}/assign"

    to_teammate = call("POST", url, {"owner_id": teammate.pk}).json()
    assert (to_teammate["owner"]["id"], to_teammate["team"]["id"]) == (teammate.pk, team.pk)

    moved = call("POST", url, {"team_id": other.pk})
    assert moved.status_code == 200, moved.content
    assert (moved.json()["owner"]["id"], moved.json()["team"]["id"]) == (outsider.pk, other.pk)
    # the ticket now belongs to another team: out of the agent's sight
    assert call("GET", f"/api/v1/tickets/{ticket.pk}").status_code == 404
    assert outsider.notifications.filter(kind="service.ticket_assigned").count() == 1


def test_assign_errors_name_the_field(api_as):
    agent, _teammate, _outsider, team, _other = _desk()
    ticket = make_ticket(team=team, owner=agent)
    call = api_as(agent)
    url = f"/api/v1/tickets/{ticket.pk}/assign"
    rep = make_user(role="sales_rep")
    gone = make_user(role="service_agent", is_active=False)
    before = _state()
    assert _fields(call("POST", url, {"owner_id": 999999})) == ["body.owner_id"]
    assert _fields(call("POST", url, {"team_id": 999999})) == ["body.team_id"]
    assert _fields(call("POST", url, {"owner_id": rep.pk})) == ["body.owner_id"]
    assert _fields(call("POST", url, {"owner_id": gone.pk})) == ["body.owner_id"]
    assert _state() == before


# --- errors -----------------------------------------------------------------------------------


def test_opening_errors_name_the_field_and_store_nothing(api_as):
    rep = make_user(role="sales_rep")
    call = api_as(rep)
    ok = {"subject": "Broken", "body": "It broke."}
    retired, other_reps = make_category(is_active=False), make_account()
    before = _state()

    def post(**changes):
        return call("POST", "/api/v1/tickets", {**ok, **changes})

    assert _fields(call("POST", "/api/v1/tickets", {"body": "x"})) == ["body.subject"]
    assert _fields(post(subject="  ")) == ["body.subject"]
    assert _fields(post(body="")) == ["body.body"]
    assert _fields(post(priority="whenever")) == ["body.priority"]
    assert _fields(post(channel="fax")) == ["body.channel"]
    assert _fields(post(requester_email="not-an-address")) == ["body.requester_email"]
    assert _fields(post(category_id=999999)) == ["body.category_id"]
    assert _fields(post(category_id=retired.pk)) == ["body.category_id"]
    # another rep's account is not the rep's to see: it does not exist for them
    assert _fields(post(account_id=other_reps.pk)) == ["body.account_id"]
    assert _fields(post(contact_id=999999)) == ["body.contact_id"]
    assert _fields(post(product_id=999999)) == ["body.product_id"]
    assert _fields(post(status="open")) == ["body.status"]
    assert _state() == before


def test_conversation_errors_name_the_field(api_as):
    agent, _teammate, _outsider, team, _other = _desk()
    ticket = make_ticket(team=team, owner=agent)
    call = api_as(agent)
    url = f"/api/v1/tickets/{ticket.pk}"
    before = _state()
    assert _fields(call("POST", f"{url}/replies", {"body": " "})) == ["body.body"]
    assert _fields(call("POST", f"{url}/replies", {"body": "Hi", "status": "x"})) == ["body.status"]
    assert _fields(call("POST", f"{url}/notes", {})) == ["body.body"]
    assert _fields(call("POST", f"{url}/status", {})) == ["body.status"]
    assert _fields(call("PATCH", url, {"priority": "asap"})) == ["body.priority"]
    assert _fields(call("PATCH", url, {"subject": ""})) == ["body.subject"]
    assert _fields(call("PATCH", url, {"status": "open"})) == ["body.status"]
    assert _fields(call("PATCH", url, {"serial": "SN-NONE"})) == ["body.serial"]
    assert _state() == before


# --- who may do what --------------------------------------------------------------------------


def test_an_agent_sees_their_teams_tickets_and_not_another_teams(api_as):
    agent, teammate, outsider, team, other = _desk()
    ours = make_ticket(team=team, owner=teammate)
    theirs = make_ticket(team=other, owner=outsider)
    call = api_as(agent)

    numbers = [row["number"] for row in call("GET", "/api/v1/tickets").json()["items"]]
    assert numbers == [ours.number]
    assert call("GET", f"/api/v1/tickets/{ours.pk}").status_code == 200

    url = f"/api/v1/tickets/{theirs.pk}"
    before = _state()
    assert call("GET", url).status_code == 404
    assert call("PATCH", url, {"subject": "Mine"}).status_code == 404
    assert call("POST", f"{url}/replies", {"body": "Hi"}).status_code == 404
    assert call("POST", f"{url}/notes", {"body": "Hi"}).status_code == 404
    assert call("POST", f"{url}/status", {"status": "solved"}).status_code == 404
    assert call("POST", f"{url}/assign", {"owner_id": agent.pk}).status_code == 404
    assert call("GET", "/api/v1/tickets/999999").status_code == 404
    assert _state() == before


def test_a_rep_reads_and_opens_tickets_but_does_not_work_them(api_as):
    agent, _teammate, _outsider, team, _other = _desk()
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    ticket = make_ticket(team=team, owner=agent, account=account)
    call = api_as(rep)

    assert call("GET", "/api/v1/tickets").json()["items"][0]["id"] == ticket.pk
    assert call("GET", f"/api/v1/tickets/{ticket.pk}").status_code == 200
    opened = call(
        "POST",
        "/api/v1/tickets",
        {"subject": "Customer called", "body": "Invoice is wrong.", "account_id": account.pk},
    )
    assert opened.status_code == 201, opened.content
    assert (opened.json()["account"]["id"], opened.json()["channel"]) == (account.pk, "api")

    url = f"/api/v1/tickets/{ticket.pk}"
    before = _state()
    assert call("POST", f"{url}/replies", {"body": "Hello"}).status_code == 403
    assert call("POST", f"{url}/notes", {"body": "Hello"}).status_code == 403
    assert call("POST", f"{url}/status", {"status": "solved"}).status_code == 403
    assert call("PATCH", url, {"subject": "Changed"}).status_code == 403
    assert call("POST", f"{url}/assign", {"owner_id": rep.pk}).status_code == 403
    assert _state() == before


def test_an_analyst_only_reads(api_as):
    agent, _teammate, _outsider, team, _other = _desk()
    ticket = make_ticket(team=team, owner=agent)
    call = api_as(make_user(role="analyst"))
    assert call("GET", "/api/v1/tickets").status_code == 200
    assert call("GET", f"/api/v1/tickets/{ticket.pk}").status_code == 200
    before = _state()
    assert call("POST", "/api/v1/tickets", {"subject": "S", "body": "B"}).status_code == 403
    assert call("POST", f"/api/v1/tickets/{ticket.pk}/notes", {"body": "B"}).status_code == 403
    assert call("GET", "/api/v1/ticket-categories").status_code == 200
    assert _state() == before


def test_a_service_manager_sees_another_teams_ticket_but_may_not_change_it(api_as):
    agent, _teammate, _outsider, team, other = _desk()
    manager = make_user(role="service_manager")
    make_team(members=[manager], managers=[manager])
    ticket = make_ticket(team=team, owner=agent)
    call = api_as(manager)
    assert call("GET", f"/api/v1/tickets/{ticket.pk}").status_code == 200
    before = _state()
    assert call("POST", f"/api/v1/tickets/{ticket.pk}/replies", {"body": "Hi"}).status_code == 403
    assert _state() == before


def test_an_anonymous_caller_is_refused():
    from django.test import Client

    response = Client().get("/api/v1/tickets")
    assert response.status_code == 401


# --- the list ---------------------------------------------------------------------------------


def test_the_ticket_list_filters_and_pages(api_as):
    agent, teammate, _outsider, team, _other = _desk()
    account = make_account()
    contact = make_contact()
    category = make_category(team=team)
    first = make_ticket(team=team, owner=agent, subject="Pump leaks", priority="high")
    second = make_ticket(team=team, owner=teammate, account=account, category=category)
    third = make_ticket(team=team, owner=agent, contact=contact, requester_email="")
    Ticket.objects.filter(pk=second.pk).update(status="solved")
    Ticket.objects.filter(pk=third.pk).update(resolution_breached_at=timezone.now())
    call = api_as(agent)

    def numbers(**query):
        response = call("GET", "/api/v1/tickets", **query)
        assert response.status_code == 200, response.content
        return [row["number"] for row in response.json()["items"]]

    assert numbers() == [third.number, second.number, first.number]
    assert numbers(q="pump") == [first.number]
    assert numbers(q=account.name) == [second.number]
    assert numbers(status="solved") == [second.number]
    assert numbers(priority="high") == [first.number]
    assert numbers(category_id=category.pk) == [second.number]
    assert numbers(owner_id=teammate.pk) == [second.number]
    assert numbers(team_id=team.pk, sort="number") == [first.number, second.number, third.number]
    assert numbers(account_id=account.pk) == [second.number]
    assert numbers(contact_id=contact.pk) == [third.number]
    assert numbers(unresolved="true") == [third.number, first.number]
    assert numbers(breached="true") == [third.number]

    page = call("GET", "/api/v1/tickets", limit=2).json()
    assert [row["number"] for row in page["items"]] == [third.number, second.number]
    assert page["items"][0]["breached"] is True
    rest = call("GET", "/api/v1/tickets", limit=2, cursor=page["next_cursor"]).json()
    assert ([row["number"] for row in rest["items"]], rest["next_cursor"]) == ([first.number], None)

    assert _fields(call("GET", "/api/v1/tickets", sort="owner")) == ["query.sort"]
    assert _fields(call("GET", "/api/v1/tickets", status="done")) == ["query.status"]
    assert _fields(call("GET", "/api/v1/tickets", priority="asap")) == ["query.priority"]


def _busy_desk(agent, team, count, product, serials):
    category = make_category(team=team)
    for index in range(count):
        make_ticket(
            team=team,
            owner=agent,
            category=category if index % 2 else None,
            account=make_account(),
            contact=make_contact(),
            product=product,
            serial=serials[index],
        )


def test_the_ticket_list_costs_the_same_queries_for_5_or_25_tickets(api_as):
    agent, _teammate, _outsider, team, _other = _desk()
    make_policy()
    product = priced_product(is_serialised=True, warranty_months=12)
    order = make_order(lines=[(product, 25)], confirm=True)
    line = set_line_serials(
        actor=order.owner, line=order.lines.get(), serials=[f"SN-{n}" for n in range(25)]
    )
    serials = list(line.serials.order_by("pk"))
    call = api_as(agent)
    _busy_desk(agent, team, 5, product, serials[:5])
    call("GET", "/api/v1/tickets")
    with CaptureQueriesContext(connection) as five:
        assert len(call("GET", "/api/v1/tickets").json()["items"]) == 5
    _busy_desk(agent, team, 20, product, serials[5:])
    with CaptureQueriesContext(connection) as twenty_five:
        items = call("GET", "/api/v1/tickets").json()["items"]
    assert len(items) == 25
    assert all(row["serial"] and row["sla_policy"] for row in items)
    assert len(twenty_five) == len(five)


# --- an account's open tickets (story 10) -----------------------------------------------------


def test_sales_sees_an_accounts_unresolved_tickets_oldest_first(api_as):
    agent, _teammate, _outsider, team, _other = _desk()
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    older = make_ticket(team=team, owner=agent, account=account)
    newer = make_ticket(account=account, priority="urgent")
    solved = make_ticket(team=team, owner=agent, account=account)
    Ticket.objects.filter(pk=solved.pk).update(status="solved")
    make_ticket(account=make_account())
    call = api_as(rep)

    response = call("GET", f"/api/v1/accounts/{account.pk}/open-tickets")

    assert response.status_code == 200
    rows = response.json()
    assert [row["number"] for row in rows] == [older.number, newer.number]
    assert (rows[0]["owner"]["id"], rows[1]["owner"], rows[1]["priority"]) == (
        agent.pk,
        None,
        "urgent",
    )
    other_reps = make_account()
    assert call("GET", f"/api/v1/accounts/{other_reps.pk}/open-tickets").status_code == 404


# --- set-up -----------------------------------------------------------------------------------


def test_the_set_up_lists_categories_policies_and_calendars(api_as):
    _agent, _teammate, _outsider, team, _other = _desk()
    used = make_category(name="Installation", name_zh="安装", team=team)
    retired = make_category(name="Fax machines", is_active=False)
    vip = make_policy(
        name="VIP normal", tier=tier("vip"), first_response_minutes=60, resolution_minutes=480
    )
    everyone = make_policy(name="Normal")
    call = api_as(make_user(role="marketer"))

    categories = call("GET", "/api/v1/ticket-categories").json()
    assert [(c["id"], c["is_active"]) for c in categories] == [
        (retired.pk, False),
        (used.pk, True),
    ]
    assert (categories[1]["name_zh"], categories[1]["team"]["id"]) == ("安装", team.pk)
    active = call("GET", "/api/v1/ticket-categories", active="true").json()
    assert [c["id"] for c in active] == [used.pk]

    policies = {p["id"]: p for p in call("GET", "/api/v1/sla-policies").json()}
    assert set(policies) == {vip.pk, everyone.pk}
    assert (policies[vip.pk]["tier"]["code"], policies[everyone.pk]["tier"]) == ("vip", None)
    assert policies[vip.pk]["first_response_minutes"] == 60
    assert policies[vip.pk]["calendar"]["id"] == default_calendar().pk

    calendars = call("GET", "/api/v1/business-calendars").json()
    shipped = next(c for c in calendars if c["is_default"])
    assert shipped["timezone"] == "Asia/Shanghai"
    assert shipped["hours"][:2] == [
        {"weekday": 0, "opens": "09:00:00", "closes": "12:00:00"},
        {"weekday": 0, "opens": "13:00:00", "closes": "18:00:00"},
    ]
    assert len(shipped["hours"]) == 10
    days = {day["date"]: day["kind"] for day in shipped["days"]}
    assert days["2025-10-01"] == "holiday"
    assert days["2025-09-28"] == "workday"


def test_the_customers_status_page_is_not_an_api_operation(client):
    from guanxi.integrations.api.assembly import api

    paths = api.get_openapi_schema()["paths"]
    assert not [path for path in paths if "public" in path or "token}" in path]


def test_a_service_manager_sets_up_categories_and_policies(api_as):
    manager = make_user(role="service_manager")
    team = make_team(members=[manager], managers=[manager])
    call = api_as(manager)

    created = call("POST", "/api/v1/ticket-categories", {"name": "Repairs", "team_id": team.pk})
    assert created.status_code == 201, created.content
    category = created.json()
    assert (category["name"], category["team"]["id"], category["is_active"]) == (
        "Repairs",
        team.pk,
        True,
    )
    url = f"/api/v1/ticket-categories/{category['id']}"
    retired = call("PATCH", url, {"team_id": None, "is_active": False}).json()
    assert (retired["team"], retired["is_active"], retired["name"]) == (None, False, "Repairs")
    assert _fields(call("POST", "/api/v1/ticket-categories", {"name": "repairs"})) == ["body.name"]
    assert _fields(call("PATCH", url, {"team_id": 999999})) == ["body.team_id"]

    policy = call(
        "POST",
        "/api/v1/sla-policies",
        {
            "name": "VIP urgent",
            "priority": "urgent",
            "tier_id": tier("vip").pk,
            "first_response_minutes": 30,
            "resolution_minutes": 240,
        },
    )
    assert policy.status_code == 201, policy.content
    body = policy.json()
    assert (body["tier"]["code"], body["calendar"]["id"]) == ("vip", default_calendar().pk)
    changed = call("PATCH", f"/api/v1/sla-policies/{body['id']}", {"tier_id": None}).json()
    assert changed["tier"] is None
    clash = call(
        "POST",
        "/api/v1/sla-policies",
        {
            "name": "Urgent",
            "priority": "urgent",
            "first_response_minutes": 60,
            "resolution_minutes": 30,
        },
    )
    assert _fields(clash) == ["body.resolution_minutes", "body.tier_id"]
    assert _fields(call("POST", "/api/v1/sla-policies", {"name": "x", "priority": "low"})) == [
        "body.first_response_minutes",
        "body.resolution_minutes",
    ]
    assert call("PATCH", "/api/v1/sla-policies/999999", {"name": "x"}).status_code == 404


def test_a_service_manager_edits_a_calendars_days_and_hours(api_as):
    call = api_as(make_user(role="service_manager"))
    calendar = default_calendar()
    url = f"/api/v1/business-calendars/{calendar.pk}"

    added = call("POST", f"{url}/days", {"date": "2031-06-02", "kind": "holiday", "name": "Fest"})
    assert added.status_code == 201, added.content
    assert {k: added.json()[k] for k in ("date", "kind", "name")} == {
        "date": "2031-06-02",
        "kind": "holiday",
        "name": "Fest",
    }
    again = call("POST", f"{url}/days", {"date": "2031-06-02", "kind": "workday"})
    assert _fields(again) == ["body.date"]
    assert call("DELETE", f"{url}/days/{added.json()['id']}").status_code == 204
    assert not calendar.days.filter(date="2031-06-02").exists()

    saturday = call("PUT", f"{url}/hours/5", {"spans": [{"opens": "10:00", "closes": "14:00"}]})
    assert saturday.status_code == 200, saturday.content
    assert saturday.json() == [{"weekday": 5, "opens": "10:00:00", "closes": "14:00:00"}]
    overlap = [{"opens": "09:00", "closes": "12:00"}, {"opens": "11:00", "closes": "13:00"}]
    assert _fields(call("PUT", f"{url}/hours/1", {"spans": overlap})) == ["body.spans"]
    assert _fields(call("PUT", f"{url}/hours/9", {"spans": []})) == ["path.weekday"]
    assert calendar.hours.filter(weekday=1).count() == 2


def test_only_administrators_and_service_managers_set_up(api_as):
    category = make_category()
    calendar = default_calendar()
    before = (
        sorted(Category.objects.values_list("pk", "name", "is_active")),
        calendar.days.count(),
        calendar.hours.count(),
    )
    for role in ("service_agent", "sales_manager", "analyst"):
        call = api_as(make_user(role=role))
        assert call("GET", "/api/v1/ticket-categories").status_code == 200
        assert call("POST", "/api/v1/ticket-categories", {"name": "Mine"}).status_code == 403
        patch = call("PATCH", f"/api/v1/ticket-categories/{category.pk}", {"is_active": False})
        assert patch.status_code == 403
        day = {"date": "2031-01-02", "kind": "holiday"}
        assert (
            call("POST", f"/api/v1/business-calendars/{calendar.pk}/days", day).status_code == 403
        )
        hours = call("PUT", f"/api/v1/business-calendars/{calendar.pk}/hours/6", {"spans": []})
        assert hours.status_code == 403
    assert (
        sorted(Category.objects.values_list("pk", "name", "is_active")),
        calendar.days.count(),
        calendar.hours.count(),
    ) == before
