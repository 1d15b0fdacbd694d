"""Search across record types: Chinese, pinyin, initials, short queries, permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guanxi.core.models import SearchDocument, Team
from guanxi.core.search import Document, document_text, normalize, search
from guanxi.core.services.search import index_record, rebuild_index
from guanxi.core.services.teams import create_team, delete_team
from guanxi.core.services.tokens import create_token
from guanxi.core.services.trash import restore_record
from guanxi.core.services.users import invite_user
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(admin):
    """Three users and two teams, indexed through the services that create them."""
    base = "http://testserver/"
    zhang = invite_user(
        actor=admin, email="zhang.wei@huawei.example", full_name="张伟", base_url=base
    )
    zhou = invite_user(actor=admin, email="zw@acme.example", full_name="周文", base_url=base)
    smith = invite_user(
        actor=admin, email="jane@smith.example", full_name="Jane Smith", base_url=base
    )
    beijing = create_team(actor=admin, name="北京销售部")
    shanghai = create_team(actor=admin, name="上海服务部")
    return {"zhang": zhang, "zhou": zhou, "smith": smith, "beijing": beijing, "shanghai": shanghai}


def titles(user, text, **kwargs):
    return [r["title"] for r in search(user, text, **kwargs)]


def test_document_text_is_lower_case_terms_title_first():
    document = Document(title="Jane SMITH", subtitle="", terms=["jane smith", "JS", "a|b"])
    assert document_text(document) == "|jane smith|js|a b|"
    assert normalize("  ＺＨＡＮＧ　Wei ") == "zhang wei"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张", ["张伟"]),  # one character
        ("北京", ["北京销售部"]),  # two characters
        ("张伟", ["张伟"]),
        ("zhang wei", ["张伟"]),
        ("ZhangWei", ["张伟"]),
        ("huawei.example", ["张伟"]),  # an email domain
        ("smith", ["Jane Smith"]),
        ("销售部", ["北京销售部"]),  # three characters: the trigram index
    ],
)
def test_finds_records_the_way_people_type_them(people, admin, query, expected):
    assert titles(admin, query) == expected


def test_initials_rank_the_exact_initials_first(people, admin):
    # "zw" is 张伟's initials and 周文's initials and inside zw@acme.example
    found = titles(admin, "zw")
    assert set(found) == {"张伟", "周文"}


def test_exact_title_ranks_before_partial_matches(people, admin):
    create_team(actor=admin, name="Smith")
    results = search(admin, "smith")
    assert [r["title"] for r in results] == ["Smith", "Jane Smith"]
    # 0: the title is the query; 3: a term (the email domain smith.example) starts with it
    assert [r["rank"] for r in results] == [0, 3]
    assert results[0]["url"] == reverse(
        "core:team_detail", args=[Team.objects.get(name="Smith").pk]
    )


def test_types_narrow_the_search(people, admin):
    assert titles(admin, "部", types=["core.team"]) == ["上海服务部", "北京销售部"]
    assert titles(admin, "部", types=["core.user"]) == []


def test_user_without_any_grant_finds_nothing(people):
    nobody = make_user()  # no roles: may view no users and no teams
    assert search(nobody, "张") == []


def test_trashed_record_leaves_the_search_and_comes_back_when_restored(people, admin):
    item = delete_team(actor=admin, team=people["beijing"])
    assert titles(admin, "北京") == []
    restore_record(actor=admin, item=item)
    assert titles(admin, "北京") == ["北京销售部"]


def test_renaming_reindexes(people, admin):
    from guanxi.core.services.teams import update_team

    update_team(actor=admin, team=people["shanghai"], name="广州服务部")
    assert titles(admin, "上海") == []
    assert titles(admin, "广州") == ["广州服务部"]


def test_rebuild_recreates_every_document(people, admin):
    SearchDocument.objects.all().delete()
    written = rebuild_index()
    # every user (the admin and the three invited) and both teams
    assert written == 6
    assert titles(admin, "zhangwei") == ["张伟"]


def test_index_record_ignores_types_that_are_not_searchable(admin):
    token, _key = create_token(actor=admin, name="t")
    index_record(token)
    assert SearchDocument.objects.filter(object_type="core.apitoken").count() == 0


def test_search_api_returns_ranked_results(client, people, admin):
    key = create_token(actor=admin, name="t")[1]
    response = client.get(
        "/api/v1/search", {"q": "张伟"}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200
    body = response.json()
    assert [(r["object_type"], r["title"], r["rank"]) for r in body] == [("core.user", "张伟", 0)]
    assert body[0]["object_id"] == people["zhang"].pk


def test_search_api_names_a_bad_type(client, admin):
    key = create_token(actor=admin, name="t")[1]
    response = client.get(
        "/api/v1/search",
        {"q": "x", "type": "nope.thing"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.type"


def test_search_page_highlights_the_match(client, people, admin):
    client.force_login(admin)
    response = client.get(reverse("core:search"), {"q": "北京"})
    assert response.status_code == 200
    assert "<mark>北京</mark>销售部" in response.content.decode()


def test_search_page_escapes_what_it_highlights(client, admin):
    create_team(actor=admin, name="<b>bold</b> team")
    client.force_login(admin)
    content = client.get(reverse("core:search"), {"q": "bold"}).content.decode()
    assert "&lt;b&gt;<mark>bold</mark>&lt;/b&gt; team" in content
