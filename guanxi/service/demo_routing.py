"""Demo routing rules and service contracts.

Rules (tried in this order): VIP customers go to a priority team at high priority;
invoices and payments (发票, 开票, invoice …) to a billing team, agents taken in turn;
repairs (维修, 故障, repair …) to a repair team, the least loaded agent first; tickets in
English that match nothing else to the Service team. Each new team has two demo
agents. They route the tickets opened after the demo is loaded (the help form, mail).

Contracts: for the demo accounts that bought serialised units, a Gold, Silver or
extended-warranty contract listing some of their units, their products, or everything
they bought; most in force, one ended, one ending within weeks. Everything goes through
the services, by the first administrator; each part is made once. Deterministic.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from guanxi.core.models import Role, Team, TeamMembership, User
from guanxi.customers.models import Account, CustomerTier
from guanxi.sales.choices_orders import SerialStatus
from guanxi.sales.models import SerialNumber
from guanxi.service.models import Category, RoutingRule, ServiceContract, Strategy, TeamRouting
from guanxi.service.services.contracts import create_contract
from guanxi.service.services.routing import create_rule, set_team_strategy

# team name, round robin?, (e-mail, name) of its two agents
TEAMS = {
    "priority": (
        "VIP 专属服务 Priority",
        False,
        [("vip.agent1@demo.guanxi.test", "周洁"), ("vip.agent2@demo.guanxi.test", "Grace Lin")],
    ),
    "billing": (
        "账务组 Billing",
        True,
        [("billing1@demo.guanxi.test", "赵丽"), ("billing2@demo.guanxi.test", "孙浩")],
    ),
    "repairs": (
        "维修组 Repairs",
        False,
        [("repair1@demo.guanxi.test", "吴刚"), ("repair2@demo.guanxi.test", "Tom Becker")],
    ),
}
VIP_RULE = "VIP 客户优先 VIP customers first"
BILLING_RULE = "发票与付款 Invoices and payments"
REPAIR_RULE = "维修与故障 Repairs"
ENGLISH_RULE = "English tickets to the Service team"
RULE_NAMES = (VIP_RULE, BILLING_RULE, REPAIR_RULE, ENGLISH_RULE)
BILLING_WORDS = "发票, 开票, 账单, 付款, 退款, 对账, invoice, billing, payment, refund"
REPAIR_WORDS = "维修, 故障, 坏了, 不出纸, 破裂, 无法开机, repair, broken, faulty, not working"

# level, response within (hours), what it covers: "serials", "products" or "everything"
LEVELS = [
    ("金牌服务 Gold", 4, "serials"),
    ("银牌服务 Silver", 8, "products"),
    ("标准延保 Extended warranty", None, "everything"),
]
CONTRACT_NOTES = "上门服务与备件 On-site service and spare parts included."
MAX_CONTRACTS = 8
MAX_UNITS = 5


def _admin() -> User | None:
    """Who sets the demo up: the first active superuser."""
    return User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


def _agent(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=full_name, password=None)
        user.roles.add(Role.objects.get(code="service_agent"))
    return user


def _teams(admin: User) -> dict[str, Team]:
    teams = {}
    for key, (name, in_turn, agents) in TEAMS.items():
        team, _created = Team.objects.get_or_create(name=name)
        for email, full_name in agents:
            TeamMembership.objects.get_or_create(team=team, user=_agent(email, full_name))
        strategy = Strategy.ROUND_ROBIN if in_turn else Strategy.LEAST_LOADED
        set_team_strategy(actor=admin, team=team, strategy=strategy)
        teams[key] = team
    return teams


def _rules(admin: User, teams: dict[str, Team]) -> int:
    categories = {c.name: c for c in Category.objects.filter(is_active=True)}
    vip = CustomerTier.objects.filter(code="vip").first()
    service = Team.objects.filter(name="Service").first()
    specs: list[dict[str, Any]] = []
    if vip is not None:
        specs.append(
            {
                "name": VIP_RULE,
                "team": teams["priority"],
                "tier": vip,
                "set_priority": "high",
                "strategy": Strategy.LEAST_LOADED,
            }
        )
    specs.append(
        {
            "name": BILLING_RULE,
            "team": teams["billing"],
            "keywords": BILLING_WORDS,
            "set_category": categories.get("Billing"),
            "strategy": Strategy.ROUND_ROBIN,
        }
    )
    specs.append(
        {
            "name": REPAIR_RULE,
            "team": teams["repairs"],
            "keywords": REPAIR_WORDS,
            "set_category": categories.get("Hardware repair"),
        }
    )
    if service is not None:
        specs.append(
            {
                "name": ENGLISH_RULE,
                "team": service,
                "language": "en",
                "strategy": Strategy.ROUND_ROBIN,
            }
        )
    for spec in specs:
        create_rule(actor=admin, **spec)
    return len(specs)


def _customers() -> list[Account]:
    """The demo accounts with sold units, those with the most units first."""
    return list(
        Account.objects.filter(
            deleted_at__isnull=True,
            orders__lines__serials__status=SerialStatus.SOLD,
        )
        .annotate(units=Count("orders__lines__serials", distinct=True))
        .order_by("-units", "pk")[:MAX_CONTRACTS]
    )


def _period(index: int, today: date) -> tuple[date, date]:
    """Most contracts in force; the fourth ended two months ago, the fifth ends soon."""
    if index == 3:
        return today - timedelta(days=425), today - timedelta(days=60)
    if index == 4:
        return today - timedelta(days=345), today + timedelta(days=20)
    started = today - timedelta(days=30 + 45 * index)
    return started, started + timedelta(days=365 * (1 + index % 2)) - timedelta(days=1)


def _contracts(admin: User) -> int:
    today = timezone.localdate()
    made = 0
    for index, account in enumerate(_customers()):
        level, hours, covers = LEVELS[index % len(LEVELS)]
        units = list(
            SerialNumber.objects.filter(status=SerialStatus.SOLD, line__order__account=account)
            .select_related("product")
            .order_by("pk")[:MAX_UNITS]
        )
        starts_on, ends_on = _period(index, today)
        create_contract(
            actor=admin,
            name=level,
            account=account,
            starts_on=starts_on,
            ends_on=ends_on,
            serials=units if covers == "serials" else [],
            products=[units[0].product] if covers == "products" and units else [],
            response_hours=hours,
            notes=CONTRACT_NOTES,
        )
        made += 1
    return made


@transaction.atomic
def load_routing(*, actor: User | None = None) -> dict[str, int]:
    """The demo teams, rules and contracts, by ``actor`` (default: the first superuser);
    the rules only when none of the demo rules exists, the contracts only when no demo
    contract exists; nothing without an administrator."""
    admin = actor or _admin()
    if admin is None:
        return {"routing rules": 0, "service contracts": 0}
    rules = 0
    if not RoutingRule.objects.filter(name__in=RULE_NAMES).exists():
        rules = _rules(admin, _teams(admin))
    contracts = 0
    if not ServiceContract.objects.filter(notes=CONTRACT_NOTES).exists():
        contracts = _contracts(admin)
    return {"routing rules": rules, "service contracts": contracts}


@transaction.atomic
def reset_routing() -> None:
    """Delete the demo rules, the demo teams' agent choice and the demo contracts (with
    their search documents); the teams and agents stay, as the field demo's do."""
    from guanxi.core.models import SearchDocument
    from guanxi.service.object_types import CONTRACT

    RoutingRule.objects.filter(name__in=RULE_NAMES).delete()
    TeamRouting.objects.filter(team__name__in=[name for name, *_rest in TEAMS.values()]).delete()
    contracts = ServiceContract.objects.filter(notes=CONTRACT_NOTES)
    ids = list(contracts.values_list("pk", flat=True))
    SearchDocument.objects.filter(object_type=CONTRACT, object_id__in=ids).delete()
    contracts.delete()
