"""Orders and returns on the customer timelines, and the demo order history."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from guanxi.customers.timeline import timeline_page
from guanxi.sales.choices_orders import OrderStatus, ReturnKind, SerialStatus
from guanxi.sales.demo import load_sales
from guanxi.sales.models import Deal, DealStageChange, Order, Return, SerialNumber
from guanxi.sales.services.orders import cancel_order
from guanxi.sales.services.returns import ReturnItem, record_return
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import priced_product
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_a_confirmed_order_and_its_return_are_on_the_account_timeline():
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    product = priced_product("250.00", sku="TL-1")
    draft = make_order(actor=rep, account=account, lines=[(product, 2)])
    entries, _cursor = timeline_page(rep, account, kinds=["order"])
    assert entries == []  # a draft is not history yet
    order = make_order(actor=rep, account=account, lines=[(product, 4)], confirm=True)
    record_return(
        actor=rep,
        order=order,
        reason="Dented",
        items=[ReturnItem(line=order.lines.get(), quantity=1)],
    )
    entries, _cursor = timeline_page(rep, account)
    kinds = [(e.kind, e.title) for e in entries[:2]]
    assert kinds == [
        ("order_return", f"Return {Return.objects.get().number} on order {order.number}"),
        ("order", f"Order {order.number}"),
    ]
    assert "CNY 1,000.00" in entries[1].body and "TL-1 × 4" in entries[1].body
    assert "CNY 250.00" in entries[0].body and "Dented" in entries[0].body
    assert draft.pk not in [e.id for e in entries if e.kind == "order"]


def test_orders_of_a_contact_and_only_visible_ones():
    rep, other = make_user(role="sales_rep"), make_user(role="administrator")
    contact = make_contact(owner=rep)
    account = make_account(owner=rep)
    product = priced_product("10.00")
    mine = make_order(
        actor=rep, account=account, contact=contact, lines=[(product, 1)], confirm=True
    )
    make_order(actor=other, account=account, lines=[(product, 1)], confirm=True)
    assert [e.id for e in timeline_page(rep, contact, kinds=["order"])[0]] == [mine.pk]
    # The administrator's order is on the account, but the rep may not see it.
    assert [e.id for e in timeline_page(rep, account, kinds=["order"])[0]] == [mine.pk]
    admin = make_user(role="administrator")
    assert len(timeline_page(admin, account, kinds=["order"])[0]) == 2


def test_kind_filter_separates_returns_from_credit_notes():
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    order = make_order(actor=rep, account=account, lines=[(priced_product("100"), 3)], confirm=True)
    line = order.lines.get()
    record_return(actor=rep, order=order, reason="Back", items=[ReturnItem(line=line, quantity=1)])
    record_return(
        actor=rep,
        order=order,
        kind=ReturnKind.CREDIT,
        reason="Goodwill",
        items=[ReturnItem(line=line, amount="20")],
    )
    credit = timeline_page(rep, account, kinds=["credit_note"])[0]
    returns = timeline_page(rep, account, kinds=["order_return"])[0]
    assert [e.kind for e in credit] == ["credit_note"] and "Goodwill" in credit[0].body
    assert [e.kind for e in returns] == ["order_return"] and "Back" in returns[0].body


def test_a_cancelled_order_stays_on_the_timeline_marked_cancelled():
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    order = make_order(actor=rep, account=account, lines=[(priced_product("5"), 1)], confirm=True)
    cancel_order(actor=rep, order=order, reason="Customer changed mind")
    entry = timeline_page(rep, account, kinds=["order"])[0][0]
    assert entry.details["status"] == OrderStatus.CANCELLED
    assert "cancelled" in entry.body


def test_timeline_pages_through_many_orders_in_order():
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    product = priced_product("1")
    made = [
        make_order(actor=rep, account=account, lines=[(product, 1)], confirm=True) for _ in range(5)
    ]
    start = timezone.now() - timedelta(days=10)
    for offset, order in enumerate(made):  # distinct and equal moments both page correctly
        Order.objects.filter(pk=order.pk).update(confirmed_at=start + timedelta(days=offset // 2))
    seen, cursor = [], None
    while True:
        page, cursor = timeline_page(rep, account, kinds=["order"], cursor=cursor, limit=2)
        seen += [e.id for e in page]
        if cursor is None:
            break
    assert sorted(seen) == sorted(o.pk for o in made) and len(seen) == 5
    moments = [Order.objects.get(pk=pk).confirmed_at for pk in seen]
    assert moments == sorted(moments, reverse=True)


@pytest.fixture
def demo_accounts():
    rep = make_user(role="sales_rep")
    return [make_account(owner=rep, name=f"客户 {i}", country="CN") for i in range(25)]


def test_demo_orders_have_a_consistent_history(demo_accounts):
    counts = load_sales(deals=10, leads=5, buyers=20, seed=5)
    orders = list(Order.objects.prefetch_related("lines"))
    assert counts["orders"] == len(orders) > 20
    assert counts["returns"] == Return.objects.count()
    repeat = [a for a in demo_accounts if Order.objects.filter(account=a).count() >= 3]
    assert repeat, "some demo customers buy again and again"
    for order in orders:
        lines = list(order.lines.all())
        assert order.status == OrderStatus.CONFIRMED and order.confirmed_at is not None
        assert order.total == sum((ln.line_total for ln in lines), Decimal(0))
        assert order.total_base == (order.total * order.exchange_rate).quantize(Decimal("0.01"))
    for serial in SerialNumber.objects.select_related("line__order", "product"):
        assert (
            serial.warranty_until is not None
            and serial.warranty_until > serial.line.order.order_date
        )
    returned = SerialNumber.objects.filter(status=SerialStatus.RETURNED)
    assert all(s.return_lines.exists() for s in returned)


def test_demo_history_lies_in_the_past(demo_accounts):
    load_sales(deals=25, leads=5, buyers=10, seed=9)
    now = timezone.now()
    assert not Deal.objects.filter(closed_at__gt=now).exists()
    assert not DealStageChange.objects.filter(changed_at__gt=now).exists()
    assert not Order.objects.filter(order_date__gt=timezone.localdate()).exists()
