"""Service contracts in the global search box: found by number, level, customer (and
its pinyin), covered serial numbers and products, by those who may see contracts; the
document follows every change and goes with the contract."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.core.models import SearchDocument
from guanxi.core.search import search
from guanxi.core.services.search import rebuild_index
from guanxi.service.object_types import CONTRACT
from guanxi.service.services.contracts import delete_contract, update_contract
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.routing import make_contract, make_unit
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def _found(user, text):
    return [r["object_id"] for r in search(user, text) if r["object_type"] == CONTRACT]


@pytest.fixture
def world():
    admin = make_user(role="administrator")
    account = make_account(owner=admin, name="华信科技")
    unit = make_unit("HX-PRN-0042", account=account, actor=admin)
    other_unit = make_unit("HX-PRN-0099", account=account, actor=admin)
    contract = make_contract(actor=admin, account=account, name="金牌服务", serials=[unit])
    return type("World", (), locals())


def test_a_contract_is_found_by_number_level_customer_serial_and_product(world):
    agent = make_user(role="service_agent")
    number = world.contract.number
    for text in (
        number,
        number.lower(),
        "金牌",
        "jin pai",
        "华信",
        "hua xin",
        "HX-PRN-0042",
        world.unit.product.sku,  # the product of a unit it covers
    ):
        assert _found(agent, text) == [world.contract.pk], text
    assert _found(agent, "HX-PRN-0099") == []  # a unit of the customer it does not cover

    hit = next(r for r in search(agent, number) if r["object_type"] == CONTRACT)
    assert hit["title"] == f"{number} 金牌服务"
    assert hit["subtitle"] == "华信科技 · 2020-01-01 – 2099-12-31"
    assert hit["url"] == reverse("service:contract_detail", args=[world.contract.pk])
    assert hit["type_label"] == "Service contracts"


def test_a_contract_listing_products_is_found_by_their_sku_and_name(world):
    product = world.other_unit.product
    contract = make_contract(account=world.account, name="Bronze", products=[product])
    agent = make_user(role="service_agent")
    assert _found(agent, product.sku) == [contract.pk]
    assert _found(agent, product.name) == [contract.pk]


def test_a_consumer_contract_is_found_by_the_contacts_name():
    contact = make_contact(family_name="周", given_name="敏")
    make_unit("ZM-0001", contact=contact, account=make_account())
    contract = make_contract(contact=contact, name="Silver")
    assert _found(make_user(role="sales_rep"), "周敏") == [contract.pk]


def test_only_those_who_may_see_contracts_find_them(world):
    number = world.contract.number
    for role in ("service_agent", "sales_rep", "analyst", "marketer"):
        assert _found(make_user(role=role), number) == [world.contract.pk], role
    assert search(make_user(), number) == []


def test_the_document_follows_changes_and_the_deletion(world):
    update_contract(
        actor=world.admin,
        contract=world.contract,
        name="Silver care",
        serials=[world.other_unit],
    )
    agent = make_user(role="service_agent")
    assert _found(agent, "silver care") == [world.contract.pk]
    assert _found(agent, "HX-PRN-0099") == [world.contract.pk]
    assert _found(agent, "金牌") == []
    assert _found(agent, "HX-PRN-0042") == []

    delete_contract(actor=world.admin, contract=world.contract)
    assert not SearchDocument.objects.filter(object_type=CONTRACT).exists()
    assert _found(agent, "HX-PRN") == []


def test_a_refused_change_leaves_the_document_as_it_was(world):
    before = SearchDocument.objects.get(object_type=CONTRACT).text
    with pytest.raises(PermissionDenied):
        update_contract(actor=make_user(role="service_agent"), contract=world.contract, name="X")
    assert SearchDocument.objects.get(object_type=CONTRACT).text == before


@pytest.mark.parametrize("count", [1, 4])
def test_a_rebuild_writes_the_same_documents_in_queries_not_growing_with_contracts(world, count):
    for _ in range(count):
        make_contract(account=world.account, serials=[world.other_unit])
    written = {d.object_id: d.text for d in SearchDocument.objects.filter(object_type=CONTRACT)}
    with CaptureQueriesContext(connection) as queries:
        assert rebuild_index([CONTRACT]) == count + 1
    rebuilt = {d.object_id: d.text for d in SearchDocument.objects.filter(object_type=CONTRACT)}
    assert rebuilt == written
    # delete; the contracts, their products, serials and the serials' products (each
    # once); one insert
    assert len(queries) <= 7


def test_saving_a_contract_reads_the_products_of_its_units_in_one_query(world):
    units = [make_unit(account=world.account, actor=world.admin) for _ in range(6)]
    product_reads = []
    for covered in (units[:1], units):
        with CaptureQueriesContext(connection) as queries:
            update_contract(actor=world.admin, contract=world.contract, serials=covered)
        product_reads.append(
            len([q for q in queries.captured_queries if 'FROM "sales_product"' in q["sql"]])
        )
    assert product_reads[0] == product_reads[1]  # not one more per unit
    assert _found(world.admin, units[-1].product.sku) == [world.contract.pk]
