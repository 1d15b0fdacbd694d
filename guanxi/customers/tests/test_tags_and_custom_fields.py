"""Tags and custom fields on accounts and contacts: services, pages, filters and the API."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guanxi.core.models import AuditEntry, Tag
from guanxi.core.search import search
from guanxi.core.services.custom_fields import create_custom_field
from guanxi.core.services.tags import create_tag
from guanxi.core.services.tokens import create_token
from guanxi.customers.models import Account, Contact
from guanxi.customers.services.accounts import create_account, update_account
from guanxi.customers.services.contacts import update_contact
from guanxi.customers.tests.matrix_rows import formset
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def names(record):
    return sorted(t.name for t in record.tags.all())


def test_tags_are_set_by_name_and_audited_with_the_other_changes(admin):
    # Given an account with one tag
    create_tag(actor=admin, name="VIP", color="#ff0000")
    account = make_account(owner=admin, name="Acme", tags=["vip"])
    assert names(account) == ["VIP"]  # matched case-insensitively
    # When its name and tags change in one call
    update_account(actor=admin, account=account, name="Acme 2", tags=["展会", "VIP"])
    # Then the new name is created and both changes are in one audit entry
    assert names(account) == ["VIP", "展会"]
    entry = AuditEntry.objects.filter(object_id=str(account.pk), event="change").get()
    assert entry.changes == {"name": ["Acme", "Acme 2"], "tags": [["VIP"], ["VIP", "展会"]]}


def test_an_actor_who_may_not_add_tags_cannot_coin_one_and_nothing_is_created(admin):
    roleless = make_user()
    with pytest.raises(ValidationError) as caught:
        create_account(actor=roleless, name="Acme", tags=["brand new"])
    assert caught.value.message_dict == {"tags": ["There is no tag “brand new”."]}
    assert (Account.objects.count(), Tag.objects.count()) == (0, 0)


def test_custom_values_are_cleaned_partially_updated_and_audited_per_key(admin):
    create_custom_field(
        actor=admin, object_type="customers.contact", label="Shoe size", field_type="number"
    )
    create_custom_field(
        actor=admin,
        object_type="customers.contact",
        label="Source",
        field_type="choice",
        choices=["Fair", "Web"],
    )
    contact = make_contact(owner=admin, custom_fields={"shoe_size": "42", "source": "Fair"})
    assert contact.custom_fields == {"shoe_size": 42, "source": "Fair"}
    update_contact(actor=admin, contact=contact, custom_fields={"source": "Web"})
    contact.refresh_from_db()
    assert contact.custom_fields == {"shoe_size": 42, "source": "Web"}
    entry = AuditEntry.objects.filter(object_id=str(contact.pk), event="change").get()
    assert entry.changes == {"custom_fields.source": ["Fair", "Web"]}


def test_a_bad_custom_value_names_its_key_and_changes_nothing(admin):
    create_custom_field(
        actor=admin, object_type="customers.account", label="Employees", field_type="number"
    )
    account = make_account(owner=admin, name="Acme", custom_fields={"employees": 10})
    with pytest.raises(ValidationError) as caught:
        update_account(
            actor=admin, account=account, name="Renamed", custom_fields={"employees": "many"}
        )
    assert caught.value.message_dict == {"custom_fields.employees": ["Enter a number."]}
    account.refresh_from_db()
    assert (account.name, account.custom_fields) == ("Acme", {"employees": 10})


def test_required_custom_field_is_required_on_create(admin):
    create_custom_field(
        actor=admin,
        object_type="customers.account",
        label="Region code",
        field_type="text",
        required=True,
    )
    with pytest.raises(ValidationError) as caught:
        create_account(actor=admin, name="Acme")
    assert caught.value.message_dict == {"custom_fields.region_code": ["This field is required."]}
    assert Account.objects.count() == 0


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def api(client, admin):
    key = create_token(actor=admin, name="t")[1]

    def call(method, path, body=None, query=""):
        return client.generic(
            method,
            path + (f"?{query}" if query else ""),
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
        )

    return call


def test_tag_filter_means_all_of_them_on_pages_and_the_api(admin, admin_client, api):
    both = make_contact(owner=admin, family_name="Both", tags=["a", "b"])
    make_contact(owner=admin, family_name="Only A", tags=["a"])
    page = admin_client.get(reverse("customers:contact_list") + "?tag=a&tag=B")
    assert [c.pk for c in page.context["object_list"]] == [both.pk]
    body = api("GET", "/api/v1/contacts", query="tag=a&tag=b").json()
    assert [c["id"] for c in body["items"]] == [both.pk]
    assert body["items"][0]["tags"] == ["a", "b"]


def test_an_administrators_new_field_is_live_everywhere_at_once(admin, admin_client, api):
    # Given an existing account and a field an administrator adds right now
    account = make_account(owner=admin, name="Acme", tags=["重点"])
    field = create_custom_field(
        actor=admin,
        object_type="customers.account",
        label="Fair booth",
        label_zh="展位",
        field_type="text",
    )
    # Then the form offers it
    form_page = admin_client.get(reverse("customers:account_edit", args=[account.pk]))
    assert "cf_fair_booth" in form_page.context["form"].fields
    # And saving the form stores it
    data = {
        "name": "Acme",
        "country": "CN",
        "owner": admin.pk,
        "tags": "重点, 展会",
        "cf_fair_booth": "Hall 3 B12",
        **formset("addresses"),
    }
    response = admin_client.post(reverse("customers:account_edit", args=[account.pk]), data)
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.custom_fields == {"fair_booth": "Hall 3 B12"}
    assert names(account) == ["展会", "重点"]
    # And the detail page shows it
    detail = admin_client.get(reverse("customers:account_detail", args=[account.pk]))
    assert ("Fair booth", "Hall 3 B12") in detail.context["custom_rows"]
    assert '<span class="tag" data-color="#e4e7eb">展会</span>' in detail.content.decode()
    # And the list has a column and a filter for it
    make_account(owner=admin, name="Other", custom_fields={"fair_booth": "Hall 9"})
    listing = admin_client.get(reverse("customers:account_list"), {"cf_fair_booth": "hall 3"})
    assert listing.context["custom_columns"] == ["Fair booth"]
    assert [a.name for a in listing.context["object_list"]] == ["Acme"]
    assert listing.context["object_list"][0].custom_cells == ["Hall 3 B12"]
    assert 'name="cf_fair_booth"' in listing.content.decode()
    # And search finds the value
    assert [r["title"] for r in search(admin, "hall 3 b12")] == ["Acme"]
    # And the API reads, filters and writes it
    body = api("GET", "/api/v1/accounts", query="cf_fair_booth=Hall%209").json()
    assert [(a["name"], a["custom_fields"]) for a in body["items"]] == [
        ("Other", {"fair_booth": "Hall 9"})
    ]
    patched = api(
        "PATCH",
        f"/api/v1/accounts/{account.pk}",
        {"custom_fields": {"fair_booth": "Hall 1"}, "tags": ["展会"]},
    )
    assert patched.status_code == 200
    assert (patched.json()["custom_fields"], patched.json()["tags"]) == (
        {"fair_booth": "Hall 1"},
        ["展会"],
    )
    assert field.key == "fair_booth"


def test_a_bad_custom_value_is_422_naming_body_custom_fields_key(admin, api):
    create_custom_field(
        actor=admin, object_type="customers.contact", label="Birth year", field_type="number"
    )
    response = api(
        "POST",
        "/api/v1/contacts",
        {"family_name": "张", "custom_fields": {"birth_year": "soon", "nope": 1}},
    )
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == [
        "body.custom_fields.birth_year",
        "body.custom_fields.nope",
    ]
    assert Contact.objects.count() == 0


def test_a_bad_custom_value_in_the_form_is_shown_on_its_field(admin, admin_client):
    create_custom_field(
        actor=admin,
        object_type="customers.contact",
        label="Source",
        field_type="choice",
        choices=["Fair", "Web"],
    )
    create_custom_field(
        actor=admin, object_type="customers.contact", label="Code", field_type="text", required=True
    )
    data = {
        "family_name": "王",
        "owner": admin.pk,
        "cf_source": "Fair",
        "cf_code": "",
        **formset("phones"),
        **formset("emails"),
        **formset("addresses"),
    }
    response = admin_client.post(reverse("customers:contact_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"cf_code": ["This field is required."]}
    assert Contact.objects.count() == 0
