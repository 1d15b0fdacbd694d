"""The customer's self-service pages, no login: the help form (``/help/``, story 15), the
FAQ (``/help/faq/``) and "did this answer your question?" (story 20).

The help form is the public form with the address ``help`` (kind "ticket"): the same
CSRF protection, honeypot, per-address limit and stored submission as every public
form. While the customer describes the problem, matching public articles appear
(htmx, debounced); one that solves it is counted as a deflection and no ticket opens.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from guanxi.core.auth import client_ip
from guanxi.core.public_forms import form_kind
from guanxi.core.services.public_forms import RateLimited, submit_public_form
from guanxi.core.views.errors import add_service_errors
from guanxi.core.views.public_forms import CONSENT, HONEYPOT, build_form
from guanxi.service.forms_knowledge import FeedbackForm
from guanxi.service.models import Ticket
from guanxi.service.models.knowledge import FeedbackSource
from guanxi.service.selectors_knowledge import (
    faq_sections,
    get_public_article,
    search_public,
)
from guanxi.service.services.help_form import help_public_form
from guanxi.service.services.knowledge import record_feedback, record_view

MAX_TYPED = 2000  # characters of a description used to suggest articles
VOTED = "kb_voted"  # the session's list of articles it answered for (one answer each)
# The ticket's fields as the help form names them, for the ticket service's errors.
FIELD_NAMES = {
    "subject": "description",
    "body": "description",
    "requester_email": "email",
    "requester_name": "name",
    "product": "product",
    "serial": "product",
}


def visitor_language(request: HttpRequest) -> str:
    """``?lang=`` when it names a known language, else what the browser asked for."""
    wanted = request.GET.get("lang", "")
    codes = {code for code, _label in settings.LANGUAGES}
    if wanted.lower() in ("zh", "zh-cn", "zh-hans"):
        return "zh-hans"
    if wanted in codes:
        return wanted
    found = translation.get_language_from_request(request)
    return "zh-hans" if found.startswith("zh") else found


def _renamed(error: ValidationError) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict[str, list[str]] = {}
    for key, messages in error.message_dict.items():
        renamed.setdefault(FIELD_NAMES.get(key, key), []).extend(messages)
    return ValidationError(renamed)


@never_cache
def help_form(request: HttpRequest) -> HttpResponse:
    """Describe the problem; see answers appear; send it as a ticket if none helps."""
    public = help_public_form()
    handler = form_kind(public.kind)
    if handler is None or not public.is_active:
        raise Http404
    language = visitor_language(request)
    with translation.override(language):
        form = build_form(public, handler, request.POST if request.method == "POST" else None)
        if "description" in form.fields:
            form.fields["description"].widget.attrs.update(
                {
                    "hx-get": reverse("service:help_suggest") + f"?lang={language}",
                    "hx-trigger": "input changed delay:400ms, load",
                    "hx-target": "#help-suggestions",
                    "hx-sync": "this:replace",
                    "rows": 6,
                }
            )
        context: dict[str, Any] = {
            "public": public,
            "heading": public.in_language(public.title, public.title_zh) or public.name,
            "form": form,
            "honeypot": HONEYPOT,
            "language": language,
        }
        if request.method == "POST" and form.is_valid():
            answers = dict(form.cleaned_data)
            if answers.pop(HONEYPOT, ""):
                # A bot: thank it like a person, keep nothing.
                return render(request, "service/help_done.html", context)
            consent = bool(answers.pop(CONSENT, False))
            try:
                submission = submit_public_form(
                    form=public,
                    data=answers,
                    consent_given=consent,
                    consent_wording=str(form.fields[CONSENT].label) if consent else "",
                    ip_address=client_ip(request),
                    user_agent=request.headers.get("User-Agent", ""),
                    language=language,
                )
            except RateLimited:
                context["limited"] = True
                return render(request, "service/help_form.html", context, status=429)
            except ValidationError as error:
                add_service_errors(form, _renamed(error))
            else:
                ticket = Ticket.objects.get(pk=submission.result_id)
                context["ticket"] = ticket
                context["status_url"] = (
                    reverse("service:ticket_public", args=[ticket.public_token])
                    + f"?lang={language}"
                )
                context["message"] = public.in_language(
                    public.success_message, public.success_message_zh
                )
                return render(request, "service/help_done.html", context)
        status = 400 if request.method == "POST" else 200
        return render(request, "service/help_form.html", context, status=status)


@require_GET
def help_suggest(request: HttpRequest) -> HttpResponse:
    """The public articles matching what the customer has typed so far (htmx)."""
    language = visitor_language(request)
    typed = request.GET.get("description", "")[:MAX_TYPED]
    with translation.override(language):
        context = {
            "suggestions": search_public(typed, language) if typed.strip() else [],
            "typed": bool(typed.strip()),
            "language": language,
        }
        return render(request, "service/help_suggestions.html", context)


# --- the FAQ ------------------------------------------------------------------------------


@require_GET
def faq_index(request: HttpRequest) -> HttpResponse:
    """The public articles of the visitor's language by category, or those matching
    the visitor's search, best first."""
    language = visitor_language(request)
    q = request.GET.get("q", "").strip()[:200]
    with translation.override(language):
        context = {
            "language": language,
            "q": q,
            "results": search_public(q, language, limit=20) if q else None,
            "sections": [] if q else faq_sections(language),
        }
        return render(request, "service/faq_index.html", context)


def _voted(request: HttpRequest) -> list[int]:
    return list(request.session.get(VOTED, []))


@require_GET
def faq_article(request: HttpRequest, pk: int) -> HttpResponse:
    """One public article; each visit counts as a view."""
    article = get_public_article(pk)
    if article is None:
        raise Http404
    language = visitor_language(request) if "lang" in request.GET else article.language
    record_view(article=article)
    source = FeedbackSource.HELP_FORM if request.GET.get("from") == "help" else FeedbackSource.FAQ
    with translation.override(language):
        context = {
            "article": article,
            "language": language,
            "source": source,
            "answered": request.GET.get("answered", ""),
            "already": article.pk in _voted(request),
        }
        return render(request, "service/faq_article.html", context)


@require_POST
def faq_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Did this answer your question?": stored once per article and visitor session. A
    yes from the help form ends there (no ticket); a no goes back to where it came from."""
    article = get_public_article(pk)
    if article is None:
        raise Http404
    language = visitor_language(request)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return redirect(f"{article.get_public_url()}?lang={language}")
    helpful = form.cleaned_data["answer"] == "yes"
    source = request.POST.get("source", "")
    source = source if source in (FeedbackSource.FAQ, FeedbackSource.HELP_FORM) else "faq"
    voted = _voted(request)
    if article.pk not in voted:
        record_feedback(article=article, helpful=helpful, source=source, language=language)
        request.session[VOTED] = [*voted, article.pk][-200:]
    if helpful and source == FeedbackSource.HELP_FORM:
        with translation.override(language):
            context = {"article": article, "language": language}
            return render(request, "service/help_solved.html", context)
    answered = "yes" if helpful else "no"
    suffix = "&from=help" if source == FeedbackSource.HELP_FORM else ""
    return redirect(f"{article.get_public_url()}?lang={language}&answered={answered}{suffix}")
