"""Saved views: a list's filters, sort and columns under a name, private or for a team."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guanxi.core.models import AuditEntry, SavedView
from guanxi.core.selectors import saved_views_for
from guanxi.core.services.saved_views import clean_query, delete_view, save_view
from guanxi.core.services.tokens import create_token
from guanxi.core.services.trash import trash_record
from guanxi.testing.users import make_team, make_user, team_trio

pytestmark = pytest.mark.django_db

CONTACT = "customers.contact"


def test_paging_is_not_part_of_a_view():
    assert clean_query("q=%E5%BC%A0&page=3&tag=VIP&tag=Partner&cursor=x") == (
        "q=%E5%BC%A0&tag=VIP&tag=Partner"
    )


def test_private_view_is_seen_by_its_owner_only():
    trio = team_trio("sales_rep")
    save_view(actor=trio.owner, object_type=CONTACT, name="北京客户", query="province=11")
    assert [v.name for v in saved_views_for(trio.owner, CONTACT)] == ["北京客户"]
    assert list(saved_views_for(trio.teammate, CONTACT)) == []


def test_view_shared_with_a_team_is_seen_by_its_members_only():
    trio = team_trio("sales_rep")
    save_view(actor=trio.owner, object_type=CONTACT, name="VIP", query="tag=VIP", team=trio.team)
    assert [v.name for v in saved_views_for(trio.teammate, CONTACT)] == ["VIP"]
    assert list(saved_views_for(trio.outsider, CONTACT)) == []
    assert list(saved_views_for(trio.teammate, "customers.account")) == []


def test_views_shared_with_a_trashed_team_disappear():
    trio = team_trio("sales_rep")
    save_view(actor=trio.owner, object_type=CONTACT, name="VIP", team=trio.team)
    trash_record(actor=make_user(role="administrator"), obj=trio.team)
    assert list(saved_views_for(trio.teammate, CONTACT)) == []


def test_saving_again_under_the_same_name_overwrites_and_audits_the_change():
    user = make_user(role="sales_rep")
    first = save_view(actor=user, object_type=CONTACT, name="Mine", query="q=a")
    second = save_view(actor=user, object_type=CONTACT, name="Mine", query="q=b&page=2")
    assert first.pk == second.pk
    assert SavedView.objects.get().query == "q=b"
    change = AuditEntry.objects.get(object_type="core.savedview", event="change")
    assert change.changes == {"query": ["q=a", "q=b"]}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"name": " "}, "name"), ({"name": "x", "object_type": "no.such"}, "object_type")],
)
def test_bad_view_is_refused_naming_the_field(kwargs, field):
    user = make_user(role="sales_rep")
    with pytest.raises(ValidationError) as error:
        save_view(actor=user, **{"object_type": CONTACT, **kwargs})
    assert list(error.value.message_dict) == [field]
    assert SavedView.objects.count() == 0


def test_cannot_share_with_a_team_one_is_not_in():
    user = make_user(role="sales_rep")
    other_team = make_team(members=[make_user()])
    with pytest.raises(ValidationError) as error:
        save_view(actor=user, object_type=CONTACT, name="x", team=other_team)
    assert list(error.value.message_dict) == ["team"]


def test_list_page_offers_saved_views_and_saves_the_current_filters(client):
    user = make_user(role="sales_rep")
    client.force_login(user)
    url = reverse("customers:contact_list")
    response = client.post(
        reverse("core:saved_view_save"),
        {
            "object_type": CONTACT,
            "name": "张 in Beijing",
            "query": "q=%E5%BC%A0&columns=phone&page=2",
            "columns": ["phone"],
            "next": f"{url}?q=%E5%BC%A0",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}?q=%E5%BC%A0"
    view = SavedView.objects.get()
    assert (view.query, view.columns, view.team) == ("q=%E5%BC%A0&columns=phone", ["phone"], None)
    page = client.get(url, {"q": "张", "columns": "phone"}).content.decode()
    assert 'href="?q=%E5%BC%A0&amp;columns=phone" aria-current="true">张 in Beijing' in page


def test_only_the_owner_deletes_a_view(client):
    trio = team_trio("sales_rep")
    view = save_view(actor=trio.owner, object_type=CONTACT, name="Shared", team=trio.team)
    client.force_login(trio.teammate)
    response = client.post(reverse("core:saved_view_delete", args=[view.pk]))
    assert response.status_code == 404
    assert SavedView.objects.count() == 1
    delete_view(actor=trio.owner, view=view)
    assert SavedView.objects.count() == 0


def test_user_without_view_right_cannot_save_a_view_of_that_list(client):
    nobody = make_user()
    client.force_login(nobody)
    response = client.post(reverse("core:saved_view_save"), {"object_type": CONTACT, "name": "x"})
    assert response.status_code == 403
    assert SavedView.objects.count() == 0


def test_api_saves_lists_and_deletes_views():
    from django.test import Client

    client = Client()
    trio = team_trio("sales_rep")
    headers = {"Authorization": f"Bearer {create_token(actor=trio.owner, name='t')[1]}"}
    response = client.post(
        "/api/v1/saved-views",
        {"object_type": CONTACT, "name": "VIP", "query": "tag=VIP", "team_id": trio.team.pk},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    view_id = response.json()["id"]
    teammate_headers = {"Authorization": f"Bearer {create_token(actor=trio.teammate, name='t')[1]}"}
    listed = client.get(
        "/api/v1/saved-views", {"object_type": CONTACT}, headers=teammate_headers
    ).json()
    assert [(v["name"], v["query"], v["team_id"]) for v in listed] == [
        ("VIP", "tag=VIP", trio.team.pk)
    ]
    assert client.delete(f"/api/v1/saved-views/{view_id}", headers=headers).status_code == 204
    assert SavedView.objects.count() == 0
