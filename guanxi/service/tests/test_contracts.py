"""Service contracts: numbered, checked, audited; what they cover (listed units, the
units of listed products, or every unit of the customer) while in force."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.core.models import AuditEntry
from guanxi.service.models import ServiceContract
from guanxi.service.services.contracts import (
    contracts_covering,
    contracts_for_ticket,
    delete_contract,
    update_contract,
)
from guanxi.testing.customers import make_account
from guanxi.testing.routing import make_contract, make_unit
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 1)


def test_a_contract_is_numbered_and_audited():
    unit = make_unit()
    contract = make_contract(account=unit.line.order.account, response_hours=8)
    assert contract.number.startswith("SC-") and contract.number.endswith("-0001")
    entry = AuditEntry.objects.get(object_type="service.servicecontract")
    assert entry.changes["name"] == [None, "Gold"]
    assert entry.changes["response_hours"] == [None, 8]


def test_a_contract_without_products_or_serials_covers_every_unit_of_the_account():
    unit = make_unit()
    account = unit.line.order.account
    contract = make_contract(account=account)
    assert contracts_covering(unit, DAY) == [contract]


def test_a_contract_listing_serials_covers_only_those():
    unit = make_unit()
    account = unit.line.order.account
    other = make_unit(account=account)
    contract = make_contract(account=account, serials=[unit])
    assert contracts_covering(unit, DAY) == [contract]
    assert contracts_covering(other, DAY) == []


def test_a_contract_listing_products_covers_their_units():
    unit = make_unit()
    account = unit.line.order.account
    other = make_unit(account=account)
    contract = make_contract(account=account, products=[unit.product])
    assert contracts_covering(unit, DAY) == [contract]
    assert contracts_covering(other, DAY) == []


def test_only_contracts_in_force_and_of_the_customer_cover():
    unit = make_unit()
    account = unit.line.order.account
    make_contract(account=account, starts_on=date(2020, 1, 1), ends_on=date(2026, 5, 31))
    make_contract(account=account, starts_on=date(2026, 6, 2), ends_on=date(2027, 1, 1))
    admin = make_user(role="administrator")
    make_contract(account=make_account(owner=admin))
    assert contracts_covering(unit, DAY) == []
    last_day = make_contract(account=account, starts_on=date(2026, 1, 1), ends_on=DAY)
    assert contracts_covering(unit, DAY) == [last_day]


def test_a_ticket_shows_the_contracts_covering_its_unit_or_its_customer():
    unit = make_unit()
    account = unit.line.order.account
    contract = make_contract(account=account)
    agent = make_user(role="service_agent")
    with_unit = make_ticket(actor=agent, serial=unit, channel="phone", requester_email="")
    assert contracts_for_ticket(with_unit, DAY) == [contract]
    without_unit = make_ticket(account=account)
    assert contracts_for_ticket(without_unit, DAY) == [contract]
    assert contracts_for_ticket(make_ticket(), DAY) == []


def test_bad_contracts_are_refused_naming_the_field():
    unit = make_unit()
    stranger = make_unit()
    account = unit.line.order.account
    with pytest.raises(ValidationError) as error:
        make_contract(
            name="",
            account=account,
            starts_on=date(2026, 2, 1),
            ends_on=date(2026, 1, 1),
            serials=[stranger],
            response_hours=0,
        )
    assert set(error.value.message_dict) == {"name", "ends_on", "serials", "response_hours"}
    with pytest.raises(ValidationError) as error:
        make_contract()
    assert "account" in error.value.message_dict
    assert not ServiceContract.objects.exists()


def test_a_contract_is_changed_and_deleted_with_audit():
    unit = make_unit()
    contract = make_contract(account=unit.line.order.account)
    manager = make_user(role="service_manager")
    update_contract(actor=manager, contract=contract, ends_on=date(2030, 1, 1), serials=[unit])
    contract.refresh_from_db()
    assert contract.ends_on == date(2030, 1, 1)
    assert list(contract.serials.all()) == [unit]
    change = AuditEntry.objects.filter(object_type="service.servicecontract").latest("pk")
    assert change.changes["serials"] == [[], [unit.pk]]
    delete_contract(actor=manager, contract=contract)
    assert not ServiceContract.objects.exists()


def test_agents_read_contracts_but_do_not_change_them():
    unit = make_unit()
    contract = make_contract(account=unit.line.order.account)
    agent = make_user(role="service_agent")
    with pytest.raises(PermissionDenied):
        update_contract(actor=agent, contract=contract, name="Platinum")
    with pytest.raises(PermissionDenied):
        delete_contract(actor=agent, contract=contract)
    contract.refresh_from_db()
    assert contract.name == "Gold"
