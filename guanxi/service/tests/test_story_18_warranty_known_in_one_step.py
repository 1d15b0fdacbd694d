"""Story 18: "Checking whether a product is still under warranty takes days."

An agent types the customer's phone number as the customer says it, and one request
shows the unit, its warranty end and the contract covering it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.sales.services.orders import add_months
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.routing import make_contract, make_unit
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_the_agent_types_the_phone_as_said_and_sees_the_warranty_end(client):
    admin = make_user(role="administrator")
    account = make_account(name="青岛海风贸易", owner=admin)
    contact = make_contact(
        family_name="李",
        given_name="娜",
        owner=admin,
        phones=[{"value": "+86 138 0013 8000"}],
        accounts=[{"account": account}],
    )
    bought = timezone.localdate()
    unit = make_unit("PRN-88001", account=account, contact=contact, order_date=bought)
    contract = make_contract(account=account, name="金牌服务", ends_on=date(2099, 12, 31))
    agent = make_user(role="service_agent")
    client.force_login(agent)

    response = client.get(reverse("service:warranty_lookup"), {"q": "138 0013 8000"})

    page = response.content.decode()
    until = add_months(bought, 12).isoformat()
    assert response.status_code == 200
    assert unit.serial in page and "青岛海风贸易" in page
    assert f"in warranty until {until}" in page
    assert contract.number in page and "2099-12-31" in page
