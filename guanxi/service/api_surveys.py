"""The API of the service module's surveys: the surveys the caller may see and their
CSAT/NPS summary, one survey, sending an NPS survey to a contact now, and the
customer's answer by token (no authentication: the token is the key, as on the
answer page, with the same rate limit)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from guanxi.core.access import require
from guanxi.customers.selectors import contacts_visible_to
from guanxi.integrations.api.calls import call_service, caller
from guanxi.integrations.api.pagination import keyset_page
from guanxi.service.models import SurveyKind
from guanxi.service.object_types import SURVEY
from guanxi.service.schemas_surveys import (
    SurveyAnswerIn,
    SurveyAnswerSchema,
    SurveyPage,
    SurveySchema,
    SurveySummarySchema,
)
from guanxi.service.selectors_surveys import (
    csat_summary,
    filter_surveys,
    get_survey_for,
    is_rate_limited,
    nps_summary,
    survey_by_token,
    surveys_visible_to,
)
from guanxi.service.services.surveys import answer_survey, send_nps

router = Router(tags=["Surveys"])

SORTS = ("pk", "sent_at")


def _filtered(request: HttpRequest, **filters: Any) -> Any:
    kind = filters.pop("kind")
    if kind and kind not in SurveyKind.values:
        raise ValidationError({"kind": _("Choose one of: %(values)s.") % {"values": "csat, nps"}})
    return filter_surveys(surveys_visible_to(request.user), kind=kind, **filters)


@router.get("/surveys", response=SurveyPage, summary="List satisfaction surveys")
def list_surveys(
    request: HttpRequest,
    kind: str = Query("", description="csat or nps"),
    score: int | None = None,
    answered: bool | None = Query(None, description="true: answered only; false: unanswered"),
    team_id: int | None = Query(None, description="The ticket's team"),
    owner_id: int | None = Query(None, description="The ticket's agent"),
    ticket_id: int | None = None,
    contact_id: int | None = None,
    account_id: int | None = None,
    sent_from: date | None = None,
    sent_to: date | None = None,
    sort: str = "-sent_at",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    """The surveys the caller may see: an agent their own tickets', a service manager
    their teams' tickets', analysts and administrators all (NPS surveys included)."""
    require(request.user, SURVEY, "view")
    queryset = _filtered(
        request,
        kind=kind,
        score=score,
        answered=answered,
        team_id=team_id,
        owner_id=owner_id,
        ticket_id=ticket_id,
        contact_id=contact_id,
        account_id=account_id,
        sent_from=sent_from,
        sent_to=sent_to,
    )
    items, next_cursor = keyset_page(queryset, cursor=cursor, limit=limit, sort=sort, allowed=SORTS)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/surveys/summary", response=SurveySummarySchema, summary="CSAT and NPS summary")
def survey_summary(
    request: HttpRequest,
    team_id: int | None = Query(None, description="The ticket's team"),
    owner_id: int | None = Query(None, description="The ticket's agent"),
    account_id: int | None = None,
    sent_from: date | None = None,
    sent_to: date | None = None,
) -> Any:
    """Of the surveys the caller may see, sent in the period: the CSAT response rate,
    average and % satisfied (4–5), and the NPS (% promoters − % detractors)."""
    require(request.user, SURVEY, "view")
    queryset = _filtered(
        request,
        kind="",
        team_id=team_id,
        owner_id=owner_id,
        account_id=account_id,
        sent_from=sent_from,
        sent_to=sent_to,
    )
    return {"csat": csat_summary(queryset), "nps": nps_summary(queryset)}


@router.get("/surveys/{survey_id}", response=SurveySchema, summary="One survey")
def get_survey(request: HttpRequest, survey_id: int) -> Any:
    require(request.user, SURVEY, "view")
    return get_survey_for(request.user, survey_id)


@router.post(
    "/contacts/{contact_id}/nps-survey",
    response={201: SurveySchema},
    summary="Send an NPS survey to a contact now",
)
def send_nps_survey(request: HttpRequest, contact_id: int) -> Any:
    """E-mails the contact the 0–10 question in their language. Refused (on
    ``path.contact_id``) without an e-mail address, after a withdrawn e-mail consent,
    or when the contact was asked within the NPS interval."""
    require(request.user, SURVEY, "add")
    contact = contacts_visible_to(request.user).filter(pk=contact_id).first()
    if contact is None:
        raise Http404
    survey = call_service(
        lambda: send_nps(actor=caller(request), contact=contact),
        path={"contact": "contact_id"},
    )
    return Status(201, survey)


@router.post(
    "/surveys/answer/{code}",
    response=SurveyAnswerSchema,
    auth=None,
    summary="Answer a survey (the customer, by token)",
)
def answer_by_token(request: HttpRequest, code: str, payload: SurveyAnswerIn) -> Any:
    """No authentication: ``code`` is the token of the survey's link (the last part of
    ``/s/<token>/``), the key to this one survey. Answering again
    changes the answer while the survey is open; 429 after too many answers in a few
    minutes; 404 for an unknown token."""
    survey = survey_by_token(code)
    if is_rate_limited(survey):
        raise HttpError(429, _("Too many answers in the last few minutes; try again later."))
    return call_service(
        lambda: answer_survey(survey=survey, score=payload.score, comment=payload.comment)
    )
