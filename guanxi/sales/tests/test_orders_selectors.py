"""Order reads: who sees which orders, the list's filters, a customer's transactions,
the warranty look-up and revenue by month in the base currency."""

from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404

from guanxi.sales.choices_orders import ReturnKind, SerialStatus
from guanxi.sales.models import ExchangeRate
from guanxi.sales.selectors_orders import (
    account_transactions,
    filter_orders,
    get_order_for,
    orders_visible_to,
    revenue_by_month,
    warranty_lookup,
)
from guanxi.sales.services.orders import cancel_order, set_line_serials
from guanxi.sales.services.returns import ReturnItem, record_return
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import make_price_list, make_product, priced_product
from guanxi.testing.users import make_user, team_trio

pytestmark = pytest.mark.django_db


def visible(user):
    return set(orders_visible_to(user).values_list("pk", flat=True))


def give_back(order, line, quantity=1, day=None, serials=(), **kwargs):
    return record_return(
        actor=order.owner,
        order=order,
        reason="Defective",
        items=[ReturnItem(line=line, quantity=quantity, serials=list(serials), **kwargs)],
        return_date=day,
    )


@pytest.fixture
def trio_orders():
    trio = team_trio("sales_rep")
    manager = make_user(role="sales_manager")
    trio.team.memberships.create(user=manager, is_manager=True)
    product = priced_product("10")
    orders = {
        name: make_order(actor=getattr(trio, name), lines=[(product, 1)])
        for name in ("owner", "teammate", "outsider")
    }
    return trio, manager, orders


def test_a_rep_sees_their_own_orders(trio_orders):
    trio, _manager, orders = trio_orders
    assert visible(trio.owner) == {orders["owner"].pk}
    assert visible(trio.teammate) == {orders["teammate"].pk}
    with pytest.raises(Http404):
        get_order_for(trio.owner, orders["teammate"].pk)
    assert get_order_for(trio.owner, orders["owner"].pk) == orders["owner"]


def test_a_manager_sees_the_team_orders(trio_orders):
    trio, manager, orders = trio_orders
    assert visible(manager) == {orders["owner"].pk, orders["teammate"].pk}
    with pytest.raises(Http404):
        get_order_for(manager, orders["outsider"].pk)
    assert set(orders_visible_to(manager, "change").values_list("pk", flat=True)) == {
        orders["owner"].pk,
        orders["teammate"].pk,
    }


@pytest.mark.parametrize("role", ["service_agent", "service_manager", "marketer", "analyst"])
def test_service_marketing_and_analysts_see_every_order_but_change_none(trio_orders, role):
    _trio, _manager, orders = trio_orders
    user = make_user(role=role)
    assert visible(user) == {order.pk for order in orders.values()}
    assert not orders_visible_to(user, "change").exists()


def test_a_user_without_a_role_sees_no_orders(trio_orders):
    assert visible(make_user()) == set()


def test_the_order_page_has_what_was_returned_of_each_line():
    order = make_order(lines=[(priced_product("10"), 3), (priced_product("5"), 1)], confirm=True)
    first = order.lines.get(position=1)
    give_back(order, first, quantity=2)
    shown = get_order_for(order.owner, order.pk)
    lines = list(shown.lines.all())
    assert [(ln.returned, ln.credited) for ln in lines] == [
        (Decimal("2"), Decimal("20")),
        (None, None),
    ]
    assert len(shown.returns.all()) == 1


def test_filter_orders_by_serial_number_number_account_and_status():
    rep = make_user(role="sales_rep")
    camera = priced_product("100", is_serialised=True, warranty_months=12)
    acme = make_account(owner=rep, name="Acme Trading")
    with_serial = make_order(actor=rep, account=acme, lines=[(camera, 1)], confirm=True)
    set_line_serials(actor=rep, line=with_serial.lines.get(), serials=["CAM-0042"])
    other = make_order(actor=rep, lines=[(camera, 1)], order_date=date(2025, 1, 5))
    queryset = orders_visible_to(rep)

    def found(**kwargs):
        return set(filter_orders(queryset, **kwargs).values_list("pk", flat=True))

    assert found(q="cam-0042") == {with_serial.pk}
    assert found(q=" CAM-0042 ") == {with_serial.pk}
    assert found(q="CAM-004") == set()  # a serial number is matched whole
    assert found(q=other.number) == {other.pk}
    assert found(q="acme") == {with_serial.pk}
    assert found(status="draft") == {other.pk}
    assert found(status="nonsense") == {with_serial.pk, other.pk}
    assert found(source="crm") == {with_serial.pk, other.pk}
    assert found(source="erp") == set()
    assert found(account_id=acme.pk) == {with_serial.pk}
    assert found(date_to=date(2025, 12, 31)) == {other.pk}
    assert found(date_from=date(2025, 1, 6)) == {with_serial.pk}


def test_account_transactions_count_confirmed_orders_and_their_returns_in_base_currency():
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    contact = make_contact(owner=rep)
    usd = make_product()
    make_price_list(currency="USD", prices={usd: "100"})
    ExchangeRate.objects.create(currency="USD", valid_on=date(2026, 1, 1), rate=Decimal("7.2"))
    cny = priced_product("50")
    dollars = make_order(
        actor=rep,
        account=account,
        contact=contact,
        currency="USD",
        order_date=date(2026, 2, 1),
        lines=[(usd, 2)],
        confirm=True,
    )
    make_order(actor=rep, account=account, lines=[(cny, 1)], confirm=True)
    make_order(actor=rep, account=account, lines=[(cny, 20)])  # a draft
    cancelled = make_order(actor=rep, account=account, lines=[(cny, 7)], confirm=True)
    cancel_order(actor=rep, order=cancelled)
    make_order(actor=rep, lines=[(cny, 3)], confirm=True)  # another account
    give_back(dollars, dollars.lines.get(), quantity=1, day=date(2026, 3, 1))

    totals = account_transactions(account)
    assert totals == {
        "bought": Decimal("1490"),  # 2 × 100 USD × 7.2 + 50
        "returned": Decimal("720"),
        "net": Decimal("770"),
    }
    assert account_transactions(contact) == {
        "bought": Decimal("1440"),
        "returned": Decimal("720"),
        "net": Decimal("720"),
    }
    assert account_transactions(make_account()) == {
        "bought": 0,
        "returned": 0,
        "net": 0,
    }


def test_warranty_lookup_in_and_out_of_warranty_and_after_a_return():
    rep = make_user(role="sales_rep")
    camera = priced_product("100", is_serialised=True, warranty_months=12)
    first = make_order(actor=rep, order_date=date(2025, 6, 15), lines=[(camera, 1)], confirm=True)
    set_line_serials(actor=rep, line=first.lines.get(), serials=["SN-7"])

    [row] = warranty_lookup(rep, " sn-7 ", on=date(2026, 6, 15))
    assert (row["order"], row["account"], row["product"]) == (first, first.account, camera)
    assert (row["status"], row["warranty_until"]) == (SerialStatus.SOLD, date(2026, 6, 15))
    assert row["in_warranty"] is True
    assert warranty_lookup(rep, "SN-7", on=date(2026, 6, 16))[0]["in_warranty"] is False
    assert warranty_lookup(make_user(role="sales_rep"), "SN-7") == []
    assert len(warranty_lookup(make_user(role="service_agent"), "SN-7")) == 1

    give_back(first, first.lines.get(), serials=["SN-7"], day=date(2025, 7, 1))
    [returned] = warranty_lookup(rep, "SN-7", on=date(2025, 8, 1))
    assert returned["status"] == SerialStatus.RETURNED
    assert returned["in_warranty"] is False

    # Sold again to another customer: that unit is under its own warranty.
    again = make_order(actor=rep, order_date=date(2025, 9, 1), lines=[(camera, 1)], confirm=True)
    set_line_serials(actor=rep, line=again.lines.get(), serials=["SN-7"])
    rows = warranty_lookup(rep, "SN-7", on=date(2026, 7, 1))
    assert [(r["order"], r["in_warranty"]) for r in rows] == [(again, True), (first, False)]


def test_revenue_by_month_in_base_currency():
    rep = make_user(role="sales_rep")
    cny = priced_product("100")
    usd = make_product()
    make_price_list(currency="USD", prices={usd: "10"})
    ExchangeRate.objects.create(currency="USD", valid_on=date(2026, 1, 1), rate=Decimal("7"))
    january = make_order(actor=rep, order_date=date(2026, 1, 31), lines=[(cny, 2)], confirm=True)
    make_order(actor=rep, order_date=date(2026, 1, 2), lines=[(cny, 1)], confirm=True)
    make_order(actor=rep, order_date=date(2026, 1, 3), lines=[(cny, 9)])  # draft
    make_order(
        actor=rep,
        currency="USD",
        order_date=date(2026, 2, 1),
        lines=[(usd, 3)],
        confirm=True,
    )
    cancelled = make_order(actor=rep, order_date=date(2026, 2, 5), lines=[(cny, 5)], confirm=True)
    cancel_order(actor=rep, order=cancelled)
    make_order(order_date=date(2026, 2, 6), lines=[(cny, 4)], confirm=True)  # someone else's
    give_back(january, january.lines.get(), quantity=1, day=date(2026, 3, 3))
    record_return(
        actor=rep,
        order=january,
        kind=ReturnKind.CREDIT,
        reason="Goodwill",
        items=[ReturnItem(line=january.lines.get(), amount="10")],
        return_date=date(2026, 3, 20),
    )

    rows = revenue_by_month(rep)

    assert [(r["month"], r["orders"], r["sold"], r["returned"], r["net"]) for r in rows] == [
        (date(2026, 1, 1), 2, Decimal("300"), Decimal("0"), Decimal("300")),
        (date(2026, 2, 1), 1, Decimal("210"), Decimal("0"), Decimal("210")),
        (date(2026, 3, 1), 0, Decimal("0"), Decimal("110"), Decimal("-110")),
    ]
    ranged = revenue_by_month(rep, date_from=date(2026, 2, 1), date_to=date(2026, 3, 10))
    assert [(r["month"], r["sold"], r["returned"]) for r in ranged] == [
        (date(2026, 2, 1), Decimal("210"), Decimal("0")),
        (date(2026, 3, 1), Decimal("0"), Decimal("100")),
    ]
    manager_view = revenue_by_month(make_user(role="analyst"))
    assert sum(r["sold"] for r in manager_view) == Decimal("910")
