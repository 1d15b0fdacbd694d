"""The customer's status page ``/t/<token>/``: no login, the secret link is the key.

Built like the public forms (``/f/<slug>/``): CSRF-protected, a honeypot field, a limit
of messages per ticket in a window, and the page in the ticket's language unless the
visitor chooses another (``?lang=``). Only public messages are shown, never notes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from guanxi.core.views.errors import add_service_errors
from guanxi.service.choices import Channel, MessageKind, TicketStatus
from guanxi.service.forms import PublicReplyForm
from guanxi.service.models import Ticket, TicketMessage
from guanxi.service.selectors import ticket_by_token
from guanxi.service.services.tickets import customer_message

HONEYPOT = "website_url"  # hidden from people; bots fill it in
RATE_LIMIT = 5  # messages from the status page per ticket ...
RATE_WINDOW = timedelta(minutes=10)  # ... in this window


def page_language(request: HttpRequest, ticket: Ticket) -> str:
    """``?lang=`` when it names a known language, else the ticket's language."""
    codes = {code for code, _label in settings.LANGUAGES}
    wanted = request.GET.get("lang", "")
    if wanted.lower() in ("zh", "zh-cn", "zh-hans"):
        return "zh-hans"
    if wanted in codes:
        return wanted
    return ticket.language if ticket.language in codes else settings.LANGUAGE_CODE


def is_rate_limited(ticket: Ticket) -> bool:
    """Whether the status page already took ``RATE_LIMIT`` messages on this ticket in the
    window (a leaked link cannot flood the agent)."""
    since = timezone.now() - RATE_WINDOW
    recent = TicketMessage.objects.filter(
        ticket=ticket, kind=MessageKind.CUSTOMER, channel=Channel.WEB, created_at__gte=since
    )
    return recent.count() >= RATE_LIMIT


def build_form(data: Any = None) -> PublicReplyForm:
    """The reply box and the honeypot, labelled in the page's language."""
    form = PublicReplyForm(data)
    form.fields[HONEYPOT] = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    return form


@never_cache
def ticket_public(request: HttpRequest, token: str) -> HttpResponse:
    """The ticket's number, subject, status and public conversation, and a box to
    answer (not on a closed ticket)."""
    ticket = ticket_by_token(token)
    language = page_language(request, ticket)
    here = reverse("service:ticket_public", args=[token])
    with translation.override(language):
        form = build_form(request.POST if request.method == "POST" else None)
        context: dict[str, Any] = {
            "ticket": ticket,
            "conversation": ticket.public_messages,  # type: ignore[attr-defined]
            "form": form,
            "honeypot": HONEYPOT,
            "language": language,
            "closed": ticket.status == TicketStatus.CLOSED,
            "sent": request.GET.get("sent") == "1",
        }
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data.get(HONEYPOT):
                # A bot: thank it like a person, keep nothing.
                return redirect(f"{here}?lang={language}&sent=1")
            if is_rate_limited(ticket):
                context["limited"] = True
                return render(request, "service/ticket_public.html", context, status=429)
            try:
                customer_message(ticket=ticket, body=form.cleaned_data["body"], channel="web")
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(f"{here}?lang={language}&sent=1")
        status = 400 if request.method == "POST" else 200
        return render(request, "service/ticket_public.html", context, status=status)
