"""Tags: a shared vocabulary; anyone who labels records may add one, admins curate."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guanxi.core.models import AuditEntry, Tag
from guanxi.core.services.tags import (
    create_tag,
    delete_tag,
    tags_from_names,
    update_tag,
)
from guanxi.core.services.tokens import create_token
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_create_tag_collapses_spaces_and_audits(admin):
    tag = create_tag(actor=admin, name="  Key   account ", color="#1F6FEB")
    assert (tag.name, tag.color) == ("Key account", "#1f6feb")
    entry = AuditEntry.objects.get(object_type="core.tag", object_id=str(tag.pk))
    assert entry.event == "create"
    assert entry.changes == {"color": [None, "#1f6feb"], "name": [None, "Key account"]}


@pytest.mark.parametrize(
    ("name", "color", "field"),
    [("", "#ffffff", "name"), ("x" * 51, "#ffffff", "name"), ("ok", "red", "color")],
)
def test_bad_tag_is_refused_naming_the_field(admin, name, color, field):
    with pytest.raises(ValidationError) as error:
        create_tag(actor=admin, name=name, color=color)
    assert list(error.value.message_dict) == [field]
    assert Tag.objects.count() == 0


def test_names_are_unique_whatever_the_case(admin):
    create_tag(actor=admin, name="VIP")
    with pytest.raises(ValidationError) as error:
        create_tag(actor=admin, name="vip")
    assert error.value.message_dict == {"name": ["A tag with this name already exists."]}


def test_rename_is_audited_field_by_field(admin):
    tag = create_tag(actor=admin, name="Hot")
    update_tag(actor=admin, tag=tag, name="Hot lead")
    entry = AuditEntry.objects.filter(object_type="core.tag", event="change").get()
    assert entry.changes == {"name": ["Hot", "Hot lead"]}


def test_tags_from_names_reuses_existing_ignoring_case_and_creates_new(admin):
    vip = create_tag(actor=admin, name="VIP")
    tags = tags_from_names(actor=admin, names=["vip", "北京", "VIP", " "], create=True)
    assert [t.name for t in tags] == ["VIP", "北京"]
    assert tags[0].pk == vip.pk
    assert Tag.objects.count() == 2


def test_tags_from_names_refuses_unknown_names_when_it_may_not_create(admin):
    with pytest.raises(ValidationError) as error:
        tags_from_names(actor=admin, names=["nope"], create=False)
    assert error.value.message_dict == {"tags": ["There is no tag “nope”."]}


def test_delete_tag_is_audited(admin):
    tag = create_tag(actor=admin, name="Old")
    delete_tag(actor=admin, tag=tag)
    assert not Tag.objects.exists()
    entry = AuditEntry.objects.get(object_type="core.tag", event="delete")
    assert entry.changes == {"color": ["#e4e7eb", None], "name": ["Old", None]}


def test_sales_rep_may_add_tags_but_not_rename_them(client):
    rep = make_user(role="sales_rep")
    client.force_login(rep)
    response = client.post(
        reverse("core:tag_list"), {"name": "Trade show 2026", "color": "#aabbcc"}
    )
    assert response.status_code == 302
    tag = Tag.objects.get(name="Trade show 2026")
    response = client.post(
        reverse("core:tag_edit", args=[tag.pk]), {"name": "x", "color": "#000000"}
    )
    assert response.status_code == 403
    assert Tag.objects.get(pk=tag.pk).name == "Trade show 2026"


def test_analyst_may_not_add_tags(client):
    analyst = make_user(role="analyst")
    client.force_login(analyst)
    response = client.post(reverse("core:tag_list"), {"name": "nope", "color": "#aabbcc"})
    assert response.status_code == 403
    assert not Tag.objects.exists()


def test_tag_list_page_shows_tags_with_their_colour(client, admin):
    create_tag(actor=admin, name="重点客户", color="#d64545")
    client.force_login(admin)
    content = client.get(reverse("core:tag_list")).content.decode()
    assert 'data-color="#d64545">重点客户<' in content


def test_api_creates_and_renames_tags(client, admin):
    headers = {"Authorization": f"Bearer {create_token(actor=admin, name='t')[1]}"}
    response = client.post(
        "/api/v1/tags",
        {"name": "VIP", "color": "#ff0000"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    tag_id = response.json()["id"]
    assert response.json() == {"id": tag_id, "name": "VIP", "color": "#ff0000"}
    response = client.patch(
        f"/api/v1/tags/{tag_id}",
        {"name": "VVIP"},
        content_type="application/json",
        headers=headers,
    )
    assert response.json()["name"] == "VVIP"
    response = client.post(
        "/api/v1/tags", {"name": "vvip"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.name"


def test_api_refuses_a_bad_colour_naming_the_field(client, admin):
    headers = {"Authorization": f"Bearer {create_token(actor=admin, name='t')[1]}"}
    response = client.post(
        "/api/v1/tags",
        {"name": "x", "color": "red"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.color"
    assert not Tag.objects.exists()
