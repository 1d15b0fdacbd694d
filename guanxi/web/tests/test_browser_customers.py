"""Issue 3 end to end in Chromium: a customer with a Chinese name, a call on the timeline,
search by two characters and by pinyin, and an email that really goes out by SMTP."""

import pytest

from guanxi.customers.models import Account, Activity, Contact
from guanxi.testing.browser import screenshot
from guanxi.testing.smtp import smtp_server  # noqa: F401 - a fixture
from guanxi.testing.users import make_team, make_user
from guanxi.web.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rep_records_a_chinese_customer_logs_a_call_finds_and_emails_them(
    page,
    live_server,
    smtp_server,  # noqa: F811 - the fixture
):
    rep = make_user(role="sales_rep", full_name="李伟")
    make_team(members=[rep])
    log_in(page, live_server, rep.email)

    # an account and a contact with a Chinese name, through the forms
    page.goto(f"{live_server.url}/accounts/new/")
    page.locator("#id_name").fill("北京华信科技有限公司")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/accounts/*/")
    account = Account.objects.get()
    page.goto(f"{live_server.url}/contacts/new/?account={account.pk}")
    page.locator("#id_family_name").fill("张")
    page.locator("#id_given_name").fill("伟")
    page.locator("#id_phones-0-value").fill("138 1234 5678")
    page.locator("#id_emails-0-value").fill("zhang.wei@huaxin.example")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/contacts/*/")
    contact = Contact.objects.get()
    assert page.get_by_role("heading", name="张伟").is_visible()
    assert contact.phones.get().value == "+8613812345678"

    # a call logged from the contact's page lands at the top of the timeline
    page.locator("#quick-kind").select_option("call")
    page.locator("#quick-subject").fill("询问报价")
    page.locator("#quick-body").fill("客户想要 100 台，下周再联系。")
    page.locator(".quick-activity").get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    first = page.get_by_test_id("timeline-entry").first
    assert "询问报价" in first.inner_text()
    assert "客户想要 100 台" in first.inner_text()

    # the search box finds them by two characters and by pinyin
    for query in ("张伟", "zhang wei"):
        page.get_by_label("Search everything").fill(query)
        page.get_by_label("Search everything").press("Enter")
        page.wait_for_url(f"{live_server.url}/search/*")
        results = page.get_by_test_id("search-result")
        assert results.count() == 1, query
        assert "张伟" in results.first.inner_text()
    results.first.get_by_role("link").click()
    page.wait_for_url(f"{live_server.url}/contacts/{contact.pk}/")

    # an email written from the page goes out by SMTP and appears on the timeline
    page.get_by_test_id("write-email").click()
    page.locator("#id_subject").fill("{{ company }} 报价")
    page.locator("#id_body").fill("{{ full_name }}，您好！附上报价。")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"{live_server.url}/contacts/{contact.pk}/")
    [received] = smtp_server.messages
    assert received["Subject"].strip() == "北京华信科技有限公司 报价"
    assert received["To"] == "zhang.wei@huaxin.example"
    assert received.get_content().strip() == "张伟，您好！附上报价。"
    email = Activity.objects.get(kind="email")
    assert (email.status, received["Message-ID"]) == ("done", email.message_id)
    assert "北京华信科技有限公司 报价" in page.get_by_test_id("timeline-entry").first.inner_text()
    assert screenshot(page, "customer-timeline").stat().st_size > 10_000
