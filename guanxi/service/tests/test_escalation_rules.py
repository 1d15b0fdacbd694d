"""Escalation by rule: the conditions (business-hour waits on a frozen clock, keywords in
Chinese, tier, team, priority, status), once per rule, inactive rules skipped, the order
of the rules, the targets, the job run twice and the checks of a rule's setup."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.core.models import AuditEntry, Notification
from guanxi.core.scheduling import periodic_tasks
from guanxi.customers.models import CustomerTier
from guanxi.service.choices import MessageKind
from guanxi.service.models import Escalation, EscalationRule
from guanxi.service.services import escalation_rules as rules
from guanxi.service.services.tickets import change_status, customer_message, reply
from guanxi.service.tasks_escalation import apply_escalation_rules
from guanxi.testing.customers import make_account
from guanxi.testing.escalation import make_escalation_rule
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
        admin = make_user(role="administrator")
        agent = make_user(role="service_agent", full_name="Agent Wang")
        manager = make_user(role="service_manager", full_name="Manager Chen")
        expert = make_user(role="service_agent", full_name="Expert Li")
        team = make_team(name="Printers", members=[agent, manager], managers=[manager])
        tier2 = make_team(name="Tier 2", members=[expert])

    Desk.category = make_category(team=Desk.team)
    make_policy()  # normal: first response in 4 business hours, resolution in 16
    return Desk


def _ticket(desk, clock, when=None, **fields):
    clock(when or at(2026, 3, 2, 9, 0))  # Monday 09:00 Shanghai
    fields.setdefault("category", desk.category)
    fields.setdefault("owner", desk.agent)
    return make_ticket(**fields)


def _ids(rule, moment):
    return [match.ticket.pk for match in rules.matching_tickets(rule, now=moment)]


# Time conditions, in business hours of the default calendar (Mon–Fri 9–12, 13–18) ----


def test_a_customer_waiting_four_business_hours_is_escalated_once_to_the_supervisor(desk, clock):
    ticket = _ticket(desk, clock)
    rule = make_escalation_rule(
        name="No answer for 4 hours", priorities=[], no_reply_hours=4, reason="Nobody answered"
    )

    # 09:00–12:00 is three business hours; lunch does not count.
    assert rules.run_escalation_rules(at(2026, 3, 2, 12, 59)) == 0
    assert rules.run_escalation_rules(at(2026, 3, 2, 14, 0)) == 1

    escalation = Escalation.objects.get()
    assert (escalation.rule, escalation.rule_name, escalation.reason) == (
        rule,
        "No answer for 4 hours",
        "Nobody answered",
    )
    assert (escalation.automatic, escalation.from_user, escalation.to_user) == (
        True,
        None,
        desk.manager,
    )
    assert escalation.created_at == at(2026, 3, 2, 14, 0)
    assert "No reply or note yet." in escalation.tried_so_far
    ticket.refresh_from_db()
    assert (ticket.escalation_level, ticket.owner, ticket.priority) == (1, desk.manager, "high")
    note = ticket.messages.get(kind=MessageKind.NOTE)
    assert "No answer for 4 hours" in note.body
    assert Notification.objects.filter(
        recipient=desk.manager, kind="service.ticket_escalated"
    ).exists()

    # The job again, later: the rule escalated this ticket already.
    assert rules.run_escalation_rules(at(2026, 3, 3, 17, 0)) == 0
    assert Escalation.objects.count() == 1


def test_an_agent_reply_stops_the_wait_and_a_new_customer_message_starts_it_again(desk, clock):
    ticket = _ticket(desk, clock)
    rule = make_escalation_rule(priorities=[], no_reply_hours=4)
    clock(at(2026, 3, 2, 10, 0))
    reply(actor=desk.agent, ticket=ticket, body="Please restart it.", status="open")
    assert _ids(rule, at(2026, 3, 3, 17, 0)) == []

    clock(at(2026, 3, 2, 15, 0))
    customer_message(ticket=ticket, body="Still broken.", channel="email")
    clock(at(2026, 3, 2, 16, 0))
    customer_message(ticket=ticket, body="Hello?", channel="email")
    # Waiting since 15:00: three hours on Monday, one on Tuesday morning.
    assert _ids(rule, at(2026, 3, 3, 9, 59)) == []
    [match] = rules.matching_tickets(rule, now=at(2026, 3, 3, 10, 0))
    assert match.ticket == ticket
    assert match.reasons == ["the customer has waited 4 business hours for a reply"]


def test_open_hours_skip_the_weekend(desk, clock):
    ticket = _ticket(desk, clock, when=at(2026, 3, 6, 17, 0))  # Friday 17:00
    rule = make_escalation_rule(priorities=["normal"], open_hours=2)

    assert _ids(rule, at(2026, 3, 8, 23, 0)) == []  # Sunday night: still one hour
    assert _ids(rule, at(2026, 3, 9, 10, 0)) == [ticket.pk]  # Monday 10:00: two


def test_first_response_due_within_minutes_until_the_agent_answers(desk, clock):
    ticket = _ticket(desk, clock)  # first response due Monday 14:00
    rule = make_escalation_rule(priorities=[], first_response_due_minutes=30)

    assert _ids(rule, at(2026, 3, 2, 13, 29)) == []
    assert _ids(rule, at(2026, 3, 2, 13, 30)) == [ticket.pk]
    assert _ids(rule, at(2026, 3, 2, 15, 0)) == [ticket.pk]  # overdue counts too

    clock(at(2026, 3, 2, 13, 40))
    reply(actor=desk.agent, ticket=ticket, body="On it.")
    assert _ids(rule, at(2026, 3, 2, 15, 0)) == []


# The other conditions ----------------------------------------------------------------------


def test_every_condition_given_must_hold(desk, clock):
    vip = CustomerTier.objects.get_or_create(code="vip", defaults={"name": "VIP"})[0]
    admin = desk.admin
    vip_account = make_account(tier=vip, owner=admin)
    plain_account = make_account(owner=admin)
    matching = _ticket(
        desk, clock, account=vip_account, priority="high", subject="ＰＲＩＮＴＥＲ 卡纸"
    )
    wrong_tier = _ticket(desk, clock, account=plain_account, priority="high", subject="卡纸")
    wrong_priority = _ticket(desk, clock, account=vip_account, subject="卡纸")
    no_keyword = _ticket(
        desk, clock, account=vip_account, priority="high", subject="Toner", body="Empty"
    )
    in_message = _ticket(
        desk, clock, account=vip_account, priority="high", subject="Help", body="又卡纸了"
    )
    other_team = _ticket(
        desk, clock, account=vip_account, priority="high", subject="卡纸", category=None
    )
    pending = _ticket(desk, clock, account=vip_account, priority="high", subject="卡纸")
    change_status(actor=desk.agent, ticket=pending, status="pending")
    solved = _ticket(desk, clock, account=vip_account, priority="high", subject="卡纸")
    change_status(actor=desk.agent, ticket=solved, status="solved")

    rule = make_escalation_rule(
        priorities=["high", "urgent"],
        statuses=["new", "open"],
        tier=vip,
        team=desk.team,
        keywords="printer，卡纸",
    )

    found = rules.matching_tickets(rule, now=at(2026, 3, 2, 9, 30))
    assert [m.ticket.pk for m in found] == [matching.pk, in_message.pk]
    assert found[0].reasons == [
        "priority is High",
        "status is New",
        "customer tier is VIP",
        "team is Printers",
        "contains “printer”",
    ]
    assert found[1].reasons[-1] == "contains “卡纸”"
    assert {wrong_tier.pk, wrong_priority.pk, no_keyword.pk, other_team.pk} & {
        m.ticket.pk for m in found
    } == set()


def test_a_category_condition_and_a_ticket_already_with_the_target(desk, clock):
    other = make_category(name="Scanners")
    printer = _ticket(desk, clock)
    _ticket(desk, clock, category=other)
    with_target = _ticket(desk, clock, owner=desk.expert)
    rule = make_escalation_rule(priorities=[], category=desk.category, to_user=desk.expert)

    assert _ids(rule, at(2026, 3, 2, 10, 0)) == [printer.pk]
    assert with_target.category == desk.category


# The job: order, once per rule, inactive rules, targets ------------------------------------


def test_the_first_rule_in_order_escalates_and_the_next_one_on_a_later_run(desk, clock):
    ticket = _ticket(desk, clock, priority="urgent")
    first = make_escalation_rule(name="Urgent to tier 2", to_team=desk.tier2, reason="Urgent")
    second = make_escalation_rule(name="Urgent to the expert", to_user=desk.expert, reason="Hard")
    rules.move_rule(actor=desk.admin, rule=second, direction="up")

    assert rules.run_escalation_rules(at(2026, 3, 2, 9, 5)) == 1
    escalation = Escalation.objects.get()
    assert (escalation.rule, escalation.to_user) == (second, desk.expert)

    assert rules.run_escalation_rules(at(2026, 3, 2, 9, 10)) == 1
    later = Escalation.objects.get(rule=first)
    # The team's supervisor is nobody in Tier 2: a service manager of any team is.
    assert (later.level, later.to_team, later.to_user) == (2, desk.tier2, desk.manager)
    assert rules.run_escalation_rules(at(2026, 3, 2, 9, 15)) == 0
    ticket.refresh_from_db()
    assert ticket.escalation_level == 2


def test_an_inactive_rule_escalates_nothing_until_it_is_activated(desk, clock):
    _ticket(desk, clock, priority="urgent")
    rule = make_escalation_rule(is_active=False)

    assert rules.run_escalation_rules(at(2026, 3, 2, 9, 5)) == 0
    assert not Escalation.objects.exists()
    rules.update_rule(actor=desk.admin, rule=rule, is_active=True)
    assert rules.run_escalation_rules(at(2026, 3, 2, 9, 5)) == 1


def test_the_periodic_task_is_idempotent_and_a_concurrent_run_finds_the_ticket_done(desk, clock):
    ticket = _ticket(desk, clock, priority="urgent")
    rule = make_escalation_rule()
    clock(at(2026, 3, 2, 9, 5))

    assert apply_escalation_rules.call() == 1
    assert apply_escalation_rules.call() == 0
    # A run that read the candidates before the other committed re-checks under the lock.
    assert rules._escalate_by_rule(rule.pk, ticket.pk, at(2026, 3, 2, 9, 6)) is False
    assert Escalation.objects.filter(ticket=ticket, rule=rule).count() == 1


def test_the_job_is_scheduled_with_the_other_periodic_tasks():
    [entry] = [p for p in periodic_tasks() if p.task is apply_escalation_rules]
    assert entry.every == timedelta(minutes=5)


def test_nobody_to_escalate_to_leaves_the_ticket_for_the_next_run(desk, clock):
    _ticket(desk, clock, priority="urgent")
    make_escalation_rule(to_user=desk.expert)
    desk.expert.is_active = False
    desk.expert.save()

    assert rules.run_escalation_rules(at(2026, 3, 2, 9, 5)) == 0
    assert not Escalation.objects.exists()


# Setting rules up ----------------------------------------------------------------------------


def test_bad_rules_are_refused_naming_each_field_and_nothing_is_saved(desk):
    rep = make_user(role="sales_rep")
    with pytest.raises(ValidationError) as refused:
        rules.create_rule(
            actor=desk.admin,
            name=" ",
            reason="",
            priorities=["soon"],
            statuses=["solved"],
            open_hours=0,
            first_response_due_minutes=-5,
            to_user=rep,
        )
    assert set(refused.value.message_dict) == {
        "name",
        "reason",
        "priorities",
        "statuses",
        "open_hours",
        "first_response_due_minutes",
        "to_user",
    }
    with pytest.raises(ValidationError) as refused:
        rules.create_rule(actor=desk.admin, name="Empty", reason="Why")
    assert refused.value.message_dict == {"__all__": ["Give at least one condition."]}
    assert not EscalationRule.objects.exists()
    assert not AuditEntry.objects.filter(object_type="service.escalationrule").exists()


def test_changes_are_audited_and_only_setup_roles_may_make_them(desk):
    rule = make_escalation_rule(name="Urgent", actor=desk.admin)
    rules.update_rule(actor=desk.manager, rule=rule, priorities=["high", "urgent"], open_hours=8)
    entries = AuditEntry.objects.filter(
        object_type="service.escalationrule", object_id=str(rule.pk)
    )
    change = entries.get(event="change").changes
    assert change["priorities"] == [["urgent"], ["high", "urgent"]]
    assert change["open_hours"] == [None, 8]

    for role in ("service_agent", "sales_manager"):
        with pytest.raises(PermissionDenied):
            rules.update_rule(actor=make_user(role=role), rule=rule, name="Mine")
    with pytest.raises(ValidationError):
        rules.update_rule(actor=desk.admin, rule=rule, priorities=[], open_hours=None)
    rule.refresh_from_db()
    assert (rule.name, rule.open_hours) == ("Urgent", 8)

    rules.delete_rule(actor=desk.admin, rule=rule)
    assert entries.filter(event="delete").exists()
    assert not EscalationRule.objects.exists()


def test_a_deleted_rule_leaves_its_name_on_the_escalations(desk, clock):
    _ticket(desk, clock, priority="urgent")
    rule = make_escalation_rule(name="Urgent waits")
    rules.run_escalation_rules(at(2026, 3, 2, 9, 5))
    rules.delete_rule(actor=desk.admin, rule=rule)

    escalation = Escalation.objects.get()
    assert (escalation.rule, escalation.rule_name) == (None, "Urgent waits")


def test_checking_many_tickets_costs_the_same_queries_as_checking_a_few(
    desk, clock, django_assert_max_num_queries
):
    """Keywords, the customer's wait and the tier are read with the tickets (a query per
    chunk), not one query per ticket."""
    vip = CustomerTier.objects.create(code="vipq", name="VIP Q", rank=90)
    customer = make_account(name="打印大户", tier=vip)
    rule = make_escalation_rule(
        priorities=[], keywords="卡纸", no_reply_hours=1, tier=vip, reason="Paper jams"
    )
    for n in range(3):
        ticket = _ticket(desk, clock, account=customer, subject=f"Printer {n}")
        customer_message(ticket=ticket, body="又卡纸了", channel="email")
    moment = at(2026, 3, 3, 17, 0)
    with django_assert_max_num_queries(6) as few:
        assert len(_ids(rule, moment)) == 3
    for n in range(12):
        ticket = _ticket(desk, clock, account=customer, subject=f"Scanner {n}")
        customer_message(ticket=ticket, body="卡纸", channel="email")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(_ids(rule, moment)) == 15
