"""The staff's knowledge base pages: the list with its search and filters, writing,
publishing and deleting; the suggestions on a ticket and the link put into a reply;
and refusals, which change nothing."""

import pytest
from django.urls import reverse

from guanxi.service.models import Article
from guanxi.testing.knowledge import make_article
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db

ARTICLE = {
    "title": "打印机卡纸怎么办",
    "body": "1. 关机\n2. 取纸",
    "keywords": "卡纸",
    "language": "zh-hans",
    "visibility": "public",
}


def rows(response):
    return [article.title for article in response.context["object_list"]]


def test_list_searches_in_chinese_title_first_and_filters(client):
    client.force_login(make_user(role="service_agent"))
    make_article(title="热敏打印机说明", body="卡纸时关机")
    make_article(title="卡纸处理")
    make_article(title="Invoice", language="en", visibility="internal")

    assert rows(client.get(reverse("service:kb_list"), {"q": "卡纸"})) == [
        "卡纸处理",
        "热敏打印机说明",
    ]
    filtered = client.get(reverse("service:kb_list"), {"language": "en"})
    assert rows(filtered) == ["Invoice"]
    assert rows(client.get(reverse("service:kb_list"), {"visibility": "internal"})) == ["Invoice"]


def test_agent_writes_a_draft_and_cannot_publish_it(client):
    agent = make_user(role="service_agent")
    client.force_login(agent)

    response = client.post(reverse("service:kb_create"), ARTICLE)

    article = Article.objects.get()
    assert response.url == reverse("service:kb_detail", args=[article.pk])
    assert (article.status, article.author) == ("draft", agent)
    page = client.get(article.get_absolute_url())
    assert b'data-testid="publish"' not in page.content
    assert client.post(reverse("service:kb_publish", args=[article.pk])).status_code == 403
    assert client.post(reverse("service:kb_create"), {**ARTICLE, "publish": "1"}).status_code == 403
    assert Article.objects.get().status == "draft"
    assert Article.objects.count() == 1


def test_manager_saves_and_publishes_then_unpublishes(client):
    client.force_login(make_user(role="service_manager"))
    client.post(reverse("service:kb_create"), {**ARTICLE, "publish": "1"})
    article = Article.objects.get()
    assert article.status == "published"

    page = client.get(article.get_absolute_url())
    assert page.context["public_url"].endswith(f"/help/faq/{article.pk}/")
    assert "<ol><li>关机</li><li>取纸</li></ol>" in page.content.decode()

    client.post(reverse("service:kb_unpublish", args=[article.pk]))
    assert Article.objects.get().status == "draft"
    client.post(reverse("service:kb_publish", args=[article.pk]))
    assert Article.objects.get().status == "published"


def test_form_errors_name_the_field(client):
    client.force_login(make_user(role="service_manager"))
    response = client.post(reverse("service:kb_create"), {**ARTICLE, "title": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assert Article.objects.count() == 0


def test_agent_edits_own_draft_not_a_published_article(client):
    agent = make_user(role="service_agent")
    client.force_login(agent)
    draft = make_article(author=agent, publish=False)
    published = make_article(title="Published")

    client.post(reverse("service:kb_edit", args=[draft.pk]), {**ARTICLE, "title": "Mine"})
    response = client.post(
        reverse("service:kb_edit", args=[published.pk]), {**ARTICLE, "title": "Hijacked"}
    )

    assert Article.objects.get(pk=draft.pk).title == "Mine"
    assert response.status_code in (403, 404)
    assert Article.objects.get(pk=published.pk).title == "Published"


def test_manager_deletes_to_the_trash(client):
    client.force_login(make_user(role="service_manager"))
    article = make_article()
    response = client.post(reverse("service:kb_delete", args=[article.pk]))
    assert response.url == reverse("service:kb_list")
    assert Article.objects.count() == 0
    assert Article.all_objects.count() == 1


def test_reader_cannot_open_a_draft(client):
    client.force_login(make_user(role="sales_rep"))
    draft = make_article(publish=False)
    assert client.get(reverse("service:kb_detail", args=[draft.pk])).status_code == 404


def test_ticket_page_loads_suggestions_for_the_ticket(client):
    agent = make_user(role="service_agent")
    client.force_login(agent)
    jam = make_article(title="打印机卡纸怎么办")
    make_article(title="如何重置密码")
    ticket = make_ticket(subject="打印机卡纸", body="卡纸了", owner=agent)

    page = client.get(reverse("service:ticket_detail", args=[ticket.pk]))
    assert reverse("service:kb_suggest", args=[ticket.pk]) in page.content.decode()

    response = client.get(reverse("service:kb_suggest", args=[ticket.pk]))
    assert [a.title for a in response.context["suggestions"]] == [jam.title]
    typed = client.get(reverse("service:kb_suggest", args=[ticket.pk]), {"body": "重置密码"})
    assert [a.title for a in typed.context["suggestions"]] == ["如何重置密码"]


def test_insert_link_adds_the_public_address_to_the_reply(client):
    agent = make_user(role="service_agent")
    client.force_login(agent)
    article = make_article(title="打印机卡纸怎么办")
    internal = make_article(title="内部", visibility="internal")
    ticket = make_ticket(owner=agent)
    url = reverse("service:kb_insert_link", args=[ticket.pk, article.pk])

    html = client.get(url, {"body": "您好，请看："}).content.decode()

    assert 'name="body"' in html and 'id="id_body"' in html
    assert f"您好，请看：\n\n打印机卡纸怎么办: http://testserver/help/faq/{article.pk}/" in html
    unchanged = client.get(
        reverse("service:kb_insert_link", args=[ticket.pk, internal.pk]), {"body": "您好"}
    )
    assert "/help/faq/" not in unchanged.content.decode()


def test_suggestions_refused_for_a_ticket_out_of_sight(client):
    client.force_login(make_user(role="service_agent"))
    other = make_ticket(owner=make_user(role="service_agent"))
    assert client.get(reverse("service:kb_suggest", args=[other.pk])).status_code == 404


def test_navigation_shows_the_knowledge_base_to_staff(client):
    client.force_login(make_user(role="sales_rep"))
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("service:kb_list") in home
