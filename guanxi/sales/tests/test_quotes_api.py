"""The products, price lists and quotes API: CRUD, errors naming the field, approval
only by managers, constant query counts on the quote list."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.testing.customers import make_account
from guanxi.testing.deals import make_deal
from guanxi.testing.quotes import make_price_list, make_product, make_quote, priced_product, tier
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


def test_a_manager_builds_the_catalogue_and_a_rep_quotes_from_it(api_as):
    manager = make_user(role="sales_manager")
    rep = make_user(role="sales_rep")
    make_team(members=[rep, manager], managers=[manager])
    as_manager, as_rep = api_as(manager), api_as(rep)

    product = as_manager("POST", "/api/v1/products", {"sku": "M-1", "name": "Motor"})
    assert product.status_code == 201
    product_id = product.json()["id"]
    price_list = as_manager(
        "POST",
        "/api/v1/price-lists",
        {"name": "VIP", "tier_id": tier("vip").pk, "valid_from": "2020-01-01"},
    )
    assert price_list.status_code == 201
    list_id = price_list.json()["id"]
    item = as_manager(
        "PUT", f"/api/v1/price-lists/{list_id}/items/{product_id}", {"unit_price": "320.00"}
    )
    assert item.json()["unit_price"] == "320.00"

    deal = make_deal(owner=rep, account=make_account(owner=rep, tier=tier("vip")))
    price = as_rep("GET", f"/api/v1/products/{product_id}/list-price", account_id=deal.account_id)
    assert price.json()["unit_price"] == "320.00"
    quote = as_rep("POST", "/api/v1/quotes", {"deal_id": deal.pk})
    assert quote.status_code == 201
    quote_id = quote.json()["id"]
    body = as_rep(
        "POST",
        f"/api/v1/quotes/{quote_id}/lines",
        {"product_id": product_id, "quantity": "3", "discount_percent": "20"},
    ).json()
    assert (body["lines"][0]["unit_price"], body["total"], body["approval"]) == (
        "320.00",
        "768.00",
        "needed",
    )

    refused = as_rep("POST", f"/api/v1/quotes/{quote_id}/send")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.approval"
    assert as_rep("POST", f"/api/v1/quotes/{quote_id}/approve", {}).status_code == 403
    assert as_rep("POST", f"/api/v1/quotes/{quote_id}/request-approval").status_code == 200
    approved = as_manager("POST", f"/api/v1/quotes/{quote_id}/approve", {"note": "ok"})
    assert approved.json()["approval"] == "approved"
    sent = as_rep("POST", f"/api/v1/quotes/{quote_id}/send")
    assert sent.json()["status"] == "sent"


def test_an_overlapping_price_is_refused_naming_product_id(api_as):
    admin = make_user(role="administrator")
    product = make_product()
    make_price_list(name="Base 2026", prices={product: "10"})
    other = make_price_list(name="Promo", valid_from=date(2026, 3, 1))
    response = api_as(admin)(
        "PUT", f"/api/v1/price-lists/{other.pk}/items/{product.pk}", {"unit_price": "9"}
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "body.product_id"
    assert "Base 2026" in error["message"]


def test_a_product_without_price_is_refused_naming_product_id(api_as):
    quote = make_quote()
    response = api_as(quote.deal.owner)(
        "POST", f"/api/v1/quotes/{quote.pk}/lines", {"product_id": make_product().pk}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.product_id"


def test_errors_name_the_field(api_as):
    quote = make_quote(lines=[(priced_product(), 1, 0)])
    call = api_as(quote.deal.owner)
    line_id = quote.lines.get().pk
    response = call(
        "PATCH", f"/api/v1/quotes/{quote.pk}/lines/{line_id}", {"discount_percent": "120"}
    )
    assert response.json()["errors"][0]["field"] == "body.discount_percent"
    response = call("POST", "/api/v1/quotes", {"deal_id": 999999})
    assert response.json()["errors"][0]["field"] == "body.deal_id"
    response = call("PATCH", f"/api/v1/quotes/{quote.pk}", {"valid_until": "2001-01-01"})
    assert response.json()["errors"][0]["field"] == "body.valid_until"


def test_a_rep_lists_only_quotes_of_their_deals(api_as):
    rep = make_user(role="sales_rep")
    mine = make_quote(owner=rep)
    make_quote()
    body = api_as(rep)("GET", "/api/v1/quotes").json()
    assert [q["number"] for q in body["items"]] == [mine.number]
    other = make_quote()
    assert api_as(rep)("GET", f"/api/v1/quotes/{other.pk}").status_code == 404


def test_the_quote_list_costs_the_same_queries_for_1_or_10_quotes(api_as):
    manager = make_user(role="sales_manager")
    reps = [make_user(role="sales_rep") for _ in range(3)]
    make_team(members=[manager, *reps], managers=[manager])
    call = api_as(manager)
    make_quote(owner=reps[0], lines=[(priced_product(), 1, 0)])
    call("GET", "/api/v1/quotes")
    with CaptureQueriesContext(connection) as one:
        assert len(call("GET", "/api/v1/quotes").json()["items"]) == 1
    for index in range(9):
        make_quote(owner=reps[index % 3], lines=[(priced_product(), 1, 0)])
    with CaptureQueriesContext(connection) as ten:
        assert len(call("GET", "/api/v1/quotes").json()["items"]) == 10
    assert len(ten) == len(one)
