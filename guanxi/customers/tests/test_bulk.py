"""Bulk actions on the account and contact lists and the API: the same rules and audit
as one-by-one changes, every id checked, all or nothing."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from guanxi.core.models import AuditEntry, Tag, TrashItem
from guanxi.core.services.tokens import create_token
from guanxi.customers.models import Account, Contact
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user, team_trio

pytestmark = pytest.mark.django_db


def tags_of(model):
    return {r.pk: sorted(t.name for t in r.tags.all()) for r in model.objects.all()}


def bulk_api(client, user, kind, body):
    key = create_token(actor=user, name="t")[1]
    return client.post(
        f"/api/v1/{kind}/bulk",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def test_tag_and_untag_from_the_list_page(client):
    rep = make_user(role="sales_rep")
    first, second = make_contact(owner=rep), make_contact(owner=rep, tags=["展会"])
    client.force_login(rep)
    url = reverse("customers:contact_bulk")
    response = client.post(url, {"action": "tag", "tag": "展会", "ids": [first.pk, second.pk]})
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:contact_list")
    assert tags_of(Contact) == {first.pk: ["展会"], second.pk: ["展会"]}
    # only the contact that changed is audited
    assert AuditEntry.objects.filter(object_type="customers.contact", event="change").count() == 1
    client.post(url, {"action": "untag", "tag": "展会", "ids": [first.pk]})
    assert tags_of(Contact) == {first.pk: [], second.pk: ["展会"]}


def test_list_pages_show_checkboxes_and_the_bulk_bar_only_to_changers(client):
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    client.force_login(rep)
    page = client.get(reverse("customers:account_list")).content.decode()
    assert f'name="ids" value="{account.pk}" form="bulk"' in page
    assert 'value="assign"' not in page  # a rep may not give records away
    client.force_login(make_user(role="analyst"))
    page = client.get(reverse("customers:account_list")).content.decode()
    assert 'id="bulk"' not in page


def test_a_forged_id_refuses_the_whole_action_and_nothing_changes(client):
    trio = team_trio("sales_rep")
    mine = make_account(owner=trio.owner)
    theirs = make_account(owner=trio.teammate)
    client.force_login(trio.owner)
    response = client.post(
        reverse("customers:account_bulk"),
        {"action": "delete", "ids": [mine.pk, theirs.pk]},
    )
    assert response.status_code == 404
    assert sorted(Account.objects.values_list("pk", flat=True)) == sorted([mine.pk, theirs.pk])
    assert TrashItem.objects.count() == 0
    api = bulk_api(
        client, trio.owner, "accounts", {"ids": [mine.pk, theirs.pk], "action": "tag", "tag": "x"}
    )
    assert api.status_code == 404
    assert (Tag.objects.count(), tags_of(Account)) == (0, {mine.pk: [], theirs.pk: []})


def test_assign_needs_the_assign_grant(client):
    rep = make_user(role="sales_rep")
    other = make_user(role="sales_rep")
    account = make_account(owner=rep)
    response = bulk_api(
        client, rep, "accounts", {"ids": [account.pk], "action": "assign", "owner_id": other.pk}
    )
    assert response.status_code == 403
    assert Account.objects.get().owner_id == rep.pk


def test_assign_is_all_or_nothing_with_the_one_by_one_rules(client):
    # Given a manager with two team records and an outsider they may not give them to
    trio = team_trio("sales_manager")
    first = make_contact(owner=trio.owner)
    second = make_contact(owner=trio.teammate)
    ids = [first.pk, second.pk]
    refused = bulk_api(
        client,
        trio.owner,
        "contacts",
        {"ids": ids, "action": "assign", "owner_id": trio.outsider.pk},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.owner"
    assert dict(Contact.objects.values_list("pk", "owner_id")) == {
        first.pk: trio.owner.pk,
        second.pk: trio.teammate.pk,
    }
    # When they give both to their teammate
    done = bulk_api(
        client,
        trio.owner,
        "contacts",
        {"ids": ids, "action": "assign", "owner_id": trio.teammate.pk},
    )
    # Then one changed (the other already was the teammate's), audited as a change
    assert (done.status_code, done.json()) == (200, {"changed": 1})
    assert set(Contact.objects.values_list("owner_id", flat=True)) == {trio.teammate.pk}
    entry = AuditEntry.objects.filter(object_id=str(first.pk), event="change").get()
    assert entry.changes["owner"] == [trio.owner.pk, trio.teammate.pk]


def test_delete_moves_every_selected_record_to_the_trash(client):
    admin = make_user(role="administrator")
    accounts = [make_account(owner=admin) for _ in range(3)]
    response = bulk_api(
        client, admin, "accounts", {"ids": [a.pk for a in accounts[:2]], "action": "delete"}
    )
    assert response.json() == {"changed": 2}
    assert list(Account.objects.values_list("pk", flat=True)) == [accounts[2].pk]
    assert TrashItem.objects.count() == 2


def test_untag_of_an_unknown_tag_is_422_naming_the_tag(client):
    admin = make_user(role="administrator")
    account = make_account(owner=admin)
    response = bulk_api(
        client, admin, "accounts", {"ids": [account.pk], "action": "untag", "tag": "nope"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.tag"
