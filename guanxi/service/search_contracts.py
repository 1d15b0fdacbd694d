"""What the global search box knows of a service contract: its number and level, the
customer (account or consumer contact, with pinyin) and what it covers (serial numbers,
product SKUs and names). Who finds it is who may see the contract list (the search
narrows by the same ``restrict``); the contract services keep the document current."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.search import Document, Searchable, register_searchable
from guanxi.lib.names import pinyin_of
from guanxi.service.models import ServiceContract
from guanxi.service.object_types import CONTRACT


def customer_name(contract: ServiceContract) -> str:
    """The account's name, else the consumer contact's."""
    if contract.account_id and contract.account is not None:
        return contract.account.name
    if contract.contact_id and contract.contact is not None:
        return contract.contact.full_name
    return ""


def contract_document(contract: ServiceContract) -> Document:
    """Number and level; the customer; the units covered with their products, and the
    products listed."""
    customer = customer_name(contract)
    units = list(contract.serials.all())
    # The products listed, and those of the units listed ("which contracts cover T80s").
    products = {product.pk: product for product in contract.products.all()}
    products.update({unit.product.pk: unit.product for unit in units})
    period = f"{contract.starts_on:%Y-%m-%d} – {contract.ends_on:%Y-%m-%d}"
    return Document(
        title=f"{contract.number} {contract.name}",
        subtitle=" · ".join(p for p in (customer, period) if p),
        terms=[
            contract.number,
            contract.name,
            pinyin_of(contract.name),
            customer,
            pinyin_of(customer),
            *(unit.serial for unit in units),
            *(product.sku for product in products.values()),
            *(product.name for product in products.values()),
        ],
    )


def contracts_for_index() -> QuerySet[ServiceContract]:
    """Every contract with what its document reads, for a rebuild (three queries a
    batch for what they cover, not three a contract)."""
    return ServiceContract.objects.select_related("account", "contact").prefetch_related(
        "products", "serials__product"
    )


def register() -> None:
    register_searchable(
        Searchable(
            key=CONTRACT,
            label=_("Service contracts"),
            document=contract_document,
            url=lambda pk: reverse("service:contract_detail", args=[pk]),
            queryset=contracts_for_index,
        )
    )
