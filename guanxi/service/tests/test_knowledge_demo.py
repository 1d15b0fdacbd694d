"""The demo knowledge base: bilingual public answers in the demo categories, once."""

import pytest

from guanxi.service.demo_knowledge import ARTICLES, load_knowledge, reset_knowledge
from guanxi.service.models import Article
from guanxi.service.selectors_knowledge import public_articles, search_public
from guanxi.testing.service import make_category
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_demo_articles_are_published_once_in_both_languages():
    make_user(role="administrator")
    billing = make_category(name="Billing")

    assert load_knowledge() == {"articles": len(ARTICLES)}
    assert load_knowledge() == {"articles": 0}

    assert public_articles("zh-hans").count() == 4
    assert public_articles("en").count() == 4
    assert Article.objects.filter(visibility="internal").count() == 1
    assert Article.objects.get(title="How to correct or reissue an invoice").category == billing
    assert search_public("卡纸", "zh-hans")[0].title == "打印机卡纸怎么办"
    assert search_public("paper jam", "en")[0].title == "Printer paper jam: how to clear it"

    reset_knowledge()
    assert Article.all_objects.count() == 0


def test_no_demo_articles_without_an_administrator():
    assert load_knowledge() == {"articles": 0}
    assert Article.objects.count() == 0
