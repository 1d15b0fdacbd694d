"""Survey pages: the staff list with its CSAT and NPS summary, one survey, sending an
NPS survey now, and the customer's answer page by token (no login).

The links in the e-mail open the answer page with the score chosen; the answer is
recorded only when the customer presses the button (a POST), so mail scanners and link
previews that follow every link never answer for them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from guanxi.core.access import can
from guanxi.core.decorators import require_action
from guanxi.core.models import Team, User
from guanxi.core.views.errors import add_service_errors
from guanxi.customers.models import ContactEmail
from guanxi.customers.selectors import contacts_visible_to
from guanxi.lib.listing import list_page
from guanxi.service.forms_surveys import HONEYPOT, SendNpsForm, SurveyAnswerForm
from guanxi.service.models import Survey, SurveyKind
from guanxi.service.object_types import SURVEY
from guanxi.service.selectors_surveys import (
    csat_summary,
    filter_surveys,
    get_survey_for,
    is_rate_limited,
    nps_summary,
    survey_by_token,
    surveys_visible_to,
)
from guanxi.service.services.surveys import answer_survey, is_low, is_open, send_nps

FILTERS = ("kind", "score", "answered", "team", "sent_from", "sent_to", "low")
SORTS = ("sent_at", "answered_at", "score", "kind")


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _filtered(request: HttpRequest, chosen: dict[str, str]) -> Any:
    score = chosen["score"]
    answered = {"yes": True, "no": False}.get(chosen["answered"])
    return filter_surveys(
        surveys_visible_to(request.user),
        kind=chosen["kind"] if chosen["kind"] in SurveyKind.values else "",
        score=int(score) if score.isdigit() else None,
        answered=answered,
        team_id=chosen["team"] if chosen["team"].isdigit() else None,
        sent_from=_day(chosen["sent_from"]),
        sent_to=_day(chosen["sent_to"]),
        low=bool(chosen["low"]),
    )


@require_action(SURVEY, "view")
def survey_list(request: HttpRequest) -> HttpResponse:
    """Every survey the user may see, filtered, with the CSAT % satisfied and the NPS of
    the filtered surveys."""
    chosen = {name: request.GET.get(name, "").strip() for name in FILTERS}
    surveys = _filtered(request, chosen)
    context = list_page(request, surveys, sort_fields=SORTS, default_sort="-sent_at")
    context.update(
        chosen=chosen,
        kinds=SurveyKind.choices,
        scores=range(0, 11),
        teams=Team.objects.only("pk", "name").order_by("name"),
        csat=csat_summary(surveys),
        nps=nps_summary(surveys),
        can_send=can(request.user, SURVEY, "add"),
    )
    return render(request, "service/survey_list.html", context)


@require_action(SURVEY, "view")
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_survey_for(request.user, pk)
    return render(
        request,
        "service/survey_detail.html",
        {"survey": survey, "low": is_low(survey), "open": is_open(survey)},
    )


@require_action(SURVEY, "add")
def survey_send(request: HttpRequest) -> HttpResponse:
    """Send an NPS survey now to a contact the user may see, found by e-mail address."""
    form = SendNpsForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        address = form.cleaned_data["email"]
        owners = ContactEmail.objects.filter(value__iexact=address).values("contact_id")
        contact = contacts_visible_to(request.user).filter(pk__in=owners).first()
        if contact is None:
            form.add_error("email", _("No contact you can see has this e-mail address."))
        else:
            try:
                survey = send_nps(actor=cast(User, request.user), contact=contact)
            except ValidationError as error:
                for text in error.message_dict.get("contact", error.messages):
                    form.add_error("email", text)
            else:
                messages.success(
                    request,
                    _("An NPS survey is on its way to %(name)s.") % {"name": contact.full_name},
                )
                return redirect(survey.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "service/survey_send.html", {"form": form}, status=status)


# --- the customer's answer page ----------------------------------------------------------------


def page_language(request: HttpRequest, survey: Survey) -> str:
    """``?lang=`` when it names a known language, else the survey's language."""
    codes = {code for code, _label in settings.LANGUAGES}
    wanted = request.GET.get("lang", "")
    if wanted.lower() in ("zh", "zh-cn", "zh-hans"):
        return "zh-hans"
    if wanted in codes:
        return wanted
    return survey.language if survey.language in codes else settings.LANGUAGE_CODE


def _initial(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    """The score of the link followed (``?score=``), else the answer given so far."""
    chosen = request.GET.get("score", "")
    scores = {str(n) for n in survey.scale}
    initial: dict[str, Any] = {"comment": survey.comment}
    if chosen in scores:
        initial["score"] = chosen
    elif survey.score is not None:
        initial["score"] = str(survey.score)
    return initial


@never_cache
def survey_public(request: HttpRequest, token: str) -> HttpResponse:
    """The question with the score of the link chosen; the answer is kept when the
    customer sends the form, and may be changed while the survey is open."""
    survey = survey_by_token(token)
    language = page_language(request, survey)
    here = reverse("service:survey_public", args=[token])
    with translation.override(language):
        data = request.POST if request.method == "POST" else None
        form = SurveyAnswerForm(data, survey=survey, initial=_initial(request, survey))
        context: dict[str, Any] = {
            "survey": survey,
            "form": form,
            "honeypot": HONEYPOT,
            "language": language,
            "is_csat": survey.kind == SurveyKind.CSAT,
            "open": is_open(survey),
            "thanks": request.GET.get("thanks") == "1",
            "low_label": survey.scale[0],
            "high_label": survey.scale[-1],
        }
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data.get(HONEYPOT):
                return redirect(f"{here}?lang={language}&thanks=1")
            if is_rate_limited(survey):
                context["limited"] = True
                return render(request, "service/survey_public.html", context, status=429)
            try:
                answer_survey(
                    survey=survey,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(f"{here}?lang={language}&thanks=1")
        status = 400 if request.method == "POST" else 200
        return render(request, "service/survey_public.html", context, status=status)
