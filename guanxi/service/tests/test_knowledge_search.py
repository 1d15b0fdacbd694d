"""Finding articles: Chinese queries of one or two characters, title matches above text
matches, the global search box (published articles only), who sees which article, the
FAQ's sections and the suggestions for a ticket."""

import pytest

from guanxi.core.search import search
from guanxi.service.models import Article
from guanxi.service.search_knowledge import query_terms, rank_articles
from guanxi.service.selectors_knowledge import (
    articles_visible_to,
    faq_sections,
    public_articles,
    search_public,
    suggestions_for_ticket,
)
from guanxi.testing.knowledge import make_article
from guanxi.testing.quotes import make_product
from guanxi.testing.service import make_category, make_ticket
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def titles(articles):
    return [article.title for article in articles]


def test_chinese_text_is_split_into_pairs_without_filler_words():
    terms = query_terms("打印机卡纸了怎么办？Printer JAM please")
    assert "卡纸" in terms
    assert "打印" in terms
    assert "怎么" not in terms and "么办" not in terms
    assert "printer" in terms and "jam" in terms and "please" not in terms
    assert query_terms("纸") == ["纸"]
    assert query_terms("卡纸") == ["卡纸"]


def test_title_matches_rank_above_text_matches():
    in_body = make_article(title="热敏打印机使用说明", body="如果卡纸，请先关机。")
    in_title = make_article(title="卡纸怎么处理", body="请按步骤操作。")
    make_article(title="发票", body="开票说明")

    found = titles(rank_articles(Article.objects.all(), "卡纸"))

    assert found == [in_title.title, in_body.title]


@pytest.mark.parametrize("query", ["纸", "卡纸", "打印"])
def test_one_and_two_character_chinese_queries_find_the_article(query):
    make_article(title="打印机卡纸怎么办", body="关机后取出纸张。")
    make_article(title="如何重置密码", body="点击忘记密码。")

    assert titles(search_public(query, "zh-hans")) == ["打印机卡纸怎么办"]


def test_english_query_ranks_title_first_and_ignores_case():
    body_only = make_article(
        title="Billing FAQ", body="Ask us to reissue an invoice.", language="en"
    )
    title = make_article(title="How to correct an Invoice", body="Steps.", language="en")

    assert titles(search_public("INVOICE", "en")) == [title.title, body_only.title]


def test_search_words_count_between_title_and_text():
    keyword = make_article(title="纸张问题", body="说明", keywords="jam 卡纸")
    body = make_article(title="说明书", body="卡纸时关机")

    assert titles(search_public("卡纸", "zh-hans")) == [keyword.title, body.title]


def test_visitor_language_comes_first():
    english = make_article(title="Paper jam 卡纸", language="en")
    chinese = make_article(title="Paper jam 卡纸 ", language="zh-hans")

    assert titles(search_public("卡纸", "en")) == [english.title, chinese.title]


def test_public_pages_show_only_published_public_articles():
    make_article(title="公开 卡纸")
    make_article(title="内部 卡纸", visibility="internal")
    make_article(title="草稿 卡纸", publish=False)

    assert titles(search_public("卡纸", "zh-hans")) == ["公开 卡纸"]
    assert titles(public_articles()) == ["公开 卡纸"]


def test_global_search_finds_published_articles_only():
    reader = make_user(role="sales_rep")
    make_article(title="打印机卡纸怎么办")
    make_article(title="卡纸草稿", publish=False)

    results = search(reader, "卡纸")

    assert [row["title"] for row in results] == ["打印机卡纸怎么办"]
    assert results[0]["url"].startswith("/kb/")


def test_readers_see_published_articles_agents_also_their_drafts_managers_all():
    agent = make_user(role="service_agent")
    rep = make_user(role="sales_rep")
    manager = make_user(role="service_manager")
    published = make_article(title="Published", visibility="internal")
    own_draft = make_article(title="Own draft", author=agent, publish=False)
    other_draft = make_article(title="Other draft", publish=False)

    assert set(articles_visible_to(rep)) == {published}
    assert set(articles_visible_to(agent)) == {published, own_draft}
    assert set(articles_visible_to(manager)) == {published, own_draft, other_draft}


def test_faq_sections_group_one_language_by_category():
    printers = make_category(name="Printers")
    billing = make_category(name="Billing")
    jam = make_article(title="Paper jam", language="en", category=printers)
    make_article(title="卡纸", language="zh-hans", category=printers)
    invoice = make_article(title="Invoice", language="en", category=billing)
    other = make_article(title="Opening hours", language="en")

    sections = faq_sections("en")

    assert [(category, titles(articles)) for category, articles in sections] == [
        (billing, [invoice.title]),
        (printers, [jam.title]),
        (None, [other.title]),
    ]


def test_ticket_suggestions_use_its_words_category_product_and_language():
    agent = make_user(role="service_agent")
    printers = make_category(name="Printers")
    product = make_product(name="Thermal printer T80")
    jam = make_article(title="打印机卡纸怎么办", body="关机取纸。")
    internal = make_article(title="内部：反复卡纸排查", visibility="internal")
    by_product = make_article(title="T80 驱动下载", product=product)
    by_category = make_article(title="打印机保养", category=printers)
    make_article(title="如何重置密码", body="忘记密码")
    ticket = make_ticket(
        subject="打印机卡纸了", body="每天都卡纸，怎么办？", category=printers, product=product
    )

    found = titles(suggestions_for_ticket(agent, ticket))

    assert found[0] == jam.title  # the most words of the ticket in its title
    assert set(found) == {jam.title, internal.title, by_product.title, by_category.title}


def test_typed_reply_drives_the_suggestions():
    agent = make_user(role="service_agent")
    make_article(title="打印机卡纸怎么办")
    password = make_article(title="如何重置密码")
    ticket = make_ticket(subject="打印机卡纸", body="卡纸")

    assert titles(suggestions_for_ticket(agent, ticket, "请先重置密码")) == [password.title]
