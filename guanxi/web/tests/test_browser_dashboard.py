"""The customer dashboard and a customer's score explanation in Chromium: a sales
manager filters the dashboard by region, reads the retention of a cohort, drills down
from a segment to the customers in it and opens one to see why it scored as it did."""

from datetime import timedelta

import pytest
from django.utils import timezone

from guanxi.analytics.services.recompute import recompute_all
from guanxi.analytics.tests.factories import buy
from guanxi.testing.browser import screenshot
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_team, make_user
from guanxi.web.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_reads_the_dashboard_and_drills_down_to_a_customer(page, live_server):
    today = timezone.localdate()
    manager = make_user(role="sales_manager", full_name="Mei Chen")
    rep = make_user(role="sales_rep")
    team = make_team(members=[manager, rep], managers=[manager])
    loyal = make_account(name="北京星辰科技有限公司", owner=rep, team=team, province="11")
    for days in (50, 20, 5):
        buy(loyal, today - timedelta(days=days), 1200)
    once = make_account(name="上海海风贸易", owner=rep, team=team, province="31")
    buy(once, today - timedelta(days=45), 300)
    recompute_all(as_of=today)

    log_in(page, live_server, manager.email)
    page.goto(f"{live_server.url}/dashboards/customers/")
    segments = page.get_by_test_id("panel-segments")
    assert segments.get_by_test_id("panel-row").count() == 2

    filters = page.get_by_test_id("dashboard-filters")
    filters.get_by_label("Region").select_option("11")
    filters.get_by_role("button", name="Apply").click()
    page.wait_for_url("**region=11**")
    segments = page.get_by_test_id("panel-segments")
    assert segments.get_by_test_id("panel-row").count() == 1
    cohort = page.get_by_test_id("panel-cohorts").get_by_test_id("panel-row")
    assert cohort.count() == 1
    assert "100 %" in cohort.inner_text()
    screenshot(page, "customer-dashboard")

    segments.get_by_test_id("panel-row").get_by_role("link").click()
    page.wait_for_url("**/analytics/customers/?segment=*")
    page.get_by_role("link", name="北京星辰科技有限公司").click()
    card = page.get_by_test_id("customer-score")
    card.wait_for()
    assert "3 orders → F" in card.inner_text()
    assert "3,600.00 net of returns → M" in card.inner_text()
    screenshot(page, "customer-score")
