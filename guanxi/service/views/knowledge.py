"""The staff's knowledge base pages: the list, an article, writing and publishing, and
the suggestions shown while a ticket is answered (htmx)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.core.access import can, is_permitted
from guanxi.core.decorators import require_action
from guanxi.core.models import User
from guanxi.core.views.errors import add_service_errors
from guanxi.lib.listing import list_page
from guanxi.service.forms import ReplyForm
from guanxi.service.forms_knowledge import ArticleForm
from guanxi.service.models import Article, Category
from guanxi.service.models.knowledge import ArticleLanguage, ArticleStatus, ArticleVisibility
from guanxi.service.object_types import ARTICLE, TICKET
from guanxi.service.selectors import get_ticket_for
from guanxi.service.selectors_knowledge import (
    articles_visible_to,
    filter_articles,
    get_article_for,
    suggestions_for_ticket,
)
from guanxi.service.services import knowledge as services

SORTS = ("title", "updated_at", "view_count", "helpful_yes")


def _actor(request: HttpRequest) -> User:
    """The logged-in user (the decorators let no anonymous request through)."""
    return cast(User, request.user)


FILTERS = ("status", "visibility", "language", "category")


@require_action(ARTICLE, "view")
def kb_list(request: HttpRequest) -> HttpResponse:
    """Every article the user may read; searching ranks title matches first."""
    chosen = {name: request.GET.get(name, "").strip() for name in FILTERS}
    q = request.GET.get("q", "").strip()
    articles = filter_articles(
        articles_visible_to(request.user),
        q=q,
        status=chosen["status"] if chosen["status"] in ArticleStatus.values else "",
        visibility=chosen["visibility"] if chosen["visibility"] in ArticleVisibility.values else "",
        language=chosen["language"] if chosen["language"] in ArticleLanguage.values else "",
        category_id=chosen["category"] if chosen["category"].isdigit() else None,
    )
    if q:
        context = list_page(request, articles)  # ranked: no other order
    else:
        context = list_page(request, articles, sort_fields=SORTS, default_sort="-updated_at")
    context.update(
        q=q,
        chosen=chosen,
        statuses=ArticleStatus.choices,
        visibilities=ArticleVisibility.choices,
        languages=ArticleLanguage.choices,
        categories=Category.objects.order_by("name"),
        can_add=can(request.user, ARTICLE, "add"),
    )
    return render(request, "service/kb_list.html", context)


def _save(request: HttpRequest, form: ArticleForm, article: Article | None) -> Article | None:
    """Create or change the article from a valid form; errors go on the form."""
    data = dict(form.cleaned_data)
    publish = "publish" in request.POST
    try:
        if article is None:
            article = services.create_article(actor=_actor(request), publish=publish, **data)
        else:
            services.update_article(actor=_actor(request), article=article, **data)
            if publish:
                services.publish_article(actor=_actor(request), article=article)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    return article


@require_action(ARTICLE, "add")
def kb_create(request: HttpRequest) -> HttpResponse:
    language = "en" if (request.LANGUAGE_CODE or "").startswith("en") else "zh-hans"
    form = ArticleForm(request.POST or None, user=request.user, initial={"language": language})
    if request.method == "POST" and form.is_valid():
        if "publish" in request.POST and not services.can_publish(request.user):
            raise PermissionDenied
        article = _save(request, form, None)
        if article is not None:
            messages.success(request, _("The article was saved."))
            return redirect(article.get_absolute_url())
    context = {"form": form, "can_publish": services.can_publish(request.user)}
    return render(request, "service/kb_form.html", context, status=400 if form.errors else 200)


@require_action(ARTICLE, "view")
def kb_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_article_for(request.user, pk)
    publisher = services.can_publish(request.user)
    may_change = is_permitted(request.user, article, "change") and (
        publisher or not article.is_published
    )
    context: dict[str, Any] = {
        "article": article,
        "can_change": may_change,
        "can_publish": publisher,
        "can_delete": is_permitted(request.user, article, "delete")
        and (publisher or not article.is_published),
        "public_url": request.build_absolute_uri(article.get_public_url())
        if article.is_public
        else "",
        "feedback": article.feedback.all()[:20],
    }
    return render(request, "service/kb_detail.html", context)


@require_action(ARTICLE, "change")
def kb_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_article_for(request.user, pk, "change")
    if article.is_published and not services.can_publish(request.user):
        raise PermissionDenied
    form = ArticleForm(
        request.POST or None, user=request.user, initial=ArticleForm.initial_for(article)
    )
    if request.method == "POST" and form.is_valid():
        if "publish" in request.POST and not services.can_publish(request.user):
            raise PermissionDenied
        if _save(request, form, article) is not None:
            messages.success(request, _("The article was saved."))
            return redirect(article.get_absolute_url())
    context = {
        "form": form,
        "article": article,
        "can_publish": services.can_publish(request.user),
    }
    return render(request, "service/kb_form.html", context, status=400 if form.errors else 200)


@require_POST
@require_action(ARTICLE, "approve")
def kb_publish(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_article_for(request.user, pk)
    services.publish_article(actor=_actor(request), article=article)
    messages.success(request, _("The article is published."))
    return redirect(article.get_absolute_url())


@require_POST
@require_action(ARTICLE, "approve")
def kb_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_article_for(request.user, pk)
    services.unpublish_article(actor=_actor(request), article=article)
    messages.success(request, _("The article is a draft again."))
    return redirect(article.get_absolute_url())


@require_POST
@require_action(ARTICLE, "delete")
def kb_delete(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_article_for(request.user, pk, "delete")
    services.delete_article(actor=_actor(request), article=article)
    messages.success(request, _("The article was moved to the trash."))
    return redirect("service:kb_list")


# --- while answering a ticket (htmx) ----------------------------------------------------


@require_GET
@require_action(TICKET, "view")
def kb_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    """Articles for the ticket: from its subject and first message, or from the reply
    being typed (``body``) once it says something."""
    ticket = get_ticket_for(request.user, pk)
    typed = request.GET.get("body", "").strip()
    context = {
        "ticket": ticket,
        "suggestions": suggestions_for_ticket(request.user, ticket, typed),
        "can_reply": is_permitted(request.user, ticket, "change"),
    }
    return render(request, "service/kb_suggestions.html", context)


@require_GET
@require_action(TICKET, "change")
def kb_insert_link(request: HttpRequest, pk: int, article_pk: int) -> HttpResponse:
    """The reply box again, with the public article's link added at the end."""
    ticket = get_ticket_for(request.user, pk, "change")
    article = get_article_for(request.user, article_pk)
    body = request.GET.get("body", "").rstrip()
    if article.is_public:
        link = f"{article.title}: {request.build_absolute_uri(article.get_public_url())}"
        body = f"{body}\n\n{link}" if body else link
    form = ReplyForm(initial={"body": body})
    url = reverse("service:kb_suggest", args=[ticket.pk])
    return render(request, "service/kb_reply_body.html", {"field": form["body"], "url": url})
