"""Lead pages and endpoints: lists sorted by score and filtered, constant query counts,
keyset pages, errors naming the field, forms that go through the services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.core.services.attachments import add_attachment  # noqa: F401 - panel import
from guanxi.sales.models import Lead
from guanxi.sales.services.scoring import create_scoring_rule
from guanxi.testing.sales import make_lead
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep():
    return make_user(role="sales_rep", full_name="李伟")


def _fill(owner, n, start=0):
    for i in range(start, start + n):
        make_lead(
            owner=owner,
            family_name=f"L{i:02d}",
            industry="manufacturing" if i % 2 else "retail",
            tags=["VIP", f"t{i}"],
            source="trade_show" if i % 3 else "web_form",
        )


def test_list_is_sorted_by_score_and_filtered(client, rep):
    create_scoring_rule(
        actor=make_user(role="sales_manager"),
        name="Maker",
        field="industry",
        value="manufacturing",
        points=20,
    )
    _fill(rep, 4)
    client.force_login(rep)
    rows = client.get("/leads/").context["object_list"]
    assert [(lead.family_name, lead.score) for lead in rows] == [
        ("L03", 20),
        ("L01", 20),
        ("L02", 0),
        ("L00", 0),
    ]
    rows = client.get("/leads/", {"source": "web_form"}).context["object_list"]
    assert [lead.family_name for lead in rows] == ["L03", "L00"]
    rows = client.get("/leads/", {"q": "L02"}).context["object_list"]
    assert [lead.family_name for lead in rows] == ["L02"]


def test_list_page_runs_a_constant_number_of_queries(client, rep):
    client.force_login(rep)
    _fill(rep, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/leads/").status_code == 200
    _fill(rep, 12, start=3)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/leads/").context["object_list"]) == 15
    assert len(many.captured_queries) == len(few.captured_queries)


def test_list_endpoint_runs_a_constant_number_of_queries_and_pages(api_as, rep):
    api = api_as(rep)
    _fill(rep, 3)
    api("GET", "/api/v1/me")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert len(api("GET", "/api/v1/leads").json()["items"]) == 3
    _fill(rep, 12, start=3)
    with CaptureQueriesContext(connection) as many:
        assert len(api("GET", "/api/v1/leads").json()["items"]) == 15
    assert len(many.captured_queries) == len(few.captured_queries)
    first = api("GET", "/api/v1/leads", limit=10, sort="created_at").json()
    second = api("GET", "/api/v1/leads", limit=10, sort="created_at", cursor=first["next_cursor"])
    names = [row["family_name"] for row in first["items"] + second.json()["items"]]
    assert names == [f"L{i:02d}" for i in range(15)]
    assert second.json()["next_cursor"] is None


def test_api_errors_name_the_fields_and_create_nothing(api_as, rep):
    response = api_as(rep)(
        "POST", "/api/v1/leads", {"family_name": "张", "email": "x", "phone": "1"}
    )
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == ["body.email", "body.phone"]
    bad_sort = api_as(rep)("GET", "/api/v1/leads", sort="title")
    assert bad_sort.json()["errors"][0]["field"] == "query.sort"
    assert Lead.objects.count() == 0


def test_create_edit_and_delete_through_the_pages(client, rep):
    client.force_login(rep)
    response = client.post(
        "/leads/new/",
        {
            "family_name": "赵",
            "given_name": "敏",
            "phone": "13900000000",
            "source": "referral",
            "country": "CN",
            "province": "31",
            "tags": "VIP, 展会",
        },
    )
    lead = Lead.objects.get()
    assert response["Location"] == f"/leads/{lead.pk}/"
    assert (lead.full_name, lead.phone, lead.owner, lead.source) == (
        "赵敏",
        "+8613900000000",
        rep,
        "referral",
    )
    bad = client.post(
        f"/leads/{lead.pk}/edit/",
        {"family_name": "赵", "source": "referral", "country": "CN", "email": "nope"},
    )
    assert bad.status_code == 200
    assert "nope is not a valid email address." in bad.content.decode()
    client.post(f"/leads/{lead.pk}/log/", {"kind": "call", "subject": "打过电话"})
    assert Lead.objects.get().status == "contacted"
    detail = client.get(f"/leads/{lead.pk}/").content.decode()
    assert "打过电话" in detail and "No rule matched: the creator keeps it" in detail
    assert client.post(f"/leads/{lead.pk}/delete/").status_code == 302
    assert Lead.objects.count() == 0


def test_navigation_shows_leads_to_whoever_may_see_them(client, rep):
    client.force_login(rep)
    body = client.get("/leads/").content.decode()
    assert 'href="/leads/"' in body
    assert "Web forms" not in body
    client.force_login(make_user(role="administrator"))
    assert 'href="/web-forms/"' in client.get("/leads/").content.decode()
