"""Routing rules: each condition, order, first match wins, inactive rules skipped,
keywords in Chinese and English regardless of case, round robin and least loaded, and
an explicit team or agent winning over the rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.core.models import AuditEntry
from guanxi.customers.models import CustomerTier
from guanxi.service.models import RoutingRule, TeamRouting, TicketRouting
from guanxi.service.services import routing
from guanxi.service.services.tickets import open_ticket
from guanxi.testing.customers import make_account
from guanxi.testing.quotes import make_product
from guanxi.testing.routing import make_agents_team, make_rule
from guanxi.testing.service import make_category, make_ticket
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def _tier(code: str) -> CustomerTier:
    return CustomerTier.objects.get_or_create(code=code, defaults={"name": code.upper()})[0]


def test_split_keywords_reads_ascii_and_chinese_separators():
    assert routing.split_keywords("打印机, 卡纸，printer、Printer;scanner\n 墨盒 ") == [
        "打印机",
        "卡纸",
        "printer",
        "scanner",
        "墨盒",
    ]


@pytest.mark.parametrize(
    "subject, body",
    [
        ("我的打印机一直卡纸", "请帮忙"),
        ("Help", "The PRINTER jams"),
        ("Ｐｒｉｎｔｅｒ broken", "full-width letters"),
        ("问题", "机器卡纸了"),
    ],
)
def test_keywords_match_subject_or_body_in_chinese_and_english_ignoring_case(subject, body):
    team, _agents = make_agents_team(1)
    rule = make_rule(keywords="打印机, 卡纸, printer", team=team)
    ticket = make_ticket(subject=subject, body=body)
    assert ticket.team == team
    assert ticket.routing.rule == rule


def test_no_keyword_no_match_and_the_category_team_applies():
    printers, _a = make_agents_team(1)
    general, _b = make_agents_team(1)
    make_rule(keywords="打印机, printer", team=printers)
    ticket = make_ticket(subject="发票", body="请开发票", category=make_category(team=general))
    assert ticket.team == general
    assert not TicketRouting.objects.filter(ticket=ticket).exists()


def test_category_condition():
    team, _a = make_agents_team(1)
    billing = make_category(name="Billing")
    make_rule(category=billing, team=team)
    assert make_ticket(category=billing).team == team
    assert make_ticket(category=make_category()).team is None


def test_product_and_product_category_conditions():
    team, _a = make_agents_team(1)
    other, _b = make_agents_team(1)
    laser = make_product(category="Printers")
    scanner = make_product(category="Scanners")
    make_rule(product=scanner, team=other)
    make_rule(product_category="printers", team=team)
    assert make_ticket(product=laser).team == team
    assert make_ticket(product=scanner).team == other
    assert make_ticket().team is None


def test_customer_tier_condition_reads_the_account_tier():
    team, _a = make_agents_team(1)
    vip = _tier("vip")
    make_rule(tier=vip, team=team, set_priority="high")
    admin = make_user(role="administrator")
    account = make_account(tier=vip, owner=admin)
    ticket = make_ticket(account=account)
    assert (ticket.team, ticket.priority) == (team, "high")
    assert make_ticket(account=make_account(owner=admin)).team is None


def test_language_condition():
    team, _a = make_agents_team(1)
    make_rule(language="en", team=team)
    assert make_ticket(language="en").team == team
    assert make_ticket(language="zh-hans").team is None


def test_all_given_conditions_must_match():
    team, _a = make_agents_team(1)
    make_rule(keywords="printer", language="en", team=team)
    assert make_ticket(subject="printer", language="zh-hans").team is None
    assert make_ticket(subject="printer", language="en").team == team


def test_the_first_matching_rule_wins_and_order_can_change():
    first, _a = make_agents_team(1)
    second, _b = make_agents_team(1)
    admin = make_user(role="administrator")
    top = make_rule(keywords="printer", team=first)
    below = make_rule(keywords="printer, jam", team=second)
    assert make_ticket(subject="printer jam").team == first
    routing.move_rule(actor=admin, rule=below, direction="up")
    assert list(RoutingRule.objects.values_list("pk", flat=True)) == [below.pk, top.pk]
    assert make_ticket(subject="printer jam").team == second


def test_an_inactive_rule_is_skipped():
    first, _a = make_agents_team(1)
    second, _b = make_agents_team(1)
    rule = make_rule(keywords="printer", team=first)
    make_rule(keywords="printer", team=second)
    routing.update_rule(actor=make_user(role="administrator"), rule=rule, is_active=False)
    assert make_ticket(subject="printer").team == second


def test_a_rule_sets_priority_and_category_and_is_recorded():
    team, _a = make_agents_team(1)
    repairs = make_category(name="Repairs")
    rule = make_rule(keywords="卡纸", team=team, set_priority="urgent", set_category=repairs)
    ticket = make_ticket(subject="卡纸", body="急")
    assert (ticket.priority, ticket.category) == ("urgent", repairs)
    assert ticket.routing.rule_name == rule.name
    assert "卡纸" in ticket.routing.reason
    created = AuditEntry.objects.get(object_type="service.ticket", object_id=str(ticket.pk))
    assert created.changes["routing_rule"] == [None, rule.name]


def test_an_explicit_team_or_agent_wins_over_the_rules():
    ruled, _a = make_agents_team(1)
    chosen, agents = make_agents_team(1)
    make_rule(keywords="printer", team=ruled)
    assert make_ticket(subject="printer", team=chosen).team == chosen
    ticket = make_ticket(subject="printer", owner=agents[0])
    assert ticket.owner == agents[0] and ticket.team != ruled


def test_a_rule_wins_over_the_agent_taking_the_call():
    agent = make_user(role="service_agent")
    team, members = make_agents_team(1)
    make_rule(keywords="打印机", team=team)
    ticket = open_ticket(actor=agent, subject="打印机坏了", body="电话", channel="phone")
    assert (ticket.team, ticket.owner) == (team, members[0])


def test_least_loaded_gives_the_agent_with_fewest_unresolved_tickets():
    team, (busy, free) = make_agents_team(2)
    make_ticket(team=team, owner=busy)
    make_rule(keywords="printer", team=team)
    assert make_ticket(subject="printer").owner == free


def test_round_robin_cycles_the_team_members_in_turn():
    team, agents = make_agents_team(3)
    make_rule(keywords="printer", team=team, strategy="round_robin")
    owners = [make_ticket(subject="printer").owner for _ in range(7)]
    assert owners == [*agents, *agents, agents[0]]
    assert TeamRouting.objects.get(team=team).last_agent == agents[0]


def test_round_robin_as_the_team_strategy_without_a_rule():
    team, agents = make_agents_team(2)
    routing.set_team_strategy(
        actor=make_user(role="service_manager"), team=team, strategy="round_robin"
    )
    category = make_category(team=team)
    owners = [make_ticket(category=category).owner for _ in range(3)]
    assert owners == [agents[0], agents[1], agents[0]]


def test_round_robin_skips_deactivated_agents():
    team, (first, gone, third) = make_agents_team(3)
    gone.is_active = False
    gone.save()
    make_rule(keywords="x", team=team, strategy="round_robin")
    assert [make_ticket(subject="x").owner for _ in range(3)] == [first, third, first]


def test_a_rule_needs_a_team_and_a_condition_and_valid_choices():
    admin = make_user(role="administrator")
    team, _a = make_agents_team(1)
    with pytest.raises(ValidationError) as error:
        routing.create_rule(actor=admin, name="Empty", team=team)
    assert "keywords" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        routing.create_rule(
            actor=admin,
            name="",
            team=None,
            keywords="x",
            strategy="random",
            set_priority="asap",
            language="fr",
        )
    assert set(error.value.message_dict) == {"name", "team", "strategy", "set_priority", "language"}
    assert not RoutingRule.objects.exists()


def test_only_administrators_and_service_managers_set_rules_up():
    team, _a = make_agents_team(1)
    for role in ("service_agent", "sales_rep"):
        with pytest.raises(PermissionDenied):
            routing.create_rule(actor=make_user(role=role), name="No", team=team, keywords="x")
    assert not RoutingRule.objects.exists()
    rule = routing.create_rule(
        actor=make_user(role="service_manager"), name="Yes", team=team, keywords="x"
    )
    assert rule.position == 10


def test_explain_says_why_each_rule_did_or_did_not_match():
    team, _a = make_agents_team(1)
    make_rule(name="Printers", keywords="打印机", team=team)
    make_rule(name="English", language="en", team=team)
    verdicts = routing.explain(
        routing.TicketFacts(subject="我的打印机一直卡纸", language="zh-hans")
    )
    assert [(v.rule.name, v.matched) for v in verdicts] == [("Printers", True), ("English", False)]
    assert verdicts[0].reasons == ["contains “打印机”"]
    assert verdicts[1].reasons == ["the language is not en"]


def test_move_renumbers_and_ignores_the_ends():
    admin = make_user(role="administrator")
    a, b, c = (make_rule(keywords=word) for word in ("a", "b", "c"))
    routing.move_rule(actor=admin, rule=a, direction="up")
    routing.move_rule(actor=admin, rule=c, direction="up")
    assert list(RoutingRule.objects.values_list("pk", "position")) == [
        (a.pk, 10),
        (c.pk, 20),
        (b.pk, 30),
    ]
    with pytest.raises(ValidationError):
        routing.move_rule(actor=admin, rule=a, direction="sideways")
