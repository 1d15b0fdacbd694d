"""Reads of surveys narrowed to what the user may see, the customer's survey by token,
and the CSAT and NPS summaries the survey page and the reports use."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from guanxi.core.access import get_for_or_404, restrict
from guanxi.core.choices import AuditEvent
from guanxi.core.models import AuditEntry
from guanxi.service.models import Survey, SurveyKind, Ticket

SATISFIED = 4  # CSAT 4 and 5 are satisfied
PROMOTER = 9  # NPS 9–10 promoters, 7–8 passives, 0–6 detractors
PASSIVE = 7
RATE_LIMIT = 5  # answers by token per survey ...
RATE_WINDOW = timedelta(minutes=10)  # ... in this window


def surveys_visible_to(user: Any, action: str = "view") -> QuerySet[Survey]:
    """The surveys the user may see (a trashed ticket's surveys are left out)."""
    live = Q(ticket__isnull=True) | Q(ticket__deleted_at__isnull=True)
    return (
        restrict(Survey.objects.filter(live), user, action)
        .select_related("ticket", "ticket__owner", "ticket__team", "contact", "account")
        .order_by("-sent_at", "-pk")
    )


def get_survey_for(user: Any, pk: Any) -> Survey:
    return get_for_or_404(surveys_visible_to(user), user, pk)


def survey_by_token(token: str) -> Survey:
    """The survey a customer's link points at; 404 for anything else."""
    if not token or len(token) < 20:
        raise Http404
    survey = Survey.objects.select_related("ticket").filter(token=token).first()
    if survey is None or (survey.ticket is not None and survey.ticket.is_trashed):
        raise Http404
    return survey


def is_rate_limited(survey: Survey) -> bool:
    """Whether the survey already took ``RATE_LIMIT`` answers in the window (every
    answer is an audit entry), so a leaked link cannot be hammered."""
    since = timezone.now() - RATE_WINDOW
    answers = AuditEntry.objects.filter(
        object_type="service.survey",
        object_id=str(survey.pk),
        event=AuditEvent.CHANGE,
        created_at__gte=since,
    )
    return answers.count() >= RATE_LIMIT


def surveys_of_ticket(user: Any, ticket: Ticket) -> QuerySet[Survey]:
    return surveys_visible_to(user).filter(ticket=ticket)


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_surveys(
    queryset: QuerySet[Survey],
    *,
    kind: str = "",
    score: int | None = None,
    answered: bool | None = None,
    team_id: Any = None,
    owner_id: Any = None,
    ticket_id: Any = None,
    contact_id: Any = None,
    account_id: Any = None,
    sent_from: date | None = None,
    sent_to: date | None = None,
    low: bool = False,
) -> QuerySet[Survey]:
    """Narrow by kind, exact score, answered or not, the ticket's team or agent, the
    customer and the day sent (``sent_to`` included); ``low`` keeps the answers at or
    below the follow-up thresholds."""
    for field, value in (
        ("kind", kind),
        ("ticket__team_id", team_id),
        ("ticket__owner_id", owner_id),
        ("ticket_id", ticket_id),
        ("contact_id", contact_id),
        ("account_id", account_id),
    ):
        if value:
            queryset = queryset.filter(**{field: value})
    if score is not None:
        queryset = queryset.filter(score=score)
    if answered is not None:
        queryset = queryset.filter(answered_at__isnull=not answered)
    if sent_from is not None:
        queryset = queryset.filter(sent_at__gte=_start(sent_from))
    if sent_to is not None:
        queryset = queryset.filter(sent_at__lt=_start(sent_to) + timedelta(days=1))
    if low:
        queryset = queryset.filter(
            Q(kind=SurveyKind.CSAT, score__lte=settings.SURVEY_LOW_CSAT)
            | Q(kind=SurveyKind.NPS, score__lte=settings.SURVEY_LOW_NPS)
        )
    return queryset


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def csat_summary(surveys: QuerySet[Survey]) -> dict[str, Any]:
    """Of the CSAT surveys in ``surveys``: how many were sent and answered, the response
    rate, the average score (1–5) and the share of satisfied answers (4–5), in %."""
    row = surveys.filter(kind=SurveyKind.CSAT).aggregate(
        sent=Count("pk"),
        answered=Count("pk", filter=Q(score__isnull=False)),
        satisfied=Count("pk", filter=Q(score__gte=SATISFIED)),
        average=Avg("score"),
    )
    return {
        "sent": row["sent"],
        "answered": row["answered"],
        "response_rate": _percent(row["answered"], row["sent"]),
        "average": round(row["average"], 2) if row["average"] is not None else None,
        "satisfied": row["satisfied"],
        "satisfied_percent": _percent(row["satisfied"], row["answered"]),
    }


def nps_summary(surveys: QuerySet[Survey]) -> dict[str, Any]:
    """Of the NPS surveys in ``surveys``: sent, answered, response rate, average (0–10),
    promoters (9–10), passives (7–8), detractors (0–6) and the NPS (% promoters − %
    detractors, −100 to 100; None without answers)."""
    row = surveys.filter(kind=SurveyKind.NPS).aggregate(
        sent=Count("pk"),
        answered=Count("pk", filter=Q(score__isnull=False)),
        promoters=Count("pk", filter=Q(score__gte=PROMOTER)),
        passives=Count("pk", filter=Q(score__gte=PASSIVE, score__lt=PROMOTER)),
        detractors=Count("pk", filter=Q(score__lt=PASSIVE)),
        average=Avg("score"),
    )
    answered = row["answered"]
    nps = round(100 * (row["promoters"] - row["detractors"]) / answered) if answered else None
    return {
        "sent": row["sent"],
        "answered": answered,
        "response_rate": _percent(answered, row["sent"]),
        "average": round(row["average"], 2) if row["average"] is not None else None,
        "promoters": row["promoters"],
        "passives": row["passives"],
        "detractors": row["detractors"],
        "nps": nps,
    }
