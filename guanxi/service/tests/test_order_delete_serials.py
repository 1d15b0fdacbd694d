"""An order whose serial numbers a ticket or a service contract refers to cannot be
deleted (an import's rollback deletes orders): the ticket would lose its unit and the
contract its coverage without a trace."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from guanxi.sales.models import Order, SerialNumber
from guanxi.sales.services.orders import delete_order, serials_referenced
from guanxi.testing.customers import make_account
from guanxi.testing.routing import make_contract, make_unit
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_user(role="administrator")


def _order_of(unit: SerialNumber) -> Order:
    return unit.line.order


def test_an_order_with_a_unit_on_a_ticket_cannot_be_deleted(admin):
    unit = make_unit("SN-1")
    ticket = make_ticket(serial=unit)
    order = _order_of(unit)

    with pytest.raises(ValidationError) as error:
        delete_order(actor=admin, order=order)

    assert "serial numbers" in str(error.value.message_dict["order"])
    assert Order.objects.filter(pk=order.pk).exists()
    ticket.refresh_from_db()
    assert ticket.serial == unit


def test_an_order_with_a_unit_under_a_service_contract_cannot_be_deleted(admin):
    account = make_account(owner=admin)
    unit = make_unit("SN-2", account=account)
    contract = make_contract(account=account, serials=[unit])

    assert serials_referenced(_order_of(unit))
    with pytest.raises(ValidationError):
        delete_order(actor=admin, order=_order_of(unit))

    assert list(contract.serials.all()) == [unit]


def test_an_order_whose_units_nothing_refers_to_is_deleted(admin):
    unit = make_unit("SN-3")
    order = _order_of(unit)

    assert not serials_referenced(order)
    delete_order(actor=admin, order=order)

    assert not Order.objects.filter(pk=order.pk).exists()
    assert not SerialNumber.objects.filter(pk=unit.pk).exists()
