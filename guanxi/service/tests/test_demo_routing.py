"""Demo routing rules and service contracts: bilingual keyword rules, a VIP rule and a
language rule sending new tickets to teams with agents chosen in turn or by load;
contracts for the customers' units; made once, by the command too, and reset."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from guanxi.customers.models import CustomerTier
from guanxi.service.demo_routing import (
    BILLING_RULE,
    CONTRACT_NOTES,
    ENGLISH_RULE,
    REPAIR_RULE,
    VIP_RULE,
    load_routing,
    reset_routing,
)
from guanxi.service.models import RoutingRule, ServiceContract, TeamRouting
from guanxi.service.services.contracts import contracts_covering
from guanxi.service.services.tickets import open_ticket
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.routing import make_unit
from guanxi.testing.service import make_category
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    admin = make_user(role="administrator")
    make_team(name="Service", members=[make_user(role="service_agent")])
    billing = make_category(name="Billing")
    repair = make_category(name="Hardware repair")
    accounts = [make_account(owner=admin, name=f"客户 {i}") for i in range(6)]
    units = {
        account.pk: [make_unit(account=account, actor=admin) for _ in range(i % 3 + 1)]
        for i, account in enumerate(accounts)
    }
    make_account(owner=admin, name="No units bought")
    return type("Demo", (), locals())


def _ticket(subject: str, **fields):
    return open_ticket(actor=None, subject=subject, body=subject, channel="web", **fields)


def test_the_demo_rules_are_bilingual_ordered_and_set_up_their_teams(demo):
    counts = load_routing()
    assert counts == {"routing rules": 4, "service contracts": 6}
    rules = list(RoutingRule.objects.select_related("team", "tier", "set_category"))
    assert [r.name for r in rules] == [VIP_RULE, BILLING_RULE, REPAIR_RULE, ENGLISH_RULE]
    vip, billing, repair, english = rules
    assert (vip.tier.code, vip.set_priority, vip.strategy) == ("vip", "high", "least_loaded")
    assert {"发票", "invoice", "退款", "refund"} <= set(billing.keywords.split(", "))
    assert (billing.set_category, billing.strategy) == (demo.billing, "round_robin")
    assert {"维修", "repair", "故障"} <= set(repair.keywords.split(", "))
    assert repair.set_category == demo.repair
    assert (english.language, english.team.name) == ("en", "Service")
    strategies = {s.team.name: s.strategy for s in TeamRouting.objects.select_related("team")}
    assert strategies == {
        "VIP 专属服务 Priority": "least_loaded",
        "账务组 Billing": "round_robin",
        "维修组 Repairs": "least_loaded",
    }
    for rule in (vip, billing, repair):
        agents = rule.team.members.filter(roles__code="service_agent", is_active=True)
        assert agents.count() == 2, rule.name


def test_new_tickets_are_routed_by_the_demo_rules(demo):
    load_routing()
    first = _ticket("发票抬头错误，需要重新开具")
    second = _ticket("Please resend the invoice for May", language="en")
    repair = _ticket("打印机坏了，需要上门维修")
    english = _ticket("Question about the training day", language="en")
    vip_account = make_account(tier=CustomerTier.objects.get(code="vip"))
    vip = _ticket("发票问题", account=vip_account)

    assert (first.team.name, second.team.name) == ("账务组 Billing", "账务组 Billing")
    assert first.owner != second.owner  # round robin: the two billing agents in turn
    assert first.category == demo.billing
    assert (repair.team.name, repair.category) == ("维修组 Repairs", demo.repair)
    assert english.team.name == "Service"
    assert (vip.team.name, vip.priority) == ("VIP 专属服务 Priority", "high")
    assert vip.routing.rule_name == VIP_RULE


def test_the_demo_contracts_cover_the_customers_units(demo):
    load_routing()
    contracts = list(ServiceContract.objects.order_by("pk"))
    assert len(contracts) == 6
    assert all(c.notes == CONTRACT_NOTES for c in contracts)
    assert {c.account.name for c in contracts} == {a.name for a in demo.accounts}
    today = timezone.localdate()
    in_force = [c for c in contracts if c.starts_on <= today <= c.ends_on]
    assert len(in_force) == 5
    ended = next(c for c in contracts if c.ends_on < today)
    assert ended.ends_on == today - timedelta(days=60)
    assert any(today <= c.ends_on <= today + timedelta(days=30) for c in in_force)
    gold = [c for c in contracts if c.name == "金牌服务 Gold"]
    silver = [c for c in contracts if c.name == "银牌服务 Silver"]
    extended = [c for c in contracts if c.name == "标准延保 Extended warranty"]
    assert (len(gold), len(silver), len(extended)) == (2, 2, 2)
    for contract in gold:
        covered = set(contract.serials.values_list("pk", flat=True))
        assert covered == {u.pk for u in demo.units[contract.account_id]}
        assert contract.response_hours == 4
    for contract in silver:
        assert [p.pk for p in contract.products.all()] == [
            demo.units[contract.account_id][0].product_id
        ]
        assert not contract.serials.exists()
    for contract in extended:
        assert not contract.serials.exists() and not contract.products.exists()
    current_gold = next(c for c in gold if c in in_force)
    unit = demo.units[current_gold.account_id][0]
    assert current_gold in contracts_covering(unit)


def test_loading_twice_makes_nothing_more_and_reset_removes_the_demo(demo):
    load_routing()
    assert load_routing() == {"routing rules": 0, "service contracts": 0}
    assert (RoutingRule.objects.count(), ServiceContract.objects.count()) == (4, 6)

    reset_routing()
    assert (RoutingRule.objects.count(), ServiceContract.objects.count()) == (0, 0)
    assert not TeamRouting.objects.exists()
    assert load_routing() == {"routing rules": 4, "service contracts": 6}


def test_without_an_administrator_nothing_is_made():
    make_contact()
    assert load_routing() == {"routing rules": 0, "service contracts": 0}
    assert not RoutingRule.objects.exists()


def test_the_command_loads_them_once_and_resets_them(demo, capsys):
    make_contact(emails=[{"value": "kunde@example.cn"}])
    call_command("seed_demo_service", "--if-empty", "--tickets", "3")
    out = capsys.readouterr().out
    assert "4 routing rules, 6 service contracts." in out
    assert ServiceContract.objects.count() == 6
    call_command("seed_demo_service", "--reset")
    assert (RoutingRule.objects.count(), ServiceContract.objects.count()) == (0, 0)
