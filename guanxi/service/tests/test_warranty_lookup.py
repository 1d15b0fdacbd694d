"""The one-step warranty lookup: by serial number, by a whole phone number in any
format (never by its last digits), by e-mail; with warranty state, covering contracts
and open tickets; only units on orders the user may see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from guanxi.sales.services.orders import add_months
from guanxi.service.selectors_warranty import find_units
from guanxi.service.services.tickets import change_status
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.routing import make_contract, make_unit
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    admin = make_user(role="administrator")
    account = make_account(name="Acme", owner=admin)
    contact = make_contact(
        owner=admin,
        phones=[{"value": "13800138000"}],
        emails=[{"value": "Li.Na@Example.com"}],
        accounts=[{"account": account}],
    )
    unit = make_unit("SN-LOOK-1", account=account, contact=contact)
    return account, contact, unit


@pytest.fixture
def agent():
    return make_user(role="service_agent")


@pytest.mark.parametrize(
    "typed",
    [
        "138 0013 8000",
        "13800138000",
        "+86 138-0013-8000",
        "0086 13800138000",
        "(+86) 138 0013 8000",
        "１３８００１３８０００",
    ],
)
def test_a_whole_phone_number_in_any_format_finds_the_units(customer, agent, typed):
    _account, _contact, unit = customer
    lookup = find_units(agent, typed)
    assert [u.serial for u in lookup.units] == [unit]
    assert lookup.phone == "+8613800138000"
    assert lookup.searched == ["serial", "phone"]


@pytest.mark.parametrize("typed", ["8000", "38000", "0013 8000", "138001"])
def test_the_last_digits_of_a_phone_find_nothing(customer, agent, typed):
    assert find_units(agent, typed).units == []


def test_a_phone_of_an_account_colleague_finds_the_account_units(customer, agent):
    account, _contact, unit = customer
    make_contact(
        owner=make_user(role="administrator"),
        phones=[{"value": "021 6432 1234"}],
        accounts=[{"account": account}],
    )
    assert [u.serial for u in find_units(agent, "+86 21 6432 1234").units] == [unit]


@pytest.mark.parametrize("typed", ["li.na@example.com", " LI.NA@EXAMPLE.COM "])
def test_an_email_finds_the_units_whatever_the_case(customer, agent, typed):
    _account, _contact, unit = customer
    lookup = find_units(agent, typed)
    assert [u.serial for u in lookup.units] == [unit]
    assert lookup.searched == ["serial", "email"]


@pytest.mark.parametrize("typed", ["SN-LOOK-1", "sn-look-1", "  SN-LOOK-1 "])
def test_a_serial_number_finds_its_unit_ignoring_case(customer, agent, typed):
    _account, _contact, unit = customer
    assert [u.serial for u in find_units(agent, typed).units] == [unit]


def test_a_unit_shows_purchase_warranty_contracts_and_open_tickets(customer, agent):
    account, contact, unit = customer
    contract = make_contract(account=account)
    ticket = make_ticket(actor=agent, serial=unit, channel="phone", requester_email="")
    solved = make_ticket(actor=agent, serial=unit, channel="phone", requester_email="")
    change_status(actor=agent, ticket=solved, status="solved")
    found = find_units(agent, "SN-LOOK-1").units[0]
    today = timezone.localdate()
    assert found.purchased_on == today
    assert found.warranty_until == add_months(today, 12)
    assert found.in_warranty is True and found.warranty_ended_on is None
    assert (found.account, found.contact, found.product) == (account, contact, unit.product)
    assert found.contracts == [contract]
    assert found.open_tickets == [ticket]


def test_an_old_unit_says_when_its_warranty_ended(agent):
    bought = date(2020, 3, 15)
    unit = make_unit("OLD-1", order_date=bought)
    found = find_units(agent, "OLD-1").units[0]
    assert found.in_warranty is False
    assert found.warranty_until == date(2021, 3, 15)
    assert found.warranty_ended_on == date(2021, 3, 16)
    assert found.warranty_until < timezone.localdate() - timedelta(days=1)
    assert unit == found.serial


def test_nothing_typed_or_unknown_finds_nothing(customer, agent):
    assert find_units(agent, "").units == []
    assert find_units(agent, "NO-SUCH-SERIAL").units == []
    assert find_units(agent, "nobody@example.com").units == []


def test_a_sales_rep_sees_only_units_of_their_own_orders(customer):
    rep = make_user(role="sales_rep")
    assert find_units(rep, "SN-LOOK-1").units == []
    own = make_unit("SN-REP-1", actor=rep)
    assert [u.serial for u in find_units(rep, "SN-REP-1").units] == [own]
