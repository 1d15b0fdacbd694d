"""Real clicks, story 3: a visitor fills the public form in Chromium asking to be called;
the rep the rules chose logs in, sees the lead on My leads and the call-back task on
My day."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from guanxi.sales.models import Lead
from guanxi.sales.services.assignment import create_assignment_rule
from guanxi.testing.browser import screenshot
from guanxi.testing.sales import make_lead_form
from guanxi.testing.users import make_user
from guanxi.web.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZONES = ("Asia/Shanghai", "Europe/London", "America/New_York", "America/Los_Angeles")


def _zone_where_the_call_is_due_today() -> str:
    """A time zone in which now + 1 hour is still today, so the task is "due today"."""
    now = timezone.now()
    for name in ZONES:
        local = now.astimezone(ZoneInfo(name))
        if (local + timedelta(hours=1)).date() == local.date():
            return name
    raise AssertionError("no zone found")


def test_visitor_asks_for_a_call_and_the_rep_sees_the_task_on_my_day(page, live_server):
    # Given a web form whose leads go to a rep, calling back within one hour
    rep = make_user(
        role="sales_rep", full_name="李伟", time_zone=_zone_where_the_call_is_due_today()
    )
    create_assignment_rule(
        actor=make_user(role="sales_manager"),
        name="Web",
        field="source",
        value="web_form",
        user=rep,
    )
    make_lead_form(slug="contact-us", call_within_hours=1)

    # When a visitor fills it in, in Chinese, asking to be called
    page.goto(f"{live_server.url}/f/contact-us/?lang=zh-hans")
    form = page.get_by_test_id("public-form")
    page.locator("#id_family_name").fill("陈")
    page.locator("#id_given_name").fill("静")
    page.locator("#id_company").fill("杭州云栖科技有限公司")
    page.locator("#id_phone").fill("139 1234 5678")
    page.locator("#id_description").fill("想了解报价，请尽快联系")
    page.locator("#id_wants_call").check()
    page.locator("#id_consent").check()
    assert (
        not page.locator("#id_website_url").is_visible()
        or page.locator(".hp-field").bounding_box()["x"] < 0
    )
    form.get_by_role("button").click()

    # Then they are thanked in Chinese
    assert page.get_by_test_id("public-form-done").inner_text() == "谢谢，我们会尽快联系您。"
    lead = Lead.objects.get()
    assert (lead.owner_id, lead.phone, lead.wants_call) == (rep.pk, "+8613912345678", True)
    assert lead.consent_wording == "通过电子邮件向我发送新闻。"

    # When the rep logs in and opens their leads
    page.context.clear_cookies()
    log_in(page, live_server, rep.email)
    page.goto(f"{live_server.url}/leads/")
    assert page.get_by_role("heading", name="My leads").is_visible()
    page.get_by_test_id("lead-list").get_by_role("link", name="陈静").click()
    page.wait_for_url(f"{live_server.url}/leads/{lead.pk}/")
    assert page.get_by_test_id("assignment-reason").inner_text() == (
        "Rule “Web”: source = web_form → 李伟"
    )
    assert "Call back 陈静 (asked on the website)" in page.locator("#timeline").inner_text()

    # And My day lists the call-back task, due today
    page.goto(f"{live_server.url}/my-day/")
    item = page.get_by_test_id("today").get_by_test_id("agenda-item")
    assert item.filter(has_text="Call back 陈静 (asked on the website)").count() == 1
    assert screenshot(page, "web_to_lead_my_day").stat().st_size > 10_000
