"""The web shell and the administration pages, through the Django test client."""

import pytest
from django.core import mail
from django.urls import reverse

from guanxi.core.models import AuditEntry, Team, User
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = make_user(role="administrator", full_name="Ada")
    client.force_login(admin)
    client.admin = admin
    return client


def test_language_switch_translates_the_page_and_is_remembered(client):
    user = make_user()
    client.force_login(user)
    response = client.post(reverse("web:set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "zh-hans"
    page = client.get(reverse("web:home")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "退出" in page


def test_language_switch_refuses_unknown_language(client):
    response = client.post(reverse("web:set_language"), {"language": "xx"})
    assert response.status_code == 400


def test_profile_saves_time_zone(client):
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("web:profile"),
        {"full_name": "New Name", "language": "en", "time_zone": "Europe/Paris"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.time_zone) == ("New Name", "Europe/Paris")


def test_profile_shows_field_error_inline(client):
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("web:profile"), {"full_name": "", "language": "en", "time_zone": "Mars/Base"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_full_name_error"' in page
    assert 'id="id_time_zone_error"' in page


def test_navigation_shows_audit_log_only_to_administrators(client):
    rep = make_user(role="sales_rep")
    client.force_login(rep)
    page = client.get(reverse("web:home")).content.decode()
    assert reverse("core:audit_list") not in page
    assert reverse("core:user_list") in page
    client.force_login(make_user(role="administrator"))
    assert reverse("core:audit_list") in client.get(reverse("web:home")).content.decode()


def test_admin_invites_user_through_the_form(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("core:user_invite"),
            {"email": "new@example.test", "full_name": "新人", "language": "zh-hans", "roles": []},
        )
    user = User.objects.get(email="new@example.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:user_detail", args=[user.pk])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "邀请您加入 Guanxi"


def test_invite_with_taken_email_shows_the_error_on_the_field(admin_client):
    taken = make_user()
    response = admin_client.post(
        reverse("core:user_invite"), {"email": taken.email, "full_name": "x", "language": "en"}
    )
    assert response.status_code == 200
    assert "A user with this email already exists." in response.content.decode()


def test_admin_deactivates_a_leaver_who_then_cannot_use_the_app(admin_client, client):
    leaver = make_user()
    response = admin_client.post(reverse("core:user_deactivate", args=[leaver.pk]))
    assert response.status_code == 302
    leaver.refresh_from_db()
    assert leaver.is_active is False


def test_user_list_searches_and_sorts(admin_client):
    make_user(full_name="张伟", email="zhang@example.test")
    make_user(full_name="Bob", email="bob@example.test")
    page = admin_client.get(reverse("core:user_list"), {"q": "张"}).content.decode()
    assert "张伟" in page
    assert "bob@example.test" not in page
    page = admin_client.get(reverse("core:user_list"), {"sort": "-email"}).content.decode()
    assert page.index("zhang@example.test") < page.index("bob@example.test")


def test_user_list_query_count_does_not_grow_with_users(
    admin_client, django_assert_max_num_queries
):
    for _ in range(30):
        make_user()
    with django_assert_max_num_queries(12):
        admin_client.get(reverse("core:user_list"))


def test_team_create_edit_delete_through_pages(admin_client):
    member = make_user()
    response = admin_client.post(
        reverse("core:team_create"), {"name": "华南服务", "description": "", "members": [member.pk]}
    )
    team = Team.objects.get(name="华南服务")
    assert response.status_code == 302
    admin_client.post(
        reverse("core:team_edit", args=[team.pk]),
        {
            "name": "华南服务",
            "description": "广州",
            "members": [member.pk],
            "managers": [member.pk],
        },
    )
    assert team.memberships.get().is_manager is True
    admin_client.post(reverse("core:team_delete", args=[team.pk]))
    assert not Team.objects.filter(pk=team.pk).exists()


def test_audit_log_is_searchable(admin_client):
    team = make_team(name="Alpha")
    AuditEntry.objects.create(
        actor=admin_client.admin,
        origin="ui",
        event="change",
        object_type="core.team",
        object_id=str(team.pk),
        object_repr="Alpha",
        changes={"name": ["A", "Alpha"]},
    )
    AuditEntry.objects.create(
        origin="task", event="create", object_type="core.team", object_id="0", object_repr="Beta"
    )
    page = admin_client.get(reverse("core:audit_list"), {"q": "alpha"}).content.decode()
    assert "Alpha" in page
    assert "Beta" not in page


def test_token_page_shows_the_key_once(client):
    user = make_user()
    client.force_login(user)
    page = client.post(reverse("core:token_list"), {"name": "ERP"}).content.decode()
    assert 'data-testid="new-token"' in page
    page = client.get(reverse("core:token_list")).content.decode()
    assert 'data-testid="new-token"' not in page
    assert "ERP" in page
