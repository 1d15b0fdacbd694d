"""The knowledge base API: writing and publishing by role, search in Chinese, the
suggestions for a ticket, feedback and the deflection count; errors name the field."""

import json
from urllib.parse import urlencode

import pytest

from guanxi.core.services.tokens import create_token
from guanxi.service.models import Article, ArticleFeedback
from guanxi.testing.knowledge import make_article
from guanxi.testing.service import make_category, make_ticket
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as(client):
    def for_user(user):
        key = create_token(actor=user, name="t")[1]

        def call(method, path, body=None, **params):
            url = f"/api/v1{path}" + (f"?{urlencode(params)}" if params else "")
            return client.generic(
                method,
                url,
                data=json.dumps(body) if body is not None else "",
                content_type="application/json",
                headers={"Authorization": f"Bearer {key}"},
            )

        return call

    return for_user


def fields(response):
    assert response.status_code == 422, response.content
    return {error["field"] for error in response.json()["errors"]}


def test_agent_drafts_manager_publishes(api_as):
    agent, manager = make_user(role="service_agent"), make_user(role="service_manager")
    category = make_category()
    created = api_as(agent)(
        "POST",
        "/kb/articles",
        {"title": "打印机卡纸", "body": "关机", "visibility": "public", "category_id": category.pk},
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["author"]["id"], body["category"]["id"]) == (
        "draft",
        agent.pk,
        category.pk,
    )
    assert body["public_url"] is None

    assert api_as(agent)("POST", f"/kb/articles/{body['id']}/publish").status_code == 403
    published = api_as(manager)("POST", f"/kb/articles/{body['id']}/publish")
    assert published.json()["status"] == "published"
    assert published.json()["public_url"] == f"/help/faq/{body['id']}/"


def test_errors_name_the_fields(api_as):
    call = api_as(make_user(role="service_manager"))
    response = call(
        "POST", "/kb/articles", {"title": "", "body": "x", "language": "fr", "category_id": 999}
    )
    assert fields(response) == {"body.category_id"}
    response = call("POST", "/kb/articles", {"title": "", "body": "x", "language": "fr"})
    assert fields(response) == {"body.title", "body.language"}
    assert Article.objects.count() == 0


def test_agent_cannot_patch_a_published_article(api_as):
    article = make_article(title="Published")
    response = api_as(make_user(role="service_agent"))(
        "PATCH", f"/kb/articles/{article.pk}", {"title": "Changed"}
    )
    assert response.status_code == 403
    assert Article.objects.get().title == "Published"


def test_manager_patches_and_deletes(api_as):
    call = api_as(make_user(role="service_manager"))
    article = make_article(title="Old")
    assert call("PATCH", f"/kb/articles/{article.pk}", {"title": "New"}).json()["title"] == "New"
    assert call("DELETE", f"/kb/articles/{article.pk}").status_code == 204
    assert Article.objects.count() == 0


def test_list_shows_readers_published_only(api_as):
    make_article(title="Published")
    make_article(title="Draft", publish=False)
    items = api_as(make_user(role="sales_rep"))("GET", "/kb/articles").json()["items"]
    assert [item["title"] for item in items] == ["Published"]


def test_search_ranks_chinese_title_matches_first(api_as):
    make_article(title="说明书", body="卡纸时关机")
    make_article(title="卡纸怎么办")
    hits = api_as(make_user(role="service_agent"))("GET", "/kb/search", q="卡纸").json()
    assert [hit["title"] for hit in hits] == ["卡纸怎么办", "说明书"]
    assert hits[0]["score"] > hits[1]["score"]


def test_suggestions_for_a_ticket(api_as):
    agent = make_user(role="service_agent")
    make_article(title="打印机卡纸怎么办")
    make_article(title="如何重置密码")
    ticket = make_ticket(subject="打印机卡纸", owner=agent)
    hits = api_as(agent)("GET", "/kb/suggestions", ticket_id=ticket.pk).json()
    assert [hit["title"] for hit in hits] == ["打印机卡纸怎么办"]


def test_feedback_counts_as_deflection(api_as):
    call = api_as(make_user(role="service_agent"))
    article = make_article()
    response = call("POST", f"/kb/articles/{article.pk}/feedback", {"helpful": True})
    assert response.status_code == 201
    assert ArticleFeedback.objects.get().source == "api"
    assert call("GET", "/kb/deflections").json() == {
        "deflected": 1,
        "not_helpful": 0,
        "from_help_form": 0,
        "from_faq": 0,
    }
