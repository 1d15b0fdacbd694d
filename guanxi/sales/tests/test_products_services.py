"""Products and price lists: unique SKUs, retiring, audited price changes, validity."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from guanxi.core.models import AuditEntry
from guanxi.sales.models import PriceList, Product
from guanxi.sales.services.products import (
    create_price_list,
    retire_product,
    set_price_list_item,
    update_price_list,
)
from guanxi.testing.quotes import make_price_list, make_product, tier
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_user(role="administrator")


def test_a_sku_is_unique_whatever_its_case(admin):
    make_product(sku="ABC-1")
    with pytest.raises(ValidationError) as caught:
        make_product(sku="abc-1")
    assert list(caught.value.message_dict) == ["sku"]
    assert Product.objects.count() == 1


def test_retiring_a_product_is_audited(admin):
    product = make_product()
    retire_product(actor=admin, product=product)
    product.refresh_from_db()
    assert product.is_active is False
    entry = AuditEntry.objects.filter(object_type="sales.product", event="change").get()
    assert entry.changes == {"is_active": [True, False]}


def test_changing_a_price_is_audited_on_the_list(admin):
    product = make_product(sku="P-1")
    price_list = make_price_list(prices={product: "10"})
    set_price_list_item(actor=admin, price_list=price_list, product=product, unit_price="12.5")
    entry = AuditEntry.objects.filter(object_type="sales.pricelist").order_by("-pk").first()
    assert entry.changes == {"items.P-1": ["10.00", "12.50"]}


def test_a_list_ending_before_it_starts_is_refused(admin):
    with pytest.raises(ValidationError) as caught:
        create_price_list(
            actor=admin, name="Odd", valid_from=date(2026, 5, 1), valid_to=date(2026, 4, 1)
        )
    assert list(caught.value.message_dict) == ["valid_to"]
    assert PriceList.objects.count() == 0


def test_reactivating_a_list_that_would_overlap_is_refused(admin):
    product = make_product()
    make_price_list(name="Current", prices={product: "10"})
    old = make_price_list(name="Old", is_active=False)
    set_price_list_item(actor=admin, price_list=old, product=product, unit_price="9")

    with pytest.raises(ValidationError) as caught:
        update_price_list(actor=admin, price_list=old, is_active=True)

    assert list(caught.value.message_dict) == ["is_active"]
    assert "Current" in caught.value.message_dict["is_active"][0]
    old.refresh_from_db()
    assert old.is_active is False


def test_changing_the_tier_onto_an_existing_tier_list_is_refused(admin):
    product = make_product()
    make_price_list(name="VIP", tier=tier("vip"), prices={product: "8"})
    key = make_price_list(name="Key", tier=tier("key"), prices={product: "9"})
    with pytest.raises(ValidationError) as caught:
        update_price_list(actor=admin, price_list=key, tier=tier("vip"))
    assert list(caught.value.message_dict) == ["tier"]
    key.refresh_from_db()
    assert key.tier == tier("key")


def test_adjacent_periods_do_not_overlap(admin):
    product = make_product()
    make_price_list(valid_from=date(2025, 1, 1), valid_to=date(2025, 12, 31), prices={product: 1})
    later = make_price_list(valid_from=date(2026, 1, 1), prices={product: 2})
    assert later.items.count() == 1
