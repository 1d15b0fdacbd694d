"""Quotes on the timelines: a quote sent to the customer is a promise of prices (story
11), so the account's, the contact's (through the deal) and the deal's timelines show
it when it was sent, with its total, validity and where it stands now. Drafts are not
promises yet. Only quotes of deals the reader may see."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from guanxi.core.access import restrict
from guanxi.customers.models import Account, Contact
from guanxi.customers.timeline import Cursor, TimelineEntry, TimelineSource, before
from guanxi.sales.models import Deal, Quote

SOURCE = "quote"
KINDS = [("quote_sent", _lazy("Quote sent"))]


def quote_entries(
    user: Any, subject: Model, cursor: Cursor | None, limit: int, kinds: set[str] | None
) -> Sequence[TimelineEntry]:
    if isinstance(subject, Account):
        quotes = Quote.objects.filter(account=subject)
    elif isinstance(subject, Contact):
        quotes = Quote.objects.filter(deal__contact=subject)
    elif isinstance(subject, Deal):
        quotes = Quote.objects.filter(deal=subject)
    else:
        return []
    visible = restrict(quotes, user, "view").values("pk")
    rows = (
        Quote.objects.filter(pk__in=visible, sent_at__isnull=False)
        .filter(before(cursor, SOURCE, "sent_at"))
        .select_related("deal", "deal__owner")
        .order_by("-sent_at", "-pk")[:limit]
    )
    entries = []
    for quote in rows:
        assert quote.sent_at is not None
        parts = [
            f"{quote.currency} {quote.total:,.2f}",
            _("valid until %(day)s") % {"day": quote.valid_until.isoformat()},
            str(quote.get_status_display()),
        ]
        if quote.discount_total:
            parts.insert(1, _("discount %(amount)s") % {"amount": f"{quote.discount_total:,.2f}"})
        entries.append(
            TimelineEntry(
                at=quote.sent_at,
                source=SOURCE,
                id=quote.pk,
                kind="quote_sent",
                kind_label=str(KINDS[0][1]),
                title=_("Quote %(number)s sent for “%(deal)s”")
                % {"number": quote.number, "deal": quote.deal.name},
                body=" · ".join(parts),
                actor=str(quote.deal.owner),
                url=quote.get_absolute_url(),
                details={"quote_id": quote.pk, "status": quote.status},
            )
        )
    return entries


SOURCE_SPEC = TimelineSource(key=SOURCE, kinds=KINDS, fetch=quote_entries)


def register() -> None:
    """Put sent quotes on the customer timelines."""
    from guanxi.customers.timeline import register_source

    register_source(SOURCE_SPEC)
