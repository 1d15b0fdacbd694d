"""Selectors: scope per role, search in Chinese, pinyin and digits, filters."""

import pytest
from django.http import Http404

from guanxi.customers.selectors import (
    accounts_visible_to,
    contacts_visible_to,
    current_consents,
    filter_accounts,
    filter_contacts,
    get_account_for,
    get_contact_for,
    search_accounts,
    search_contacts,
)
from guanxi.customers.services.contacts import record_consent
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user, team_trio

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("sales_rep", {"owner"}),
        ("sales_manager", {"owner", "teammate"}),
        ("marketer", {"owner", "teammate", "outsider"}),
    ],
)
def test_accounts_visible_per_role(role, expected):
    trio = team_trio(role)
    records = {
        name: make_account(owner=getattr(trio, name), actor=make_user(role="administrator"))
        for name in ("owner", "teammate", "outsider")
    }
    visible = set(accounts_visible_to(trio.owner))
    assert visible == {records[name] for name in expected}


def test_team_field_gives_team_scope_access_to_records_of_non_members():
    trio = team_trio("sales_manager")
    admin = make_user(role="administrator")
    stranger_owned = make_account(owner=make_user(), actor=admin, team=trio.team)
    assert list(accounts_visible_to(trio.owner)) == [stranger_owned]


def test_missing_and_forbidden_are_both_404():
    trio = team_trio("sales_rep")
    theirs = make_contact(owner=trio.outsider)
    with pytest.raises(Http404):
        get_contact_for(trio.owner, theirs.pk)
    with pytest.raises(Http404):
        get_contact_for(trio.owner, 999999)
    mine = make_account(owner=trio.owner)
    assert get_account_for(trio.owner, mine.pk) == mine


def test_view_does_not_imply_change():
    agent = make_user(role="service_agent")
    account = make_account()
    assert get_account_for(agent, account.pk) == account
    with pytest.raises(Http404):
        get_account_for(agent, account.pk, "change")


@pytest.mark.parametrize(
    "text", ["张", "张伟", "zhang wei", "zhangwei", "ZW", "8000", "example.com"]
)
def test_contact_search_matches_chinese_pinyin_initials_phone_and_email(text):
    admin = make_user(role="administrator")
    zhang = make_contact(
        owner=admin,
        family_name="张",
        given_name="伟",
        phones=[{"value": "13800138000"}],
        emails=[{"value": "zw@example.com"}],
    )
    make_contact(owner=admin, family_name="Smith", given_name="John")
    assert list(search_contacts(contacts_visible_to(admin), text)) == [zhang]


@pytest.mark.parametrize("text", ["字节跳动", "zijie", "字节跳动科技有限公司", "bjzj"])
def test_account_search_matches_without_legal_suffix_and_by_pinyin(text):
    admin = make_user(role="administrator")
    bytedance = make_account(owner=admin, name="北京字节跳动科技有限公司")
    make_account(owner=admin, name="Acme Co., Ltd.")
    assert list(search_accounts(accounts_visible_to(admin), text)) == [bytedance]


def test_filters_by_tier_province_industry_and_account():
    from guanxi.customers.models import CustomerTier

    admin = make_user(role="administrator")
    vip = CustomerTier.objects.get(code="vip")
    gz = make_account(owner=admin, tier=vip, province="44", industry="retail")
    make_account(owner=admin, province="11")
    base = accounts_visible_to(admin)
    assert list(filter_accounts(base, tier="vip")) == [gz]
    assert list(filter_accounts(base, province="44", industry="retail")) == [gz]
    assert list(filter_accounts(base, owner_id=make_user().pk)) == []
    person = make_contact(
        owner=admin, accounts=[{"account": gz}], addresses=[{"province": "44", "city": "深圳"}]
    )
    make_contact(owner=admin)
    contacts = contacts_visible_to(admin)
    assert list(filter_contacts(contacts, account_id=gz.pk)) == [person]
    assert list(filter_contacts(contacts, province="44")) == [person]


def test_current_consents_are_the_latest_per_channel():
    rep = make_user(role="sales_rep")
    contact = make_contact(owner=rep)
    record_consent(
        actor=rep, contact=contact, channel="sms", status="granted", source="form", wording="SMS ok"
    )
    latest = record_consent(
        actor=rep, contact=contact, channel="sms", status="withdrawn", source="manual"
    )
    current = current_consents(contact)
    assert current["sms"] == latest
    assert current["email"] is None
