"""Real clicks in Debian's Chromium against the live server."""

import pytest

from guanxi.core.models import User
from guanxi.testing.browser import screenshot
from guanxi.testing.users import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_browser_launches(page, live_server):
    page.goto(f"{live_server.url}/login/")
    assert page.title() == "Log in · Guanxi"


def test_log_in_and_switch_to_chinese(page, live_server):
    user = make_user(full_name="王芳", role="sales_manager")
    log_in(page, live_server, user.email)
    assert page.get_by_role("heading", name="Welcome, 王芳").is_visible()
    page.get_by_test_id("language-zh-hans").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="欢迎，王芳").is_visible()
    assert page.get_by_role("button", name="退出登录").is_visible()
    assert User.objects.get(pk=user.pk).language == "zh-hans"
    assert screenshot(page, "home-zh-hans").stat().st_size > 10_000


def test_admin_deactivates_a_user_with_confirmation(page, live_server):
    admin = make_user(role="administrator", full_name="Ada")
    leaver = make_user(full_name="Leaver Lee")
    log_in(page, live_server, admin.email)
    page.goto(f"{live_server.url}/users/{leaver.pk}/")
    page.get_by_role("button", name="Deactivate").click()
    page.wait_for_load_state()
    assert page.get_by_text("can no longer log in").is_visible()
    leaver.refresh_from_db()
    assert leaver.is_active is False


def test_user_receives_a_notification_when_added_to_a_team(page, live_server):
    from guanxi.core.services.teams import create_team

    admin = make_user(role="administrator")
    user = make_user(full_name="Newcomer", role="sales_rep")
    log_in(page, live_server, user.email)
    assert page.get_by_test_id("inbox").inner_text() == "Inbox"
    create_team(actor=admin, name="Sales North", members=[user])
    page.reload()
    assert page.get_by_test_id("inbox").inner_text() == "Inbox 1"
    page.get_by_test_id("inbox").click()
    page.get_by_role("button", name="You were added to the team Sales North").click()
    page.wait_for_url(f"{live_server.url}/teams/*/")
    assert page.get_by_role("heading", name="Sales North").is_visible()
