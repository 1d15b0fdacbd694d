"""The knowledge base's rows in the permission matrix: the staff's article pages and
API, the suggestions on a ticket, and the public help form and FAQ (anyone).

Articles here are drafts by the acting user, so agents (who change their own drafts)
are allowed to edit and delete them; publishing needs the approval right (service
managers, administrators). Who sees whose drafts is tested in test_knowledge_*.py.
"""

from __future__ import annotations

from typing import Any

from guanxi.service.models import Article, ArticleFeedback
from guanxi.testing.knowledge import make_article
from guanxi.testing.matrix import EVERYONE, PUBLIC, Case
from guanxi.testing.service import make_ticket

WRITERS = frozenset({"administrator", "service_manager", "service_agent"})
PUBLISHERS = frozenset({"administrator", "service_manager"})
WORKERS = frozenset({"administrator", "service_manager", "service_agent"})
ARTICLE = {
    "title": "Matrix article",
    "body": "Text",
    "language": "en",
    "visibility": "public",
}


def _writes(actor: Any) -> bool:
    """Whether the actor may write articles (and so own a draft)."""
    if actor is None:
        return False
    return actor.is_superuser or bool(set(actor.roles.values_list("code", flat=True)) & WRITERS)


def own_draft(actor: Any) -> dict[str, Any]:
    """The actor's own draft when they write articles, else a service manager's."""
    return {"pk": make_article(author=actor if _writes(actor) else None, publish=False).pk}


def published(actor: Any) -> dict[str, Any]:
    return {"pk": make_article().pk}


def own_ticket(actor: Any) -> dict[str, Any]:
    return {"pk": make_ticket(owner=actor).pk}


def ticket_and_article(actor: Any) -> dict[str, Any]:
    return {"pk": make_ticket(owner=actor).pk, "article_pk": make_article().pk}


def api_draft(actor: Any) -> dict[str, Any]:
    return {"article_id": own_draft(actor)["pk"]}


def api_published(actor: Any) -> dict[str, Any]:
    return {"article_id": make_article().pk}


def api_ticket(actor: Any) -> dict[str, Any]:
    return {"ticket_id": make_ticket(owner=actor).pk}


PAGES: dict[str, Case] = {
    "service:kb_list": Case("GET", EVERYONE, data={"q": "打印", "language": "en"}),
    "service:kb_create": Case("POST", WRITERS, data=ARTICLE),
    "service:kb_detail": Case("GET", EVERYONE, kwargs=published),
    "service:kb_edit": Case("POST", WRITERS, kwargs=own_draft, data=ARTICLE),
    "service:kb_publish": Case("POST", PUBLISHERS, kwargs=own_draft),
    "service:kb_unpublish": Case("POST", PUBLISHERS, kwargs=published),
    "service:kb_delete": Case("POST", WRITERS, kwargs=own_draft),
    "service:kb_suggest": Case("GET", EVERYONE, kwargs=own_ticket, data={"body": "卡纸"}),
    "service:kb_insert_link": Case("GET", WORKERS, kwargs=ticket_and_article),
    "service:help_form": Case("GET", PUBLIC),
    "service:help_suggest": Case("GET", PUBLIC, data={"description": "卡纸"}),
    "service:faq_index": Case("GET", PUBLIC, data={"q": "卡纸"}),
    "service:faq_article": Case("GET", PUBLIC, kwargs=published),
    "service:faq_feedback": Case("POST", PUBLIC, kwargs=published, data={"answer": "yes"}),
}

OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/kb/articles"): Case("GET", EVERYONE),
    ("POST", "/api/v1/kb/articles"): Case("POST", WRITERS, data={"title": "T", "body": "B"}),
    ("GET", "/api/v1/kb/articles/{article_id}"): Case("GET", EVERYONE, kwargs=api_published),
    ("PATCH", "/api/v1/kb/articles/{article_id}"): Case(
        "PATCH", WRITERS, kwargs=api_draft, data={"title": "Changed"}
    ),
    ("DELETE", "/api/v1/kb/articles/{article_id}"): Case("DELETE", WRITERS, kwargs=api_draft),
    ("POST", "/api/v1/kb/articles/{article_id}/publish"): Case(
        "POST", PUBLISHERS, kwargs=api_draft
    ),
    ("POST", "/api/v1/kb/articles/{article_id}/unpublish"): Case(
        "POST", PUBLISHERS, kwargs=api_published
    ),
    ("GET", "/api/v1/kb/search"): Case("GET", EVERYONE, query=lambda actor: {"q": "卡纸"}),
    ("GET", "/api/v1/kb/suggestions"): Case(
        "GET", EVERYONE, query=lambda actor: {"ticket_id": make_ticket(owner=actor).pk}
    ),
    ("POST", "/api/v1/kb/articles/{article_id}/feedback"): Case(
        "POST", EVERYONE, kwargs=api_published, data={"helpful": True}
    ),
    ("GET", "/api/v1/kb/deflections"): Case("GET", EVERYONE),
}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return (
        sorted(
            Article.all_objects.values_list("pk", "title", "status", "visibility", "deleted_at")
        ),
        ArticleFeedback.objects.count(),
    )
