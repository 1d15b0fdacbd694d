"""The survey e-mail: the question with its scale as links (each opens the answer page
with that score chosen), in the survey's language, from the support address; safe to
run twice (only a queued survey goes)."""

from __future__ import annotations

from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from guanxi.service.models import Survey, SurveyKind
from guanxi.service.services.ticket_email import support_address


def answer_url(survey: Survey, score: int | None = None) -> str:
    """The public answer page, with ``score`` chosen when given."""
    url = settings.SITE_URL.rstrip("/") + reverse("service:survey_public", args=[survey.token])
    return f"{url}?score={score}" if score is not None else url


def email_context(survey: Survey) -> dict[str, Any]:
    return {
        "survey": survey,
        "ticket": survey.ticket,
        "is_csat": survey.kind == SurveyKind.CSAT,
        "choices": [(score, answer_url(survey, score)) for score in survey.scale],
        "url": answer_url(survey),
    }


def deliver_survey(survey_pk: int) -> bool:
    """Send a queued survey's e-mail; marks it sent or failed."""
    survey = Survey.objects.select_related("ticket").filter(pk=survey_pk, delivery="queued").first()
    if survey is None:
        return False
    context = email_context(survey)
    with translation.override(survey.language or settings.LANGUAGE_CODE):
        subject = render_to_string("service/survey_email_subject.txt", context).strip()
        text = render_to_string("service/survey_email.txt", context)
        html = render_to_string("service/survey_email.html", context)
    email = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=formataddr(("Guanxi", support_address())),
        to=[survey.email],
        reply_to=[support_address()],
    )
    email.attach_alternative(html, "text/html")
    try:
        email.send()
    except (OSError, ValueError):  # SMTP errors are OSErrors
        Survey.objects.filter(pk=survey.pk, delivery="queued").update(delivery="failed")
        return False
    Survey.objects.filter(pk=survey.pk, delivery="queued").update(delivery="sent")
    return True
