"""Orders in the search box, totals narrowed to what the reader sees, warranty only
for confirmed sales, partly recorded serial numbers on returns, and a draft's new date
moving its warranty dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from guanxi.core.search import search
from guanxi.sales.models import SerialNumber
from guanxi.sales.selectors_orders import account_transactions, warranty_lookup
from guanxi.sales.services.order_sync import SyncLine, upsert_order
from guanxi.sales.services.orders import set_line_serials, update_order
from guanxi.sales.services.returns import ReturnItem, record_return
from guanxi.testing.customers import make_account
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import make_product, priced_product
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def _found(user, text):
    return [(row["object_type"], row["title"]) for row in search(user, text)]


def test_orders_are_found_by_number_erp_number_and_serial_number_by_those_who_see_them():
    rep, other = make_user(role="sales_rep"), make_user(role="sales_rep")
    product = priced_product("10", sku="SRCH-1", is_serialised=True, warranty_months=6)
    order = make_order(actor=rep, lines=[(product, 2)], confirm=True)
    set_line_serials(actor=rep, line=order.lines.get(), serials=["ZX-998877"])
    assert ("sales.order", order.number) in _found(rep, order.number)
    assert ("sales.order", order.number) in _found(rep, "zx-998877")
    assert ("sales.order", order.number) not in _found(other, "ZX-998877")
    admin = make_user(role="administrator")
    make_product(sku="ERP-SRCH")
    pushed, _made = upsert_order(
        actor=admin,
        source="erp",
        external_id="SO-55501",
        account=make_account(owner=rep),
        order_date="2026-03-01",
        currency="CNY",
        lines=[SyncLine(sku="ERP-SRCH", quantity=1, unit_price="5")],
    )
    assert ("sales.order", pushed.number) in _found(rep, "SO-55501")


def test_account_totals_count_only_the_orders_the_reader_may_see():
    rep, admin = make_user(role="sales_rep"), make_user(role="administrator")
    account = make_account(owner=rep)
    product = priced_product("100")
    make_order(actor=rep, account=account, lines=[(product, 1)], confirm=True)
    make_order(actor=admin, account=account, lines=[(product, 5)], confirm=True)
    assert account_transactions(account, rep)["bought"] == Decimal("100")
    assert account_transactions(account, admin)["bought"] == Decimal("600")
    assert account_transactions(account)["bought"] == Decimal("600")


def test_units_on_a_draft_are_not_under_warranty_yet():
    rep = make_user(role="sales_rep")
    product = priced_product("10", is_serialised=True, warranty_months=12)
    draft = make_order(actor=rep, lines=[(product, 1)])
    set_line_serials(actor=rep, line=draft.lines.get(), serials=["DRAFT-1"])
    assert warranty_lookup(rep, "DRAFT-1") == []


def test_a_partly_recorded_line_returns_unnamed_units_only_up_to_the_unrecorded_ones():
    rep = make_user(role="sales_rep")
    product = priced_product("10", is_serialised=True, warranty_months=12)
    order = make_order(actor=rep, lines=[(product, 3)], confirm=True)
    line = order.lines.get()
    set_line_serials(actor=rep, line=line, serials=["P-1"])  # two units have no number yet
    record_return(actor=rep, order=order, reason="x", items=[ReturnItem(line=line, quantity=2)])
    with pytest.raises(ValidationError) as error:  # the last unit is P-1: it must be named
        record_return(actor=rep, order=order, reason="y", items=[ReturnItem(line=line, quantity=1)])
    assert "lines.0.serials" in error.value.message_dict
    record_return(
        actor=rep,
        order=order,
        reason="y",
        items=[ReturnItem(line=line, quantity=1, serials=["P-1"])],
    )
    assert SerialNumber.objects.get(serial="P-1").status == "returned"


def test_a_new_date_on_a_draft_moves_its_warranty_dates():
    rep = make_user(role="sales_rep")
    product = priced_product("10", is_serialised=True, warranty_months=1)
    draft = make_order(actor=rep, lines=[(product, 1)], order_date="2026-01-15")
    set_line_serials(actor=rep, line=draft.lines.get(), serials=["D-1"])
    update_order(actor=rep, order=draft, order_date="2026-01-31")
    assert SerialNumber.objects.get(serial="D-1").warranty_until == date(2026, 2, 28)
