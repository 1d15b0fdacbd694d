"""A satisfaction survey in Chromium: the agent solves a ticket, the customer opens a
score link from the survey e-mail, sees that score chosen, adds a comment, sends it
and is thanked; the agent sees the answer on the ticket."""

import re

import pytest

from guanxi.service.models import Survey
from guanxi.testing.browser import screenshot
from guanxi.testing.service import make_category, make_ticket
from guanxi.testing.users import make_team, make_user
from guanxi.web.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_customer_answers_the_survey_from_the_mail(page, live_server, settings, mailoutbox):
    settings.SITE_URL = live_server.url
    agent = make_user(role="service_agent", full_name="Lucas Martin")
    category = make_category(name="Printers", team=make_team(members=[agent]))
    ticket = make_ticket(
        subject="Printer does not feed paper",
        category=category,
        requester_name="Ms Smith",
        requester_email="smith@example.com",
        language="en",
    )
    assert ticket.owner == agent

    log_in(page, live_server, agent.email)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    status_form = page.locator(f'form[action="/tickets/{ticket.pk}/status/"]')
    status_form.locator("select").select_option("solved")
    status_form.get_by_role("button", name="Change status").click()
    page.get_by_test_id("ticket-status").filter(has_text="Solved").wait_for()

    survey = Survey.objects.get(ticket=ticket)
    [mail] = [m for m in mailoutbox if m.to == ["smith@example.com"]]
    link = re.search(r"(http\S+\?score=4)", mail.body).group(1)

    customer = page.context.browser.new_page()
    customer.goto(link)
    assert customer.get_by_label("4", exact=True).is_checked()
    survey.refresh_from_db()
    assert survey.score is None  # opening the link answers nothing
    customer.get_by_label("Anything you would like to tell us? (optional)").fill(
        "Fixed on the second call."
    )
    customer.get_by_role("button", name="Send my answer").click()
    customer.get_by_test_id("survey-thanks").wait_for()
    assert "Your answer: 4" in customer.get_by_test_id("survey-current").inner_text()
    screenshot(customer, "survey-public")

    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (4, "Fixed on the second call.")
    page.reload()
    panel = page.get_by_test_id("ticket-surveys")
    assert "4 of 5" in panel.inner_text()
    assert "Fixed on the second call." in panel.inner_text()
