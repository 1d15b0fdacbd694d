"""The API of the service module's knowledge base: articles (write, publish, search),
suggestions for a ticket, readers' feedback and the deflection count.

The public FAQ and the help form are web pages for customers; the API serves staff and
integrations holding a token (a chatbot, say, that searches public articles and reports
whether its answer helped: ``source`` api).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.access import require
from guanxi.integrations.api.calls import call_service, caller
from guanxi.integrations.api.pagination import keyset_page
from guanxi.sales.selectors_quotes import products_visible_to
from guanxi.service.models import Article, Category
from guanxi.service.models.knowledge import (
    ArticleLanguage,
    ArticleStatus,
    ArticleVisibility,
    FeedbackSource,
)
from guanxi.service.object_types import ARTICLE, TICKET
from guanxi.service.schemas_knowledge import (
    ArticleHit,
    ArticleIn,
    ArticlePage,
    ArticlePatchIn,
    ArticleSchema,
    DeflectionSchema,
    FeedbackIn,
    FeedbackSchema,
)
from guanxi.service.search_knowledge import rank_articles
from guanxi.service.selectors import get_ticket_for
from guanxi.service.selectors_knowledge import (
    articles_visible_to,
    deflections,
    filter_articles,
    get_article_for,
    suggestions_for_ticket,
)
from guanxi.service.services import knowledge as services

router = Router(tags=["Knowledge base"])

SORTS = ("pk", "title", "created_at", "updated_at", "view_count", "helpful_yes")
NAMES = {"category": "category_id", "product": "product_id"}


def _call(call: Callable[[], Any]) -> Any:
    return call_service(call, names=NAMES)


def _choice(errors: dict[str, str], field: str, value: str | None, values: list[str]) -> None:
    if value and value not in values:
        errors[field] = _("Choose one of: %(values)s.") % {"values": ", ".join(values)}


def _resolve(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    """``category_id`` and ``product_id`` to records, naming an unknown one."""
    errors: dict[str, str] = {}
    for key, name, queryset in (
        ("category_id", "category", Category.objects.all()),
        ("product_id", "product", products_visible_to(user)),
    ):
        if key not in data:
            continue
        pk = data.pop(key)
        record = queryset.filter(pk=pk).first() if pk is not None else None
        if pk is not None and record is None:
            errors[key] = _("This does not exist.")
        data[name] = record
    if errors:
        raise ValidationError(errors)
    return data


def _visible_article(user: Any, article_id: int, action: str) -> Article:
    """403 when the caller may see the article but not ``action`` it; 404 otherwise."""
    try:
        return get_article_for(user, article_id, action)
    except Http404:
        if action != "view" and articles_visible_to(user).filter(pk=article_id).exists():
            raise PermissionDenied from None
        raise


@router.get("/kb/articles", response=ArticlePage, summary="List knowledge base articles")
def list_articles(
    request: HttpRequest,
    status: str = Query("", description="draft or published"),
    visibility: str = Query("", description="internal or public"),
    language: str = Query("", description="zh-hans or en"),
    category_id: int | None = None,
    product_id: int | None = None,
    sort: str = "-updated_at",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    """Service managers see every article; everyone else the published ones and their
    own drafts. To find articles by their words use ``/kb/search``."""
    require(request.user, ARTICLE, "view")
    errors: dict[str, str] = {}
    _choice(errors, "status", status, ArticleStatus.values)
    _choice(errors, "visibility", visibility, ArticleVisibility.values)
    _choice(errors, "language", language, ArticleLanguage.values)
    if errors:
        raise ValidationError(errors)
    queryset = filter_articles(
        articles_visible_to(request.user),
        status=status,
        visibility=visibility,
        language=language,
        category_id=category_id,
        product_id=product_id,
    )
    items, next_cursor = keyset_page(queryset, cursor=cursor, limit=limit, sort=sort, allowed=SORTS)
    return {"items": items, "next_cursor": next_cursor}


@router.post("/kb/articles", response={201: ArticleSchema}, summary="Write an article")
def create_article(request: HttpRequest, payload: ArticleIn) -> Any:
    """A draft by the caller; ``publish: true`` publishes it at once (service managers
    and administrators only)."""
    require(request.user, ARTICLE, "add")
    data = _resolve(request.user, payload.dict())
    article = _call(lambda: services.create_article(actor=caller(request), **data))
    return Status(201, get_article_for(request.user, article.pk))


@router.get("/kb/articles/{article_id}", response=ArticleSchema, summary="One article")
def get_article(request: HttpRequest, article_id: int) -> Any:
    require(request.user, ARTICLE, "view")
    return get_article_for(request.user, article_id)


@router.patch("/kb/articles/{article_id}", response=ArticleSchema, summary="Change an article")
def patch_article(request: HttpRequest, article_id: int, payload: ArticlePatchIn) -> Any:
    """Agents change their own drafts; a published article only those who publish."""
    require(request.user, ARTICLE, "change")
    article = _visible_article(request.user, article_id, "change")
    given = payload.dict(exclude_unset=True)
    fields = _resolve(request.user, given)
    for name in ("title", "body", "keywords", "language", "visibility"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("This field cannot be null.")})
    _call(lambda: services.update_article(actor=caller(request), article=article, **fields))
    return get_article_for(request.user, article.pk)


@router.delete(
    "/kb/articles/{article_id}", response={204: None}, summary="Move an article to the trash"
)
def delete_article(request: HttpRequest, article_id: int) -> Any:
    require(request.user, ARTICLE, "delete")
    article = _visible_article(request.user, article_id, "delete")
    _call(lambda: services.delete_article(actor=caller(request), article=article))
    return Status(204, None)


@router.post(
    "/kb/articles/{article_id}/publish", response=ArticleSchema, summary="Publish an article"
)
def publish_article(request: HttpRequest, article_id: int) -> Any:
    require(request.user, ARTICLE, "approve")
    article = _visible_article(request.user, article_id, "view")
    _call(lambda: services.publish_article(actor=caller(request), article=article))
    return get_article_for(request.user, article.pk)


@router.post(
    "/kb/articles/{article_id}/unpublish",
    response=ArticleSchema,
    summary="Take an article back to draft",
)
def unpublish_article(request: HttpRequest, article_id: int) -> Any:
    require(request.user, ARTICLE, "approve")
    article = _visible_article(request.user, article_id, "view")
    _call(lambda: services.unpublish_article(actor=caller(request), article=article))
    return get_article_for(request.user, article.pk)


@router.get("/kb/search", response=list[ArticleHit], summary="Search articles, best first")
def search_articles(
    request: HttpRequest,
    q: str = Query(..., description="Words or Chinese characters (one or two are enough)"),
    language: str = Query("", description="zh-hans or en: that language first"),
    public_only: bool = Query(False, description="Only published public (FAQ) articles"),
    limit: int = 20,
) -> Any:
    """Title matches rank above matches in the search words and the text."""
    require(request.user, ARTICLE, "view")
    errors: dict[str, str] = {}
    _choice(errors, "language", language, ArticleLanguage.values)
    if not 1 <= limit <= 100:
        errors["limit"] = _("Limit must be between 1 and %(max)s.") % {"max": 100}
    if errors:
        raise ValidationError(errors)
    articles = articles_visible_to(request.user)
    if public_only:
        articles = articles.filter(
            status=ArticleStatus.PUBLISHED, visibility=ArticleVisibility.PUBLIC
        )
    return list(rank_articles(articles, q, language=language)[:limit])


@router.get(
    "/kb/suggestions", response=list[ArticleHit], summary="Articles that may answer a ticket"
)
def suggest_articles(
    request: HttpRequest,
    ticket_id: int,
    text: str = Query("", description="The reply being written; default: the ticket's words"),
) -> Any:
    """Published articles matching the ticket's subject and first message (or ``text``),
    its category and product; its language first."""
    require(request.user, TICKET, "view")
    require(request.user, ARTICLE, "view")
    ticket = get_ticket_for(request.user, ticket_id)
    return suggestions_for_ticket(request.user, ticket, text)


@router.post(
    "/kb/articles/{article_id}/feedback",
    response={201: FeedbackSchema},
    summary="Record whether an article answered a question",
)
def add_feedback(request: HttpRequest, article_id: int, payload: FeedbackIn) -> Any:
    """For integrations that show articles to customers (a chat bot): ``helpful: true``
    counts as a deflection, like a yes on the FAQ."""
    require(request.user, ARTICLE, "view")
    article = get_article_for(request.user, article_id)
    feedback = _call(
        lambda: services.record_feedback(
            article=article,
            helpful=payload.helpful,
            source=FeedbackSource.API,
            language=payload.language,
        )
    )
    return Status(201, feedback)


@router.get("/kb/deflections", response=DeflectionSchema, summary="Questions answered by articles")
def count_deflections(request: HttpRequest, since: datetime | None = None) -> Any:
    """Readers who said an article answered their question (no ticket needed), and
    those who said it did not."""
    require(request.user, ARTICLE, "view")
    return deflections(since)
