"""Small factories for routing rules, sold units and service contracts, through the
services."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from guanxi.core.models import Team, User
from guanxi.sales.models import Order, SerialNumber
from guanxi.sales.services.orders import set_line_serials
from guanxi.service.models import RoutingRule, ServiceContract
from guanxi.service.services.contracts import create_contract
from guanxi.service.services.routing import create_rule
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import priced_product
from guanxi.testing.users import make_team, make_user

_counter = itertools.count(1)


def make_agents_team(count: int = 2, **overrides: Any) -> tuple[Team, list[User]]:
    """A team of ``count`` fresh service agents."""
    agents = [make_user(role="service_agent") for _ in range(count)]
    return make_team(members=agents, **overrides), agents


def make_rule(**overrides: Any) -> RoutingRule:
    """A rule made by a fresh administrator, sending to ``team`` (a fresh team with one
    agent by default)."""
    fields: dict[str, Any] = {"name": f"Rule {next(_counter)}"}
    fields.update(overrides)
    actor = fields.pop("actor", None) or make_user(role="administrator")
    if "team" not in fields:
        fields["team"] = make_agents_team(1)[0]
    return create_rule(actor=actor, **fields)


def make_unit(
    serial: str | None = None,
    *,
    warranty_months: int = 12,
    order_date: date | str | None = None,
    **order_fields: Any,
) -> SerialNumber:
    """One unit of a fresh serialised product sold on a confirmed order (of ``account``
    and ``contact`` when given) dated ``order_date`` (today by default)."""
    n = next(_counter)
    product = priced_product(
        "1000", sku=f"UNIT-{n:04d}", is_serialised=True, warranty_months=warranty_months
    )
    if order_date is not None:
        order_fields["order_date"] = order_date
    if "account" in order_fields or "contact" in order_fields:
        order_fields.setdefault("actor", make_user(role="administrator"))
    order: Order = make_order(lines=[(product, 1)], confirm=True, **order_fields)
    line = order.lines.get()
    set_line_serials(actor=order.owner, line=line, serials=[serial or f"SN-{n:05d}"])
    return line.serials.get()


def make_contract(**overrides: Any) -> ServiceContract:
    """A contract of ``account`` (required) from 2020-01-01 to 2099-12-31 covering every
    unit, made by a fresh administrator."""
    fields: dict[str, Any] = {
        "name": "Gold",
        "starts_on": date(2020, 1, 1),
        "ends_on": date(2099, 12, 31),
    }
    fields.update(overrides)
    actor = fields.pop("actor", None) or make_user(role="administrator")
    return create_contract(actor=actor, **fields)
