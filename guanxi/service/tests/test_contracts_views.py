"""Service contract pages, the account page's contract list and the ticket page's
"covered by contract" line."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from guanxi.service.models import ServiceContract
from guanxi.testing.routing import make_contract, make_unit
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return make_unit("PRN-7001")


def test_a_contract_is_added_for_an_account_with_serials(client, unit):
    account = unit.line.order.account
    client.force_login(make_user(role="service_manager"))
    response = client.post(
        reverse("service:contract_create") + f"?account={account.pk}",
        {
            "name": "金牌服务",
            "account": account.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2027-12-31",
            "serials": "prn-7001",
            "response_hours": "4",
        },
    )
    contract = ServiceContract.objects.get()
    assert response.status_code == 302 and response.url == contract.get_absolute_url()
    assert list(contract.serials.all()) == [unit]
    assert (contract.name, contract.response_hours) == ("金牌服务", 4)


def test_an_unknown_serial_is_refused_naming_it(client, unit):
    client.force_login(make_user(role="service_manager"))
    response = client.post(
        reverse("service:contract_create"),
        {
            "name": "Gold",
            "account": unit.line.order.account.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2027-12-31",
            "serials": "PRN-7001, NOPE-1",
        },
    )
    assert response.status_code == 200
    assert "These units were not sold to this customer: NOPE-1" in response.content.decode()
    assert not ServiceContract.objects.exists()


def test_contract_pages_list_show_edit_and_delete(client, unit):
    contract = make_contract(account=unit.line.order.account, products=[unit.product])
    client.force_login(make_user(role="service_manager"))
    assert contract.number in client.get(reverse("service:contract_list")).content.decode()
    page = client.get(reverse("service:contract_detail", args=[contract.pk])).content.decode()
    assert unit.product.sku in page and "in force" in page
    client.post(
        reverse("service:contract_edit", args=[contract.pk]),
        {
            "name": "Platinum",
            "account": contract.account_id,
            "starts_on": "2020-01-01",
            "ends_on": "2030-01-01",
        },
    )
    contract.refresh_from_db()
    assert (contract.name, contract.ends_on) == ("Platinum", date(2030, 1, 1))
    assert list(contract.products.all()) == []
    client.post(reverse("service:contract_delete", args=[contract.pk]))
    assert not ServiceContract.objects.exists()


def test_the_account_page_lists_its_contracts(client, unit):
    account = unit.line.order.account
    contract = make_contract(account=account, name="银牌服务")
    client.force_login(make_user(role="administrator"))
    page = client.get(reverse("customers:account_detail", args=[account.pk])).content.decode()
    assert 'data-testid="account-contracts"' in page
    assert contract.number in page and "银牌服务" in page


def test_the_ticket_page_says_which_contract_covers_the_unit(client, unit):
    contract = make_contract(account=unit.line.order.account, ends_on=date(2031, 3, 31))
    agent = make_user(role="service_agent")
    ticket = make_ticket(actor=agent, serial=unit, channel="phone", requester_email="")
    client.force_login(agent)
    page = client.get(reverse("service:ticket_detail", args=[ticket.pk])).content.decode()
    assert "in warranty until" in page
    assert f">{contract.number}</a> (Gold) until 2031-03-31" in page
