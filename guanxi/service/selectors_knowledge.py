"""Reading knowledge base articles: what staff may see, what the public FAQ shows, the
suggestions for a ticket, and the deflection counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from guanxi.core.access import get_for_or_404, restrict
from guanxi.service.models import Article, ArticleFeedback, Category, Ticket
from guanxi.service.models.knowledge import ArticleStatus, ArticleVisibility
from guanxi.service.search_knowledge import rank_articles
from guanxi.service.services.knowledge import can_publish

SUGGESTIONS = 5


def articles_visible_to(user: Any) -> QuerySet[Article]:
    """Staff: everything for those who publish; for others published articles and their
    own drafts."""
    articles = restrict(
        Article.objects.select_related("category", "product", "author"), user, "view"
    )
    if not can_publish(user):
        articles = articles.filter(Q(status=ArticleStatus.PUBLISHED) | Q(author=user))
    return articles


def get_article_for(user: Any, pk: Any, action: str = "view") -> Article:
    """The article if the user may ``action`` it, else 404."""
    return get_for_or_404(articles_visible_to(user), user, pk, action)


def filter_articles(
    articles: QuerySet[Article],
    *,
    q: str = "",
    status: str = "",
    visibility: str = "",
    language: str = "",
    category_id: Any = None,
    product_id: Any = None,
) -> QuerySet[Article]:
    """The list's filters; with ``q``, ranked by relevance (title matches first)."""
    if status:
        articles = articles.filter(status=status)
    if visibility:
        articles = articles.filter(visibility=visibility)
    if language:
        articles = articles.filter(language=language)
    if category_id:
        articles = articles.filter(category_id=category_id)
    if product_id:
        articles = articles.filter(product_id=product_id)
    if q.strip():
        return rank_articles(articles, q)
    return articles


def public_articles(language: str = "") -> QuerySet[Article]:
    """What anyone may read on the FAQ: published public articles (of one language)."""
    articles = Article.objects.filter(
        status=ArticleStatus.PUBLISHED, visibility=ArticleVisibility.PUBLIC
    ).select_related("category")
    return articles.filter(language=language) if language else articles


def get_public_article(pk: Any) -> Article | None:
    try:
        return public_articles().filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def search_public(text: str, language: str, limit: int = SUGGESTIONS) -> list[Article]:
    """The best public articles for what a visitor typed, in their language first."""
    return list(rank_articles(public_articles(), text, language=language)[:limit])


def faq_sections(language: str) -> list[tuple[Category | None, list[Article]]]:
    """The FAQ's table of contents: the language's public articles by category
    (uncategorised last), the most helpful first within each."""
    sections: dict[int | None, tuple[Category | None, list[Article]]] = {}
    for article in public_articles(language).order_by("-helpful_yes", "title", "pk"):
        key = article.category_id
        if key not in sections:
            sections[key] = (article.category, [])
        sections[key][1].append(article)
    return sorted(
        sections.values(), key=lambda section: (section[0] is None, str(section[0] or ""))
    )


def suggestions_for_ticket(
    user: Any, ticket: Ticket, text: str = "", limit: int = SUGGESTIONS
) -> list[Article]:
    """Published articles the agent may read matching the ticket's subject and first
    message (or the reply being typed), its category and product; the ticket's
    language first."""
    if not text.strip():
        first = ticket.messages.order_by("created_at", "pk").first()
        text = f"{ticket.subject}\n{first.body if first is not None else ''}"
    published = articles_visible_to(user).filter(status=ArticleStatus.PUBLISHED)
    ranked = rank_articles(
        published,
        text,
        category_id=ticket.category_id,
        product_id=ticket.product_id,
        language=ticket.language,
    )
    return list(ranked[:limit])


def deflections(since: datetime | None = None) -> dict[str, int]:
    """How many readers said an article answered their question (deflections) and how
    many said it did not, by where they read it, since a time (default: ever)."""
    feedback = ArticleFeedback.objects.all()
    if since is not None:
        feedback = feedback.filter(created_at__gte=since)
    counts = feedback.aggregate(
        deflected=Count("pk", filter=Q(helpful=True)),
        not_helpful=Count("pk", filter=Q(helpful=False)),
        from_help_form=Count("pk", filter=Q(helpful=True, source="help_form")),
        from_faq=Count("pk", filter=Q(helpful=True, source="faq")),
    )
    return {key: int(value or 0) for key, value in counts.items()}
