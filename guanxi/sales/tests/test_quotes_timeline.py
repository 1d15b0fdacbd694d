"""A sent quote is a promise of prices: it is on the deal's and the account's timelines
(drafts are not), for those who may see the deal."""

from __future__ import annotations

import pytest

from guanxi.customers.timeline import timeline_page
from guanxi.sales.services.quotes import mark_quote_accepted, mark_quote_sent
from guanxi.sales.timeline_sources_deals import deal_timeline_page
from guanxi.testing.quotes import make_quote, priced_product
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_a_sent_quote_is_on_the_deal_and_account_timelines_with_its_prices():
    rep = make_user(role="sales_rep")
    quote = make_quote(actor=rep, owner=rep, lines=[(priced_product("1000.00"), 3, 5)])
    deal = quote.deal
    assert [e for e in timeline_page(rep, deal.account)[0] if e.kind == "quote_sent"] == []
    mark_quote_sent(actor=rep, quote=quote)
    mark_quote_accepted(actor=rep, quote=quote)
    on_account = [e for e in timeline_page(rep, deal.account)[0] if e.kind == "quote_sent"]
    on_deal = [e for e in deal_timeline_page(rep, deal)[0] if e.kind == "quote_sent"]
    assert [e.id for e in on_account] == [e.id for e in on_deal] == [quote.pk]
    entry = on_account[0]
    assert entry.title == f"Quote {quote.number} sent for “{deal.name}”"
    assert "CNY 2,850.00" in entry.body and "discount 150.00" in entry.body
    assert "Accepted" in entry.body
    stranger = make_user(role="sales_rep")
    assert [e for e in deal_timeline_page(stranger, deal)[0] if e.kind == "quote_sent"] == []


def test_quotes_are_found_by_number_and_deal_by_those_who_see_the_deal():
    from guanxi.core.search import search

    rep = make_user(role="sales_rep")
    quote = make_quote(actor=rep, owner=rep)
    found = [(r["object_type"], r["title"]) for r in search(rep, quote.number)]
    assert ("sales.quote", quote.number) in found
    assert ("sales.quote", quote.number) in [
        (r["object_type"], r["title"]) for r in search(rep, quote.deal.name)
    ]
    assert ("sales.quote", quote.number) not in [
        (r["object_type"], r["title"]) for r in search(make_user(role="sales_rep"), quote.number)
    ]
