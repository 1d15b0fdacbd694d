"""What the global search box knows of an order: its number, the ERP's number, the
customer, the products and the serial numbers sold (an agent types a serial number
and finds the order and the customer)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.search import Document, Searchable, register_searchable
from guanxi.lib.names import pinyin_of
from guanxi.sales.models import Order, SerialNumber
from guanxi.sales.object_types import ORDER


def order_document(order: Order) -> Document:
    account = order.account.name
    contact = order.contact.full_name if order.contact_id and order.contact else ""
    lines = list(order.lines.select_related("product"))
    serials = SerialNumber.objects.filter(line__order=order).values_list("serial", flat=True)
    return Document(
        title=order.number,
        subtitle=" · ".join(p for p in (account, str(order.order_date)) if p),
        terms=[
            order.number,
            order.external_id,
            account,
            pinyin_of(account),
            contact,
            *[line.product.sku for line in lines],
            *[line.description for line in lines],
            *serials,
        ],
    )


def register() -> None:
    register_searchable(
        Searchable(
            key=ORDER,
            label=_("Orders"),
            document=order_document,
            url=lambda pk: reverse("sales:order_detail", args=[pk]),
        )
    )
