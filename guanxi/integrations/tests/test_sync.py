"""Accounts, contacts and products pushed by an ERP: idempotent by (source, external id),
made and changed through the records' own services, a retry changing nothing; and
orders naming their customer by the ERP's id."""

import json
from datetime import date
from decimal import Decimal
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.core.models import AuditEntry, CustomField
from guanxi.core.services.tokens import create_token
from guanxi.core.services.trash import trash_record
from guanxi.customers.models import Account, AccountContact, Contact, ContactPhone
from guanxi.integrations import sync
from guanxi.integrations.models import ExternalRef
from guanxi.integrations.sync import (
    account_by_ref,
    upsert_account,
    upsert_contact,
    upsert_product,
)
from guanxi.sales.models import Order, Product
from guanxi.testing.customers import make_account
from guanxi.testing.quotes import make_product, tier
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def erp():
    """The integration's user: an administrator."""
    return make_user(role="administrator")


@pytest.fixture
def rep():
    user = make_user(role="sales_rep")
    make_team(members=[user])
    return user


@pytest.fixture
def api_as(client):
    """``api_as(user)(method, path, body)``: calls the API with the user's token."""

    def for_user(user):
        key = create_token(actor=user, name="t")[1]

        def call(method, path, body=None, **params):
            url = f"{path}?{urlencode(params)}" if params else path
            return client.generic(
                method,
                url,
                data=json.dumps(body) if body is not None else "",
                content_type="application/json",
                headers={"Authorization": f"Bearer {key}"},
            )

        return call

    return for_user


def audit_of(record):
    return list(
        AuditEntry.objects.filter(object_type=record._meta.label_lower, object_id=str(record.pk))
        .order_by("pk")
        .values_list("event", flat=True)
    )


def errors_of(caught):
    return caught.value.message_dict


def _fields(response):
    assert response.status_code == 422, response.content
    return [error["field"] for error in response.json()["errors"]]


ACCOUNT = {
    "name": "华为技术有限公司",
    "industry": "technology",
    "website": "huawei.example",
    "country": "CN",
    "province": "Guangdong",
    "city": "Shenzhen",
    "description": "ERP customer 10001",
    "addresses": [{"kind": "office", "province": "广东", "city": "深圳", "street": "坂田"}],
    "tags": ["erp", " Key  account"],
}


# --- accounts ---------------------------------------------------------------------------------


def test_pushing_an_account_twice_makes_one_account_and_changes_nothing(erp):
    CustomField.objects.create(
        object_type="customers.account", key="erp_group", label="ERP group", field_type="text"
    )
    fields = {**ACCOUNT, "tier": tier("vip"), "custom_fields": {"erp_group": " A1"}}

    account, created = upsert_account(actor=erp, source="erp", external_id="C-10001", **fields)
    assert created is True
    assert (account.website, account.province, account.city, account.owner) == (
        "https://huawei.example",
        "44",
        "深圳",
        erp,
    )
    assert ExternalRef.objects.get().record == account
    assert audit_of(account) == ["create"]
    stamp = account.updated_at

    again, created = upsert_account(actor=erp, source="erp", external_id=" C-10001 ", **fields)
    assert (again.pk, created) == (account.pk, False)
    assert audit_of(account) == ["create"]
    account.refresh_from_db()
    assert account.updated_at == stamp
    assert Account.objects.count() == 1
    assert account_by_ref("ERP", "C-10001") == account


def test_a_push_with_a_changed_field_changes_only_that_field_with_one_audit_entry(erp):
    account, _created = upsert_account(actor=erp, source="erp", external_id="C-1", **ACCOUNT)
    addresses = list(account.addresses.values_list("pk", flat=True))

    changed, created = upsert_account(
        actor=erp, source="erp", external_id="C-1", **{**ACCOUNT, "description": "Moved"}
    )

    assert (changed.pk, created, changed.description) == (account.pk, False, "Moved")
    # Only the description went to the update service: the addresses were not rewritten.
    assert list(account.addresses.values_list("pk", flat=True)) == addresses
    entries = AuditEntry.objects.filter(object_type="customers.account").order_by("pk")
    assert [(e.event, e.changes) for e in entries][1:] == [
        ("change", {"description": ["ERP customer 10001", "Moved"]})
    ]


def test_fields_left_out_of_a_push_keep_their_values(erp):
    account, _created = upsert_account(actor=erp, source="erp", external_id="C-2", **ACCOUNT)

    upsert_account(actor=erp, source="erp", external_id="C-2", name="华为")

    account.refresh_from_db()
    assert (account.name, account.description) == ("华为", "ERP customer 10001")
    assert sorted(t.name for t in account.tags.all()) == ["Key account", "erp"]


def test_a_bad_account_push_names_the_field_and_writes_nothing(erp):
    with pytest.raises(ValidationError) as caught:
        upsert_account(
            actor=erp, source="erp", external_id="C-3", name="X", website="not a url", size="?"
        )
    assert sorted(errors_of(caught)) == ["size", "website"]
    with pytest.raises(ValidationError) as caught:
        upsert_account(actor=erp, source="CRM", external_id="", name="X")
    assert sorted(errors_of(caught)) == ["external_id", "source"]
    with pytest.raises(ValidationError) as caught:
        upsert_account(actor=erp, source="erp", external_id="C-3")
    assert list(errors_of(caught)) == ["name"]
    assert not Account.all_objects.exists()
    assert not ExternalRef.objects.exists()
    assert not AuditEntry.objects.filter(object_type="customers.account").exists()


def test_the_same_external_id_in_two_systems_names_two_records(erp):
    erp_account, _created = upsert_account(actor=erp, source="erp", external_id="42", name="A")
    shop_account, created = upsert_account(actor=erp, source="shop", external_id="42", name="B")
    contact, _created = upsert_contact(actor=erp, source="erp", external_id="42", family_name="王")

    assert created is True
    assert erp_account.pk != shop_account.pk
    assert (account_by_ref("erp", "42"), account_by_ref("shop", "42")) == (
        erp_account,
        shop_account,
    )
    assert sync.contact_by_ref("erp", "42") == contact
    assert ExternalRef.objects.count() == 3


def test_a_record_may_carry_the_ids_of_several_systems(erp):
    product = make_product(sku="MOTOR-1")
    from_erp, _created = upsert_product(
        actor=erp, source="erp", external_id="P-1", sku="MOTOR-1", name=product.name
    )
    from_shop, created = upsert_product(
        actor=erp, source="shop", external_id="SHOP-9", sku="motor-1", name=product.name
    )
    assert (from_erp.pk, from_shop.pk, created) == (product.pk, product.pk, False)
    assert sorted(ExternalRef.objects.values_list("source", "external_id")) == [
        ("erp", "P-1"),
        ("shop", "SHOP-9"),
    ]


def test_an_account_in_the_trash_is_not_brought_back_by_a_push(erp):
    account, _created = upsert_account(actor=erp, source="erp", external_id="C-4", name="Gone")
    trash_record(actor=erp, obj=account)

    with pytest.raises(ValidationError) as caught:
        upsert_account(actor=erp, source="erp", external_id="C-4", name="Back")

    assert errors_of(caught) == {"external_id": ["This record is in the trash: restore it first."]}
    account.refresh_from_db()
    assert (account.name, account.is_trashed) == ("Gone", True)
    assert account_by_ref("erp", "C-4") is None


def test_a_purged_record_is_made_anew(erp):
    account, _created = upsert_account(actor=erp, source="erp", external_id="C-5", name="Old")
    Account.all_objects.filter(pk=account.pk).delete()

    fresh, created = upsert_account(actor=erp, source="erp", external_id="C-5", name="New")

    assert (created, fresh.name) == (True, "New")
    assert ExternalRef.objects.get().object_id == fresh.pk


def test_two_pushes_of_one_new_account_at_once_make_one_account(erp):
    """The other push committed the account and its ref after our look-up missed it: our
    ref hits the unique constraint, what we made is rolled back (its audit entry too)
    and the push continues as an update of the other's account."""
    other, _created = upsert_account(actor=erp, source="erp", external_id="C-7", **ACCOUNT)
    real = sync._find_ref
    calls = {"n": 0}

    def first_miss(*args):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(*args)

    with mock.patch.object(sync, "_find_ref", side_effect=first_miss):
        account, created = upsert_account(
            actor=erp, source="erp", external_id="C-7", **{**ACCOUNT, "description": "Later"}
        )

    assert (account.pk, created, calls["n"]) == (other.pk, False, 2)
    assert Account.all_objects.count() == 1
    assert ExternalRef.objects.count() == 1
    assert audit_of(other) == ["create", "change"]
    assert AuditEntry.objects.filter(object_type="customers.account").count() == 2
    other.refresh_from_db()
    assert other.description == "Later"


def test_who_may_push_accounts(erp, rep):
    """A rep makes accounts (theirs) and updates their own; another rep's account is
    refused and left alone; a service manager may change accounts but not make them."""
    mine, created = upsert_account(actor=rep, source="erp", external_id="C-8", name="Mine")
    assert (created, mine.owner) == (True, rep)
    theirs, _created = upsert_account(
        actor=erp, source="erp", external_id="C-9", name="Theirs", owner=make_user()
    )
    entries = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        upsert_account(actor=rep, source="erp", external_id="C-9", name="Taken")
    with pytest.raises(PermissionDenied):
        upsert_account(actor=rep, source="erp", external_id="C-9", name="Theirs")
    with pytest.raises(PermissionDenied):
        upsert_account(
            actor=make_user(role="service_manager"), source="erp", external_id="C-10", name="X"
        )
    with pytest.raises(PermissionDenied):
        upsert_account(actor=make_user(role="analyst"), source="erp", external_id="C-10", name="X")
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"
    assert AuditEntry.objects.count() == entries
    assert ExternalRef.objects.count() == 2


def test_giving_a_pushed_account_to_someone_else_needs_assign(rep):
    with pytest.raises(ValidationError) as caught:
        upsert_account(actor=rep, source="erp", external_id="C-11", name="X", owner=make_user())
    assert list(errors_of(caught)) == ["owner"]
    assert not ExternalRef.objects.exists()


# --- contacts ---------------------------------------------------------------------------------


CONTACT = {
    "family_name": "李",
    "given_name": "娜",
    "title": "采购经理",
    "birthday": date(1985, 6, 1),
    "phones": [{"value": "138 0013 8000"}],
    "emails": [{"value": "Li.Na@Example.COM", "kind": "work"}],
}


def test_pushing_a_contact_twice_makes_one_contact_at_the_erp_account(erp):
    account, _created = upsert_account(actor=erp, source="erp", external_id="C-20", name="客户")

    contact, created = upsert_contact(
        actor=erp, source="erp", external_id="P-1", account_external_id="C-20", **CONTACT
    )
    assert created is True
    assert list(contact.phones.values_list("value", flat=True)) == ["+8613800138000"]
    assert list(contact.emails.values_list("value", flat=True)) == ["li.na@example.com"]
    assert list(AccountContact.objects.values_list("account", "contact")) == [
        (account.pk, contact.pk)
    ]
    phones = list(ContactPhone.objects.values_list("pk", flat=True))
    entries = AuditEntry.objects.count()

    again, created = upsert_contact(
        actor=erp, source="erp", external_id="P-1", account_external_id="C-20", **CONTACT
    )

    assert (again.pk, created) == (contact.pk, False)
    assert AuditEntry.objects.count() == entries
    assert list(ContactPhone.objects.values_list("pk", flat=True)) == phones
    assert Contact.objects.count() == 1


def test_a_known_contact_pushed_with_an_account_joins_it_and_keeps_their_other_accounts(erp):
    elsewhere = make_account(owner=erp)
    account, _created = upsert_account(actor=erp, source="erp", external_id="C-21", name="新")
    contact, _created = upsert_contact(
        actor=erp,
        source="erp",
        external_id="P-2",
        accounts=[{"account": elsewhere, "role": "Buyer"}],
        **CONTACT,
    )

    upsert_contact(
        actor=erp, source="erp", external_id="P-2", account_external_id="C-21", **CONTACT
    )

    assert sorted(AccountContact.objects.values_list("account", "role")) == sorted(
        [(elsewhere.pk, "Buyer"), (account.pk, "")]
    )
    assert audit_of(contact) == ["create", "change"]


def test_a_contact_pushed_with_an_unknown_account_is_refused(erp):
    make_account(owner=erp)
    upsert_account(actor=erp, source="shop", external_id="C-22", name="Shop's")

    with pytest.raises(ValidationError) as caught:
        upsert_contact(
            actor=erp, source="erp", external_id="P-3", account_external_id="C-22", **CONTACT
        )

    assert list(errors_of(caught)) == ["account_external_id"]
    assert not Contact.objects.exists()
    assert ExternalRef.objects.filter(content_type__model="contact").count() == 0


def test_a_bad_phone_is_named_and_nothing_is_written(erp):
    with pytest.raises(ValidationError) as caught:
        upsert_contact(
            actor=erp, source="erp", external_id="P-4", **{**CONTACT, "phones": [{"value": "12"}]}
        )
    assert list(errors_of(caught)) == ["phones.0.value"]
    assert not Contact.all_objects.exists()
    assert not ExternalRef.objects.exists()


# --- products ---------------------------------------------------------------------------------


PRODUCT = {"sku": "PUMP-7", "name": "Pump", "cost": "120.5", "unit": "", "warranty_months": "12"}


def test_pushing_a_product_twice_makes_one_product(erp):
    product, created = upsert_product(actor=erp, source="erp", external_id="M-7", **PRODUCT)
    assert (created, product.cost, product.unit, product.warranty_months) == (
        True,
        Decimal("120.50"),
        "pcs",
        12,
    )

    stamp = product.updated_at
    again, created = upsert_product(actor=erp, source="erp", external_id="M-7", **PRODUCT)
    assert (again.pk, created) == (product.pk, False)
    again.refresh_from_db()
    assert (again.updated_at, audit_of(product)) == (stamp, ["create"])

    changed, _created = upsert_product(
        actor=erp, source="erp", external_id="M-7", **{**PRODUCT, "cost": "99"}
    )
    assert changed.cost == Decimal("99.00")
    assert audit_of(product) == ["create", "change"]


def test_a_product_known_by_its_sku_is_taken_over_not_doubled(erp):
    product = make_product(sku="VALVE-1", name="Valve", cost="10")

    taken, created = upsert_product(
        actor=erp, source="erp", external_id="M-8", sku="valve-1", name="Valve", cost="10"
    )

    assert (taken.pk, created) == (product.pk, False)
    assert Product.objects.count() == 1
    assert ExternalRef.objects.get().object_id == product.pk
    # A second id of the same source for the same SKU is another product: refused.
    with pytest.raises(ValidationError) as caught:
        upsert_product(actor=erp, source="erp", external_id="M-9", sku="VALVE-1", name="Valve")
    assert list(errors_of(caught)) == ["sku"]


def test_a_marketer_cannot_add_products():
    with pytest.raises(PermissionDenied):
        upsert_product(
            actor=make_user(role="marketer"), source="erp", external_id="M-10", **PRODUCT
        )
    assert not Product.objects.exists()


# --- the API ----------------------------------------------------------------------------------


def test_pushing_an_account_through_the_api_answers_201_then_200(api_as, erp):
    call = api_as(erp)
    url = "/api/v1/accounts/external/erp/C-100"
    body = {**ACCOUNT, "tier": "vip"}

    first = call("PUT", url, body)
    assert first.status_code == 201, first.content
    made = first.json()
    assert (made["created"], made["name"], made["website"], made["tier"]["code"]) == (
        True,
        "华为技术有限公司",
        "https://huawei.example",
        "vip",
    )
    entries = AuditEntry.objects.count()

    second = call("PUT", url, body)
    assert second.status_code == 200
    again = second.json()
    assert again["created"] is False
    assert {k: v for k, v in again.items() if k != "created"} == {
        k: v for k, v in made.items() if k != "created"
    }
    assert AuditEntry.objects.count() == entries

    changed = call("PUT", url, {**body, "city": "广州"})
    assert (changed.status_code, changed.json()["city"]) == (200, "广州")
    assert AuditEntry.objects.count() == entries + 1

    fetched = call("GET", url)
    assert (fetched.status_code, fetched.json()["id"]) == (200, made["id"])
    assert call("GET", "/api/v1/accounts/external/shop/C-100").status_code == 404


def test_a_bad_push_through_the_api_names_the_field_and_writes_nothing(api_as, erp):
    call = api_as(erp)
    url = "/api/v1/accounts/external/erp/C-101"

    assert _fields(call("PUT", url, {"name": "X", "website": "no url"})) == ["body.website"]
    assert _fields(call("PUT", url, {"name": "X", "tier": "gold"})) == ["body.tier"]
    assert _fields(call("PUT", url, {"name": "X", "colour": "red"})) == ["body.colour"]
    bad_address = {"name": "X", "addresses": [{"province": "Atlantis"}]}
    assert _fields(call("PUT", url, bad_address)) == ["body.addresses.0.province"]
    crm = call("PUT", "/api/v1/accounts/external/crm/C-101", {"name": "X"})
    assert _fields(crm) == ["path.source"]
    assert not Account.all_objects.exists()
    assert not ExternalRef.objects.exists()

    account = call("PUT", url, {"name": "X"}).json()
    trash_record(actor=erp, obj=Account.objects.get(pk=account["id"]))
    assert _fields(call("PUT", url, {"name": "X"})) == ["path.external_id"]


def test_a_rep_cannot_read_or_overwrite_another_reps_pushed_account(api_as, erp, rep):
    other = make_user(role="sales_rep")
    api_as(erp)("PUT", "/api/v1/accounts/external/erp/C-102", {"name": "A", "owner": other.pk})
    call = api_as(rep)
    entries = AuditEntry.objects.count()

    assert call("GET", "/api/v1/accounts/external/erp/C-102").status_code == 404
    refused = call("PUT", "/api/v1/accounts/external/erp/C-102", {"name": "Mine now"})
    assert refused.status_code == 403
    assert Account.objects.get().name == "A"
    assert AuditEntry.objects.count() == entries


def test_pushing_contacts_and_products_through_the_api(api_as, erp):
    call = api_as(erp)
    call("PUT", "/api/v1/accounts/external/erp/C-103", {"name": "客户"})
    body = {
        "family_name": "王",
        "phones": [{"value": "13800138000"}],
        "account_external_id": "C-103",
    }

    first = call("PUT", "/api/v1/contacts/external/erp/P-100", body)
    assert first.status_code == 201, first.content
    assert [link["account"]["name"] for link in first.json()["accounts"]] == ["客户"]
    second = call("PUT", "/api/v1/contacts/external/erp/P-100", body)
    assert (second.status_code, second.json()["created"]) == (200, False)
    unknown = call(
        "PUT", "/api/v1/contacts/external/erp/P-101", {**body, "account_external_id": "?"}
    )
    assert _fields(unknown) == ["body.account_external_id"]
    assert call("GET", "/api/v1/contacts/external/erp/P-100").json()["id"] == first.json()["id"]

    product = {"sku": "ERP-PUMP", "name": "Pump", "cost": "10.00"}
    made = call("PUT", "/api/v1/products/external/erp/M-100", product)
    assert (made.status_code, made.json()["created"], made.json()["cost"]) == (201, True, "10.00")
    again = call("PUT", "/api/v1/products/external/erp/M-100", product)
    assert (again.status_code, again.json()["id"]) == (200, made.json()["id"])
    assert call("GET", "/api/v1/products/external/erp/M-100").json()["sku"] == "ERP-PUMP"


def test_a_marketer_cannot_push_products_through_the_api(api_as):
    response = api_as(make_user(role="marketer"))(
        "PUT", "/api/v1/products/external/erp/M-101", {"sku": "X", "name": "X"}
    )
    assert response.status_code == 403
    assert not Product.objects.exists()


# --- orders naming their customer by the ERP's id ---------------------------------------------


def _order(**fields):
    return {
        "order_date": "2025-04-02",
        "lines": [{"sku": "ERP-MOTOR", "quantity": "2", "unit_price": "95.50"}],
        **fields,
    }


def test_an_order_names_its_account_and_contact_by_the_erps_ids(api_as, rep):
    make_product(sku="ERP-MOTOR")
    call = api_as(rep)
    account = call("PUT", "/api/v1/accounts/external/erp/C-200", {"name": "客户"}).json()
    contact = call(
        "PUT",
        "/api/v1/contacts/external/erp/P-200",
        {"family_name": "王", "account_external_id": "C-200"},
    ).json()
    url = "/api/v1/orders/external/erp/SO-200"
    body = _order(account_external_id="C-200", contact_external_id="P-200")

    first = call("PUT", url, body)
    assert first.status_code == 201, first.content
    assert (first.json()["account"]["id"], first.json()["contact"]["id"]) == (
        account["id"],
        contact["id"],
    )
    second = call("PUT", url, {**_order(account_id=account["id"]), "contact_id": contact["id"]})
    assert (second.status_code, second.json()["created"]) == (200, False)
    assert Order.objects.count() == 1


def test_an_order_naming_an_unknown_account_is_refused(api_as, rep):
    make_product(sku="ERP-MOTOR")
    call = api_as(rep)
    url = "/api/v1/orders/external/erp/SO-201"
    shop_account, _created = upsert_account(actor=rep, source="shop", external_id="C-201", name="S")

    assert _fields(call("PUT", url, _order(account_external_id="C-201"))) == [
        "body.account_external_id"
    ]
    theirs, _created = upsert_account(
        actor=make_user(role="administrator"),
        source="erp",
        external_id="C-202",
        name="T",
        owner=make_user(),
    )
    assert _fields(call("PUT", url, _order(account_external_id="C-202"))) == [
        "body.account_external_id"
    ]
    both = _order(account_id=shop_account.pk, account_external_id="C-201")
    assert _fields(call("PUT", url, both)) == ["body.account_id"]
    assert _fields(call("PUT", url, _order())) == ["body.account_id"]
    assert not Order.objects.exists()
