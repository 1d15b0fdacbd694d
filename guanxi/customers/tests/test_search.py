"""The global search box finds accounts and contacts the way people type them, on
SQLite and PostgreSQL, and only those the user may see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guanxi.core.models import SearchDocument
from guanxi.core.search import search
from guanxi.customers.services.account_links import (
    link_contact_to_account,
    unlink_contact_from_account,
)
from guanxi.customers.services.accounts import update_account
from guanxi.customers.services.contacts import delete_contact, update_contact
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(admin):
    """Two companies and three people, created through the services (which index them)."""
    huawei = make_account(
        owner=admin,
        name="华为技术有限公司",
        province="44",
        city="深圳",
        website="https://www.huawei.example",
    )
    acme = make_account(owner=admin, name="Acme Trading Co., Ltd.", province="31", city="上海")
    bytedance = make_account(owner=admin, name="字节跳动", province="11", city="北京")
    zhang = make_contact(
        owner=admin,
        family_name="张",
        given_name="伟",
        phones=[{"value": "138 0013 8000"}],
        emails=[{"value": "zhang.wei@huawei.example"}],
        accounts=[{"account": huawei, "is_primary": True}],
    )
    wang = make_contact(
        owner=admin,
        family_name="王",
        given_name="北京",
        phones=[{"value": "010 6552 9988"}],
        emails=[{"value": "wang@acme.example"}],
        accounts=[{"account": acme}],
    )
    smith = make_contact(owner=admin, family_name="Smith", given_name="Jane")
    return {
        "huawei": huawei,
        "acme": acme,
        "bytedance": bytedance,
        "zhang": zhang,
        "wang": wang,
        "smith": smith,
    }


def titles(user, text):
    return sorted(r["title"] for r in search(user, text))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张", ["张伟"]),  # one character
        ("北京", ["字节跳动", "王北京"]),  # an account in 北京 and a name containing it
        ("张伟", ["张伟"]),
        ("zhang wei", ["张伟"]),
        ("zhangwei", ["张伟"]),
        ("zw", ["张伟"]),  # initials
        ("华为技术", ["华为技术有限公司", "张伟"]),  # the contact works there
        ("Acme Trading", ["Acme Trading Co., Ltd.", "王北京"]),
        ("8000", ["张伟"]),  # the last 4 digits of a phone
        ("6552 9988", ["王北京"]),  # national format
        ("01065529988", ["王北京"]),  # national digits
        ("acme.example", ["王北京"]),  # an email domain
        ("huawei.example", ["华为技术有限公司", "张伟"]),  # website and email domain
        ("shenzhen", ["华为技术有限公司"]),  # the city in English
        ("广东", ["华为技术有限公司"]),  # the province in Chinese
        ("jane smith", ["Jane Smith"]),
        ("smith jane", ["Jane Smith"]),  # family name first, as in pinyin order
    ],
)
def test_finds_customers_the_way_people_type_them(book, admin, query, expected):
    assert titles(admin, query) == expected


def test_a_company_is_found_without_its_legal_suffix_and_ranked_first(book, admin):
    # Given the index holds "华为技术有限公司" and "Acme Trading Co., Ltd."
    # When someone types the names as people say them
    exact = search(admin, "华为技术")
    western = search(admin, "acme trading")
    # Then the company (its title starts with the query) comes before its contact
    assert [(r["title"], r["rank"]) for r in exact] == [("华为技术有限公司", 1), ("张伟", 2)]
    assert [(r["title"], r["rank"]) for r in western] == [
        ("Acme Trading Co., Ltd.", 1),
        ("王北京", 2),
    ]
    assert exact[0]["url"] == reverse("customers:account_detail", args=[book["huawei"].pk])


def test_subtitles_name_the_place_and_the_account(book, admin):
    found = {r["title"]: r["subtitle"] for r in search(admin, "huawei.example")}
    assert found == {
        "华为技术有限公司": "深圳",
        "张伟": "华为技术有限公司 · zhang.wei@huawei.example",
    }


def test_a_sales_rep_does_not_find_another_reps_contact():
    # Given two reps, each with a contact named 张
    mine_owner = make_user(role="sales_rep")
    other = make_user(role="sales_rep")
    make_contact(owner=mine_owner, family_name="张", given_name="三")
    make_contact(owner=other, family_name="张", given_name="四")
    # When the first rep searches
    found = titles(mine_owner, "张")
    # Then only their own contact is found
    assert found == ["张三"]


def test_a_trashed_contact_is_not_found_and_the_document_is_gone(book, admin):
    delete_contact(actor=admin, contact=book["zhang"])
    assert titles(admin, "zhangwei") == []
    assert not SearchDocument.objects.filter(
        object_type="customers.contact", object_id=book["zhang"].pk
    ).exists()


def test_changes_are_reindexed_at_once(book, admin):
    # Phones, tags, account links and an account's new name reach the documents.
    update_contact(
        actor=admin, contact=book["smith"], phones=[{"value": "13912345678"}], tags=["展会"]
    )
    assert titles(admin, "5678") == ["Jane Smith"]
    assert titles(admin, "展会") == ["Jane Smith"]
    link_contact_to_account(actor=admin, contact=book["smith"], account=book["bytedance"])
    assert titles(admin, "字节") == ["Jane Smith", "字节跳动"]
    update_account(actor=admin, account=book["bytedance"], name="抖音集团")
    assert titles(admin, "抖音") == ["Jane Smith", "抖音集团"]
    assert titles(admin, "字节") == []
    unlink_contact_from_account(actor=admin, contact=book["smith"], account=book["bytedance"])
    assert titles(admin, "抖音") == ["抖音集团"]
