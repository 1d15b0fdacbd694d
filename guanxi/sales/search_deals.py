"""What the global search box knows of a deal: its name, account, contact, stage,
competitors, next step, tags and custom fields."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core import custom_fields
from guanxi.core.search import Document, Searchable, register_searchable
from guanxi.lib.names import compact, initials_of, pinyin_of
from guanxi.sales.models import Deal
from guanxi.sales.object_types import DEAL


def deal_document(deal: Deal) -> Document:
    account = deal.account.name if deal.account_id else ""
    contact = deal.contact.full_name if deal.contact_id and deal.contact else ""
    stage = deal.stage.name
    return Document(
        title=deal.name,
        subtitle=" · ".join(p for p in (account, stage) if p),
        terms=[
            deal.name,
            pinyin_of(deal.name),
            compact(deal.name),
            initials_of(deal.name),
            account,
            pinyin_of(account),
            contact,
            deal.competitors,
            deal.next_step,
            *[tag.name for tag in deal.tags.order_by("name")],
            *custom_fields.search_terms(DEAL, deal.custom_fields),
        ],
    )


def register() -> None:
    register_searchable(
        Searchable(
            key=DEAL,
            label=_("Deals"),
            document=deal_document,
            url=lambda pk: reverse("sales:deal_detail", args=[pk]),
        )
    )
