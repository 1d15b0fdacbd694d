"""Writing, publishing and removing knowledge base articles, and counting what readers
do with them (views, "did this answer your question?").

Agents draft and change their own drafts; publishing, and changing or unpublishing a
published article, needs the "approve" permission (service managers, administrators).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.access import can, is_permitted
from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import diff, record_audit, snapshot
from guanxi.core.services.search import index_record
from guanxi.core.services.trash import trash_record
from guanxi.customers.services.common import Errors, clean_choice, clean_text
from guanxi.service.models import Article, ArticleFeedback, Category
from guanxi.service.models.knowledge import (
    ArticleLanguage,
    ArticleStatus,
    ArticleVisibility,
    FeedbackSource,
)
from guanxi.service.object_types import ARTICLE

FIELDS = (
    "title",
    "body",
    "keywords",
    "category_id",
    "product_id",
    "language",
    "visibility",
    "status",
    "published_at",
)
EDITABLE = ("title", "body", "keywords", "category", "product", "language", "visibility")


def can_publish(user: Any) -> bool:
    return can(user, ARTICLE, "approve")


def _clean(article: Article, values: dict[str, Any]) -> None:
    errors = Errors()
    for name in set(values) - set(EDITABLE):
        errors.add(name, _("This field cannot be changed here."))
    if "title" in values:
        article.title = clean_text(errors, "title", values["title"], max_length=200, required=True)
    if "body" in values:
        article.body = clean_text(errors, "body", values["body"], max_length=50000, required=True)
    if "keywords" in values:
        article.keywords = clean_text(errors, "keywords", values["keywords"], max_length=300)
    if "language" in values:
        language = clean_choice(errors, "language", values["language"], ArticleLanguage)
        if not language:
            errors.add("language", _("This field is required."))
        article.language = language or article.language
    if "visibility" in values:
        visibility = clean_choice(errors, "visibility", values["visibility"], ArticleVisibility)
        if not visibility:
            errors.add("visibility", _("This field is required."))
        article.visibility = visibility or article.visibility
    if "category" in values:
        category = values["category"]
        if category is not None and not isinstance(category, Category):
            errors.add("category", _("This does not exist."))
        else:
            article.category = category
    if "product" in values:
        article.product = values["product"]
    errors.raise_if_any()


@transaction.atomic
def create_article(*, actor: User, publish: bool = False, **values: Any) -> Article:
    """A new article by ``actor``, a draft unless ``publish`` (which needs approval
    rights). Defaults: Chinese, internal."""
    if not can(actor, ARTICLE, "add"):
        raise PermissionDenied
    if publish and not can_publish(actor):
        raise PermissionDenied
    values.setdefault("title", "")
    values.setdefault("body", "")
    article = Article(author=actor)
    _clean(article, values)
    if publish:
        article.status = ArticleStatus.PUBLISHED
        article.published_at = timezone.now()
    article.save()
    record_audit(
        actor=actor,
        event=AuditEvent.CREATE,
        obj=article,
        changes=diff({}, snapshot(article, FIELDS)),
    )
    index_record(article)
    return article


def _require_change(actor: User, article: Article) -> None:
    """Changing needs the change permission on this article; a published one, approval."""
    if not is_permitted(actor, article, "change"):
        raise PermissionDenied
    if article.is_published and not can_publish(actor):
        raise PermissionDenied


@transaction.atomic
def update_article(*, actor: User, article: Article, **values: Any) -> Article:
    """Change an article's text or where it shows; a published article stays published."""
    _require_change(actor, article)
    before = snapshot(article, FIELDS)
    _clean(article, values)
    article.save()
    changes = diff(before, snapshot(article, FIELDS))
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=article, changes=changes)
    index_record(article)
    return article


def _set_status(actor: User, article: Article, status: str) -> Article:
    if not can_publish(actor) or not is_permitted(actor, article, "view"):
        raise PermissionDenied
    if article.status == status:
        return article
    before = snapshot(article, FIELDS)
    article.status = status
    if status == ArticleStatus.PUBLISHED:
        article.published_at = timezone.now()
    article.save(update_fields=["status", "published_at", "updated_at"])
    record_audit(
        actor=actor,
        event=AuditEvent.CHANGE,
        obj=article,
        changes=diff(before, snapshot(article, FIELDS)),
    )
    index_record(article)
    return article


@transaction.atomic
def publish_article(*, actor: User, article: Article) -> Article:
    """Show the article: to staff, and on the public FAQ when it is public."""
    return _set_status(actor, article, ArticleStatus.PUBLISHED)


@transaction.atomic
def unpublish_article(*, actor: User, article: Article) -> Article:
    """Back to a draft: off the FAQ, the suggestions and the search box."""
    return _set_status(actor, article, ArticleStatus.DRAFT)


@transaction.atomic
def delete_article(*, actor: User, article: Article) -> None:
    """To the trash (restorable for 30 days), with its feedback kept until purged."""
    if not is_permitted(actor, article, "delete"):
        raise PermissionDenied
    if article.is_published and not can_publish(actor):
        raise PermissionDenied
    trash_record(actor=actor, obj=article)


def record_view(*, article: Article) -> None:
    """One more reader; a single UPDATE, so concurrent readers are all counted."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


@transaction.atomic
def record_feedback(
    *, article: Article, helpful: bool, source: str, language: str = ""
) -> ArticleFeedback:
    """A reader's answer to "did this answer your question?" on a published article.
    A yes is a deflection: the reader needed no ticket."""
    if source not in FeedbackSource.values:
        raise ValidationError({"source": _("Choose where the answer was given.")})
    if not article.is_published:
        raise ValidationError({"article": _("This article is not published.")})
    feedback = ArticleFeedback.objects.create(
        article=article, helpful=bool(helpful), source=source, language=language[:10]
    )
    counter = "helpful_yes" if helpful else "helpful_no"
    Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
    return feedback
