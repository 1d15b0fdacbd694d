"""Quote, product and price list pages: the deal's Quotes card, building a quote, the
printable page, constant queries on the list."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.sales.choices_quotes import QuoteStatus
from guanxi.sales.models import PriceList, Quote
from guanxi.testing.deals import make_deal
from guanxi.testing.quotes import make_price_list, make_product, make_quote, priced_product
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


def test_the_deal_page_shows_its_quotes_and_a_new_quote_button(client):
    quote = make_quote()
    client.force_login(quote.deal.owner)
    response = client.get(reverse("sales:deal_detail", args=[quote.deal_id]))
    content = response.content.decode()
    assert 'data-testid="deal-quotes"' in content
    assert quote.number in content
    assert reverse("sales:quote_create", args=[quote.deal_id]) in content


def test_a_rep_builds_and_sends_a_quote_from_the_pages(client):
    rep = make_user(role="sales_rep")
    deal = make_deal(owner=rep)
    product = priced_product("88.00")
    client.force_login(rep)

    response = client.post(reverse("sales:quote_create", args=[deal.pk]), {"currency": "CNY"})
    quote = Quote.objects.get()
    assert response["Location"] == quote.get_absolute_url()
    client.post(
        reverse("sales:quote_line_add", args=[quote.pk]),
        {"product": product.pk, "quantity": "2", "discount_percent": "5"},
    )
    client.post(reverse("sales:quote_mark", args=[quote.pk]), {"status": "sent"})

    quote.refresh_from_db()
    assert (quote.status, quote.total) == (QuoteStatus.SENT, Decimal("167.20"))
    page = client.get(quote.get_absolute_url()).content.decode()
    assert "167.20" in page


def test_the_printable_page_has_bilingual_labels_the_company_and_the_totals(client):
    quote = make_quote(lines=[(priced_product("1000"), 3, 0)])
    client.force_login(quote.deal.owner)
    content = client.get(reverse("sales:quote_print", args=[quote.pk])).content.decode()
    assert 'data-testid="company-block"' in content
    assert "报价单 Quotation" in content
    assert "合计 Total" in content
    assert "3,000.00" in content
    assert "Save as PDF" in content
    assert 'class="topbar"' not in content


def test_a_manager_adds_a_product_and_a_price_list_with_a_price(client):
    client.force_login(make_user(role="sales_manager"))
    client.post(
        reverse("sales:product_list"),
        {"sku": "V-9", "name": "Valve", "unit": "pcs", "cost": "3", "warranty_months": "12"},
    )
    client.post(
        reverse("sales:price_list_list"),
        {"name": "Base", "currency": "CNY", "valid_from": "2020-01-01", "is_active": "on"},
    )
    price_list = PriceList.objects.get()
    product = make_product()
    client.post(
        reverse("sales:price_list_item_set", args=[price_list.pk]),
        {"product": product.pk, "unit_price": "12.00"},
    )
    assert price_list.items.get().unit_price == Decimal("12.00")
    page = client.get(reverse("sales:price_list_detail", args=[price_list.pk]))
    assert product.sku in page.content.decode()


def test_an_overlapping_price_shows_the_reason_on_the_page(client):
    product = make_product()
    make_price_list(name="Base 2026", prices={product: "10"})
    promo = make_price_list(name="Promo")
    client.force_login(make_user(role="administrator"))
    response = client.post(
        reverse("sales:price_list_item_set", args=[promo.pk]),
        {"product": product.pk, "unit_price": "9"},
        follow=True,
    )
    assert "Base 2026" in response.content.decode()
    assert promo.items.count() == 0


def test_the_quote_list_costs_the_same_queries_for_1_or_10_quotes(client):
    manager = make_user(role="sales_manager")
    reps = [make_user(role="sales_rep") for _ in range(3)]
    make_team(members=[manager, *reps], managers=[manager])
    client.force_login(manager)
    make_quote(owner=reps[0])
    client.get(reverse("sales:quote_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("sales:quote_list"))
    for index in range(9):
        make_quote(owner=reps[index % 3])
    with CaptureQueriesContext(connection) as ten:
        response = client.get(reverse("sales:quote_list"))
    assert response.content.decode().count('data-testid="quote-row"') == 10
    assert len(ten) == len(one)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_renders_for_a_manager_in_both_languages(client, language):
    manager = make_user(role="sales_manager")
    quote = make_quote(owner=manager, lines=[(priced_product("10"), 1, 20)])
    price_list = PriceList.objects.get()
    client.force_login(manager)
    client.cookies["django_language"] = language
    urls = [
        reverse("sales:product_list"),
        reverse("sales:product_edit", args=[quote.lines.get().product_id]),
        reverse("sales:price_list_list"),
        reverse("sales:price_list_detail", args=[price_list.pk]),
        reverse("sales:quote_list"),
        reverse("sales:quote_create", args=[quote.deal_id]),
        reverse("sales:quote_detail", args=[quote.pk]),
        reverse("sales:quote_print", args=[quote.pk]),
        reverse("sales:deal_detail", args=[quote.deal_id]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    detail = client.get(reverse("sales:quote_detail", args=[quote.pk])).content.decode()
    assert 'data-testid="approve"' in detail
