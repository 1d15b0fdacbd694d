"""Demo survey answers: CSAT surveys on the demo's solved and closed tickets and NPS
surveys to customers with tickets, most of them answered (mostly well, a few low ones
with their follow-up tasks), dated in the past; no e-mail is sent.

Run after ``guanxi.service.demo.load_service``: ``load_surveys()``.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from guanxi.customers.models import Contact
from guanxi.service.choices import TicketStatus
from guanxi.service.models import Survey, SurveyKind, Ticket
from guanxi.service.services.surveys import answer_survey, contact_email, new_token

CSAT_SCORES = [5, 5, 5, 5, 4, 4, 4, 3, 2, 1]
NPS_SCORES = [10, 10, 9, 9, 9, 8, 8, 7, 6, 4, 2]
COMMENTS = {
    "good": ["谢谢，问题很快就解决了。", "Quick and friendly help.", "工程师很专业。", ""],
    "bad": ["等了太久才有人回复。", "The problem came back the next day.", "希望能更快一些。"],
}


def _comment(rng: random.Random, score: int, high: int) -> str:
    return rng.choice(COMMENTS["good"] if score * 10 >= high * 7 else COMMENTS["bad"])


@transaction.atomic
def load_surveys(*, seed: int = 2026, answered_share: float = 0.7) -> dict[str, int]:
    """Add a CSAT survey to each solved or closed demo ticket with a requester e-mail
    that has none, and an NPS survey to up to 40 of their contacts; answer about
    ``answered_share`` of them. Returns how many surveys and answers were made."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    now = timezone.now()
    made = answers = 0
    solved = (
        Ticket.objects.filter(status__in=[TicketStatus.SOLVED, TicketStatus.CLOSED])
        .exclude(requester_email="")
        .exclude(surveys__kind=SurveyKind.CSAT)
        .select_related("contact", "account", "owner")
        .order_by("pk")
    )
    for ticket in solved:
        survey = Survey.objects.create(
            kind=SurveyKind.CSAT,
            ticket=ticket,
            contact=ticket.contact,
            account=ticket.account,
            email=ticket.requester_email,
            language=ticket.language,
            token=new_token(),
            sent_at=ticket.solved_at or now,
            delivery="sent",
        )
        made += 1
        if rng.random() < answered_share:
            score = rng.choice(CSAT_SCORES)
            when = min(survey.sent_at + timedelta(hours=rng.randint(1, 72)), now)
            answer_survey(survey=survey, score=score, comment=_comment(rng, score, 5), now=when)
            answers += 1
    with_tickets = Ticket.objects.filter(contact__isnull=False).values("contact_id")
    for contact in Contact.objects.filter(pk__in=with_tickets).order_by("pk")[:40]:
        email = contact_email(contact)
        if not email or Survey.objects.filter(kind=SurveyKind.NPS, contact=contact).exists():
            continue
        survey = Survey.objects.create(
            kind=SurveyKind.NPS,
            contact=contact,
            email=email,
            language=contact.preferred_language or "zh-hans",
            token=new_token(),
            sent_at=now - timedelta(days=rng.randint(2, 80)),
            delivery="sent",
        )
        made += 1
        if rng.random() < answered_share:
            score = rng.choice(NPS_SCORES)
            when = survey.sent_at + timedelta(hours=rng.randint(1, 48))
            answer_survey(survey=survey, score=score, comment=_comment(rng, score, 10), now=when)
            answers += 1
    return {"surveys": made, "answers": answers}
