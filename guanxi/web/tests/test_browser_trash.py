"""Real clicks: an administrator deletes a team and brings it back from the trash."""

import pytest

from guanxi.core.models import Team, TeamMembership, TrashItem
from guanxi.testing.browser import screenshot
from guanxi.testing.users import make_team, make_user
from guanxi.web.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_deletes_a_team_and_restores_it_from_the_trash(page, live_server):
    # Given an administrator and a team with a member
    admin = make_user(role="administrator", full_name="Ada")
    member = make_user(role="sales_rep", full_name="Member Mei")
    team = make_team(name="Sales North", members=[member])
    team_url = f"{live_server.url}/teams/{team.pk}/"
    log_in(page, live_server, admin.email)

    # When they delete it from its page (the confirm dialog is accepted)
    page.goto(team_url)
    page.get_by_role("button", name="Delete").click()
    page.wait_for_url(f"{live_server.url}/teams/")
    assert page.get_by_text("The team was deleted.").is_visible()
    assert Team.objects.filter(pk=team.pk).exists() is False
    assert Team.all_objects.get(pk=team.pk).is_trashed is True

    # And open the trash from the top bar and restore it
    page.get_by_role("link", name="Trash", exact=True).click()
    page.wait_for_url(f"{live_server.url}/trash/")
    row = page.get_by_role("row").filter(has_text="Sales North")
    assert row.count() == 1
    row.get_by_role("button", name="Restore").click()

    # Then they are back on the team page and the team is live with its member
    page.wait_for_url(team_url)
    assert page.get_by_role("heading", name="Sales North").is_visible()
    assert page.get_by_text("“Sales North” was restored.").is_visible()
    assert page.get_by_role("link", name="Member Mei").is_visible()
    assert Team.objects.get(pk=team.pk).deleted_at is None
    assert list(TeamMembership.objects.filter(team=team).values_list("user_id", flat=True)) == [
        member.pk
    ]
    assert TrashItem.objects.count() == 0
    assert screenshot(page, "trash-restore").stat().st_size > 10_000
