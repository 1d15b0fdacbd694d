"""Deleting an order for good (an import's rollback): lines and serials go with it, the
audit log keeps what it held, the search forgets it; returned-on orders stay."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from guanxi.core.choices import AuditEvent
from guanxi.core.models import AuditEntry, SearchDocument
from guanxi.sales.models import Order, OrderLine
from guanxi.sales.services.orders import delete_order
from guanxi.sales.services.returns import ReturnItem, record_return
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import make_price_list, make_product
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_user(role="administrator")


def _order(admin):
    product = make_product(actor=admin)
    make_price_list(prices={product: "100"})
    return make_order(actor=admin, lines=[(product, 2)], confirm=True)


def test_delete_order_removes_it_with_its_lines_audits_and_unindexes_it(admin):
    order = _order(admin)
    order_id, number = order.pk, order.number
    assert SearchDocument.objects.filter(object_type="sales.order", object_id=order_id).exists()

    delete_order(actor=admin, order=order)

    assert not Order.objects.filter(pk=order_id).exists()
    assert not OrderLine.objects.filter(order_id=order_id).exists()
    assert not SearchDocument.objects.filter(object_type="sales.order", object_id=order_id)
    entry = AuditEntry.objects.get(event=AuditEvent.DELETE, object_id=str(order_id))
    assert (entry.actor, entry.object_type) == (admin, "sales.order")
    assert entry.changes["number"] == [number, None]


def test_an_order_goods_were_returned_on_cannot_be_deleted(admin):
    order = _order(admin)
    record_return(
        actor=admin,
        order=order,
        reason="损坏",
        items=[ReturnItem(line=order.lines.first(), quantity=1)],
        return_date=date.today(),
    )

    with pytest.raises(ValidationError):
        delete_order(actor=admin, order=order)

    assert Order.objects.filter(pk=order.pk).exists()
    assert not AuditEntry.objects.filter(event=AuditEvent.DELETE, object_type="sales.order")
