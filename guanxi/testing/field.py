"""Small factories for field service, through the services."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from guanxi.core.models import Team, User
from guanxi.customers.models import Address
from guanxi.sales.models import Product
from guanxi.service.models import (
    BusinessCalendar,
    CalendarDay,
    OpeningHours,
    ServicePoint,
    Technician,
    Ticket,
    Visit,
)
from guanxi.service.services.field import complete_visit, request_visit, schedule_visit
from guanxi.service.services.field_points import add_technician, create_service_point
from guanxi.testing.customers import make_account
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_team, make_user

_counter = itertools.count(1)


def field_admin() -> User:
    return make_user(role="administrator", full_name="Field admin")


def make_point(*, actor: User | None = None, **overrides: Any) -> ServicePoint:
    """A service point in Beijing covering Beijing, with a team of one manager."""
    fields: dict[str, Any] = {
        "name": f"Service point {next(_counter)}",
        "province": "11",
        "city": "北京",
        "coverage": [{"province": "11"}],
    }
    fields.update(overrides)
    if "team" not in fields:
        fields["team"] = make_team(
            members=[manager := make_user(role="service_manager")], managers=[manager]
        )
    return create_service_point(actor=actor or field_admin(), **fields)


def make_technician(
    point: ServicePoint, *, skills: Any = None, user: User | None = None
) -> Technician:
    """A service agent working at the point (and a member of its team)."""
    user = user or make_user(role="service_agent", full_name=f"Technician {next(_counter)}")
    if point.team_id:
        team: Team = point.team  # type: ignore[assignment]
        team.memberships.get_or_create(user=user)
    return add_technician(actor=field_admin(), service_point=point, user=user, skills=skills)


def make_product(**overrides: Any) -> Product:
    """A priced product of the "Washers" category (it can be sold on an order)."""
    from guanxi.testing.quotes import priced_product

    n = next(_counter)
    fields: dict[str, Any] = {"sku": f"FS-{n}", "name": f"Washer {n}", "category": "Washers"}
    fields.update(overrides)
    return priced_product("100.00", **fields)


def customer_ticket(
    *, province: str = "11", city: str = "北京", district: str = "", **overrides: Any
) -> Ticket:
    """A ticket of an account with a primary address in the place given."""
    account = overrides.pop("account", None) or make_account()
    Address.objects.get_or_create(
        account=account,
        is_primary=True,
        defaults={"province": province, "city": city, "district": district},
    )
    return make_ticket(account=account, **overrides)


def make_visit(
    ticket: Ticket | None = None,
    *,
    point: ServicePoint | None = None,
    now: datetime | None = None,
    **overrides: Any,
) -> Visit:
    return request_visit(
        actor=field_admin(),
        ticket=ticket or customer_ticket(),
        service_point=point,
        now=now,
        **overrides,
    )


def done_visit(
    ticket: Ticket, technician: Technician, *, at: datetime | None = None, outcome: str = "fixed"
) -> Visit:
    """A visit requested, scheduled and done at ``at`` (now by default)."""
    at = at or timezone.now()
    actor = field_admin()
    visit = request_visit(
        actor=actor,
        ticket=ticket,
        service_point=technician.service_point,
        now=at - timedelta(hours=26),
    )
    schedule_visit(
        actor=actor, visit=visit, technician=technician, start=at - timedelta(hours=2), end=at
    )
    return complete_visit(actor=actor, visit=visit, outcome=outcome, report="Done.", now=at)


def sold_unit(account: Any, product: Product, serial: str) -> Any:
    """A unit of ``product`` sold to ``account`` under ``serial`` on a confirmed order."""
    from guanxi.sales.services.orders import set_line_serials
    from guanxi.testing.orders import make_order

    rep = make_user(role="administrator")
    order = make_order(actor=rep, account=account, lines=[(product, 1)])
    line = order.lines.get()
    set_line_serials(actor=rep, line=line, serials=[serial])
    return line.serials.get(serial=serial)


def working_calendar(
    *, holidays: Any = (date(2031, 3, 5),), workdays: Any = (date(2031, 3, 8),)
) -> BusinessCalendar:
    """A business calendar: Monday to Friday 09:00–12:00 and 13:00–18:00 in Shanghai,
    with a holiday (Wednesday 2031-03-05) and a make-up Saturday (2031-03-08)."""
    calendar = BusinessCalendar.objects.create(name=f"Calendar {next(_counter)}")
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=day, opens=opens, closes=closes)
        for day in range(5)
        for opens, closes in ((time(9), time(12)), (time(13), time(18)))
    )
    CalendarDay.objects.bulk_create(
        [CalendarDay(calendar=calendar, date=day, kind="holiday") for day in holidays]
        + [CalendarDay(calendar=calendar, date=day, kind="workday") for day in workdays]
    )
    return calendar


def week_hours() -> list[dict[str, Any]]:
    """Own working hours: Monday to Friday 09:00–18:00, Saturday 09:00–12:00."""
    rows = [{"weekday": day, "starts": "09:00", "ends": "18:00"} for day in range(5)]
    return [*rows, {"weekday": 5, "starts": "09:00", "ends": "12:00"}]
