"""Service contracts on the customer timelines: "contract X started" on its first day and
"contract X ends" (or "ended") on its last, for the account's contracts (or a consumer
contact's), when the reader may see contracts. A future end date is an entry of that
date, so the timeline shows when the cover runs out.

Two sources, one query each: a contract gives two entries, and the timeline's cursor
tells entries apart by source and id. The dates are placed at midnight (the default
time zone) of their day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from guanxi.core.access import restrict
from guanxi.customers.models import Account, Contact
from guanxi.customers.timeline import Cursor, TimelineEntry, TimelineSource
from guanxi.service.models import ServiceContract

START_SOURCE = "contract_start"
END_SOURCE = "contract_end"
START_KIND = "contract_start"
END_KIND = "contract_end"
START_KINDS = [(START_KIND, _lazy("Service contract started"))]
END_KINDS = [(END_KIND, _lazy("Service contract ended"))]


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the default time zone."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def before_day(cursor: Cursor | None, source: str, field: str) -> Q:
    """``customers.timeline.before`` for entries placed at the midnight of a date field:
    a cursor later in a day lets that whole day through; a cursor at midnight breaks
    the tie by source, then id."""
    if cursor is None:
        return Q()
    at = cursor.at
    if timezone.is_naive(at):
        at = timezone.make_aware(at, timezone.get_default_timezone())
    day = timezone.localtime(at, timezone.get_default_timezone()).date()
    if at > day_start(day) or source < cursor.source:
        return Q(**{f"{field}__lte": day})
    if source > cursor.source:
        return Q(**{f"{field}__lt": day})
    return Q(**{f"{field}__lt": day}) | Q(**{field: day, "pk__lt": cursor.id})


def _contracts(user: Any, subject: Model) -> QuerySet[ServiceContract] | None:
    if isinstance(subject, Account):
        contracts = ServiceContract.objects.filter(account=subject)
    elif isinstance(subject, Contact):
        contracts = ServiceContract.objects.filter(contact=subject)
    else:
        return None
    return restrict(contracts, user, "view")


def _body(contract: ServiceContract) -> str:
    parts = [
        _("%(start)s to %(end)s")
        % {"start": f"{contract.starts_on:%Y-%m-%d}", "end": f"{contract.ends_on:%Y-%m-%d}"}
    ]
    if contract.response_hours:
        parts.append(_("response within %(hours)s h") % {"hours": contract.response_hours})
    return " · ".join(parts)


def _entries(
    user: Any,
    subject: Model,
    cursor: Cursor | None,
    limit: int,
    *,
    source: str,
    field: str,
) -> list[ServiceContract]:
    contracts = _contracts(user, subject)
    if contracts is None:
        return []
    return list(
        contracts.filter(before_day(cursor, source, field))
        .select_related("created_by")
        .order_by(f"-{field}", "-pk")[:limit]
    )


def start_entries(
    user: Any, subject: Model, cursor: Cursor | None, limit: int, kinds: set[str] | None
) -> Sequence[TimelineEntry]:
    if kinds is not None and START_KIND not in kinds:
        return []
    today = timezone.localdate()
    rows = _entries(user, subject, cursor, limit, source=START_SOURCE, field="starts_on")
    return [
        TimelineEntry(
            at=day_start(contract.starts_on),
            source=START_SOURCE,
            id=contract.pk,
            kind=START_KIND,
            kind_label=str(START_KINDS[0][1]),
            title=(
                _("Contract %(number)s (%(level)s) started")
                if contract.starts_on <= today
                else _("Contract %(number)s (%(level)s) starts")
            )
            % {"number": contract.number, "level": contract.name},
            body=_body(contract),
            actor=str(contract.created_by) if contract.created_by else "",
            url=contract.get_absolute_url(),
            details=_details(contract),
        )
        for contract in rows
    ]


def end_entries(
    user: Any, subject: Model, cursor: Cursor | None, limit: int, kinds: set[str] | None
) -> Sequence[TimelineEntry]:
    if kinds is not None and END_KIND not in kinds:
        return []
    today = timezone.localdate()
    rows = _entries(user, subject, cursor, limit, source=END_SOURCE, field="ends_on")
    return [
        TimelineEntry(
            at=day_start(contract.ends_on),
            source=END_SOURCE,
            id=contract.pk,
            kind=END_KIND,
            kind_label=str(END_KINDS[0][1]),
            # The last day is still covered: it has "ended" only from the day after.
            title=(
                _("Contract %(number)s (%(level)s) ended")
                if contract.ends_on < today
                else _("Contract %(number)s (%(level)s) ends")
            )
            % {"number": contract.number, "level": contract.name},
            body=_body(contract),
            url=contract.get_absolute_url(),
            details=_details(contract),
        )
        for contract in rows
    ]


def _details(contract: ServiceContract) -> dict[str, Any]:
    return {
        "contract_id": contract.pk,
        "starts_on": contract.starts_on.isoformat(),
        "ends_on": contract.ends_on.isoformat(),
    }


def register() -> None:
    from guanxi.customers.timeline import register_source

    register_source(TimelineSource(key=START_SOURCE, kinds=START_KINDS, fetch=start_entries))
    register_source(TimelineSource(key=END_SOURCE, kinds=END_KINDS, fetch=end_entries))
