"""The sales issue's whole path in one test: a lead becomes a customer and a deal, the
deal is quoted from the price list and won, and its order lands on the customer's
timeline in the base currency, ready for the revenue report."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guanxi.customers.timeline import timeline_page
from guanxi.sales.selectors_orders import account_transactions, revenue_by_month
from guanxi.sales.services.conversion import convert_lead
from guanxi.sales.services.deals import move_deal
from guanxi.sales.services.orders import confirm_order, create_order_from_deal
from guanxi.sales.services.quotes import mark_quote_accepted, mark_quote_sent
from guanxi.testing.deals import stage
from guanxi.testing.quotes import make_quote, priced_product
from guanxi.testing.sales import make_lead

pytestmark = pytest.mark.django_db


def test_a_lead_becomes_a_won_deal_whose_order_is_on_the_customer_timeline():
    lead = make_lead(family_name="陈", given_name="静", company="杭州云帆科技有限公司")
    rep = lead.owner
    converted = convert_lead(actor=rep, lead=lead, deal_name="云帆 POS 项目")
    deal, account = converted.deal, converted.account
    assert deal is not None and account is not None
    terminal = priced_product("4200.00", sku="POS-10", is_serialised=True, warranty_months=24)
    quote = make_quote(deal=deal, actor=rep, lines=[(terminal, 3, 5)])
    mark_quote_sent(actor=rep, quote=quote)
    mark_quote_accepted(actor=rep, quote=quote)
    move_deal(actor=rep, deal=deal, stage=stage("won"))

    order = create_order_from_deal(actor=rep, deal=deal)
    assert [
        (ln.product.sku, ln.quantity, ln.unit_price, ln.discount_percent)
        for ln in order.lines.all()
    ] == [("POS-10", Decimal("3"), Decimal("4200.00"), Decimal("5"))]
    confirm_order(actor=rep, order=order)

    entries = timeline_page(rep, account)[0]
    assert (entries[0].kind, entries[0].title) == ("order", f"Order {order.number}")
    assert {e.kind for e in entries} >= {"order", "deal_won"}
    assert account_transactions(account, rep)["bought"] == Decimal("11970.00")
    month = revenue_by_month(rep)[-1]
    assert (month["orders"], month["net"]) == (1, Decimal("11970.00"))
