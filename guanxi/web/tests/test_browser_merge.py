"""Real clicks: an administrator finds two records of the same person on the duplicates
page, merges them choosing a value per field, sees one contact with both histories, and
undoes the merge."""

from datetime import timedelta

import pytest
from django.utils import timezone

from guanxi.customers.models import Contact
from guanxi.customers.services.activities import log_activity
from guanxi.testing.browser import screenshot
from guanxi.testing.customers import make_contact
from guanxi.testing.users import make_user
from guanxi.web.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_merges_two_duplicate_contacts_and_undoes_it(page, live_server):
    # Given the same person twice (same mobile and email), each with a history of their own
    admin = make_user(role="administrator", full_name="Ada")
    first = make_contact(
        owner=admin,
        family_name="张",
        given_name="伟",
        title="采购经理",
        phones=[{"value": "13812345678", "kind": "mobile"}],
        emails=[{"value": "zw@huaxin.example"}],
    )
    second = make_contact(
        owner=admin,
        family_name="张",
        given_name="伟",
        title="采购总监",
        phones=[{"value": "138 1234 5678", "kind": "mobile"}],
        emails=[{"value": "ZW@huaxin.example"}],
    )
    earlier = timezone.now() - timedelta(days=2)
    log_activity(actor=admin, kind="note", subject="初次拜访", at=earlier, contacts=[first])
    log_activity(actor=admin, kind="call", subject="报价电话", at=earlier, contacts=[second])
    log_in(page, live_server, admin.email)

    # When they scan on the duplicates page and open the pair
    page.goto(f"{live_server.url}/duplicates/")
    page.get_by_role("button", name="Scan now").click()
    page.wait_for_url(f"{live_server.url}/duplicates/")
    pair = page.get_by_test_id("duplicate-row")
    assert pair.count() == 1
    pair.get_by_role("link", name="Merge").click()
    page.wait_for_url(f"{live_server.url}/duplicates/merge/{first.pk}/{second.pk}/")

    # And keep the other record's job title (the name is the same: nothing to choose)
    title = page.get_by_test_id("merge-field").filter(has_text="采购总监")
    title.get_by_role("radio", name="采购总监").check()
    assert page.locator('input[name="choice_name"]').count() == 0
    page.get_by_role("button", name="Merge").click()
    page.wait_for_url(f"{live_server.url}/duplicates/merges/*/")
    result_url = page.url
    assert page.get_by_text("The two contacts were merged.").is_visible()

    # Then the kept contact has the chosen title and both histories; the other is gone
    page.get_by_role("link", name="Open the contact").click()
    page.wait_for_url(f"{live_server.url}/contacts/{first.pk}/")
    timeline = page.locator("#timeline")
    assert timeline.get_by_text("初次拜访").is_visible()
    assert timeline.get_by_text("报价电话").is_visible()
    assert page.get_by_text("采购总监").first.is_visible()
    assert list(Contact.objects.values_list("pk", "title")) == [(first.pk, "采购总监")]
    assert screenshot(page, "merge-survivor").stat().st_size > 10_000

    # When they undo the merge
    page.goto(result_url)
    page.get_by_role("button", name="Undo").click()
    page.wait_for_url(result_url)

    # Then both contacts are back as they were, each with its own history
    assert page.get_by_text("The merge was undone; both contacts are back.").is_visible()
    assert sorted(Contact.objects.values_list("pk", "title")) == [
        (first.pk, "采购经理"),
        (second.pk, "采购总监"),
    ]
    page.goto(f"{live_server.url}/contacts/{second.pk}/")
    timeline = page.locator("#timeline")
    assert timeline.get_by_text("报价电话").is_visible()
    assert timeline.get_by_text("初次拜访").count() == 0
