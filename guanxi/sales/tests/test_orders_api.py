"""The orders, returns, serial numbers, ERP/shop sync and exchange rates API: every
endpoint's happy path, errors naming the field or row, record-level access, and pushes
that are safe to repeat."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.core.models import AuditEntry
from guanxi.sales.models import ExchangeRate, Order, Return
from guanxi.sales.services.deals import move_deal
from guanxi.sales.services.exchange_rates import set_exchange_rate
from guanxi.sales.services.orders import set_line_serials
from guanxi.sales.services.quotes import mark_quote_accepted, mark_quote_sent
from guanxi.testing.customers import make_account
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import make_product, make_quote, priced_product
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


def _fields(response):
    assert response.status_code == 422, response.content
    return [error["field"] for error in response.json()["errors"]]


def _rep_with_account():
    rep = make_user(role="sales_rep")
    return rep, make_account(owner=rep)


def _confirmed(rep, *lines):
    return make_order(actor=rep, account=make_account(owner=rep), lines=list(lines), confirm=True)


# --- orders typed in Guanxi ------------------------------------------------------------------


def test_a_rep_makes_a_draft_prices_it_from_the_list_and_confirms_it(api_as):
    rep, account = _rep_with_account()
    call = api_as(rep)
    motor, pump = priced_product("320.00"), priced_product("50.00")

    created = call("POST", "/api/v1/orders", {"account_id": account.pk, "notes": "Urgent"})
    assert created.status_code == 201
    order = created.json()
    assert (order["status"], order["currency"], order["owner"]["id"], order["lines"]) == (
        "draft",
        "CNY",
        rep.pk,
        [],
    )
    url = f"/api/v1/orders/{order['id']}"

    added = call(
        "POST", f"{url}/lines", {"product_id": motor.pk, "quantity": "3", "discount_percent": "10"}
    )
    assert added.status_code == 201
    line = added.json()["lines"][0]
    assert (line["unit_price"], line["line_total"], added.json()["total"]) == (
        "320.00",
        "864.00",
        "864.00",
    )
    second = call("POST", f"{url}/lines", {"product_id": pump.pk}).json()["lines"][1]

    patched = call("PATCH", f"{url}/lines/{line['id']}", {"quantity": "1"})
    assert (patched.json()["lines"][0]["line_total"], patched.json()["total"]) == (
        "288.00",
        "338.00",
    )
    removed = call("DELETE", f"{url}/lines/{second['id']}")
    assert [row["id"] for row in removed.json()["lines"]] == [line["id"]]

    changed = call("PATCH", url, {"order_date": "2025-03-01", "notes": "Ship by sea"})
    assert (changed.json()["order_date"], changed.json()["notes"]) == ("2025-03-01", "Ship by sea")

    confirmed = call("POST", f"{url}/confirm")
    assert confirmed.status_code == 200
    body = confirmed.json()
    assert (body["status"], body["total_base"], body["base_currency"], body["exchange_rate"]) == (
        "confirmed",
        "288.00",
        "CNY",
        "1.00000000",
    )
    assert body["confirmed_at"] is not None
    assert call("GET", url).json()["status"] == "confirmed"


def test_a_unit_price_sent_with_a_line_is_refused_naming_it(api_as):
    rep, account = _rep_with_account()
    order = make_order(actor=rep, account=account)
    product = priced_product("100.00")
    response = api_as(rep)(
        "POST",
        f"/api/v1/orders/{order.pk}/lines",
        {"product_id": product.pk, "quantity": "1", "unit_price": "1.00"},
    )
    assert _fields(response) == ["body.unit_price"]
    assert not order.lines.exists()


def test_order_errors_name_the_field(api_as):
    rep, account = _rep_with_account()
    call = api_as(rep)
    assert _fields(call("POST", "/api/v1/orders", {"account_id": 999999})) == ["body.account_id"]
    other_account = make_account()
    assert _fields(call("POST", "/api/v1/orders", {"account_id": other_account.pk})) == [
        "body.account_id"
    ]
    response = call("POST", "/api/v1/orders", {"account_id": account.pk, "currency": "dollars"})
    assert _fields(response) == ["body.currency"]

    order = make_order(actor=rep, account=account)
    url = f"/api/v1/orders/{order.pk}"
    assert _fields(call("POST", f"{url}/lines", {"product_id": make_product().pk})) == [
        "body.product_id"
    ]
    response = call(
        "POST", f"{url}/lines", {"product_id": priced_product().pk, "discount_percent": "120"}
    )
    assert set(_fields(response)) == {"body.discount_percent"}
    assert _fields(call("POST", f"{url}/confirm")) == ["body.lines"]
    assert _fields(call("PATCH", url, {"contact_id": 999999})) == ["body.contact_id"]
    assert _fields(call("PATCH", url, {"total": "1"})) == ["body.total"]
    assert Order.objects.get(pk=order.pk).status == "draft"


def test_an_order_in_a_currency_without_a_rate_is_not_confirmed(api_as):
    rep, account = _rep_with_account()
    order = make_order(actor=rep, account=account, currency="USD")
    response = api_as(rep)("POST", f"/api/v1/orders/{order.pk}/confirm")
    assert _fields(response) == ["body.lines", "body.currency"]
    assert Order.objects.get(pk=order.pk).status == "draft"


def test_a_rep_cannot_see_or_change_another_reps_order(api_as):
    rep = make_user(role="sales_rep")
    mine = make_order(actor=rep, lines=[(priced_product(), 1)])
    theirs = make_order(lines=[(priced_product(), 1)])
    call = api_as(rep)
    body = call("GET", "/api/v1/orders").json()
    assert [row["number"] for row in body["items"]] == [mine.number]
    url = f"/api/v1/orders/{theirs.pk}"
    line = theirs.lines.get()
    before = AuditEntry.objects.count()
    assert call("GET", url).status_code == 404
    assert call("PATCH", url, {"notes": "mine now"}).status_code == 404
    assert call("PATCH", f"{url}/lines/{line.pk}", {"quantity": "5"}).status_code == 404
    assert call("POST", f"{url}/confirm").status_code == 404
    assert call("GET", f"{url}/returns").status_code == 404
    # a line of another order under my order's URL is not found either
    assert call("DELETE", f"/api/v1/orders/{mine.pk}/lines/{line.pk}").status_code == 404
    assert AuditEntry.objects.count() == before
    assert Order.objects.get(pk=theirs.pk).notes == ""
    assert theirs.lines.get().quantity == Decimal("1.00")


def test_a_manager_sees_the_team_and_service_sees_every_order_but_cannot_change_it(api_as):
    manager = make_user(role="sales_manager")
    rep = make_user(role="sales_rep")
    outsider = make_user(role="sales_rep")
    make_team(members=[manager, rep], managers=[manager])
    team_order = make_order(actor=rep)
    other_order = make_order(actor=outsider)
    numbers = {row["number"] for row in api_as(manager)("GET", "/api/v1/orders").json()["items"]}
    assert numbers == {team_order.number}
    agent = api_as(make_user(role="service_agent"))
    numbers = {row["number"] for row in agent("GET", "/api/v1/orders").json()["items"]}
    assert numbers == {team_order.number, other_order.number}
    assert agent("PATCH", f"/api/v1/orders/{other_order.pk}", {"notes": "x"}).status_code == 403
    assert agent("POST", "/api/v1/orders", {"account_id": make_account().pk}).status_code == 403


def test_the_order_list_filters_and_pages(api_as):
    admin = make_user(role="administrator")
    account = make_account(owner=admin)
    early = make_order(actor=admin, account=account, order_date="2025-01-10")
    late = make_order(
        actor=admin, account=account, order_date="2025-02-10", lines=[(priced_product(), 1)]
    )
    cancelled = make_order(actor=admin, order_date="2025-03-10")
    call = api_as(admin)
    call("POST", f"/api/v1/orders/{cancelled.pk}/cancel", {"reason": "Duplicate"})

    def numbers(**query):
        return [row["number"] for row in call("GET", "/api/v1/orders", **query).json()["items"]]

    assert numbers() == [cancelled.number, late.number, early.number]
    assert numbers(status="cancelled") == [cancelled.number]
    assert numbers(account_id=account.pk, sort="order_date") == [early.number, late.number]
    assert numbers(date_from="2025-02-01", date_to="2025-02-28") == [late.number]
    assert numbers(q=early.number) == [early.number]
    assert numbers(source="erp") == []
    first = call("GET", "/api/v1/orders", limit=2).json()
    assert [row["number"] for row in first["items"]] == [cancelled.number, late.number]
    rest = call("GET", "/api/v1/orders", limit=2, cursor=first["next_cursor"]).json()
    assert ([row["number"] for row in rest["items"]], rest["next_cursor"]) == ([early.number], None)
    assert _fields(call("GET", "/api/v1/orders", sort="owner")) == ["query.sort"]


def test_the_order_list_costs_the_same_queries_for_1_or_10_orders(api_as):
    manager = make_user(role="sales_manager")
    reps = [make_user(role="sales_rep") for _ in range(3)]
    make_team(members=[manager, *reps], managers=[manager])
    call = api_as(manager)
    make_order(actor=reps[0], lines=[(priced_product(), 1)])
    call("GET", "/api/v1/orders")
    with CaptureQueriesContext(connection) as one:
        assert len(call("GET", "/api/v1/orders").json()["items"]) == 1
    for index in range(9):
        make_order(actor=reps[index % 3], lines=[(priced_product(), 1)], confirm=True)
    with CaptureQueriesContext(connection) as ten:
        assert len(call("GET", "/api/v1/orders").json()["items"]) == 10
    assert len(ten) == len(one)


def test_cancelling_releases_the_serial_numbers_and_a_second_cancel_is_refused(api_as):
    rep = make_user(role="sales_rep")
    product = priced_product(is_serialised=True, warranty_months=12)
    order = _confirmed(rep, (product, 1))
    set_line_serials(actor=rep, line=order.lines.get(), serials=["SN-1"])
    call = api_as(rep)
    cancelled = call("POST", f"/api/v1/orders/{order.pk}/cancel", {"reason": "Withdrawn"})
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["lines"][0]["serials"]) == (
        "cancelled",
        [],
    )
    again = call("POST", f"/api/v1/orders/{order.pk}/cancel", {})
    assert _fields(again) == ["body.status"]


# --- serial numbers and warranty -------------------------------------------------------------


def test_serial_numbers_are_set_on_a_line_and_looked_up_for_warranty(api_as):
    rep = make_user(role="sales_rep")
    product = priced_product(is_serialised=True, warranty_months=12, sku="PUMP-9")
    order = make_order(actor=rep, order_date="2025-01-31", lines=[(product, 2)], confirm=True)
    line = order.lines.get()
    call = api_as(rep)
    url = f"/api/v1/orders/{order.pk}/lines/{line.pk}/serials"
    response = call("PUT", url, {"serials": ["SN-A", "SN-B"]})
    assert response.status_code == 200
    serials = response.json()["lines"][0]["serials"]
    assert [(s["serial"], s["status"], s["warranty_until"]) for s in serials] == [
        ("SN-A", "sold", "2026-01-31"),
        ("SN-B", "sold", "2026-01-31"),
    ]

    assert _fields(call("PUT", url, {"serials": ["SN-A", "SN-B", "SN-C"]})) == ["body.serials"]
    other = make_order(actor=rep, lines=[(product, 1)], confirm=True)
    other_url = f"/api/v1/orders/{other.pk}/lines/{other.lines.get().pk}/serials"
    taken = call("PUT", other_url, {"serials": ["SN-A"]})
    assert _fields(taken) == ["body.serials"]
    assert order.number in taken.json()["errors"][0]["message"]

    found = call("GET", "/api/v1/serials/sn-a/warranty", on="2025-06-01").json()
    unit = found["units"][0]
    assert (
        unit["serial"],
        unit["in_warranty"],
        unit["order"]["number"],
        unit["product"]["sku"],
    ) == (
        "SN-A",
        True,
        order.number,
        "PUMP-9",
    )
    expired = call("GET", "/api/v1/serials/SN-A/warranty", on="2026-02-01").json()
    assert expired["units"][0]["in_warranty"] is False
    assert call("GET", "/api/v1/serials/NOPE/warranty").status_code == 404
    stranger = api_as(make_user(role="sales_rep"))
    assert stranger("GET", "/api/v1/serials/SN-A/warranty").status_code == 404
    service = api_as(make_user(role="service_agent"))
    assert service("GET", "/api/v1/serials/SN-A/warranty").status_code == 200


# --- orders from deals -----------------------------------------------------------------------


def test_a_won_deal_becomes_an_order_with_its_accepted_quote_lines_once(api_as):
    rep = make_user(role="sales_rep")
    deal = make_deal(owner=rep)
    quote = make_quote(deal=deal, lines=[(priced_product("200.00"), 2, 5)])
    mark_quote_sent(actor=rep, quote=quote)
    mark_quote_accepted(actor=rep, quote=quote)
    call = api_as(rep)
    assert _fields(call("POST", f"/api/v1/deals/{deal.pk}/order")) == ["path.deal_id"]
    move_deal(actor=rep, deal=deal, stage=stage("won"))

    made = call("POST", f"/api/v1/deals/{deal.pk}/order")
    assert made.status_code == 201
    body = made.json()
    assert (body["deal"]["id"], body["quote_id"], body["total"]) == (deal.pk, quote.pk, "380.00")
    again = call("POST", f"/api/v1/deals/{deal.pk}/order")
    assert _fields(again) == ["path.deal_id"]
    assert body["number"] in again.json()["errors"][0]["message"]
    assert Order.objects.filter(deal=deal).count() == 1
    other_deal = make_deal()
    assert call("POST", f"/api/v1/deals/{other_deal.pk}/order").status_code == 404


# --- returns ---------------------------------------------------------------------------------


def test_a_return_takes_units_back_and_the_detail_shows_what_was_returned(api_as):
    rep = make_user(role="sales_rep")
    product = priced_product("100.00", is_serialised=True, warranty_months=6)
    order = _confirmed(rep, (product, 2), (priced_product("40.00"), 5))
    first, second = order.lines.order_by("position")
    set_line_serials(actor=rep, line=first, serials=["U-1", "U-2"])
    call = api_as(rep)
    url = f"/api/v1/orders/{order.pk}/returns"
    response = call(
        "POST",
        url,
        {
            "reason": "Damaged in transit",
            "lines": [
                {"line_id": first.pk, "quantity": "1", "serials": ["U-2"]},
                {"line_id": second.pk, "quantity": "2", "amount": "70.00"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["kind"], made["total"], made["order_id"]) == ("return", "170.00", order.pk)
    assert [
        (row["position"], row["quantity"], row["amount"], row["serials"]) for row in made["lines"]
    ] == [
        (1, "1.00", "100.00", ["U-2"]),
        (2, "2.00", "70.00", []),
    ]

    detail = call("GET", f"/api/v1/orders/{order.pk}").json()
    lines = detail["lines"]
    assert [(row["returned_quantity"], row["credited_amount"]) for row in lines] == [
        ("1.00", "100.00"),
        ("2.00", "70.00"),
    ]
    assert [(s["serial"], s["status"]) for s in lines[0]["serials"]] == [
        ("U-1", "sold"),
        ("U-2", "returned"),
    ]
    assert [r["number"] for r in detail["returns"]] == [made["number"]]
    listed = call("GET", url).json()
    assert [r["number"] for r in listed] == [made["number"]]

    credit = call(
        "POST",
        url,
        {"kind": "credit", "reason": "Goodwill", "lines": [{"line_id": second.pk, "amount": "10"}]},
    )
    assert (credit.status_code, credit.json()["total"]) == (201, "10.00")


def test_return_errors_name_the_row(api_as):
    rep = make_user(role="sales_rep")
    order = _confirmed(rep, (priced_product("10.00"), 2), (priced_product("20.00"), 1))
    first, second = order.lines.order_by("position")
    call = api_as(rep)
    url = f"/api/v1/orders/{order.pk}/returns"
    too_many = call(
        "POST",
        url,
        {
            "reason": "Broken",
            "lines": [
                {"line_id": first.pk, "quantity": "1"},
                {"line_id": second.pk, "quantity": "3"},
            ],
        },
    )
    assert _fields(too_many) == ["body.lines.1.quantity"]
    unknown = call("POST", url, {"reason": "Broken", "lines": [{"line_id": 999999, "quantity": 1}]})
    assert _fields(unknown) == ["body.lines.0.line_id"]
    no_reason = call("POST", url, {"reason": "", "lines": [{"line_id": first.pk, "quantity": 1}]})
    assert _fields(no_reason) == ["body.reason"]
    draft = make_order(actor=rep, lines=[(priced_product(), 1)])
    refused = call(
        "POST",
        f"/api/v1/orders/{draft.pk}/returns",
        {"reason": "x", "lines": [{"line_id": draft.lines.get().pk, "quantity": 1}]},
    )
    assert _fields(refused) == ["body.order"]
    assert not Return.objects.exists()


# --- the ERP/shop sync -----------------------------------------------------------------------


def _push(account, *lines, **fields):
    body = {
        "account_id": account.pk,
        "order_date": "2025-04-02",
        "lines": [
            {"sku": sku, "quantity": quantity, "unit_price": price, "external_id": f"L{index}"}
            for index, (sku, quantity, price) in enumerate(lines, start=1)
        ],
    }
    body.update(fields)
    return body


def test_pushing_the_same_order_twice_makes_one_order_and_changes_nothing(api_as):
    rep, account = _rep_with_account()
    motor = make_product(sku="ERP-MOTOR")
    call = api_as(rep)
    url = "/api/v1/orders/external/erp/SO-1001"
    body = _push(account, ("ERP-MOTOR", "2", "95.50"))

    first = call("PUT", url, body)
    assert first.status_code == 201, first.content
    made = first.json()
    assert (made["created"], made["source"], made["external_id"], made["status"]) == (
        True,
        "erp",
        "SO-1001",
        "confirmed",
    )
    assert (made["owner"]["id"], made["total"], made["lines"][0]["unit_price"]) == (
        rep.pk,
        "191.00",
        "95.50",
    )
    assert made["lines"][0]["product"]["id"] == motor.pk
    assert made["confirmed_at"] is not None
    audit = AuditEntry.objects.count()

    second = call("PUT", url, body)
    assert second.status_code == 200
    again = second.json()
    assert again["created"] is False
    assert {k: v for k, v in again.items() if k != "created"} == {
        k: v for k, v in made.items() if k != "created"
    }
    assert Order.objects.filter(source="erp", external_id="SO-1001").count() == 1
    assert AuditEntry.objects.count() == audit

    fetched = call("GET", url)
    assert (fetched.status_code, fetched.json()["number"]) == (200, made["number"])


def test_pushing_an_order_with_other_contents_updates_it(api_as):
    rep, account = _rep_with_account()
    make_product(sku="ERP-A")
    make_product(sku="ERP-B")
    call = api_as(rep)
    url = "/api/v1/orders/external/shop/W-77"
    made = call("PUT", url, _push(account, ("ERP-A", "1", "10.00"))).json()
    audit = AuditEntry.objects.count()

    changed = call(
        "PUT",
        url,
        _push(account, ("ERP-A", "1", "10.00"), ("ERP-B", "3", "5.00"), notes="Second delivery"),
    )
    assert changed.status_code == 200
    body = changed.json()
    assert (body["id"], body["created"], body["total"], body["notes"]) == (
        made["id"],
        False,
        "25.00",
        "Second delivery",
    )
    assert [row["product"]["sku"] for row in body["lines"]] == ["ERP-A", "ERP-B"]
    assert AuditEntry.objects.count() == audit + 1

    cancelled = call("PUT", url, _push(account, ("ERP-A", "1", "10.00"), status="cancelled"))
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")


def test_a_pushed_order_with_bad_rows_is_refused_naming_each_row(api_as):
    rep, account = _rep_with_account()
    make_product(sku="ERP-OK")
    call = api_as(rep)
    url = "/api/v1/orders/external/erp/SO-BAD"
    response = call(
        "PUT",
        url,
        _push(
            account, ("ERP-OK", "1", "10.00"), ("NO-SUCH-SKU", "1", "10.00"), ("ERP-OK", "0", "1")
        ),
    )
    assert set(_fields(response)) == {"body.lines.1.sku", "body.lines.2.quantity"}
    assert "NO-SUCH-SKU" in response.json()["errors"][0]["message"]
    assert not Order.objects.filter(external_id="SO-BAD").exists()

    assert _fields(call("PUT", url, _push(account))) == ["body.lines"]
    assert _fields(call("PUT", url, _push(account, ("ERP-OK", "1", "1"), status="draft"))) == [
        "body.status"
    ]
    assert _fields(call("PUT", url, _push(make_account(), ("ERP-OK", "1", "1")))) == [
        "body.account_id"
    ]
    crm = call("PUT", "/api/v1/orders/external/crm/SO-9", _push(account, ("ERP-OK", "1", "1")))
    assert _fields(crm) == ["path.source"]
    usd = call("PUT", url, _push(account, ("ERP-OK", "1", "1"), currency="USD"))
    assert _fields(usd) == ["body.currency"]
    assert not Order.objects.filter(source="erp").exists()


def test_a_rep_cannot_read_or_overwrite_another_reps_pushed_order(api_as):
    rep, account = _rep_with_account()
    make_product(sku="ERP-X")
    api_as(rep)("PUT", "/api/v1/orders/external/erp/SO-5", _push(account, ("ERP-X", "1", "1")))
    other, other_account = _rep_with_account()
    call = api_as(other)
    assert call("GET", "/api/v1/orders/external/erp/SO-5").status_code == 404
    before = AuditEntry.objects.count()
    response = call(
        "PUT", "/api/v1/orders/external/erp/SO-5", _push(other_account, ("ERP-X", "9", "1"))
    )
    assert response.status_code in (403, 404)
    assert AuditEntry.objects.count() == before
    assert Order.objects.get(external_id="SO-5").account_id == account.pk
    analyst = api_as(make_user(role="analyst"))
    refused = analyst(
        "PUT", "/api/v1/orders/external/erp/SO-6", _push(account, ("ERP-X", "1", "1"))
    )
    assert refused.status_code == 403


def test_pushing_a_return_twice_records_it_once(api_as):
    rep, account = _rep_with_account()
    make_product(sku="ERP-R")
    call = api_as(rep)
    order = call(
        "PUT", "/api/v1/orders/external/erp/SO-20", _push(account, ("ERP-R", "4", "25.00"))
    ).json()
    url = "/api/v1/returns/external/erp/RMA-1"
    body = {
        "order_external_id": "SO-20",
        "reason": "Wrong size",
        "return_date": "2025-04-10",
        "lines": [{"line_external_id": "L1", "quantity": "2"}],
    }
    first = call("PUT", url, body)
    assert first.status_code == 201, first.content
    made = first.json()
    assert (made["created"], made["order_id"], made["total"], made["external_id"]) == (
        True,
        order["id"],
        "50.00",
        "RMA-1",
    )
    audit = AuditEntry.objects.count()
    second = call("PUT", url, body)
    assert (second.status_code, second.json()["created"], second.json()["id"]) == (
        200,
        False,
        made["id"],
    )
    assert Return.objects.filter(external_id="RMA-1").count() == 1
    assert AuditEntry.objects.count() == audit

    by_position = call(
        "PUT",
        "/api/v1/returns/external/erp/RMA-2",
        {
            "order_id": order["id"],
            "kind": "credit",
            "reason": "Late",
            "lines": [{"position": 1, "amount": "5.00"}],
        },
    )
    assert (by_position.status_code, by_position.json()["kind"]) == (201, "credit")


def test_pushed_return_errors_name_the_row(api_as):
    rep, account = _rep_with_account()
    make_product(sku="ERP-Q")
    call = api_as(rep)
    call("PUT", "/api/v1/orders/external/erp/SO-30", _push(account, ("ERP-Q", "1", "8.00")))
    url = "/api/v1/returns/external/erp/RMA-9"

    def push(**fields):
        body = {"order_external_id": "SO-30", "reason": "Broken"}
        body.update(fields)
        return call("PUT", url, body)

    assert _fields(push(lines=[{"quantity": "1"}])) == ["body.lines.0.line_id"]
    assert _fields(push(lines=[{"line_external_id": "L9", "quantity": "1"}])) == [
        "body.lines.0.line_external_id"
    ]
    assert _fields(push(lines=[{"position": 1, "quantity": "5"}])) == ["body.lines.0.quantity"]
    assert _fields(push(order_external_id="SO-NONE", lines=[{"position": 1}])) == [
        "body.order_external_id"
    ]
    assert _fields(push(order_id=1, lines=[{"position": 1}])) == ["body.order_id"]
    assert not Return.objects.exists()


# --- revenue and exchange rates --------------------------------------------------------------


def test_revenue_is_reported_per_month_in_the_base_currency(api_as):
    admin = make_user(role="administrator")
    set_exchange_rate(actor=admin, currency="USD", valid_on="2025-01-01", rate="7.2")
    product = make_product(sku="USD-1")
    call = api_as(admin)
    call(
        "PUT",
        "/api/v1/orders/external/erp/US-1",
        _push(make_account(owner=admin), (product.sku, "1", "100.00"), currency="USD"),
    )
    call(
        "PUT",
        "/api/v1/returns/external/erp/US-R1",
        {
            "order_external_id": "US-1",
            "kind": "credit",
            "reason": "Discount",
            "return_date": "2025-05-03",
            "lines": [{"position": 1, "amount": "10.00"}],
        },
    )
    report = call("GET", "/api/v1/reports/revenue", date_from="2025-01-01").json()
    assert report["base_currency"] == "CNY"
    assert report["months"] == [
        {"month": "2025-04-01", "orders": 1, "sold": "720.00", "returned": "0.00", "net": "720.00"},
        {"month": "2025-05-01", "orders": 0, "sold": "0.00", "returned": "72.00", "net": "-72.00"},
    ]
    assert call("GET", "/api/v1/reports/revenue", date_to="2024-12-31").json()["months"] == []
    rep = api_as(make_user(role="sales_rep"))
    assert rep("GET", "/api/v1/reports/revenue").json()["months"] == []
    bad = call("GET", "/api/v1/reports/revenue", date_from="2025-02-01", date_to="2025-01-01")
    assert _fields(bad) == ["query.date_to"]


def test_a_manager_sets_exchange_rates_and_a_rep_may_only_read_them(api_as):
    manager = make_user(role="sales_manager")
    call = api_as(manager)
    made = call("PUT", "/api/v1/exchange-rates/usd/2025-01-01", {"rate": "7.1"})
    assert made.status_code == 200
    assert (made.json()["currency"], made.json()["rate"]) == ("USD", "7.10000000")
    corrected = call("PUT", "/api/v1/exchange-rates/USD/2025-01-01", {"rate": "7.2"})
    assert (corrected.json()["id"], corrected.json()["rate"]) == (made.json()["id"], "7.20000000")
    call("PUT", "/api/v1/exchange-rates/EUR/2025-01-01", {"rate": "7.8"})
    call("PUT", "/api/v1/exchange-rates/USD/2025-02-01", {"rate": "7.3"})

    rep = api_as(make_user(role="sales_rep"))
    listed = rep("GET", "/api/v1/exchange-rates", currency="usd").json()
    assert listed["base_currency"] == "CNY"
    assert [(r["valid_on"], r["rate"]) for r in listed["items"]] == [
        ("2025-02-01", "7.30000000"),
        ("2025-01-01", "7.20000000"),
    ]
    before = sorted(ExchangeRate.objects.values_list("currency", "valid_on", "rate"))
    assert rep("PUT", "/api/v1/exchange-rates/USD/2025-03-01", {"rate": "1"}).status_code == 403
    assert rep("DELETE", "/api/v1/exchange-rates/USD/2025-01-01").status_code == 403
    assert sorted(ExchangeRate.objects.values_list("currency", "valid_on", "rate")) == before

    assert call("DELETE", "/api/v1/exchange-rates/EUR/2025-01-01").status_code == 204
    assert not ExchangeRate.objects.filter(currency="EUR").exists()
    assert call("DELETE", "/api/v1/exchange-rates/EUR/2025-01-01").status_code == 404


def test_exchange_rate_errors_name_the_field(api_as):
    call = api_as(make_user(role="administrator"))
    assert _fields(call("PUT", "/api/v1/exchange-rates/USD/2025-01-01", {"rate": "0"})) == [
        "body.rate"
    ]
    assert _fields(call("PUT", "/api/v1/exchange-rates/CNY/2025-01-01", {"rate": "1"})) == [
        "path.currency"
    ]
    assert _fields(call("PUT", "/api/v1/exchange-rates/US1/2025-01-01", {"rate": "1"})) == [
        "path.currency"
    ]
    assert _fields(call("PUT", "/api/v1/exchange-rates/USD/tomorrow", {"rate": "1"})) == [
        "path.valid_on"
    ]
    assert not ExchangeRate.objects.exists()


# --- retries of pushes with serial numbers ---------------------------------------------------


def test_retrying_a_push_after_a_serialised_unit_came_back_changes_nothing(api_as):
    rep, account = _rep_with_account()
    make_product(sku="ERP-SN", is_serialised=True, warranty_months=12)
    call = api_as(rep)
    url = "/api/v1/orders/external/erp/SO-SN"
    body = _push(account, ("ERP-SN", "2", "10.00"))
    body["lines"][0]["serials"] = ["S-1", "S-2"]
    assert call("PUT", url, body).status_code == 201
    returned = call(
        "PUT",
        "/api/v1/returns/external/erp/RMA-SN",
        {
            "order_external_id": "SO-SN",
            "reason": "Broken",
            "lines": [{"position": 1, "quantity": "1", "serials": ["S-1"]}],
        },
    )
    assert returned.status_code == 201
    assert call("PUT", url, body).status_code == 200


def test_retrying_a_cancelled_push_with_serial_numbers_changes_nothing(api_as):
    rep, account = _rep_with_account()
    make_product(sku="ERP-SC", is_serialised=True)
    call = api_as(rep)
    url = "/api/v1/orders/external/erp/SO-SC"
    body = _push(account, ("ERP-SC", "1", "10.00"), status="cancelled")
    body["lines"][0]["serials"] = ["S-9"]
    assert call("PUT", url, body).status_code == 201
    audit = AuditEntry.objects.count()
    assert call("PUT", url, body).status_code == 200
    assert AuditEntry.objects.count() == audit
