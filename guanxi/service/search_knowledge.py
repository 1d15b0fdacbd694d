"""Finding knowledge base articles: the global search box (published articles only), and
a ranked query for the FAQ, the help form and the suggestions on a ticket.

The ranked query splits what the reader typed into terms — Latin words, and Chinese
runs as themselves and as two-character pairs (Chinese has no spaces: "打印机卡纸了" is
found by "卡纸") — and scores each article in the database: a term in the title counts
5, in the search words 3, in the text 1, the whole query in the title 5 more, so title
matches come first. Plain ``icontains`` on both SQLite and PostgreSQL: a knowledge base
is hundreds of articles, not millions.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.search import Document, Searchable, normalize, register_searchable
from guanxi.lib.names import pinyin_of
from guanxi.service.models import Article
from guanxi.service.object_types import ARTICLE

MAX_TERMS = 24
TITLE, KEYWORDS, BODY, PHRASE, CATEGORY, PRODUCT, LANGUAGE = 5, 3, 1, 5, 2, 3, 1
_TOKENS = re.compile(r"[a-z0-9][a-z0-9+#.\-]*|[\u3400-\u9fff\uf900-\ufaff]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Words that say nothing about the problem: they would match every article.
_ENGLISH_STOPWORDS = """
    a an and are at be but by can do does for from get had has have how i if in is it
    its me my no not of on or our please so that the this to was we what when why will
    with you your hello hi thanks thank dear help problem issue"""
_CHINESE_STOPWORDS = """
    怎么 什么 为什么 如何 我们 你们 他们 一个 没有 可以 这个 那个 不能 无法 问题 请问
    谢谢 您好 你好 麻烦 帮忙 现在 已经 还是 但是 因为 所以 就是 然后 时候 一下 不是 我的
    我们 了怎 么办 怎么办 请帮"""
STOPWORDS = frozenset(_ENGLISH_STOPWORDS.split()) | frozenset(_CHINESE_STOPWORDS.split())


def query_terms(text: str) -> list[str]:
    """The distinct terms of ``text``, in order, at most ``MAX_TERMS``."""
    terms: list[str] = []

    def add(term: str) -> None:
        if term and term not in terms and term not in STOPWORDS:
            terms.append(term)

    for token in _TOKENS.findall(normalize(text)):
        if not _CJK.match(token):
            if len(token) >= 2:
                add(token.strip(".-"))
            continue
        if len(token) <= 4:
            add(token)
        if len(token) > 2:
            for i in range(len(token) - 1):
                add(token[i : i + 2])
    return terms[:MAX_TERMS]


def _points(field: str, term: str, weight: int) -> Case:
    return Case(
        When(**{f"{field}__icontains": term}, then=Value(weight)),
        default=Value(0),
        output_field=IntegerField(),
    )


def rank_articles(
    queryset: QuerySet[Article],
    text: str,
    *,
    category_id: int | None = None,
    product_id: int | None = None,
    language: str = "",
) -> QuerySet[Article]:
    """The articles of ``queryset`` matching ``text`` (or the category or product),
    best first, each with its ``score``; none when nothing is asked."""
    terms = query_terms(text)
    parts: list[Combinable] = []
    for term in terms:
        parts += [
            _points("title", term, TITLE),
            _points("keywords", term, KEYWORDS),
            _points("body", term, BODY),
        ]
    phrase = normalize(text)
    if terms and len(phrase) <= 60:
        parts.append(_points("title", phrase, PHRASE))
    context: list[Combinable] = []
    if category_id:
        context.append(
            Case(
                When(category_id=category_id, then=Value(CATEGORY)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    if product_id:
        context.append(
            Case(
                When(product_id=product_id, then=Value(PRODUCT)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    if not parts and not context:
        return queryset.none()
    score: Any = Value(0, output_field=IntegerField())
    for part in [*parts, *context]:
        score = score + part
    if language:
        score = score + Case(
            When(language=language, then=Value(LANGUAGE)),
            default=Value(0),
            output_field=IntegerField(),
        )
    # Matching the language alone is no match.
    threshold = LANGUAGE if language else 0
    return (
        queryset.annotate(score=score)
        .filter(score__gt=threshold)
        .order_by("-score", "-helpful_yes", "title", "pk")
    )


# --- the global search box --------------------------------------------------------------


def article_document(article: Article) -> Document:
    """Published articles only: a draft's document matches nothing, so the search box
    never shows a draft, even to someone the selector would show it to."""
    if not article.is_published:
        return Document(title="", subtitle="", terms=[])
    category = article.category.name if article.category_id and article.category else ""
    return Document(
        title=article.title,
        subtitle=" · ".join(str(p) for p in (category, article.get_visibility_display()) if p),
        terms=[
            article.title,
            pinyin_of(article.title),
            article.keywords,
            article.body[:1000],
        ],
    )


def register() -> None:
    register_searchable(
        Searchable(
            key=ARTICLE,
            label=_("Knowledge base articles"),
            document=article_document,
            url=lambda pk: reverse("service:kb_detail", args=[pk]),
        )
    )
