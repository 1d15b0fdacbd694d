"""The public FAQ: published public articles of the visitor's language by category, a
search box that knows short Chinese words, the article page with its view count, and
"did this answer your question?" stored once per visitor."""

import pytest
from django.urls import reverse

from guanxi.service.models import Article, ArticleFeedback
from guanxi.testing.knowledge import make_article
from guanxi.testing.service import make_category

pytestmark = pytest.mark.django_db


def test_faq_lists_the_languages_public_articles_by_category(client):
    printers = make_category(name="Printers", name_zh="打印机")
    make_article(title="打印机卡纸怎么办", category=printers)
    make_article(title="Paper jam", language="en", category=printers)
    make_article(title="内部资料", visibility="internal")
    make_article(title="草稿", publish=False)

    zh = client.get(reverse("service:faq_index"), {"lang": "zh-hans"})
    en = client.get(reverse("service:faq_index"), {"lang": "en"})

    assert [[a.title for a in arts] for _c, arts in zh.context["sections"]] == [
        ["打印机卡纸怎么办"]
    ]
    assert "<h2>打印机</h2>" in zh.content.decode()
    assert [[a.title for a in arts] for _c, arts in en.context["sections"]] == [["Paper jam"]]


def test_faq_search_in_chinese(client):
    make_article(title="打印机卡纸怎么办")
    make_article(title="发票抬头错误", body="重新开票")
    response = client.get(reverse("service:faq_index"), {"lang": "zh-hans", "q": "发票"})
    assert [a.title for a in response.context["results"]] == ["发票抬头错误"]


def test_article_page_counts_views_and_hides_drafts_and_internal(client):
    article = make_article(title="打印机卡纸怎么办", body="**关机**")
    internal = make_article(visibility="internal")
    draft = make_article(publish=False)

    response = client.get(reverse("service:faq_article", args=[article.pk]))
    client.get(reverse("service:faq_article", args=[article.pk]))

    assert "<strong>关机</strong>" in response.content.decode()
    assert Article.objects.get(pk=article.pk).view_count == 2
    for hidden in (internal, draft):
        assert client.get(reverse("service:faq_article", args=[hidden.pk])).status_code == 404


def test_feedback_is_stored_once_per_visitor(client):
    article = make_article()
    url = reverse("service:faq_feedback", args=[article.pk]) + "?lang=en"

    first = client.post(url, {"answer": "no", "source": "faq"})
    client.post(url, {"answer": "yes", "source": "faq"})

    assert first.url == f"/help/faq/{article.pk}/?lang=en&answered=no"
    assert list(ArticleFeedback.objects.values_list("helpful", "source")) == [(False, "faq")]
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (0, 1)
    page = client.get(reverse("service:faq_article", args=[article.pk]))
    assert page.context["already"] is True


def test_a_yes_on_the_faq_is_a_deflection(client):
    article = make_article()
    client.post(reverse("service:faq_feedback", args=[article.pk]), {"answer": "yes"})
    feedback = ArticleFeedback.objects.get()
    assert (feedback.helpful, feedback.source) == (True, "faq")


def test_feedback_without_an_answer_or_on_a_draft_stores_nothing(client):
    article = make_article()
    draft = make_article(publish=False)
    client.post(reverse("service:faq_feedback", args=[article.pk]), {"answer": "maybe"})
    response = client.post(reverse("service:faq_feedback", args=[draft.pk]), {"answer": "yes"})
    assert response.status_code == 404
    assert ArticleFeedback.objects.count() == 0
