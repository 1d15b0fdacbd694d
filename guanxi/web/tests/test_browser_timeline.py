"""Real clicks: a sales rep logs a call on a Chinese account, filters the timeline, and
ticks off a task on My day."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from guanxi.customers.models import Activity
from guanxi.customers.services.activities import log_activity
from guanxi.testing.browser import screenshot
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_user
from guanxi.web.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rep_logs_a_call_filters_the_timeline_and_completes_a_task(page, live_server):
    # Given a sales rep with a Chinese account and a task due today (in their time zone)
    rep = make_user(role="sales_rep", full_name="李伟", time_zone="Asia/Shanghai")
    account = make_account(owner=rep, name="北京字节跳动科技有限公司")
    today = timezone.localtime(timezone.now(), ZoneInfo(rep.time_zone)).date()
    noon = datetime.combine(today, time(12, 0), tzinfo=ZoneInfo(rep.time_zone))
    task = log_activity(actor=rep, kind="task", subject="发送合同", at=noon)
    log_activity(
        actor=rep,
        kind="note",
        subject="初次拜访",
        at=timezone.now() - timedelta(days=3),
        accounts=[account],
    )
    log_in(page, live_server, rep.email)

    # When they open the account and log a call with the quick-add form
    account_url = f"{live_server.url}/accounts/{account.pk}/"
    page.goto(account_url)
    assert page.get_by_role("heading", name="北京字节跳动科技有限公司").first.is_visible()
    page.locator("#quick-kind").select_option("call")
    page.locator("#quick-subject").fill("询问报价")
    page.locator("#quick-body").fill("客户要 200 台，下周一前报价")
    page.locator(".quick-activity").get_by_role("button", name="Save").click()

    # Then they are back on the account and the call is at the top of the timeline
    page.wait_for_url(account_url)
    assert page.get_by_text("Call “询问报价” was saved.").is_visible()
    entries = page.get_by_test_id("timeline-entry")
    assert entries.locator(".timeline-title").all_inner_texts() == ["询问报价", "初次拜访"]
    assert "客户要 200 台，下周一前报价" in entries.first.inner_text()
    call = Activity.objects.get(subject="询问报价")
    assert (call.kind, call.status, call.owner_id) == ("call", "done", rep.pk)
    assert list(call.accounts.values_list("pk", flat=True)) == [account.pk]
    assert screenshot(page, "timeline").stat().st_size > 10_000

    # When they filter the timeline to meetings (htmx swaps the panel in place)
    page.get_by_test_id("timeline-kind-meeting").click()
    page.wait_for_selector('[data-testid="timeline-kind-meeting"][aria-current="true"]')

    # Then the call is gone from it, without leaving the page
    assert page.url == account_url
    assert page.locator("#timeline").get_by_text("询问报价").count() == 0
    assert page.get_by_test_id("timeline-entry").count() == 0
    assert page.get_by_text("Nothing has happened yet.").is_visible()

    # When they open My day and mark the task due today done
    page.goto(f"{live_server.url}/my-day/")
    due_today = page.get_by_test_id("today")
    item = due_today.get_by_test_id("agenda-item").filter(has_text="发送合同")
    assert item.count() == 1
    item.get_by_role("button", name="Done").click()

    # Then it leaves the list and is done
    page.wait_for_url(f"{live_server.url}/my-day/")
    assert page.get_by_text("Marked as done.").is_visible()
    assert page.get_by_test_id("today").get_by_text("发送合同").count() == 0
    assert page.get_by_test_id("today").get_by_text("No tasks due today.").is_visible()
    task.refresh_from_db()
    assert task.status == "done"
    assert task.completed_at is not None
