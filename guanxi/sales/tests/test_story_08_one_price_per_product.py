"""Story 8: "A customer got two different prices for the same product from two reps."

Two reps quoting the same product to two customers of the same tier get the same unit
price; a second, overlapping list price for the same product, tier and currency is
refused; and nobody can type a different unit price (service, page or API).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guanxi.core.services.tokens import create_token
from guanxi.sales.models import PriceListItem, QuoteLine
from guanxi.sales.services.products import set_price_list_item, update_price_list
from guanxi.sales.services.quotes import add_quote_line, update_quote_line
from guanxi.testing.customers import make_account
from guanxi.testing.deals import make_deal
from guanxi.testing.quotes import make_price_list, make_product, make_quote, tier
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    """One product: 1,000.00 for everyone, 900.00 for VIP customers (CNY)."""
    product = make_product(sku="PLC-200", name="PLC controller")
    make_price_list(name="Standard 2026", prices={product: "1000.00"})
    vip_list = make_price_list(name="VIP 2026", tier=tier("vip"), prices={product: "900.00"})
    return product, vip_list


def test_two_reps_quote_the_same_product_to_two_vip_customers_at_the_same_price(catalogue):
    product, _vip = catalogue
    rep_a, rep_b = make_user(role="sales_rep"), make_user(role="sales_rep")
    deal_a = make_deal(owner=rep_a, account=make_account(owner=rep_a, tier=tier("vip")))
    deal_b = make_deal(owner=rep_b, account=make_account(owner=rep_b, tier=tier("vip")))

    quote_a = make_quote(deal=deal_a, lines=[(product, 2, 0)])
    quote_b = make_quote(deal=deal_b, lines=[(product, 7, 0)])

    price_a = quote_a.lines.get().unit_price
    price_b = quote_b.lines.get().unit_price
    assert price_a == price_b == Decimal("900.00")
    # A customer without a tier gets the list for everyone.
    plain = make_quote(owner=rep_a, lines=[(product, 1, 0)])
    assert plain.lines.get().unit_price == Decimal("1000.00")


def test_a_second_overlapping_price_for_the_same_tier_and_currency_is_refused(catalogue):
    product, _vip = catalogue
    other = make_price_list(name="VIP summer promo", tier=tier("vip"), valid_from=date(2026, 6, 1))

    with pytest.raises(ValidationError) as caught:
        set_price_list_item(
            actor=make_user(role="administrator"),
            price_list=other,
            product=product,
            unit_price="850.00",
        )

    assert list(caught.value.message_dict) == ["product"]
    assert "VIP 2026" in caught.value.message_dict["product"][0]
    assert not PriceListItem.objects.filter(price_list=other).exists()


def test_moving_a_list_onto_the_dates_of_another_is_refused_naming_the_field(catalogue):
    product, vip_list = catalogue
    earlier = make_price_list(
        name="VIP 2019",
        tier=tier("vip"),
        valid_from=date(2019, 1, 1),
        valid_to=date(2019, 12, 31),
        prices={product: "950.00"},
    )

    with pytest.raises(ValidationError) as caught:
        update_price_list(
            actor=make_user(role="administrator"), price_list=earlier, valid_to=date(2020, 3, 31)
        )

    assert list(caught.value.message_dict) == ["valid_to"]
    assert "VIP 2026" in caught.value.message_dict["valid_to"][0]
    earlier.refresh_from_db()
    assert earlier.valid_to == date(2019, 12, 31)


def test_other_tiers_and_currencies_may_price_the_same_product_on_the_same_days(catalogue):
    product, _vip = catalogue
    make_price_list(name="Key 2026", tier=tier("key"), prices={product: "950.00"})
    make_price_list(name="USD 2026", currency="USD", prices={product: "140.00"})
    assert PriceListItem.objects.filter(product=product).count() == 4


def test_nobody_can_type_a_different_unit_price(catalogue, client):
    product, _vip = catalogue
    rep = make_user(role="sales_rep")
    deal = make_deal(owner=rep, account=make_account(owner=rep, tier=tier("vip")))
    quote = make_quote(deal=deal, lines=[(product, 1, 0)])
    line = quote.lines.get()

    # The services have no way to set it.
    with pytest.raises(ValidationError) as on_add:
        add_quote_line(actor=rep, quote=quote, product=product, unit_price="1.00")
    assert list(on_add.value.message_dict) == ["unit_price"]
    with pytest.raises(ValidationError) as on_update:
        update_quote_line(actor=rep, line=line, unit_price="1.00")
    assert list(on_update.value.message_dict) == ["unit_price"]

    # The page ignores a forged field.
    client.force_login(rep)
    client.post(
        reverse("sales:quote_line_add", args=[quote.pk]),
        {"product": product.pk, "quantity": "1", "discount_percent": "0", "unit_price": "1.00"},
    )
    # The API refuses it, naming the field.
    key = create_token(actor=rep, name="t")[1]
    response = client.post(
        f"/api/v1/quotes/{quote.pk}/lines",
        {"product_id": product.pk, "quantity": "1", "unit_price": "1.00"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.unit_price"

    prices = set(QuoteLine.objects.filter(quote=quote).values_list("unit_price", flat=True))
    assert prices == {Decimal("900.00")}
    assert QuoteLine.objects.filter(quote=quote).count() == 2
