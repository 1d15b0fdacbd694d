"""Quoting in Chromium: a rep quotes a deal at list price with a discount above the limit,
the team's sales manager approves it, the rep marks it sent and prints it."""

import re
from decimal import Decimal

import pytest

from guanxi.sales.models import Quote, QuoteLine
from guanxi.testing.browser import screenshot
from guanxi.testing.deals import make_deal
from guanxi.testing.quotes import make_price_list, make_product
from guanxi.testing.users import make_team, make_user
from guanxi.web.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rep_quotes_a_discount_the_manager_approves_then_sends_and_prints(
    page, browser, live_server, settings
):
    settings.QUOTE_DISCOUNT_LIMIT = 10
    rep = make_user(role="sales_rep", full_name="李伟")
    manager = make_user(role="sales_manager", full_name="王芳")
    make_team(members=[rep, manager], managers=[manager])
    product = make_product(sku="YG-ERP", name="远光 ERP 许可", unit="套")
    price_list = make_price_list(prices={product: Decimal("12000.00")})
    deal = make_deal(owner=rep, name="远光 ERP 项目", amount=36000)

    # the rep starts a quote from the deal's page
    log_in(page, live_server, rep.email)
    page.goto(f"{live_server.url}/deals/{deal.pk}/")
    page.get_by_test_id("deal-quotes").get_by_role("link", name="New quote").click()
    page.wait_for_url(f"{live_server.url}/deals/{deal.pk}/quotes/new/")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"{live_server.url}/quotes/\d+/$"))
    quote = Quote.objects.get()
    assert (quote.deal, quote.account, quote.status, quote.approval) == (
        deal,
        deal.account,
        "draft",
        "not_needed",
    )
    assert re.fullmatch(r"Q-\d{4}-0001", quote.number)
    assert page.get_by_role("heading", name=f"Quote {quote.number}").is_visible()

    # a line for the product at 15 % off: there is no price to type, the list price is used
    assert page.get_by_label("Unit price").count() == 0
    page.get_by_label("Product").select_option(label="YG-ERP 远光 ERP 许可")
    page.get_by_label("Quantity").fill("3")
    page.get_by_label("Discount (%)").fill("15")
    page.get_by_role("button", name="Add line").click()
    page.get_by_test_id("quote-line").wait_for()
    line = QuoteLine.objects.get()
    assert (line.product, line.price_list, line.quantity) == (product, price_list, Decimal("3"))
    assert (line.unit_price, line.discount_percent) == (Decimal("12000.00"), Decimal("15"))
    assert line.line_total == Decimal("30600.00")
    row = page.get_by_test_id("quote-line")
    assert row.get_by_test_id("unit-price").inner_text() == "12,000.00"
    assert page.get_by_test_id("quote-total").inner_text() == "CNY 30,600.00"

    # above the 10 % limit: it needs approval and there is no way to send it
    quote.refresh_from_db()
    assert (quote.approval, quote.total, quote.discount_total) == (
        "needed",
        Decimal("30600.00"),
        Decimal("5400.00"),
    )
    assert page.get_by_test_id("quote-approval").inner_text() == "Needs approval"
    assert (
        "a sales manager must approve" in page.get_by_test_id("approval-explanation").inner_text()
    )
    assert page.get_by_role("button", name="Mark as sent").count() == 0
    assert page.get_by_test_id("approve").count() == 0  # a rep cannot approve
    page.get_by_role("button", name="Ask for approval").click()
    page.get_by_test_id("quote-approval").filter(has_text="Approval requested").wait_for()
    quote.refresh_from_db()
    assert (quote.approval, quote.status) == ("requested", "draft")
    assert page.get_by_role("button", name="Mark as sent").count() == 0

    # the team's sales manager, in a browser of their own, approves from the inbox
    manager_context = browser.new_context(locale="en-US")
    try:
        manager_page = manager_context.new_page()
        manager_page.set_default_timeout(10_000)
        log_in(manager_page, live_server, manager.email)
        manager_page.get_by_test_id("inbox").click()
        manager_page.get_by_role("button", name=f"Quote {quote.number} needs your approval").click()
        manager_page.wait_for_url(f"{live_server.url}/quotes/{quote.pk}/")
        manager_page.get_by_label("Note", exact=True).fill("战略客户，同意")
        manager_page.get_by_test_id("approve").click()
        manager_page.get_by_test_id("quote-approval").filter(has_text="Approved").wait_for()
        assert (
            manager_page.get_by_role("status").get_by_text("The quote was approved.").is_visible()
        )
    finally:
        manager_context.close()
    quote.refresh_from_db()
    assert (quote.approval, quote.approved_by, quote.approval_note, quote.status) == (
        "approved",
        manager,
        "战略客户，同意",
        "draft",
    )

    # the rep can now mark it sent; its lines are frozen
    page.reload()
    page.get_by_role("button", name="Mark as sent").click()
    page.get_by_test_id("quote-status").filter(has_text="Sent").wait_for()
    quote.refresh_from_db()
    assert quote.status == "sent"
    assert quote.sent_at is not None
    assert page.get_by_role("button", name="Add line").count() == 0
    assert page.get_by_role("button", name="Customer accepted").is_visible()

    # the printable page opens in a new tab with the number, the line and the total
    with page.context.expect_page() as new_tab:
        page.get_by_role("link", name="Printable page / PDF").click()
    printed = new_tab.value
    printed.wait_for_load_state()
    assert printed.url == f"{live_server.url}/quotes/{quote.pk}/print/"
    assert printed.get_by_test_id("quote-number").inner_text() == quote.number
    print_row = printed.locator("table.print-lines tbody tr")
    assert print_row.count() == 1
    cells = print_row.locator("td").all_inner_texts()
    assert cells == ["1", "YG-ERP 远光 ERP 许可", "3 套", "12,000.00", "15%", "30,600.00"]
    assert printed.get_by_test_id("print-total").inner_text() == "30,600.00"
    assert "合计 Total (CNY)" in printed.locator("table.print-lines tfoot").inner_text()
    assert screenshot(printed, "quote-print").stat().st_size > 10_000
