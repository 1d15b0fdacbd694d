"""Ticket, status-page and set-up pages end to end through the client: the agents'
queue and its tabs, a ticket taken on the phone with a serial number, the ticket page,
a reply pending the customer who answers on the status page and reopens it, notes
never shown to the customer, status changes, assignment and edits; categories, SLA
policies and calendars; the warning sales sees on the customer's pages (story 10);
and refusals, which change nothing."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.core.models import AuditEntry
from guanxi.sales.services import orders as order_services
from guanxi.service.choices import MessageKind, TicketStatus
from guanxi.service.models import CalendarDay, Category, OpeningHours, SlaPolicy, Ticket
from guanxi.service.services.calendars import default_calendar
from guanxi.service.services.sla import check_ticket_clocks
from guanxi.service.services.tickets import change_status, customer_message, reply
from guanxi.service.views.public import RATE_LIMIT
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.deals import make_deal
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import priced_product
from guanxi.testing.service import make_category, make_policy, make_ticket
from guanxi.testing.users import make_team, make_user

SH = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def clock(monkeypatch):
    """``clock(datetime)`` sets what ``timezone.now()`` answers."""

    def set_to(moment: datetime) -> datetime:
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(UTC))
        return moment

    return set_to


@pytest.fixture
def desk():
    """Two service teams: ``agent`` and ``colleague`` in ``team``, ``outsider`` in
    ``other_team``; a service manager of ``team``; a sales rep."""

    class Desk:
        agent = make_user(role="service_agent", full_name="Agent Wang")
        colleague = make_user(role="service_agent", full_name="Agent Li")
        outsider = make_user(role="service_agent", full_name="Agent Zhao")
        manager = make_user(role="service_manager", full_name="Manager Chen")
        rep = make_user(role="sales_rep", full_name="Rep Sun")
        team = make_team(name="Printers", members=[agent, colleague, manager], managers=[manager])
        other_team = make_team(name="Scanners", members=[outsider])

    return Desk


def page(client, name, *args, **query):
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def warning_of(content):
    """The story-10 warning box of a customer's page."""
    start = content.index('data-testid="open-tickets-warning"')
    return content[start : content.index("</div>", start)]


def ticket_state():
    return sorted(
        Ticket.objects.values_list("pk", "subject", "status", "priority", "owner_id", "team_id")
    ), sorted(Ticket.objects.values_list("pk", "messages__pk"), key=str)


# --- the queue -------------------------------------------------------------------------------


def test_an_agent_starts_on_their_open_tickets_and_tabs_show_the_team_and_everything(client, desk):
    mine = make_ticket(subject="Paper jam", team=desk.team, owner=desk.agent)
    solved = make_ticket(subject="Toner empty", team=desk.team, owner=desk.agent)
    change_status(actor=desk.agent, ticket=solved, status=TicketStatus.SOLVED)
    colleagues = make_ticket(subject="Wifi setup", team=desk.team, owner=desk.colleague)
    unassigned = make_ticket(subject="Noisy fan", team=desk.team)
    Ticket.objects.filter(pk=unassigned.pk).update(owner=None)
    elsewhere = make_ticket(subject="Scanner lines", team=desk.other_team, owner=desk.outsider)
    client.force_login(desk.agent)

    default = page(client, "service:ticket_list")
    assert default.count('data-testid="ticket-row"') == 1
    assert mine.number in default
    assert reverse("service:ticket_create") in default

    team = page(client, "service:ticket_list", tab="team")
    assert team.count('data-testid="ticket-row"') == 1 and unassigned.number in team

    everything = page(client, "service:ticket_list", tab="all")
    for ticket in (mine, solved, colleagues, unassigned):
        assert ticket.number in everything
    assert elsewhere.number not in everything

    solved_only = page(client, "service:ticket_list", tab="mine", status="solved")
    assert solved.number in solved_only and mine.number not in solved_only
    by_text = page(client, "service:ticket_list", tab="all", q="wifi")
    assert colleagues.number in by_text and mine.number not in by_text
    by_team = page(client, "service:ticket_list", tab="all", team=desk.other_team.pk)
    assert "No tickets here." in by_team


def test_the_queue_filters_by_priority_category_and_breach_and_sorts(client, desk, clock):
    make_policy(first_response_minutes=60, resolution_minutes=240)
    make_policy(priority="urgent", first_response_minutes=30, resolution_minutes=120)
    category = make_category(name="Hardware", team=desk.team)
    clock(at(2025, 3, 3, 10, 0))  # a Monday, in opening hours
    normal = make_ticket(subject="Normal one", team=desk.team, owner=desk.agent)
    urgent = make_ticket(
        subject="Urgent one", priority="urgent", category=category, owner=desk.agent
    )
    clock(at(2025, 3, 3, 10, 45))  # the urgent one's first response is 15 minutes late
    check_ticket_clocks()
    client.force_login(desk.agent)

    breached = page(client, "service:ticket_list", breached="1")
    assert urgent.number in breached and normal.number not in breached
    assert 'data-testid="due-breached"' in breached
    assert "2025-03-03 10:30" in breached  # the missed first-response time
    assert "2025-03-03 11:00" in page(client, "service:ticket_list", priority="normal")
    by_category = page(client, "service:ticket_list", category=category.pk)
    assert urgent.number in by_category and normal.number not in by_category
    by_priority = page(client, "service:ticket_list", sort="priority_rank")
    assert by_priority.index(urgent.number) < by_priority.index(normal.number)
    by_due = page(client, "service:ticket_list", sort="-due")
    assert by_due.index(normal.number) < by_due.index(urgent.number)


def test_a_sales_rep_sees_every_ticket_and_may_open_one_but_not_work_it(client, desk):
    ticket = make_ticket(subject="Paper jam", team=desk.team, owner=desk.agent)
    client.force_login(desk.rep)

    listing = page(client, "service:ticket_list")
    assert ticket.number in listing
    assert 'aria-current="page" data-testid="tab-all"' in listing  # readers start on all
    assert reverse("service:ticket_create") in listing
    detail = page(client, "service:ticket_detail", ticket.pk)
    assert "Paper jam" in detail
    assert 'data-testid="reply-form"' not in detail
    assert ticket.public_token not in detail  # the status page link is for agents


# --- a new ticket ----------------------------------------------------------------------------


@pytest.fixture
def sold_unit():
    """A printer sold with serial number SN-PRINT-1 on a confirmed order (a year's
    warranty from the order date)."""
    rep = make_user(role="sales_rep")
    product = priced_product("800.00", name="Laser printer", is_serialised=True, warranty_months=12)
    order = make_order(actor=rep, lines=[(product, 1)], confirm=True)
    order_services.set_line_serials(actor=rep, line=order.lines.get(), serials="SN-PRINT-1")
    return order.lines.get().serials.get()


def test_an_agent_takes_a_phone_call_for_a_sold_unit(client, desk, sold_unit):
    account = sold_unit.line.order.account
    category = make_category(name="Printers", team=desk.team)
    client.force_login(desk.agent)
    form = page(client, "service:ticket_create", account=account.pk)
    assert 'value="phone" selected' in form.replace("\n", "")

    response = client.post(
        reverse("service:ticket_create"),
        {
            "subject": "Printer prints blank pages",
            "body": "Customer called: blank pages since yesterday.",
            "channel": "phone",
            "priority": "high",
            "category": category.pk,
            "account": account.pk,
            "serial": "sn-print-1",
            "requester_name": "Ms Wu",
            "requester_email": "wu@example.com",
            "language": "en",
        },
    )

    ticket = Ticket.objects.get()
    assert response["Location"] == ticket.get_absolute_url()
    assert (ticket.serial, ticket.product) == (sold_unit, sold_unit.product)
    assert (ticket.account, ticket.team, ticket.channel) == (account, desk.team, "phone")
    assert ticket.owner in (desk.agent, desk.colleague, desk.manager)
    assert ticket.created_by == desk.agent and ticket.language == "en"
    assert ticket.messages.get().body == "Customer called: blank pages since yesterday."


def test_an_unknown_serial_number_is_an_error_on_its_field(client, desk, sold_unit):
    client.force_login(desk.agent)

    response = client.post(
        reverse("service:ticket_create"),
        {
            "subject": "Broken",
            "body": "It is broken.",
            "channel": "phone",
            "priority": "normal",
            "serial": "SN-NOPE",
            "language": "zh-hans",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["serial"] == [
        "No unit was sold with this serial number."
    ]
    assert not Ticket.objects.exists()


def test_a_rep_may_only_choose_accounts_they_see(client, desk):
    own = make_account(owner=desk.rep, name="Own account")
    foreign = make_account(name="Foreign account")
    client.force_login(desk.rep)

    form = page(client, "service:ticket_create")
    assert "Own account" in form and "Foreign account" not in form
    response = client.post(
        reverse("service:ticket_create"),
        {
            "subject": "For a customer",
            "body": "Please call them back.",
            "channel": "phone",
            "priority": "normal",
            "account": foreign.pk,
            "language": "zh-hans",
        },
    )
    assert response.status_code == 200 and "account" in response.context["form"].errors
    assert not Ticket.objects.exists()

    client.post(
        reverse("service:ticket_create"),
        {
            "subject": "For a customer",
            "body": "Please call them back.",
            "channel": "phone",
            "priority": "normal",
            "account": own.pk,
            "language": "zh-hans",
        },
    )
    assert Ticket.objects.get().account == own


# --- the ticket page -------------------------------------------------------------------------


def test_the_ticket_page_shows_customer_warranty_sla_conversation_and_history(
    client, desk, sold_unit, clock
):
    make_policy()
    clock(at(2025, 3, 3, 10, 0))
    account = sold_unit.line.order.account
    ticket = make_ticket(
        subject="Blank pages",
        account=account,
        serial=sold_unit,
        team=desk.team,
        owner=desk.agent,
        requester_name="Ms Wu",
    )
    other = make_ticket(subject="Second printer", account=account, team=desk.team)
    reply(actor=desk.agent, ticket=ticket, body="Please send a photo.", status="pending")
    client.force_login(desk.agent)

    content = page(client, "service:ticket_detail", ticket.pk)

    assert (
        account.name in content
        and reverse("customers:account_detail", args=[account.pk]) in content
    )
    assert "Ms Wu" in content
    until = sold_unit.warranty_until
    if until >= timezone.localdate():
        assert f"in warranty until {until:%Y-%m-%d}" in content
    else:
        assert "out of warranty since" in content
    assert "Blank pages" in content and "Please send a photo." in content
    assert "2025-03-03 15:00" in content  # first response due: 4 business hours
    assert 'data-testid="sla-paused"' in content
    assert other.number in content  # the customer's other open tickets
    public = reverse("service:ticket_public", args=[ticket.public_token])
    assert public in content
    assert "History" in content and 'id="attachments"' in content


def test_an_expired_warranty_is_shown_with_the_day_it_ended(client, desk, sold_unit):
    sold_unit.warranty_until = date(2020, 5, 31)
    sold_unit.save(update_fields=["warranty_until"])
    ticket = make_ticket(serial=sold_unit, team=desk.team, owner=desk.agent)
    client.force_login(desk.agent)

    content = page(client, "service:ticket_detail", ticket.pk)

    assert "out of warranty since 2020-06-01" in content


def test_reply_pending_then_the_customer_answers_on_the_status_page_and_it_reopens(client, desk):
    make_policy()
    ticket = make_ticket(subject="Paper jam", team=desk.team, owner=desk.agent)
    client.force_login(desk.agent)

    response = client.post(
        reverse("service:ticket_reply", args=[ticket.pk]),
        {"body": "Which tray jams?", "kind": "reply", "status": "pending"},
    )
    assert response.status_code == 302
    client.post(
        reverse("service:ticket_reply", args=[ticket.pk]),
        {"body": "Customer sounds angry, be nice.", "kind": "note", "status": ""},
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING and ticket.paused_at is not None
    assert ticket.first_responded_at is not None

    client.logout()
    public_url = reverse("service:ticket_public", args=[ticket.public_token])
    status_page = page(client, "service:ticket_public", ticket.public_token, lang="en")
    assert ticket.number in status_page and "Paper jam" in status_page
    assert "Pending customer" in status_page
    assert "Which tray jams?" in status_page
    assert "Customer sounds angry" not in status_page  # notes never leave the team

    answered = client.post(public_url + "?lang=en", {"body": "The second tray."})
    assert answered.status_code == 302
    assert "Thank you" in client.get(answered["Location"]).content.decode()

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN and ticket.paused_at is None
    latest = ticket.messages.order_by("-pk").first()
    assert (latest.kind, latest.channel, latest.body) == (
        MessageKind.CUSTOMER,
        "web",
        "The second tray.",
    )
    client.force_login(desk.agent)
    content = page(client, "service:ticket_detail", ticket.pk)
    assert "The second tray." in content and "Customer sounds angry" in content
    assert 'data-testid="message-note"' in content


def test_the_status_page_speaks_the_tickets_language_unless_the_visitor_chooses(client):
    ticket = make_ticket(subject="打印机坏了", language="zh-hans")

    chinese = page(client, "service:ticket_public", ticket.public_token)
    assert '<html lang="zh-hans">' in chinese and "打印机坏了" in chinese
    english = page(client, "service:ticket_public", ticket.public_token, lang="en")
    assert '<html lang="en">' in english and "Ticket number" in english


def test_a_refused_reply_keeps_the_text_and_shows_the_error(client, desk):
    ticket = make_ticket(team=desk.team, owner=desk.agent)
    client.force_login(desk.agent)
    before = ticket_state()

    response = client.post(
        reverse("service:ticket_reply", args=[ticket.pk]),
        {"body": "   ", "kind": "reply", "status": "open"},
    )

    assert response.status_code == 400
    assert response.context["reply_form"].errors["body"]
    assert ticket_state() == before


def test_status_change_assignment_and_edit(client, desk):
    category = make_category(name="Hardware")
    ticket = make_ticket(subject="Paper jam", team=desk.team, owner=desk.agent)
    client.force_login(desk.agent)

    client.post(reverse("service:ticket_status", args=[ticket.pk]), {"status": "on_hold"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ON_HOLD

    response = client.post(
        reverse("service:ticket_assign", args=[ticket.pk]),
        {"team": desk.team.pk, "owner": desk.colleague.pk},
    )
    assert response["Location"] == ticket.get_absolute_url()
    ticket.refresh_from_db()
    assert (ticket.team, ticket.owner) == (desk.team, desk.colleague)

    client.post(
        reverse("service:ticket_edit", args=[ticket.pk]),
        {"subject": "Paper jam in tray 2", "priority": "high", "category": category.pk},
    )
    ticket.refresh_from_db()
    assert (ticket.subject, ticket.priority, ticket.category) == (
        "Paper jam in tray 2",
        "high",
        category,
    )
    changes = [e.changes for e in AuditEntry.objects.filter(object_type="service.ticket")]
    assert {
        "subject": ["Paper jam", "Paper jam in tray 2"],
        "priority": ["normal", "high"],
    }.items() <= next(c for c in changes if "subject" in c).items()

    client.post(reverse("service:ticket_status", args=[ticket.pk]), {"status": "closed"})
    refused = client.post(
        reverse("service:ticket_status", args=[ticket.pk]), {"status": "open"}, follow=True
    )
    assert "Status: This ticket is closed." in messages_of(refused)
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CLOSED


def test_changing_the_product_away_from_the_serials_product_is_refused(client, desk, sold_unit):
    other = priced_product("10.00", name="Cable")
    ticket = make_ticket(serial=sold_unit, team=desk.team, owner=desk.agent)
    client.force_login(desk.agent)

    response = client.post(
        reverse("service:ticket_edit", args=[ticket.pk]),
        {"subject": ticket.subject, "priority": ticket.priority, "product": other.pk},
        follow=True,
    )

    assert "This serial number is of another product." in messages_of(response)
    assert Ticket.objects.get(pk=ticket.pk).product == sold_unit.product


# --- refusals --------------------------------------------------------------------------------


def test_an_agent_cannot_open_another_teams_ticket(client, desk):
    ticket = make_ticket(team=desk.other_team, owner=desk.outsider)
    client.force_login(desk.agent)
    before = ticket_state()

    assert client.get(reverse("service:ticket_detail", args=[ticket.pk])).status_code == 404
    reply_url = reverse("service:ticket_reply", args=[ticket.pk])
    assert client.post(reply_url, {"body": "Hi", "kind": "reply"}).status_code == 404
    status_url = reverse("service:ticket_status", args=[ticket.pk])
    assert client.post(status_url, {"status": "solved"}).status_code == 404
    assert ticket_state() == before


def test_a_sales_rep_cannot_change_a_ticket(client, desk):
    ticket = make_ticket(team=desk.team, owner=desk.agent)
    client.force_login(desk.rep)
    before = ticket_state()

    for name, data in (
        ("service:ticket_reply", {"body": "Hi", "kind": "reply", "status": "open"}),
        ("service:ticket_status", {"status": "solved"}),
        ("service:ticket_assign", {"owner": desk.rep.pk}),
        ("service:ticket_edit", {"subject": "Mine now", "priority": "low"}),
    ):
        assert client.post(reverse(name, args=[ticket.pk]), data).status_code == 403, name
    assert ticket_state() == before


def test_the_status_page_is_404_for_a_wrong_token(client):
    make_ticket()
    assert client.get(reverse("service:ticket_public", args=["x" * 43])).status_code == 404
    assert client.get(reverse("service:ticket_public", args=["short"])).status_code == 404


def test_a_closed_ticket_takes_no_more_messages_on_the_status_page(client, desk):
    ticket = make_ticket(team=desk.team, owner=desk.agent)
    change_status(actor=desk.agent, ticket=ticket, status=TicketStatus.CLOSED)
    url = reverse("service:ticket_public", args=[ticket.public_token]) + "?lang=en"

    shown = client.get(url).content.decode()
    assert 'data-testid="public-closed"' in shown and 'data-testid="public-reply"' not in shown
    response = client.post(url, {"body": "Still broken!"})

    assert response.status_code == 400
    assert "This ticket is closed: please open a new one." in response.content.decode()
    assert ticket.messages.count() == 1


def test_the_status_page_limits_messages_and_ignores_bots(client, desk):
    ticket = make_ticket(team=desk.team, owner=desk.agent)
    for n in range(RATE_LIMIT):
        customer_message(ticket=ticket, body=f"Hello {n}", channel="web")
    url = reverse("service:ticket_public", args=[ticket.public_token])

    assert client.post(url, {"body": "Once more"}).status_code == 429
    assert client.post(url, {"body": "Buy pills", "website_url": "spam"}).status_code == 302
    assert ticket.messages.count() == 1 + RATE_LIMIT


# --- set-up ----------------------------------------------------------------------------------


def test_a_service_manager_keeps_the_categories(client, desk):
    client.force_login(desk.manager)
    assert "Ticket categories" in page(client, "service:category_list")

    client.post(
        reverse("service:category_list"),
        {"name": "Printers", "name_zh": "打印机", "team": desk.team.pk, "is_active": "on"},
    )
    category = Category.objects.get()
    assert (category.name_zh, category.team, category.is_active) == ("打印机", desk.team, True)
    duplicate = client.post(reverse("service:category_list"), {"name": "printers"})
    assert duplicate.context["form"].errors["name"] == ["A category with this name already exists."]

    client.post(
        reverse("service:category_edit", args=[category.pk]),
        {"name": "Printers and copiers", "team": desk.other_team.pk, "is_active": "on"},
    )
    category.refresh_from_db()
    assert (category.name, category.team) == ("Printers and copiers", desk.other_team)

    client.post(reverse("service:category_deactivate", args=[category.pk]))
    category.refresh_from_db()
    assert category.is_active is False
    assert AuditEntry.objects.filter(object_type="service.category").count() == 3


def test_sla_policies_with_clashes_reported_on_the_fields(client, desk):
    client.force_login(desk.manager)
    data = {
        "name": "Normal for everyone",
        "priority": "normal",
        "first_response_minutes": "240",
        "resolution_minutes": "960",
        "warn_percent": "80",
        "calendar": default_calendar().pk,
        "is_active": "on",
    }
    assert client.post(reverse("service:sla_policy_list"), data).status_code == 302
    policy = SlaPolicy.objects.get()

    clash = client.post(reverse("service:sla_policy_list"), {**data, "name": "Again"})
    assert clash.status_code == 200
    assert clash.context["form"].errors["tier"] == [
        "Another active policy already covers this priority for every customer."
    ]
    backwards = client.post(
        reverse("service:sla_policy_list"),
        {**data, "priority": "high", "resolution_minutes": "60"},
    )
    assert "resolution_minutes" in backwards.context["form"].errors
    assert SlaPolicy.objects.count() == 1

    client.post(
        reverse("service:sla_policy_edit", args=[policy.pk]),
        {**data, "first_response_minutes": "120"},
    )
    policy.refresh_from_db()
    assert policy.first_response_minutes == 120
    assert "Normal for everyone" in page(client, "service:sla_policy_list")


def test_the_calendar_page_edits_days_and_hours(client, desk):
    calendar = default_calendar()
    client.force_login(desk.manager)
    assert calendar.name in page(client, "service:calendar_list")
    content = page(client, "service:calendar_detail", calendar.pk, year="2025")
    assert "09:00–12:00, 13:00–18:00" in content
    assert "2025-10-01" in content  # National Day, shipped

    add = reverse("service:calendar_day_add", args=[calendar.pk])
    client.post(add, {"date": "2025-12-24", "kind": "holiday", "name": "Company day"})
    day = CalendarDay.objects.get(calendar=calendar, date=date(2025, 12, 24))
    assert (day.kind, day.name) == ("holiday", "Company day")
    again = client.post(add, {"date": "2025-12-24", "kind": "workday"})
    assert again.status_code == 400
    assert again.context["day_form"].errors["date"] == ["This date is already in the calendar."]

    client.post(reverse("service:calendar_day_remove", args=[day.pk]))
    assert not CalendarDay.objects.filter(pk=day.pk).exists()

    hours = reverse("service:calendar_hours_edit", args=[calendar.pk, 5])
    client.post(hours, {"hours": "10:00-12:00，13:00-15:30"})
    saturday = OpeningHours.objects.filter(calendar=calendar, weekday=5).order_by("opens")
    assert [(h.opens, h.closes) for h in saturday] == [
        (time(10), time(12)),
        (time(13), time(15, 30)),
    ]
    overlap = client.post(hours, {"hours": "10:00-14:00, 13:00-15:00"})
    assert overlap.context["form"].errors["hours"] == ["The periods overlap."]
    bad = client.post(hours, {"hours": "ten to noon"})
    assert "hours" in bad.context["form"].errors
    assert saturday.count() == 2


def test_agents_and_reps_cannot_reach_the_set_up_pages(client, desk):
    category = make_category(name="Printers")
    for user in (desk.agent, desk.rep):
        client.force_login(user)
        assert client.get(reverse("service:category_list")).status_code == 403
        assert (
            client.post(reverse("service:category_deactivate", args=[category.pk])).status_code
            == 403
        )
        assert client.get(reverse("service:sla_policy_list")).status_code == 403
        assert client.get(reverse("service:calendar_list")).status_code == 403
    assert Category.objects.get().is_active is True


def test_the_navigation_shows_tickets_and_set_up_to_whom_it_concerns(client, desk):
    client.force_login(desk.agent)
    home = page(client, "web:home")
    assert reverse("service:ticket_list") in home
    assert reverse("service:category_list") not in home
    client.force_login(desk.manager)
    home = page(client, "web:home")
    assert reverse("service:category_list") in home
    assert reverse("service:calendar_list") in home


# --- story 10: sales sees service ------------------------------------------------------------


def test_sales_sees_the_customers_unresolved_tickets_on_account_contact_and_deal(client, desk):
    account = make_account(owner=desk.rep, name="Acme")
    contact = make_contact(owner=desk.rep)
    deal = make_deal(owner=desk.rep, account=account)
    open_one = make_ticket(subject="Paper jam", account=account, team=desk.team)
    pending = make_ticket(subject="Toner", account=account, contact=contact, team=desk.team)
    change_status(actor=desk.manager, ticket=pending, status=TicketStatus.PENDING)
    solved = make_ticket(subject="Old issue", account=account, team=desk.team)
    change_status(actor=desk.manager, ticket=solved, status=TicketStatus.SOLVED)
    client.force_login(desk.rep)

    content = page(client, "customers:account_detail", account.pk)
    warning = warning_of(content)
    assert "2 unresolved tickets" in warning
    assert open_one.number in warning and pending.number in warning
    assert solved.number not in warning
    assert f"{reverse('service:ticket_list')}?tab=all&amp;account={account.pk}" in warning

    assert "1 unresolved ticket" in page(client, "customers:contact_detail", contact.pk)
    assert "2 unresolved tickets" in page(client, "sales:deal_detail", deal.pk)

    quiet = make_account(owner=desk.rep)
    assert 'data-testid="open-tickets-warning"' not in page(
        client, "customers:account_detail", quiet.pk
    )
