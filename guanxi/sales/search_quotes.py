"""What the global search box knows of a quote: its number, deal and customer."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.search import Document, Searchable, register_searchable
from guanxi.lib.names import pinyin_of
from guanxi.sales.models import Quote
from guanxi.sales.object_types import QUOTE


def quote_document(quote: Quote) -> Document:
    account = quote.account.name
    return Document(
        title=quote.number,
        subtitle=" · ".join((quote.deal.name, account)),
        terms=[quote.number, quote.deal.name, account, pinyin_of(account)],
    )


def register() -> None:
    register_searchable(
        Searchable(
            key=QUOTE,
            label=_("Quotes"),
            document=quote_document,
            url=lambda pk: reverse("sales:quote_detail", args=[pk]),
        )
    )
