"""Order, return, serial number, exchange rate and revenue pages, end to end through the
client: the list and its filters, a draft built line by line, confirmed, serialised and
partly returned; an order from a won deal; exchange rates; the report; refusals."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.core.models import AuditEntry
from guanxi.sales.choices_orders import OrderStatus, ReturnKind, SerialStatus
from guanxi.sales.models import ExchangeRate, Order, Return, SerialNumber
from guanxi.sales.services import orders as services
from guanxi.sales.services import quotes as quote_services
from guanxi.sales.services.deals import move_deal
from guanxi.sales.services.exchange_rates import set_exchange_rate
from guanxi.sales.services.returns import ReturnItem, record_return
from guanxi.testing.customers import make_account
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import make_price_list, make_product, make_quote, priced_product
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def serialised(price="100.00", warranty=12):
    return priced_product(price, is_serialised=True, warranty_months=warranty)


def page(client, name, *args, **query):
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# --- the list --------------------------------------------------------------------------------


def test_the_list_shows_the_orders_with_totals_and_filters_by_serial_and_status(client):
    rep = make_user(role="sales_rep")
    product = serialised("250.00")
    sold = make_order(actor=rep, lines=[(product, 2)], confirm=True)
    services.set_line_serials(actor=rep, line=sold.lines.get(), serials="SN-A1\nSN-A2")
    draft = make_order(actor=rep, lines=[(priced_product("10.00"), 1)])
    client.force_login(rep)

    content = page(client, "sales:order_list")
    assert content.count('data-testid="order-row"') == 2
    assert "CNY 500.00" in content
    assert sold.account.name in content
    assert reverse("sales:order_create") in content

    by_serial = page(client, "sales:order_list", q="sn-a2")
    assert sold.number in by_serial and draft.number not in by_serial
    drafts = page(client, "sales:order_list", status="draft", sort="-total")
    assert draft.number in drafts and sold.number not in drafts
    later = page(client, "sales:order_list", date_from="2999-01-01")
    assert "No orders yet." in later


def test_a_rep_creates_an_order_from_the_list_form(client):
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    client.force_login(rep)
    assert "New order" in page(client, "sales:order_create", account=account.pk)

    response = client.post(
        reverse("sales:order_create"),
        {"account": account.pk, "currency": "cny", "order_date": "2025-03-04", "notes": "Rush"},
    )

    order = Order.objects.get()
    assert response["Location"] == order.get_absolute_url()
    assert (order.account, order.owner, order.currency, order.order_date, order.notes) == (
        account,
        rep,
        "CNY",
        date(2025, 3, 4),
        "Rush",
    )


def test_a_bad_currency_shows_the_error_on_the_currency_field(client):
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    client.force_login(rep)

    response = client.post(reverse("sales:order_create"), {"account": account.pk, "currency": "€"})

    assert response.status_code == 200
    assert response.context["form"].errors["currency"] == [
        "Use a three-letter ISO currency code, such as CNY."
    ]
    assert Order.objects.count() == 0


# --- a draft to a return ---------------------------------------------------------------------


def test_a_draft_is_built_confirmed_serialised_and_partly_returned_through_the_pages(client):
    rep = make_user(role="sales_rep")
    order = make_order(actor=rep, order_date=date(2025, 1, 10))
    camera = serialised("100.00", warranty=12)
    cable = priced_product("20.00")
    client.force_login(rep)
    detail = order.get_absolute_url()

    client.post(
        reverse("sales:order_line_add", args=[order.pk]),
        {"product": camera.pk, "quantity": "2", "unit_price": "1"},
    )
    client.post(
        reverse("sales:order_line_add", args=[order.pk]), {"product": cable.pk, "quantity": "1"}
    )
    cable_line = order.lines.get(product=cable)
    client.post(
        reverse("sales:order_line_edit", args=[cable_line.pk]),
        {"quantity": "3", "discount_percent": "10"},
    )
    client.post(
        reverse("sales:order_edit", args=[order.pk]),
        {"order_date": "2025-01-15", "currency": "CNY", "notes": "By sea"},
    )
    order.refresh_from_db()
    assert (order.total, order.notes, order.order_date) == (
        Decimal("254.00"),
        "By sea",
        date(2025, 1, 15),
    )
    content = page(client, "sales:order_detail", order.pk)
    assert content.count('data-testid="order-line"') == 2
    assert "254.00" in content and reverse("sales:order_confirm", args=[order.pk]) in content

    client.post(reverse("sales:order_confirm", args=[order.pk]))
    order.refresh_from_db()
    assert (order.status, order.total_base) == (OrderStatus.CONFIRMED, Decimal("254.00"))

    camera_line = order.lines.get(product=camera)
    client.post(
        reverse("sales:order_line_serials", args=[camera_line.pk]), {"serials": "CAM-1\nCAM-2"}
    )
    assert sorted(SerialNumber.objects.values_list("serial", "warranty_until")) == [
        ("CAM-1", date(2026, 1, 15)),
        ("CAM-2", date(2026, 1, 15)),
    ]
    content = page(client, "sales:order_detail", order.pk)
    assert "CAM-2" in content and "2026-01-15" in content
    assert reverse("sales:order_return", args=[order.pk]) in content

    form = page(client, "sales:order_return", order.pk)
    assert 'value="CAM-1"' in form
    response = client.post(
        reverse("sales:order_return", args=[order.pk]),
        {
            "kind": "return",
            "reason": "Dead on arrival",
            "return_date": "2025-02-01",
            f"line_{camera_line.pk}_serials": ["CAM-2"],
        },
    )

    document = Return.objects.get()
    assert response["Location"] == detail + f"#return-{document.pk}"
    assert (document.kind, document.total, document.total_base) == (
        ReturnKind.RETURN,
        Decimal("100.00"),
        Decimal("100.00"),
    )
    assert SerialNumber.objects.get(serial="CAM-2").status == SerialStatus.RETURNED
    content = page(client, "sales:order_detail", order.pk)
    assert f'id="return-{document.pk}"' in content
    assert "Dead on arrival" in content
    assert reverse("sales:order_cancel", args=[order.pk]) not in content  # returns: no cancel
    assert AuditEntry.objects.filter(object_type="sales.order", object_id=str(order.pk)).exists()
    assert "History" in content


def test_a_line_is_removed_and_a_draft_cancelled_with_a_reason(client):
    rep = make_user(role="sales_rep")
    order = make_order(actor=rep, lines=[(priced_product("5.00"), 1)])
    client.force_login(rep)

    client.post(reverse("sales:order_line_remove", args=[order.lines.get().pk]))
    client.post(reverse("sales:order_cancel", args=[order.pk]), {"reason": "Customer changed mind"})

    order.refresh_from_db()
    assert (order.status, order.total, order.lines.count()) == (OrderStatus.CANCELLED, 0, 0)
    content = page(client, "sales:order_detail", order.pk)
    assert "Customer changed mind" in content  # in the history


def test_confirming_without_a_rate_names_the_missing_rate(client):
    rep = make_user(role="sales_rep")
    order = make_order(actor=rep, currency="USD")
    client.force_login(rep)
    client.post(
        reverse("sales:order_edit", args=[order.pk]),
        {"order_date": "2025-01-01", "currency": "USD"},
    )

    response = client.post(reverse("sales:order_confirm", args=[order.pk]), follow=True)

    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT
    texts = messages_of(response)
    assert any(t.startswith("Currency: No exchange rate from USD to CNY") for t in texts)
    assert "Add at least one line first." in texts


def test_a_return_of_too_many_units_shows_the_error_on_the_line(client):
    rep = make_user(role="sales_rep")
    order = make_order(actor=rep, lines=[(priced_product("40.00"), 2)], confirm=True)
    line = order.lines.get()
    client.force_login(rep)

    response = client.post(
        reverse("sales:order_return", args=[order.pk]),
        {"kind": "return", "reason": "Extra", f"line_{line.pk}_quantity": "5"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors[f"line_{line.pk}_quantity"] == [
        "Only 2 of 2 units are left to return on this line."
    ]
    assert Return.objects.count() == 0


def test_a_credit_note_credits_money_only(client):
    rep = make_user(role="sales_rep")
    order = make_order(actor=rep, lines=[(priced_product("40.00"), 2)], confirm=True)
    line = order.lines.get()
    client.force_login(rep)

    client.post(
        reverse("sales:order_return", args=[order.pk]),
        {"kind": "credit", "reason": "Late delivery", f"line_{line.pk}_amount": "15.50"},
    )

    document = Return.objects.get()
    assert (document.kind, document.total) == (ReturnKind.CREDIT, Decimal("15.50"))
    assert document.lines.get().quantity == 0
    content = page(client, "sales:order_detail", order.pk)
    assert "15.50" in content


def test_serial_numbers_already_sold_are_refused_with_the_field_named(client):
    rep = make_user(role="sales_rep")
    product = serialised()
    first = make_order(actor=rep, lines=[(product, 1)], confirm=True)
    services.set_line_serials(actor=rep, line=first.lines.get(), serials=["X-1"])
    second = make_order(actor=rep, lines=[(product, 1)])
    client.force_login(rep)

    response = client.post(
        reverse("sales:order_line_serials", args=[second.lines.get().pk]),
        {"serials": "X-1"},
        follow=True,
    )

    assert messages_of(response) == [
        f"Serial numbers: X-1 was already sold on order {first.number}."
    ]
    assert SerialNumber.objects.count() == 1


# --- from a won deal; the deal and account cards ---------------------------------------------


def test_a_won_deal_becomes_an_order_with_its_accepted_quote_lines(client):
    rep = make_user(role="sales_rep")
    deal = make_deal(owner=rep)
    quote = make_quote(deal=deal, lines=[(priced_product("300.00"), 2, 0)])
    quote_services.mark_quote_sent(actor=rep, quote=quote)
    quote_services.mark_quote_accepted(actor=rep, quote=quote)
    move_deal(actor=rep, deal=deal, stage=stage("won"))
    client.force_login(rep)
    content = page(client, "sales:deal_detail", deal.pk)
    assert 'data-testid="deal-orders"' in content
    assert reverse("sales:order_from_deal", args=[deal.pk]) in content

    response = client.post(reverse("sales:order_from_deal", args=[deal.pk]))

    order = Order.objects.get()
    assert response["Location"] == order.get_absolute_url()
    assert (order.deal, order.quote, order.total) == (deal, quote, Decimal("600.00"))
    content = page(client, "sales:deal_detail", deal.pk)
    assert order.number in content
    assert reverse("sales:order_from_deal", args=[deal.pk]) not in content  # one live order

    again = client.post(reverse("sales:order_from_deal", args=[deal.pk]), follow=True)
    assert messages_of(again) == [f"This deal already has order {order.number}."]
    assert Order.objects.count() == 1


def test_an_open_deal_shows_no_create_order_button(client):
    rep = make_user(role="sales_rep")
    deal = make_deal(owner=rep)
    client.force_login(rep)
    assert reverse("sales:order_from_deal", args=[deal.pk]) not in page(
        client, "sales:deal_detail", deal.pk
    )
    response = client.post(reverse("sales:order_from_deal", args=[deal.pk]), follow=True)
    assert messages_of(response) == ["Only a won deal becomes an order."]
    assert Order.objects.count() == 0


def test_the_account_page_shows_its_orders_and_what_it_bought_and_returned(client):
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    order = make_order(
        actor=rep, account=account, lines=[(priced_product("80.00"), 2)], confirm=True
    )
    record_return(actor=rep, order=order, reason="Spare", items=[ReturnItem(order.lines.get(), 1)])
    client.force_login(rep)

    content = page(client, "customers:account_detail", account.pk)

    assert 'data-testid="account-orders"' in content
    assert order.number in content
    assert "CNY 160.00" in content and "CNY 80.00" in content
    assert f"{reverse('sales:order_create')}?account={account.pk}" in content


# --- exchange rates, the report and the warranty lookup --------------------------------------


def test_a_manager_adds_corrects_and_deletes_an_exchange_rate(client):
    manager = make_user(role="sales_manager")
    client.force_login(manager)
    content = page(client, "sales:exchange_rate_list")
    assert "The base currency is CNY" in content

    url = reverse("sales:exchange_rate_list")
    client.post(url, {"currency": "usd", "valid_on": "2025-01-01", "rate": "7.1"})
    client.post(url, {"currency": "USD", "valid_on": "2025-01-01", "rate": "7.2"})
    rate = ExchangeRate.objects.get()
    assert (rate.currency, rate.rate) == ("USD", Decimal("7.2"))
    assert "7.2" in page(client, "sales:exchange_rate_list", currency="usd")

    client.post(reverse("sales:exchange_rate_delete", args=[rate.pk]))
    assert ExchangeRate.objects.count() == 0


def test_a_rate_for_the_base_currency_shows_the_error_on_the_currency(client):
    client.force_login(make_user(role="administrator"))
    response = client.post(
        reverse("sales:exchange_rate_list"),
        {"currency": "CNY", "valid_on": "2025-01-01", "rate": "1"},
    )
    assert response.context["form"].errors["currency"] == [
        "CNY is the base currency: its rate is always 1."
    ]
    assert ExchangeRate.objects.count() == 0


def test_a_rep_reads_exchange_rates_but_cannot_add_or_delete_them(client):
    rate = set_exchange_rate(
        actor=make_user(role="administrator"), currency="EUR", valid_on="2025-01-01", rate="7.8"
    )
    client.force_login(make_user(role="sales_rep"))
    content = page(client, "sales:exchange_rate_list")
    assert "EUR" in content and reverse("sales:exchange_rate_delete", args=[rate.pk]) not in content

    added = client.post(
        reverse("sales:exchange_rate_list"),
        {"currency": "USD", "valid_on": "2025-01-01", "rate": "7.1"},
    )
    deleted = client.post(reverse("sales:exchange_rate_delete", args=[rate.pk]))

    assert (added.status_code, deleted.status_code) == (403, 403)
    assert list(ExchangeRate.objects.values_list("currency", "rate")) == [("EUR", Decimal("7.8"))]


def test_the_revenue_report_sums_months_in_the_base_currency(client):
    rep = make_user(role="sales_rep")
    set_exchange_rate(
        actor=make_user(role="administrator"), currency="USD", valid_on="2025-01-01", rate="7"
    )
    make_order(
        actor=rep, order_date=date(2025, 1, 5), lines=[(priced_product("100.00"), 1)], confirm=True
    )
    dollars = make_product()
    make_price_list(currency="USD", prices={dollars: "10.00"})
    usd = make_order(
        actor=rep,
        order_date=date(2025, 2, 5),
        currency="USD",
        lines=[(dollars, 2)],
        confirm=True,
    )
    record_return(
        actor=rep,
        order=usd,
        reason="One broke",
        return_date=date(2025, 3, 1),
        items=[ReturnItem(usd.lines.get(), 1)],
    )
    make_order(actor=rep, order_date=date(2025, 1, 6), lines=[(priced_product("999.00"), 1)])
    client.force_login(rep)

    response = client.get(reverse("sales:revenue_report"), {"date_from": "2025-01-01"})

    months = [
        (m["month"], m["orders"], m["sold"], m["returned"], m["net"])
        for m in response.context["months"]
    ]
    assert months == [
        (date(2025, 1, 1), 1, Decimal("100.00"), Decimal(0), Decimal("100.00")),
        (date(2025, 2, 1), 1, Decimal("140.00"), Decimal(0), Decimal("140.00")),
        (date(2025, 3, 1), 0, Decimal(0), Decimal("70.00"), Decimal("-70.00")),
    ]
    assert response.context["totals"] == {
        "orders": 2,
        "sold": Decimal("240.00"),
        "returned": Decimal("70.00"),
        "net": Decimal("170.00"),
    }
    content = response.content.decode()
    assert "2025-02" in content and "CNY 170.00" in content


def test_the_warranty_lookup_finds_the_unit_its_customer_and_warranty(client):
    rep = make_user(role="sales_rep")
    order = make_order(actor=rep, lines=[(serialised(warranty=24), 1)], confirm=True)
    services.set_line_serials(actor=rep, line=order.lines.get(), serials=["W-77"])
    client.force_login(rep)

    content = page(client, "sales:warranty_check", serial="w-77")

    assert content.count('data-testid="warranty-row"') == 1
    assert order.number in content and order.account.name in content
    until = services.add_months(timezone.localdate(), 24).isoformat()
    assert until in content
    assert '<td data-testid="in-warranty">Yes</td>' in content
    assert "No unit with this serial number" in page(client, "sales:warranty_check", serial="none")


# --- refusals --------------------------------------------------------------------------------


def test_a_rep_cannot_open_or_change_another_reps_order(client):
    order = make_order(lines=[(priced_product("5.00"), 1)])
    client.force_login(make_user(role="sales_rep"))

    assert client.get(order.get_absolute_url()).status_code == 404
    assert client.post(reverse("sales:order_confirm", args=[order.pk])).status_code == 404
    line = order.lines.get()
    assert client.post(reverse("sales:order_line_remove", args=[line.pk])).status_code == 404
    assert order.number not in page(client, "sales:order_list")

    order.refresh_from_db()
    assert (order.status, order.lines.count()) == (OrderStatus.DRAFT, 1)


def test_an_analyst_reads_orders_but_sees_no_buttons_and_cannot_add(client):
    order = make_order(lines=[(priced_product("5.00"), 1)])
    client.force_login(make_user(role="analyst"))

    content = page(client, "sales:order_detail", order.pk)
    assert reverse("sales:order_confirm", args=[order.pk]) not in content
    assert reverse("sales:order_create") not in page(client, "sales:order_list")
    assert client.get(reverse("sales:order_create")).status_code == 403
