"""Survey answers on the customer timelines: each CSAT and NPS answer the reader may
see, on the contact's and the account's timeline, when it was answered."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from guanxi.customers.models import Account, Contact
from guanxi.customers.timeline import Cursor, TimelineEntry, TimelineSource, before
from guanxi.service.models import SurveyKind
from guanxi.service.selectors_surveys import surveys_visible_to

SOURCE = "survey"
KINDS = [
    ("survey_csat", _lazy("Satisfaction answer (CSAT)")),
    ("survey_nps", _lazy("Recommendation answer (NPS)")),
]
KIND_OF = {SurveyKind.CSAT: "survey_csat", SurveyKind.NPS: "survey_nps"}


def survey_entries(
    user: Any, subject: Model, cursor: Cursor | None, limit: int, kinds: set[str] | None
) -> Sequence[TimelineEntry]:
    if isinstance(subject, Account):
        surveys = surveys_visible_to(user).filter(account=subject)
    elif isinstance(subject, Contact):
        surveys = surveys_visible_to(user).filter(contact=subject)
    else:
        return []
    wanted = [kind for kind, name in KIND_OF.items() if kinds is None or name in kinds]
    rows = (
        surveys.filter(kind__in=wanted, answered_at__isnull=False)
        .filter(before(cursor, SOURCE, "answered_at"))
        .order_by("-answered_at", "-pk")[:limit]
    )
    entries = []
    for row in rows:
        kind = KIND_OF[SurveyKind(row.kind)]
        if row.kind == SurveyKind.CSAT and row.ticket is not None:
            title = _("Rated ticket %(number)s %(score)s of 5") % {
                "number": row.ticket.number,
                "score": row.score,
            }
        else:
            title = _("Would recommend us: %(score)s of 10") % {"score": row.score}
        entries.append(
            TimelineEntry(
                at=row.answered_at,  # type: ignore[arg-type]
                source=SOURCE,
                id=row.pk,
                kind=kind,
                kind_label=str(dict(KINDS)[kind]),
                title=title,
                body=Truncator(row.comment).chars(400),
                actor=str(row.contact) if row.contact else row.email,
                url=row.get_absolute_url(),
                details={"score": row.score, "ticket_id": row.ticket_id},
            )
        )
    return entries


def register() -> None:
    from guanxi.customers.timeline import register_source

    register_source(TimelineSource(key=SOURCE, kinds=KINDS, fetch=survey_entries))
