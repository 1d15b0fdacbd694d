"""The public help form in Chromium (stories 15 and 20): a customer types the problem,
a matching FAQ answer appears while they type; they send the form anyway and see their
ticket number and the link to its status page."""

import pytest

from guanxi.service.models import Ticket
from guanxi.testing.browser import screenshot
from guanxi.testing.knowledge import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_sees_a_suggestion_while_typing_and_sends_a_ticket(page, live_server):
    make_article(title="Printer paper jam", body="1. Switch off\n2. Pull", language="en")
    make_article(title="How to reset your password", body="Click Forgot.", language="en")

    page.goto(f"{live_server.url}/help/?lang=en")
    form = page.get_by_test_id("help-form")
    form.get_by_label("What is the problem?").press_sequentially("My printer jams", delay=30)
    suggestion = page.get_by_test_id("help-suggestion")
    suggestion.first.wait_for()
    assert suggestion.count() == 1
    assert "Printer paper jam" in suggestion.first.inner_text()
    screenshot(page, "help-form-suggestion")

    form.get_by_label("Your name").fill("Wang Wei")
    form.get_by_label("Email").fill("wang@example.cn")
    form.get_by_role("button", name="Send").click()
    page.get_by_test_id("help-done").wait_for()

    ticket = Ticket.objects.get()
    assert page.get_by_test_id("help-ticket-number").inner_text() == ticket.number
    link = page.get_by_test_id("help-status-link")
    assert link.get_attribute("href").startswith(f"/t/{ticket.public_token}/")
    screenshot(page, "help-form-done")
    link.click()
    assert page.get_by_test_id("public-number").inner_text() == ticket.number
