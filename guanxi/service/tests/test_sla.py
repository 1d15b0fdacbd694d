"""SLA clocks on the shipped Chinese calendar: due times, the policy chosen, pauses while
pending the customer, warnings and breaches; and the default calendar itself."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from guanxi.core.models import AuditEntry, Notification
from guanxi.customers.models import CustomerTier
from guanxi.lib.business_time import add_business_time
from guanxi.lib.cn_holidays import holiday_dates, makeup_dates
from guanxi.service.models import BusinessCalendar, CalendarDay, OpeningHours, Ticket
from guanxi.service.services.calendars import (
    DEFAULT_NAME,
    as_calendar,
    default_calendar,
    ensure_default_calendar,
)
from guanxi.service.services.sla import check_ticket_clocks, policy_for
from guanxi.service.services.tickets import (
    change_status,
    customer_message,
    reply,
    update_ticket,
)
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.service import make_category, make_policy, make_ticket
from guanxi.testing.users import make_team, make_user

SH = ZoneInfo("Asia/Shanghai")
NOTHING = {"warned": 0, "first_response_breached": 0, "resolution_breached": 0}

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
    def set_to(moment: datetime) -> datetime:
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(UTC))
        return moment

    return set_to


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def desk():
    agent = make_user(role="service_agent", full_name="Agent")
    manager = make_user(role="service_manager", full_name="Manager")
    outsider_manager = make_user(role="service_manager")
    team = make_team(members=[agent, manager], managers=[manager])
    make_team(members=[outsider_manager], managers=[outsider_manager])
    return type(
        "Desk",
        (),
        {"agent": agent, "manager": manager, "team": team, "category": make_category(team=team)},
    )


# Due times -----------------------------------------------------------------------------


def test_due_times_skip_nights_and_use_the_makeup_saturday_before_the_spring_festival(clock):
    policy = make_policy()  # 4 business hours to answer, 16 to resolve
    clock(at(2026, 2, 13, 17, 0))  # Friday, the last hour before the weekend
    ticket = make_ticket()

    assert ticket.sla_policy == policy
    # Friday 17–18 (1 h), Saturday 14th is a make-up working day: 9–12 (3 h).
    assert ticket.first_response_due == at(2026, 2, 14, 12, 0)
    # ... then Saturday 13–18 (5 h, 9 h in all); the festival closes 15th–23rd; Tuesday
    # 24th 9–12 and 13–17 make the 16 hours.
    assert ticket.resolution_due == at(2026, 2, 24, 17, 0)
    ticket.refresh_from_db()
    assert ticket.resolution_due == at(2026, 2, 24, 17, 0)


def test_a_ticket_in_the_night_counts_from_the_next_opening(clock):
    make_policy(first_response_minutes=30, resolution_minutes=120)
    clock(at(2026, 3, 6, 22, 30))  # Friday night
    ticket = make_ticket()
    assert ticket.first_response_due == at(2026, 3, 9, 9, 30)
    assert ticket.resolution_due == at(2026, 3, 9, 11, 0)


def test_the_lunch_break_does_not_count(clock):
    make_policy(first_response_minutes=60, resolution_minutes=8 * 60)
    clock(at(2026, 3, 2, 11, 30))
    ticket = make_ticket()
    assert ticket.first_response_due == at(2026, 3, 2, 13, 30)
    assert ticket.resolution_due == at(2026, 3, 3, 11, 30)


def test_a_tier_policy_wins_over_the_policy_for_every_tier(clock):
    vip = CustomerTier.objects.get(code="vip")
    standard = CustomerTier.objects.get(code="standard")
    everyone = make_policy(name="Everyone")
    for_vip = make_policy(name="VIP", tier=vip, first_response_minutes=60, resolution_minutes=240)
    make_policy(name="VIP urgent", tier=vip, priority="urgent", first_response_minutes=15)
    rep = make_user(role="sales_rep")
    vip_account = make_account(owner=rep, tier=vip)
    standard_account = make_account(owner=rep, tier=standard)
    consumer = make_contact(owner=rep, tier=vip, emails=[{"value": "vip@example.cn"}])
    clock(at(2026, 3, 2, 9, 0))

    assert make_ticket(account=vip_account).sla_policy == for_vip
    assert make_ticket(account=standard_account).sla_policy == everyone
    assert make_ticket(requester_email="nobody@example.cn").sla_policy == everyone
    by_mail = make_ticket(requester_email="vip@example.cn")
    assert (by_mail.contact, by_mail.account) == (consumer, None)
    assert by_mail.sla_policy == for_vip
    assert by_mail.first_response_due == at(2026, 3, 2, 10, 0)
    assert by_mail.resolution_due == at(2026, 3, 2, 14, 0)


def test_no_policy_for_the_priority_means_no_due_times():
    make_policy(priority="high")
    make_policy(priority="normal", is_active=False, name="Old normal")
    ticket = make_ticket()
    assert ticket.sla_policy is None
    assert (ticket.first_response_due, ticket.resolution_due) == (None, None)
    assert policy_for(ticket) is None
    assert check_ticket_clocks(at(2030, 1, 1, 12, 0)) == NOTHING


def test_a_new_priority_recomputes_the_due_times_from_creation(desk, clock):
    make_policy()
    urgent = make_policy(priority="urgent", first_response_minutes=30, resolution_minutes=240)
    clock(at(2026, 3, 2, 9, 0))
    ticket = make_ticket(category=desk.category)

    clock(at(2026, 3, 2, 9, 10))
    update_ticket(actor=desk.agent, ticket=ticket, priority="urgent")
    ticket.refresh_from_db()
    assert ticket.sla_policy == urgent
    assert ticket.first_response_due == at(2026, 3, 2, 9, 30)
    assert ticket.resolution_due == at(2026, 3, 2, 14, 0)

    update_ticket(actor=desk.agent, ticket=ticket, priority="low")  # no policy for low
    ticket.refresh_from_db()
    assert (ticket.sla_policy, ticket.first_response_due) == (None, None)


def test_a_new_customer_recomputes_the_due_times(desk, clock):
    vip = CustomerTier.objects.get(code="vip")
    make_policy()
    make_policy(tier=vip, first_response_minutes=60, resolution_minutes=120)
    clock(at(2026, 3, 2, 9, 0))
    ticket = make_ticket(category=desk.category)
    assert ticket.first_response_due == at(2026, 3, 2, 14, 0)

    account = make_account(owner=make_user(role="sales_rep"), tier=vip)
    update_ticket(actor=desk.agent, ticket=ticket, account=account)
    ticket.refresh_from_db()
    assert ticket.first_response_due == at(2026, 3, 2, 10, 0)
    assert ticket.resolution_due == at(2026, 3, 2, 11, 0)


# Pauses --------------------------------------------------------------------------------


def test_pending_adds_exactly_the_business_time_waited_over_weeks_and_holidays(desk, clock):
    make_policy()
    clock(at(2026, 2, 9, 10, 0))  # Monday
    ticket = make_ticket(category=desk.category)

    clock(at(2026, 2, 9, 11, 0))
    reply(actor=desk.agent, ticket=ticket, body="Which model?", status="pending")
    ticket.refresh_from_db()
    assert ticket.paused_at == at(2026, 2, 9, 11, 0)
    assert check_ticket_clocks(at(2026, 2, 24, 12, 0)) == NOTHING  # paused: no clock runs

    clock(at(2026, 2, 25, 10, 30))  # Wednesday after the Spring Festival
    customer_message(ticket=ticket, body="The LaserJet.", channel="email")
    ticket.refresh_from_db()
    # Mon 11–18 less lunch (6 h), Tue–Fri and the make-up Saturday (5 × 8 h), the
    # festival (nothing), Tue 24th (8 h), Wed 9:00–10:30 (1.5 h).
    assert ticket.paused_seconds == int(55.5 * 3600)
    assert ticket.paused_at is None
    # One hour had run before the pause: the clocks resume with what was left.
    assert ticket.first_response_due == at(2026, 2, 25, 14, 30)
    assert ticket.resolution_due == at(2026, 2, 27, 9, 30)


def test_a_weekend_pause_counts_friday_evening_and_monday_morning(desk, clock):
    make_policy()
    clock(at(2026, 3, 5, 9, 0))  # Thursday
    ticket = make_ticket(category=desk.category)
    assert ticket.resolution_due == at(2026, 3, 6, 18, 0)

    clock(at(2026, 3, 6, 17, 0))
    change_status(actor=desk.agent, ticket=ticket, status="pending")
    clock(at(2026, 3, 9, 10, 0))
    change_status(actor=desk.agent, ticket=ticket, status="open")  # the agent takes it back
    ticket.refresh_from_db()
    assert ticket.paused_seconds == 2 * 3600
    assert ticket.resolution_due == at(2026, 3, 9, 11, 0)

    # A second pause adds to the first.
    clock(at(2026, 3, 9, 10, 30))
    change_status(actor=desk.agent, ticket=ticket, status="pending")
    clock(at(2026, 3, 9, 14, 0))  # 10:30–12:00 and 13:00–14:00
    customer_message(ticket=ticket, body="Back.", channel="web")
    ticket.refresh_from_db()
    assert ticket.paused_seconds == int(4.5 * 3600)
    assert ticket.resolution_due == at(2026, 3, 9, 14, 30)


def test_a_pause_outside_business_hours_adds_nothing(desk, clock):
    make_policy()
    clock(at(2026, 3, 6, 9, 0))
    ticket = make_ticket(category=desk.category)
    due = ticket.resolution_due
    clock(at(2026, 3, 6, 19, 0))
    change_status(actor=desk.agent, ticket=ticket, status="pending")
    clock(at(2026, 3, 8, 23, 0))  # Sunday night
    customer_message(ticket=ticket, body="Here.", channel="web")
    ticket.refresh_from_db()
    assert ticket.paused_seconds == 0
    assert ticket.resolution_due == due


def test_solving_a_pending_ticket_ends_the_pause(desk, clock):
    make_policy()
    clock(at(2026, 3, 2, 9, 0))
    ticket = make_ticket(category=desk.category)
    clock(at(2026, 3, 2, 10, 0))
    change_status(actor=desk.agent, ticket=ticket, status="pending")
    clock(at(2026, 3, 2, 11, 0))
    change_status(actor=desk.agent, ticket=ticket, status="solved")
    ticket.refresh_from_db()
    assert ticket.paused_at is None
    assert ticket.paused_seconds == 3600


# Warnings and breaches -----------------------------------------------------------------


@pytest.fixture
def running(desk, clock):
    """Created Monday 2026-03-02 09:00: first response due 13:00 ... 14:00 with lunch,
    warning at 80 % of 16 h (12 h 48 min: Tue 14:48), resolution due Tue 18:00."""
    make_policy()
    clock(at(2026, 3, 2, 9, 0))
    ticket = make_ticket(category=desk.category)
    assert ticket.first_response_due == at(2026, 3, 2, 14, 0)
    assert ticket.resolution_due == at(2026, 3, 3, 18, 0)
    Notification.objects.all().delete()
    return ticket


def _audit(ticket: Ticket, field: str) -> list[AuditEntry]:
    return [
        e
        for e in AuditEntry.objects.filter(object_type="service.ticket", object_id=str(ticket.pk))
        if field in e.changes
    ]


def test_each_target_is_breached_once_and_the_warning_comes_at_the_percent(desk, running):
    assert check_ticket_clocks(at(2026, 3, 2, 13, 59)) == NOTHING

    assert check_ticket_clocks(at(2026, 3, 2, 14, 0)) == {**NOTHING, "first_response_breached": 1}
    assert check_ticket_clocks(at(2026, 3, 2, 14, 5)) == NOTHING
    assert check_ticket_clocks(at(2026, 3, 3, 14, 47)) == NOTHING

    assert check_ticket_clocks(at(2026, 3, 3, 14, 48)) == {**NOTHING, "warned": 1}
    assert check_ticket_clocks(at(2026, 3, 3, 17, 0)) == NOTHING

    assert check_ticket_clocks(at(2026, 3, 3, 18, 0)) == {**NOTHING, "resolution_breached": 1}
    assert check_ticket_clocks(at(2026, 3, 4, 18, 0)) == NOTHING

    running.refresh_from_db()
    assert running.first_response_breached_at == at(2026, 3, 2, 14, 0)
    assert running.warned_at == at(2026, 3, 3, 14, 48)
    assert running.resolution_breached_at == at(2026, 3, 3, 18, 0)
    for field in ("first_response_breached_at", "warned_at", "resolution_breached_at"):
        entries = _audit(running, field)
        assert len(entries) == 1
        assert entries[0].actor is None
    kinds = sorted(Notification.objects.values_list("recipient__full_name", "kind"))
    assert kinds == [
        ("Agent", "service.sla_breached"),
        ("Agent", "service.sla_breached"),
        ("Agent", "service.sla_warning"),
        ("Manager", "service.sla_breached"),
        ("Manager", "service.sla_breached"),
        ("Manager", "service.sla_warning"),
        # The resolution breach escalates the ticket to the team's manager (story 17).
        ("Manager", "service.ticket_escalated"),
    ]
    warning = Notification.objects.get(recipient=desk.agent, kind="service.sla_warning")
    assert running.number in warning.title
    assert "2026-03-03 18:00" in warning.title


def test_a_late_first_check_breaches_both_targets_without_a_warning(running):
    assert check_ticket_clocks(at(2026, 3, 10, 9, 0)) == {
        "warned": 0,
        "first_response_breached": 1,
        "resolution_breached": 1,
    }


def test_a_first_response_stops_its_clock(desk, running, clock):
    clock(at(2026, 3, 2, 9, 30))
    reply(actor=desk.agent, ticket=running, body="Looking.")
    assert check_ticket_clocks(at(2026, 3, 2, 15, 0)) == NOTHING


def test_the_warning_moves_with_the_business_time_paused(desk, running, clock):
    clock(at(2026, 3, 2, 10, 0))
    reply(actor=desk.agent, ticket=running, body="Photo?", status="pending")
    clock(at(2026, 3, 3, 10, 0))  # 8 business hours paused
    customer_message(ticket=running, body="Photo.", channel="web")
    running.refresh_from_db()
    assert running.resolution_due == at(2026, 3, 4, 18, 0)
    # 12 h 48 min + 8 h from Monday 09:00 is Wednesday 14:48.
    assert check_ticket_clocks(at(2026, 3, 4, 14, 47)) == NOTHING
    assert check_ticket_clocks(at(2026, 3, 4, 14, 48))["warned"] == 1


def test_pending_and_solved_tickets_are_skipped(desk, running, clock):
    clock(at(2026, 3, 2, 10, 0))
    change_status(actor=desk.agent, ticket=running, status="pending")
    assert check_ticket_clocks(at(2026, 3, 20, 9, 0)) == NOTHING

    clock(at(2026, 3, 2, 11, 0))
    change_status(actor=desk.agent, ticket=running, status="solved")
    assert check_ticket_clocks(at(2026, 3, 20, 9, 0)) == NOTHING
    assert not Notification.objects.exists()


def test_trashed_tickets_are_skipped(running):
    Ticket.objects.filter(pk=running.pk).update(deleted_at=timezone.now())
    assert check_ticket_clocks(at(2026, 3, 20, 9, 0)) == NOTHING


def test_on_hold_tickets_keep_running(desk, running, clock):
    clock(at(2026, 3, 2, 10, 0))
    change_status(actor=desk.agent, ticket=running, status="on_hold")
    assert check_ticket_clocks(at(2026, 3, 2, 14, 0))["first_response_breached"] == 1


def test_the_check_reads_each_calendar_once(clock, django_assert_max_num_queries):
    make_policy()
    clock(at(2026, 3, 2, 9, 0))
    for _ in range(10):
        make_ticket()
    with django_assert_max_num_queries(12):
        assert check_ticket_clocks(at(2026, 3, 2, 10, 0)) == NOTHING


def test_a_ticket_without_agent_or_team_breaches_quietly(clock):
    make_policy()
    clock(at(2026, 3, 2, 9, 0))
    make_ticket()
    assert check_ticket_clocks(at(2026, 3, 2, 14, 0))["first_response_breached"] == 1
    assert not Notification.objects.exists()


def test_the_scheduled_task_runs_the_check(running, clock):
    from guanxi.service.tasks import check_sla_clocks

    clock(at(2026, 3, 2, 14, 30))
    result = check_sla_clocks.enqueue()
    assert result.return_value == {**NOTHING, "first_response_breached": 1}


# The default calendar ------------------------------------------------------------------


def test_the_default_calendar_is_china_with_the_shipped_holidays():
    calendar = default_calendar()
    assert calendar.is_default
    assert calendar.name == DEFAULT_NAME
    assert calendar.timezone == "Asia/Shanghai"
    hours = {(h.weekday, h.opens, h.closes) for h in calendar.hours.all()}
    assert hours == {
        (day, opens, closes)
        for day in range(5)
        for opens, closes in ((time(9), time(12)), (time(13), time(18)))
    }
    rules = as_calendar(calendar)
    assert rules.holidays == holiday_dates()
    assert rules.workdays == makeup_dates()
    assert date(2026, 2, 17) in rules.holidays
    assert rules.intervals_on(date(2026, 2, 14)) == ((time(9), time(12)), (time(13), time(18)))
    assert rules.intervals_on(date(2026, 2, 15)) == ()
    start = at(2026, 9, 30, 17, 0)  # before National Day
    assert add_business_time(start, timedelta(hours=2), rules) == at(2026, 10, 8, 10, 0)


def test_ensure_default_calendar_is_idempotent():
    first = ensure_default_calendar()
    counts = (
        BusinessCalendar.objects.count(),
        OpeningHours.objects.count(),
        CalendarDay.objects.count(),
    )
    assert ensure_default_calendar() == first
    assert (
        BusinessCalendar.objects.count(),
        OpeningHours.objects.count(),
        CalendarDay.objects.count(),
    ) == counts


def test_an_edited_default_calendar_is_left_alone():
    calendar = ensure_default_calendar()
    calendar.name = "Shanghai office"
    calendar.save()
    calendar.hours.filter(weekday=4).delete()
    calendar.days.filter(date__year=2025).delete()
    CalendarDay.objects.create(calendar=calendar, date=date(2026, 3, 9), kind="holiday")

    assert ensure_default_calendar() == calendar
    assert BusinessCalendar.objects.count() == 1
    assert not calendar.hours.filter(weekday=4).exists()
    assert not calendar.days.filter(date__year=2025).exists()
    assert calendar.days.filter(date=date(2026, 3, 9)).exists()


def test_without_a_default_the_shipped_calendar_comes_back():
    BusinessCalendar.objects.update(is_default=False)
    other = BusinessCalendar.objects.create(name="Berlin", timezone="Europe/Berlin")
    calendar = ensure_default_calendar()
    assert calendar.is_default
    assert calendar.name == DEFAULT_NAME
    assert calendar != other
    assert calendar.hours.count() == 10
