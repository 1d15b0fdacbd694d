"""Notifications: inbox entries in each recipient's language, read state, digests."""

import pytest
from django.core import mail
from django.urls import reverse

from guanxi.core.models import Notification
from guanxi.core.selectors import unread_count
from guanxi.core.services.notifications import mark_read, notify, send_digests
from guanxi.core.services.teams import create_team, update_team
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_team_newcomers_are_notified_in_their_own_language(admin):
    zh = make_user(language="zh-hans")
    en = make_user(language="en")
    team = create_team(actor=admin, name="华东销售", members=[zh, en])
    titles = dict(Notification.objects.values_list("recipient_id", "title"))
    assert titles == {
        zh.pk: "您已被加入团队 华东销售",
        en.pk: "You were added to the team 华东销售",
    }
    assert Notification.objects.get(recipient=en).url == reverse("core:team_detail", args=[team.pk])


def test_only_new_members_are_notified_and_never_the_actor(admin):
    old = make_user()
    team = create_team(actor=admin, name="T", members=[old, admin])
    newcomer = make_user()
    update_team(actor=admin, team=team, members=[old, newcomer, admin])
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        [old.pk, newcomer.pk]
    )


def test_inactive_users_get_nothing():
    user = make_user(is_active=False)
    assert notify(recipients=[user], kind="x", title=lambda: "Hi") == []


def test_mark_read_touches_only_the_users_own(rep):
    other = make_user()
    mine = notify(recipients=[rep], kind="x", title=lambda: "a")[0]
    theirs = notify(recipients=[other], kind="x", title=lambda: "b")[0]
    assert mark_read(user=rep, notification_ids=[mine.pk, theirs.pk]) == 1
    assert unread_count(rep) == 0
    assert unread_count(other) == 1


def test_digest_mails_unread_once_to_opted_in_users():
    keen = make_user(email_digest=True)
    quiet = make_user(email_digest=False)
    notify(recipients=[keen, quiet], kind="x", title=lambda: "Deal won")
    notify(recipients=[keen], kind="x", title=lambda: "Task due")
    assert send_digests() == 1
    assert mail.outbox[0].to == [keen.email]
    assert mail.outbox[0].subject == "Guanxi: 2 unread notifications"
    assert "- Deal won" in mail.outbox[0].body
    assert send_digests() == 0


def test_badge_shows_unread_count_and_polls(client, rep):
    notify(recipients=[rep], kind="x", title=lambda: "one")
    client.force_login(rep)
    html = client.get(reverse("core:inbox_badge")).content.decode()
    assert '<span class="badge"' in html and ">1</span>" in html
    assert 'hx-trigger="every 30s"' in html


def test_opening_marks_read_and_follows_the_link(client, rep):
    n = notify(recipients=[rep], kind="x", title=lambda: "go", url="/teams/")[0]
    client.force_login(rep)
    response = client.post(reverse("core:notification_open", args=[n.pk]))
    assert response["Location"] == "/teams/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_opening_someone_elses_notification_changes_nothing(client, rep):
    other = make_user()
    n = notify(recipients=[other], kind="x", title=lambda: "secret")[0]
    client.force_login(rep)
    client.post(reverse("core:notification_open", args=[n.pk]))
    n.refresh_from_db()
    assert n.read_at is None
    assert "secret" not in client.get(reverse("core:inbox")).content.decode()


def test_api_lists_and_marks_read(client, rep):
    notify(recipients=[rep], kind="x", title=lambda: "a")
    notify(recipients=[rep], kind="x", title=lambda: "b")
    client.force_login(rep)
    body = client.get("/api/v1/notifications").json()
    assert [i["title"] for i in body["items"]] == ["b", "a"]
    assert body["unread"] == 2
    result = client.post("/api/v1/notifications/read", {}, content_type="application/json").json()
    assert result == {"marked": 2, "unread": 0}
