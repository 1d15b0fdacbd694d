"""Duplicate accounts: matching, the scan, merge moving every related record, undo,
permissions, the pages and the API."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guanxi.core.models import Attachment, AuditEntry, TrashItem
from guanxi.core.services.attachments import add_attachment
from guanxi.core.services.tokens import create_token
from guanxi.customers.models import Account, AccountContact, Activity
from guanxi.customers.services.activities import log_activity
from guanxi.integrations.account_matching import CompanyRecord, domain_key, score_pair
from guanxi.integrations.dedupe_accounts import scan_accounts
from guanxi.integrations.merge import contact_relations, relation_label
from guanxi.integrations.merge_accounts import (
    account_related_counts,
    merge_accounts,
    undo_account_merge,
)
from guanxi.integrations.models import ExternalRef
from guanxi.integrations.models_account_dedupe import AccountMerge, AccountPair
from guanxi.integrations.models_dedupe import PairStatus
from guanxi.sales.models import Deal, Order
from guanxi.service.models import Ticket
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.deals import make_deal
from guanxi.testing.orders import make_order
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_user(role="administrator")


# --- matching -------------------------------------------------------------------------


def test_legal_forms_are_ignored_in_chinese_and_western_names():
    same = score_pair(
        CompanyRecord(1, "华为技术有限公司"), CompanyRecord(2, "华为技术（中国）有限公司")
    )
    western = score_pair(CompanyRecord(1, "ACME Co., Ltd."), CompanyRecord(2, "Acme GmbH"))

    assert same.score >= 0.95
    assert same.reasons == ["same name 华为技术 (华为技术有限公司 = 华为技术（中国）有限公司)"]
    assert western.score >= 0.95


def test_different_companies_do_not_match():
    assert score_pair(CompanyRecord(1, "华为技术"), CompanyRecord(2, "华为软件")).score == 0
    assert score_pair(CompanyRecord(1, "Acme"), CompanyRecord(2, "Globex")).score == 0


def test_domain_and_phone_are_evidence_and_add_up():
    domain = score_pair(
        CompanyRecord(1, "Foo", "https://www.acme.com/cn"), CompanyRecord(2, "Bar", "acme.com")
    )
    phone = score_pair(
        CompanyRecord(1, "Foo", phones=("+86 138 1234 5678",)),
        CompanyRecord(2, "Bar", phones=("13812345678",)),
    )
    both = score_pair(
        CompanyRecord(1, "Acme Ltd", "acme.com", ("13812345678",)),
        CompanyRecord(2, "ACME", "www.acme.com", ("+8613812345678",)),
    )

    assert domain.reasons == ["same website acme.com"] and domain.score >= 0.9
    assert phone.reasons == ["same phone ending 5678"] and phone.score >= 0.85
    assert both.score > max(domain.score, phone.score)


def test_web_mail_domains_say_nothing():
    assert domain_key("http://qq.com") == ""
    assert domain_key("WWW.Example.COM/path") == "example.com"


def test_a_similar_name_in_another_province_counts_less():
    here = score_pair(CompanyRecord(1, "ACME Trading"), CompanyRecord(2, "ACME Tradng"))
    there = score_pair(
        CompanyRecord(1, "ACME Trading", province="GD"),
        CompanyRecord(2, "ACME Tradng", province="BJ"),
    )
    assert here.score >= 0.85 > there.score


# --- scan -----------------------------------------------------------------------------


def test_scan_finds_accounts_by_name_website_and_contact_phone(admin):
    a = make_account(owner=admin, name="华为技术有限公司")
    b = make_account(owner=admin, name="华为技术（中国）有限公司")
    c = make_account(owner=admin, name="Foo Ltd", website="https://foo.example")
    d = make_account(owner=admin, name="Bar GmbH", website="http://www.foo.example/")
    e = make_account(owner=admin, name="Quux")
    f = make_account(owner=admin, name="Zork")
    make_contact(owner=admin, phones=[{"value": "13812340001"}], accounts=[{"account": e}])
    make_contact(owner=admin, phones=[{"value": "+86 138 1234 0001"}], accounts=[{"account": f}])
    make_account(owner=admin, name="Unrelated")

    assert scan_accounts() == 3
    assert scan_accounts() == 3  # idempotent

    pairs = {(p.first_id, p.second_id) for p in AccountPair.objects.all()}
    assert pairs == {(a.pk, b.pk), (c.pk, d.pk), (e.pk, f.pk)}


def test_a_dismissed_account_pair_stays_dismissed(admin):
    make_account(owner=admin, name="ACME Co., Ltd.")
    make_account(owner=admin, name="Acme Limited")
    scan_accounts()
    AccountPair.objects.update(status=PairStatus.DISMISSED)

    assert scan_accounts() == 0
    assert AccountPair.objects.get().status == PairStatus.DISMISSED


# --- merge ----------------------------------------------------------------------------


def _two(admin):
    survivor = make_account(
        owner=admin, name="华为技术有限公司", industry="technology", tags=["vip"]
    )
    other = make_account(
        owner=admin,
        name="华为技术（中国）有限公司",
        website="https://huawei.example",
        tags=["vip", "深圳"],
    )
    shared = make_contact(owner=admin, family_name="张", given_name="伟", accounts=[
        {"account": survivor, "is_primary": True}, {"account": other, "is_primary": True}
    ])  # fmt: skip
    only_other = make_contact(owner=admin, family_name="王", accounts=[{"account": other}])
    return survivor, other, shared, only_other


def _related_state(account_pk):
    state = {}
    for rel in contact_relations(Account):
        if rel.related_model in (AccountPair, AccountMerge):
            continue
        rows = rel.related_model._base_manager.filter(**{rel.field.name: account_pk})
        state[relation_label(rel)] = sorted(rows.values_list("pk", flat=True))
    state["attachments"] = sorted(
        Attachment.all_objects.filter(
            object_type="customers.account", object_id=str(account_pk)
        ).values_list("pk", flat=True)
    )
    state["refs"] = sorted(
        ExternalRef.objects.filter(
            content_type=ContentType.objects.get_for_model(Account), object_id=account_pk
        ).values_list("pk", flat=True)
    )
    account = Account.all_objects.get(pk=account_pk)
    fields = {f.attname: f.value_from_object(account) for f in Account._meta.concrete_fields}
    fields.pop("updated_at")
    return state, fields


def test_account_merge_moves_related_records_and_undo_restores_both(admin):
    survivor, other, shared, only_other = _two(admin)
    deal = make_deal(owner=admin, account=other)
    order = make_order(actor=admin, account=other)
    ticket = make_ticket(actor=admin, account=other)
    activity = log_activity(actor=admin, kind="note", subject="visit", accounts=[other])
    child = make_account(owner=admin, name="华为深圳分公司", parent=other)
    add_attachment(
        actor=admin, parent=other, upload=SimpleUploadedFile("a.txt", b"hi", "text/plain")
    )
    ExternalRef.objects.create(
        source="erp",
        external_id="C-1",
        content_type=ContentType.objects.get_for_model(Account),
        object_id=other.pk,
    )
    pair = AccountPair.objects.create(first=survivor, second=other, score=0.95)
    before = _related_state(survivor.pk), _related_state(other.pk)
    counts = account_related_counts(other)

    merge = merge_accounts(
        actor=admin, survivor=survivor, other=other, choices={"website": "other"}
    )

    survivor.refresh_from_db()
    assert survivor.website == "https://huawei.example"
    assert survivor.name == "华为技术有限公司"
    assert Deal.objects.get(pk=deal.pk).account_id == survivor.pk
    assert Order.objects.get(pk=order.pk).account_id == survivor.pk
    assert Ticket.objects.get(pk=ticket.pk).account_id == survivor.pk
    assert list(Activity.objects.get(pk=activity.pk).accounts.all()) == [survivor]
    assert Account.objects.get(pk=child.pk).parent_id == survivor.pk
    assert sorted(t.name for t in survivor.tags.all()) == ["vip", "深圳"]
    # The shared contact is linked once; the other one moved (not primary: one per account).
    assert AccountContact.objects.filter(account=survivor, contact=shared).count() == 1
    assert AccountContact.objects.get(contact=only_other).account_id == survivor.pk
    assert ExternalRef.objects.get(external_id="C-1").object_id == survivor.pk
    left, _fields = _related_state(other.pk)
    assert {label: ids for label, ids in left.items() if ids} == {}
    assert sum(counts.values()) == len(merge.snapshot["moved"]) + len(merge.snapshot["dropped"])
    assert not Account.objects.filter(pk=other.pk).exists()
    assert TrashItem.objects.filter(object_type="customers.account", object_id=str(other.pk))
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED
    assert AuditEntry.objects.filter(
        object_type="customers.account", object_id=str(survivor.pk), changes__has_key="merged"
    ).exists()

    undo_account_merge(actor=admin, merge=merge)

    assert (_related_state(survivor.pk), _related_state(other.pk)) == before
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


def test_the_survivor_never_becomes_its_own_parent(admin):
    parent = make_account(owner=admin, name="ACME Holding")
    branch = make_account(owner=admin, name="ACME Holding Ltd", parent=parent)

    merge = merge_accounts(actor=admin, survivor=branch, other=parent)

    branch.refresh_from_db()
    assert branch.parent_id is None
    undo_account_merge(actor=admin, merge=merge)
    branch.refresh_from_db()
    assert branch.parent_id == parent.pk


def test_account_merge_needs_change_on_both_and_changes_nothing_when_refused():
    rep = make_user(role="sales_rep")
    mine = make_account(owner=rep, name="ACME")
    boss = make_user(role="administrator")
    theirs = make_account(owner=boss, name="ACME Ltd")
    make_deal(owner=boss, account=theirs)
    before = _related_state(mine.pk), _related_state(theirs.pk)

    with pytest.raises(PermissionDenied):
        merge_accounts(actor=rep, survivor=mine, other=theirs)

    assert (_related_state(mine.pk), _related_state(theirs.pk)) == before
    assert not AccountMerge.objects.exists()


# --- pages and API --------------------------------------------------------------------


def test_duplicates_page_lists_account_pairs_and_merges_and_undoes(
    client, admin, django_capture_on_commit_callbacks
):
    survivor, other, _shared, _only = _two(admin)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("integrations:duplicate_scan"))

    page = client.get(reverse("integrations:duplicate_list")).content.decode()
    assert 'data-testid="account-duplicate-row"' in page
    assert "same name 华为技术" in page
    form = client.get(reverse("integrations:account_merge_form", args=[survivor.pk, other.pk]))
    assert "huawei.example" in form.content.decode()

    response = client.post(
        reverse("integrations:account_merge_form", args=[survivor.pk, other.pk]),
        {"choice_website": "other"},
    )
    merge = AccountMerge.objects.get()
    assert response["Location"] == reverse("integrations:account_merge_result", args=[merge.pk])
    assert not Account.objects.filter(pk=other.pk).exists()

    client.post(reverse("integrations:account_merge_undo", args=[merge.pk]))
    assert Account.objects.filter(pk=other.pk).exists()
    assert Account.objects.get(pk=survivor.pk).website == ""


def test_dismissing_an_account_pair_on_the_page(client, admin):
    _two(admin)
    scan_accounts()
    client.force_login(admin)

    answer = client.post(
        reverse("integrations:account_pair_dismiss", args=[AccountPair.objects.get().pk]),
        {"page": "3"},
    )

    assert AccountPair.objects.get().status == PairStatus.DISMISSED
    assert answer["Location"] == reverse("integrations:duplicate_list") + "?page=3"


def test_api_lists_merges_and_undoes_account_pairs(
    client, admin, django_capture_on_commit_callbacks
):
    survivor, other, _shared, _only = _two(admin)
    headers = {"Authorization": f"Bearer {create_token(actor=admin, name='t')[1]}"}

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/api/v1/duplicates/scan", headers=headers).json()
    scanned = client.get(f"/api/v1/duplicates/scans/{started['id']}", headers=headers).json()
    pairs = client.get("/api/v1/duplicates/accounts", headers=headers).json()
    merged = client.post(
        "/api/v1/accounts/merge",
        {"survivor_id": survivor.pk, "other_id": other.pk},
        content_type="application/json",
        headers=headers,
    )
    undone = client.post(f"/api/v1/account-merges/{merged.json()['id']}/undo", headers=headers)

    assert scanned["open_account_pairs"] == 1
    assert [(p["first_id"], p["second_id"]) for p in pairs] == [(survivor.pk, other.pk)]
    assert merged.status_code == 201 and merged.json()["moved"] >= 1
    assert undone.json()["undone"] is True
    assert Account.objects.filter(pk__in=[survivor.pk, other.pk]).count() == 2


def test_api_dismisses_an_account_pair(client, admin):
    _two(admin)
    scan_accounts()
    headers = {"Authorization": f"Bearer {create_token(actor=admin, name='t')[1]}"}
    pair = AccountPair.objects.get()

    response = client.post(f"/api/v1/duplicates/accounts/{pair.pk}/dismiss", headers=headers)

    assert response.json()["status"] == "dismissed"


def test_api_pages_through_the_account_pairs(client, admin):
    accounts = [make_account(owner=admin, name=f"Firm {n}") for n in range(4)]
    best = AccountPair.objects.create(first=accounts[0], second=accounts[1], score=0.9)
    next_best = AccountPair.objects.create(first=accounts[2], second=accounts[3], score=0.8)
    headers = {"Authorization": f"Bearer {create_token(actor=admin, name='t')[1]}"}

    first = client.get("/api/v1/duplicates/accounts?limit=1", headers=headers).json()
    after = client.get("/api/v1/duplicates/accounts?offset=1", headers=headers).json()
    refused = client.get("/api/v1/duplicates/accounts?limit=0", headers=headers)

    assert [p["id"] for p in first] == [best.pk]
    assert [p["id"] for p in after] == [next_best.pk]
    assert refused.status_code == 422


def test_the_duplicates_page_pages_through_the_account_pairs_apart_from_the_contacts(client, admin):
    accounts = [make_account(owner=admin, name=f"Firm {n}") for n in range(106)]
    pairs = [
        AccountPair.objects.create(
            first=accounts[2 * n], second=accounts[2 * n + 1], score=round(0.99 - n / 1000, 4)
        )
        for n in range(53)
    ]
    client.force_login(admin)
    list_url = reverse("integrations:duplicate_list")

    first = client.get(list_url).content.decode()
    second = client.get(list_url + "?accounts_page=2").content.decode()
    dismissed = client.post(
        reverse("integrations:account_pair_dismiss", args=[pairs[51].pk]),
        {"page": "3", "accounts_page": "2"},
    )

    assert first.count('data-testid="account-duplicate-row"') == 50
    assert "53 possible duplicate accounts, best first." in first
    assert 'href="?accounts_page=2" rel="next"' in first
    assert second.count('data-testid="account-duplicate-row"') == 3
    assert f"Firm {2 * 52}" in second and "Firm 0<" not in second
    assert 'name="accounts_page" value="2"' in second
    assert dismissed["Location"] == list_url + "?page=3&accounts_page=2"
