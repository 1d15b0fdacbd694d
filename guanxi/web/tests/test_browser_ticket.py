"""A ticket in Chromium: the agent answers a customer's e-mail ticket and leaves an
internal note; the customer reads the answer on the status page (never the note) and
writes back, which reopens the ticket and shows on the agent's page."""

import pytest

from guanxi.service.models import Ticket
from guanxi.testing.browser import screenshot
from guanxi.testing.service import make_category, make_policy, make_ticket
from guanxi.testing.users import make_team, make_user
from guanxi.web.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_answers_and_the_customer_writes_back_on_the_status_page(page, live_server):
    agent = make_user(role="service_agent", full_name="Lucas Martin")
    category = make_category(name="Printers", team=make_team(members=[agent]))
    make_policy()
    ticket = make_ticket(
        subject="打印机不出纸",
        body="热敏打印机开机后不出纸。",
        category=category,
        requester_name="王先生",
        requester_email="wang@example.cn",
    )
    assert ticket.owner == agent

    log_in(page, live_server, agent.email)
    page.goto(f"{live_server.url}/tickets/")
    page.get_by_role("link", name=ticket.number).click()
    page.wait_for_url(f"{live_server.url}/tickets/{ticket.pk}/")
    assert page.get_by_test_id("ticket-status").inner_text() == "New"
    assert page.get_by_test_id("sla-panel").is_visible()

    form = page.get_by_test_id("reply-form")
    form.get_by_label("Message").fill("请检查纸卷方向，热敏面朝外。")
    form.get_by_label("Status after replying").select_option("pending")
    form.get_by_role("button", name="Send").click()
    page.get_by_test_id("message-reply").wait_for()
    assert page.get_by_test_id("ticket-status").inner_text() == "Pending customer"
    assert page.get_by_test_id("sla-paused").is_visible()

    form = page.get_by_test_id("reply-form")
    form.get_by_label("Message").fill("客户上次也是纸卷装反。")
    form.get_by_label("Internal note (the customer never sees it)").check()
    form.get_by_role("button", name="Send").click()
    page.get_by_test_id("message-note").wait_for()
    public_url = page.get_by_test_id("public-link").locator("input").input_value()
    screenshot(page, "ticket-agent")

    # the customer, not logged in, on the status page of their ticket
    customer = page.context.browser.new_page()
    customer.goto(public_url)
    conversation = customer.get_by_test_id("public-conversation")
    assert "请检查纸卷方向" in conversation.inner_text()
    assert "纸卷装反" not in customer.content()  # the internal note is never shown
    # in the ticket's language (Chinese), whatever the agent's
    assert customer.get_by_test_id("public-status").inner_text() == "等待客户"
    customer.get_by_label("您的留言").fill("换了方向，可以打印了，谢谢！")
    customer.get_by_role("button", name="发送").click()
    customer.get_by_test_id("public-sent").wait_for()
    assert customer.get_by_test_id("public-message").count() == 3
    screenshot(customer, "ticket-public")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.paused_at) == ("open", None)
    page.reload()
    assert page.get_by_test_id("ticket-status").inner_text() == "Open"
    assert "可以打印了" in page.get_by_test_id("message-customer").last.inner_text()
    assert Ticket.objects.get().messages.count() == 4
