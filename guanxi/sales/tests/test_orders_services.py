"""Order services: creating orders by hand and from won deals, list prices and the
discount rule on lines, totals, confirming at the rate of the order's date, cancelling,
and serial numbers with their warranty."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from guanxi.core.models import AuditEntry
from guanxi.sales.choices_orders import OrderStatus, SerialStatus
from guanxi.sales.models import ExchangeRate, Order, OrderLine, SerialNumber
from guanxi.sales.services import orders as services
from guanxi.sales.services import quotes as quote_services
from guanxi.sales.services.deals import move_deal
from guanxi.sales.services.products import set_price_list_item, update_product
from guanxi.sales.services.returns import ReturnItem, record_return
from guanxi.testing.customers import make_account
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import make_price_list, make_product, make_quote, priced_product, tier
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


def rate(currency, day, value):
    return ExchangeRate.objects.create(currency=currency, valid_on=day, rate=Decimal(value))


def serialised(price="100.00", warranty=12):
    return priced_product(price, is_serialised=True, warranty_months=warranty)


def errors_of(caught):
    return caught.value.message_dict


# --- creating an order by hand -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["marketer", "analyst", "service_agent"])
def test_roles_without_add_cannot_create_orders(role):
    user = make_user(role=role)
    account = make_account()
    with pytest.raises(PermissionDenied):
        services.create_order(actor=user, account=account)
    assert Order.objects.count() == 0


def test_a_rep_creates_a_draft_order_with_the_defaults():
    rep = make_user(role="sales_rep")
    team = make_team(members=[rep])
    account = make_account(owner=rep)
    assert account.team_id == team.pk

    order = services.create_order(actor=rep, account=account)

    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT
    assert order.currency == "CNY"
    assert order.base_currency == "CNY"
    assert order.order_date == date.today()
    assert (order.owner, order.team, order.created_by) == (rep, team, rep)
    assert order.number == f"O-{order.order_date.year}-0001"
    assert order.source == "crm" and order.external_id == ""
    assert AuditEntry.objects.filter(
        object_type="sales.order", object_id=str(order.pk), event="create"
    ).exists()


@override_settings(BASE_CURRENCY="EUR")
def test_the_default_currency_is_the_base_currency():
    rep = make_user(role="sales_rep")
    order = services.create_order(actor=rep, account=make_account(owner=rep))
    assert (order.currency, order.base_currency) == ("EUR", "EUR")


def test_order_date_currency_and_numbering_follow_the_arguments():
    rep = make_user(role="sales_rep")
    account = make_account(owner=rep)
    first = services.create_order(
        actor=rep, account=account, currency="usd", order_date="2025-03-04"
    )
    second = services.create_order(actor=rep, account=account, order_date=date(2025, 12, 31))
    third = services.create_order(actor=rep, account=account, order_date=date(2024, 1, 1))
    assert (first.currency, first.order_date) == ("USD", date(2025, 3, 4))
    assert [first.number, second.number, third.number] == [
        "O-2025-0001",
        "O-2025-0002",
        "O-2024-0001",
    ]


def test_an_account_the_rep_cannot_see_is_an_error_on_account():
    rep = make_user(role="sales_rep")
    foreign = make_account(owner=make_user(role="sales_rep"))
    with pytest.raises(ValidationError) as caught:
        services.create_order(actor=rep, account=foreign)
    assert list(errors_of(caught)) == ["account"]
    with pytest.raises(ValidationError) as caught:
        services.create_order(actor=rep, account=None)
    assert list(errors_of(caught)) == ["account"]
    assert Order.objects.count() == 0


def test_bad_date_and_currency_are_reported_together():
    rep = make_user(role="sales_rep")
    with pytest.raises(ValidationError) as caught:
        services.create_order(
            actor=rep, account=make_account(owner=rep), currency="dollars", order_date="31.12."
        )
    assert set(errors_of(caught)) == {"currency", "order_date"}


# --- lines -----------------------------------------------------------------------------------


def test_the_line_price_is_the_list_price_of_the_order_date_and_the_customers_tier():
    product = make_product()
    make_price_list(valid_to=date(2025, 12, 31), prices={product: "100"})
    make_price_list(valid_from=date(2026, 1, 1), prices={product: "120"})
    make_price_list(
        tier=tier("vip"),
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 6, 30),
        prices={product: "80"},
    )
    rep = make_user(role="sales_rep")
    vip = make_account(owner=rep, tier=tier("vip"))
    standard = make_account(owner=rep)

    def price(account, day):
        order = make_order(actor=rep, account=account, order_date=day, lines=[(product, 1)])
        return order.lines.get().unit_price

    assert price(vip, date(2026, 3, 1)) == Decimal("80")
    assert price(standard, date(2026, 3, 1)) == Decimal("120")
    assert price(standard, date(2025, 6, 1)) == Decimal("100")
    assert price(vip, date(2026, 8, 1)) == Decimal("120")


def test_no_list_price_is_an_error_on_product_naming_the_sku():
    product = make_product(sku="NOPRICE-1")
    usd_only = make_product(sku="USDONLY-1")
    make_price_list(currency="USD", prices={usd_only: "10"})
    order = make_order()
    for item in (product, usd_only):
        with pytest.raises(ValidationError) as caught:
            services.add_order_line(actor=order.owner, order=order, product=item)
        assert list(errors_of(caught)) == ["product"]
        assert item.sku in errors_of(caught)["product"][0]
    assert order.lines.count() == 0


def test_a_price_list_starting_after_the_order_date_does_not_price_it():
    product = make_product()
    make_price_list(valid_from=date(2026, 5, 1), prices={product: "10"})
    order = make_order(order_date=date(2026, 4, 30))
    with pytest.raises(ValidationError) as caught:
        services.add_order_line(actor=order.owner, order=order, product=product)
    assert list(errors_of(caught)) == ["product"]


def test_a_retired_product_is_refused():
    product = priced_product()
    update_product(actor=make_user(role="administrator"), product=product, is_active=False)
    order = make_order()
    with pytest.raises(ValidationError) as caught:
        services.add_order_line(actor=order.owner, order=order, product=product)
    assert errors_of(caught) == {"product": ["This product is retired."]}
    assert order.lines.count() == 0


def test_serialised_products_are_sold_in_whole_units():
    product = serialised()
    plain = priced_product()
    order = make_order()
    with pytest.raises(ValidationError) as caught:
        services.add_order_line(actor=order.owner, order=order, product=product, quantity="1.5")
    assert list(errors_of(caught)) == ["quantity"]
    services.add_order_line(actor=order.owner, order=order, product=plain, quantity="1.5")
    line = services.add_order_line(actor=order.owner, order=order, product=product, quantity="2")
    assert line.quantity == 2
    with pytest.raises(ValidationError) as caught:
        services.update_order_line(actor=order.owner, line=line, quantity="2.5")
    assert list(errors_of(caught)) == ["quantity"]


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", None])
def test_a_bad_quantity_is_refused(quantity):
    order = make_order()
    with pytest.raises(ValidationError) as caught:
        services.add_order_line(
            actor=order.owner, order=order, product=priced_product(), quantity=quantity
        )
    assert list(errors_of(caught)) == ["quantity"]


def test_a_discount_above_the_limit_is_refused_for_a_rep():
    product = priced_product("100")
    order = make_order()
    with pytest.raises(ValidationError) as caught:
        services.add_order_line(
            actor=order.owner, order=order, product=product, discount_percent="10.01"
        )
    assert list(errors_of(caught)) == ["discount_percent"]
    line = services.add_order_line(
        actor=order.owner, order=order, product=product, discount_percent="10"
    )
    with pytest.raises(ValidationError) as caught:
        services.update_order_line(actor=order.owner, line=line, discount_percent="15")
    assert list(errors_of(caught)) == ["discount_percent"]
    line.refresh_from_db()
    assert line.discount_percent == Decimal("10")


def test_a_sales_manager_may_give_a_discount_above_the_limit():
    manager = make_user(role="sales_manager")
    order = make_order(actor=manager)
    line = services.add_order_line(
        actor=manager, order=order, product=priced_product("100"), discount_percent="35"
    )
    assert line.line_total == Decimal("65.00")


def test_a_sales_manager_raises_a_reps_discount_on_a_team_order():
    rep = make_user(role="sales_rep")
    manager = make_user(role="sales_manager")
    make_team(members=[rep, manager], managers=[manager])
    order = make_order(actor=rep, lines=[(priced_product("100"), 2)])
    line = order.lines.get()
    services.update_order_line(actor=manager, line=line, discount_percent="40")
    order.refresh_from_db()
    assert (order.subtotal, order.discount_total, order.total) == (
        Decimal("200"),
        Decimal("80"),
        Decimal("120"),
    )


@override_settings(QUOTE_DISCOUNT_LIMIT=25)
def test_the_discount_limit_is_the_quote_setting():
    order = make_order()
    services.add_order_line(
        actor=order.owner, order=order, product=priced_product(), discount_percent="25"
    )
    with pytest.raises(ValidationError):
        services.add_order_line(
            actor=order.owner, order=order, product=priced_product(), discount_percent="25.01"
        )


def test_totals_are_exact_and_follow_every_line_change():
    product = priced_product("250.00")
    other = priced_product("99.99")
    order = make_order()
    services.add_order_line(
        actor=order.owner, order=order, product=product, quantity=4, discount_percent=5
    )
    second = services.add_order_line(actor=order.owner, order=order, product=other, quantity="1.5")
    order.refresh_from_db()
    lines = list(order.lines.order_by("position"))
    assert [(ln.position, ln.unit_price, ln.line_total) for ln in lines] == [
        (1, Decimal("250.00"), Decimal("950.00")),
        (2, Decimal("99.99"), Decimal("149.99")),
    ]
    assert (order.subtotal, order.discount_total, order.total) == (
        Decimal("1149.99"),
        Decimal("50.00"),
        Decimal("1099.99"),
    )

    services.update_order_line(actor=order.owner, line=second, quantity=3, discount_percent="10")
    order.refresh_from_db()
    # 3 × 99.99 = 299.97, less 10 % = 269.973 → 269.97
    assert (order.subtotal, order.discount_total, order.total) == (
        Decimal("1299.97"),
        Decimal("80.00"),
        Decimal("1219.97"),
    )

    services.remove_order_line(actor=order.owner, line=lines[0])
    order.refresh_from_db()
    assert (order.subtotal, order.discount_total, order.total) == (
        Decimal("299.97"),
        Decimal("30.00"),
        Decimal("269.97"),
    )
    third = services.add_order_line(actor=order.owner, order=order, product=product)
    assert third.position == 3


def test_line_changes_are_audited_on_the_order():
    order = make_order()
    product = priced_product("10")
    line = services.add_order_line(actor=order.owner, order=order, product=product, quantity=2)
    entry = AuditEntry.objects.filter(object_type="sales.order", event="change").first()
    assert entry.changes["lines.1"][0] is None
    assert product.sku in entry.changes["lines.1"][1]
    assert Decimal(entry.changes["total"][1]) == Decimal("20")
    services.remove_order_line(actor=order.owner, line=line)
    entry = AuditEntry.objects.filter(object_type="sales.order", event="change").first()
    assert entry.changes["lines.1"][1] is None


def test_lines_change_only_on_drafts():
    product = priced_product("10")
    order = make_order(lines=[(product, 1)], confirm=True)
    line = order.lines.get()
    rep = order.owner
    with pytest.raises(ValidationError) as caught:
        services.add_order_line(actor=rep, order=order, product=product)
    assert list(errors_of(caught)) == ["status"]
    with pytest.raises(ValidationError):
        services.update_order_line(actor=rep, line=line, quantity=5)
    with pytest.raises(ValidationError):
        services.remove_order_line(actor=rep, line=line)
    with pytest.raises(ValidationError):
        services.update_order(actor=rep, order=order, notes="late")
    assert list(order.lines.values_list("quantity", flat=True)) == [Decimal("1")]
    order.refresh_from_db()
    assert order.total == Decimal("10")


def test_another_rep_cannot_change_the_order():
    order = make_order()
    stranger = make_user(role="sales_rep")
    with pytest.raises(PermissionDenied):
        services.add_order_line(actor=stranger, order=order, product=priced_product())
    with pytest.raises(PermissionDenied):
        services.confirm_order(actor=stranger, order=order)
    with pytest.raises(PermissionDenied):
        services.cancel_order(actor=stranger, order=order)


def test_the_currency_changes_only_while_there_are_no_lines():
    order = make_order()
    services.update_order(actor=order.owner, order=order, currency="usd", notes="x")
    order.refresh_from_db()
    assert (order.currency, order.notes) == ("USD", "x")
    services.update_order(actor=order.owner, order=order, currency="CNY")
    services.add_order_line(actor=order.owner, order=order, product=priced_product())
    with pytest.raises(ValidationError) as caught:
        services.update_order(actor=order.owner, order=order, currency="EUR")
    assert list(errors_of(caught)) == ["currency"]
    order.refresh_from_db()
    assert order.currency == "CNY"


# --- from a won deal -------------------------------------------------------------------------


def accepted(quote):
    owner = quote.deal.owner
    quote_services.mark_quote_sent(actor=owner, quote=quote)
    quote_services.mark_quote_accepted(actor=owner, quote=quote)
    return quote


def won(deal):
    move_deal(actor=deal.owner, deal=deal, stage=stage("won"))
    return deal


def test_only_a_won_deal_becomes_an_order():
    deal = make_deal()
    with pytest.raises(ValidationError) as caught:
        services.create_order_from_deal(actor=deal.owner, deal=deal)
    assert list(errors_of(caught)) == ["deal"]
    move_deal(actor=deal.owner, deal=deal, stage=stage("lost"), lost_reason="price")
    with pytest.raises(ValidationError):
        services.create_order_from_deal(actor=deal.owner, deal=deal)
    assert Order.objects.count() == 0


def test_the_order_copies_the_latest_accepted_quotes_lines_and_prices():
    product = make_product()
    other = make_product()
    price_list = make_price_list(prices={product: "250.00", other: "99.99"})
    deal = make_deal(currency="CNY")
    accepted(make_quote(deal=deal, lines=[(product, 1, 0)]))
    latest = accepted(make_quote(deal=deal, lines=[(product, 4, 5), (other, "1.5", "2.5")]))
    make_quote(deal=deal, lines=[(other, 9, 0)])  # a draft after it: not the customer's
    won(deal)
    # The list price changes after the quote: the order keeps the agreed price.
    admin = make_user(role="administrator")
    set_price_list_item(actor=admin, price_list=price_list, product=product, unit_price="300")

    order = services.create_order_from_deal(actor=deal.owner, deal=deal)

    order.refresh_from_db()
    assert (order.deal, order.quote, order.account_id) == (deal, latest, deal.account_id)
    got = [
        (ln.position, ln.product_id, ln.quantity, ln.unit_price, ln.discount_percent, ln.line_total)
        for ln in order.lines.order_by("position")
    ]
    want = [
        (ln.position, ln.product_id, ln.quantity, ln.unit_price, ln.discount_percent, ln.line_total)
        for ln in latest.lines.order_by("position")
    ]
    assert got == want
    assert got[0][3] == Decimal("250.00")
    latest.refresh_from_db()
    assert (order.subtotal, order.discount_total, order.total) == (
        latest.subtotal,
        latest.discount_total,
        latest.total,
    )
    assert order.total == Decimal("950.00") + Decimal("146.24")  # 149.985 × 97.5 % → 146.24
    assert order.status == OrderStatus.DRAFT


def test_without_an_accepted_quote_the_order_has_no_lines_and_the_deals_currency():
    deal = make_deal(currency="USD")
    make_quote(deal=deal, lines=[])  # a draft quote is not an agreement
    won(deal)
    order = services.create_order_from_deal(actor=deal.owner, deal=deal)
    assert order.currency == "USD"
    assert order.quote is None
    assert order.lines.count() == 0
    assert order.total == 0


def test_a_deal_has_one_order_unless_it_was_cancelled():
    deal = won(make_deal())
    first = services.create_order_from_deal(actor=deal.owner, deal=deal)
    with pytest.raises(ValidationError) as caught:
        services.create_order_from_deal(actor=deal.owner, deal=deal)
    assert list(errors_of(caught)) == ["deal"]
    assert first.number in errors_of(caught)["deal"][0]
    services.cancel_order(actor=deal.owner, order=first)
    second = services.create_order_from_deal(actor=deal.owner, deal=deal)
    assert second.pk != first.pk
    assert Order.objects.filter(deal=deal).exclude(status=OrderStatus.CANCELLED).count() == 1


def test_the_order_is_owned_like_the_deal_when_a_manager_makes_it():
    rep = make_user(role="sales_rep")
    manager = make_user(role="sales_manager")
    team = make_team(members=[rep, manager], managers=[manager])
    deal = won(make_deal(owner=rep))
    assert deal.team_id == team.pk
    order = services.create_order_from_deal(actor=manager, deal=deal)
    assert (order.owner, order.team, order.created_by) == (rep, team, manager)


def test_a_rep_cannot_make_an_order_from_someone_elses_deal():
    deal = won(make_deal())
    with pytest.raises(PermissionDenied):
        services.create_order_from_deal(actor=make_user(role="sales_rep"), deal=deal)
    with pytest.raises(PermissionDenied):
        services.create_order_from_deal(actor=make_user(role="marketer"), deal=deal)


# --- confirming ------------------------------------------------------------------------------


def test_confirming_needs_lines():
    order = make_order()
    with pytest.raises(ValidationError) as caught:
        services.confirm_order(actor=order.owner, order=order)
    assert list(errors_of(caught)) == ["lines"]
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT


def test_confirming_in_a_foreign_currency_needs_a_rate_on_or_before_the_order_date():
    product = make_product()
    make_price_list(currency="USD", prices={product: "123.45"})
    order = make_order(currency="USD", order_date=date(2026, 4, 15), lines=[(product, 3)])
    rate("USD", date(2026, 4, 16), "7.5")  # after the order date: no use
    rate("EUR", date(2026, 1, 1), "8")
    with pytest.raises(ValidationError) as caught:
        services.confirm_order(actor=order.owner, order=order)
    assert list(errors_of(caught)) == ["currency"]
    assert "USD" in errors_of(caught)["currency"][0]
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT


def test_the_total_converts_at_the_latest_rate_on_or_before_the_order_date():
    product = make_product()
    make_price_list(currency="USD", prices={product: "123.45"})
    order = make_order(currency="USD", order_date=date(2026, 4, 15), lines=[(product, 3)])
    rate("USD", date(2026, 1, 1), "7.0")
    rate("USD", date(2026, 3, 1), "7.2")
    rate("USD", date(2026, 4, 16), "7.5")

    services.confirm_order(actor=order.owner, order=order)

    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert order.confirmed_at is not None
    assert order.total == Decimal("370.35")
    assert order.exchange_rate == Decimal("7.2")
    assert order.total_base == Decimal("2666.52")
    assert order.base_currency == "CNY"


def test_a_rate_on_the_order_date_itself_applies():
    product = make_product()
    make_price_list(currency="EUR", prices={product: "10"})
    order = make_order(currency="EUR", order_date=date(2026, 2, 1), lines=[(product, 1)])
    rate("EUR", date(2026, 1, 31), "7.9")
    rate("EUR", date(2026, 2, 1), "8.12345678")
    services.confirm_order(actor=order.owner, order=order)
    order.refresh_from_db()
    assert order.exchange_rate == Decimal("8.12345678")
    assert order.total_base == Decimal("81.23")


def test_in_the_base_currency_the_rate_is_one():
    order = make_order(lines=[(priced_product("99.99"), 3)], confirm=True)
    order.refresh_from_db()
    assert order.exchange_rate == 1
    assert order.total_base == order.total == Decimal("299.97")


def test_a_confirmed_order_cannot_be_confirmed_again():
    order = make_order(lines=[(priced_product(), 1)], confirm=True)
    with pytest.raises(ValidationError) as caught:
        services.confirm_order(actor=order.owner, order=order)
    assert list(errors_of(caught)) == ["status"]


# --- cancelling ------------------------------------------------------------------------------


def test_a_draft_and_a_confirmed_order_can_be_cancelled():
    draft = make_order(lines=[(priced_product(), 1)])
    confirmed = make_order(lines=[(priced_product(), 1)], confirm=True)
    for order in (draft, confirmed):
        services.cancel_order(actor=order.owner, order=order, reason="Customer changed mind")
        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELLED
        entry = AuditEntry.objects.filter(object_type="sales.order", object_id=str(order.pk))[0]
        assert entry.changes["status"][1] == "cancelled"
        assert entry.changes["reason"] == [None, "Customer changed mind"]
    with pytest.raises(ValidationError) as caught:
        services.cancel_order(actor=draft.owner, order=draft)
    assert list(errors_of(caught)) == ["status"]


def test_a_cancelled_order_cannot_be_confirmed():
    order = make_order(lines=[(priced_product(), 1)])
    services.cancel_order(actor=order.owner, order=order)
    with pytest.raises(ValidationError):
        services.confirm_order(actor=order.owner, order=order)


def test_an_order_with_returns_cannot_be_cancelled():
    order = make_order(lines=[(priced_product("10"), 2)], confirm=True)
    record_return(
        actor=order.owner,
        order=order,
        reason="Broken",
        items=[ReturnItem(line=order.lines.get(), quantity=1)],
    )
    with pytest.raises(ValidationError) as caught:
        services.cancel_order(actor=order.owner, order=order)
    assert list(errors_of(caught)) == ["status"]
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED


def test_cancelling_releases_the_serial_numbers_for_another_order():
    product = serialised()
    first = make_order(lines=[(product, 2)], confirm=True)
    services.set_line_serials(actor=first.owner, line=first.lines.get(), serials=["A1", "A2"])
    second = make_order(lines=[(product, 1)])
    with pytest.raises(ValidationError):
        services.set_line_serials(actor=second.owner, line=second.lines.get(), serials="A1")

    services.cancel_order(actor=first.owner, order=first)

    assert not SerialNumber.objects.filter(line__order=first).exists()
    services.set_line_serials(actor=second.owner, line=second.lines.get(), serials="A1")
    assert list(SerialNumber.objects.values_list("serial", "line__order")) == [("A1", second.pk)]


# --- serial numbers --------------------------------------------------------------------------


def test_serials_are_at_most_one_per_unit_and_each_once():
    order = make_order(lines=[(serialised(), 2)])
    line = order.lines.get()
    with pytest.raises(ValidationError) as caught:
        services.set_line_serials(actor=order.owner, line=line, serials=["S1", "S2", "S3"])
    assert list(errors_of(caught)) == ["serials"]
    with pytest.raises(ValidationError) as caught:
        services.set_line_serials(actor=order.owner, line=line, serials="S1, S1")
    assert list(errors_of(caught)) == ["serials"]
    assert "S1" in errors_of(caught)["serials"][0]
    assert not SerialNumber.objects.exists()

    services.set_line_serials(actor=order.owner, line=line, serials=" S1 ，S2\n")
    assert sorted(line.serials.values_list("serial", flat=True)) == ["S1", "S2"]
    services.set_line_serials(actor=order.owner, line=line, serials=["S2"])
    assert list(line.serials.values_list("serial", flat=True)) == ["S2"]
    entry = AuditEntry.objects.filter(object_type="sales.order", object_id=str(order.pk))[0]
    assert entry.changes == {"serials.1": ["S1, S2", "S2"]}


def test_a_product_without_serial_numbers_takes_none():
    order = make_order(lines=[(priced_product(), 2)])
    with pytest.raises(ValidationError) as caught:
        services.set_line_serials(actor=order.owner, line=order.lines.get(), serials=["X"])
    assert list(errors_of(caught)) == ["serials"]


def test_a_serial_sold_on_another_order_is_refused_naming_it_until_it_is_returned():
    product = serialised()
    first = make_order(lines=[(product, 1)], confirm=True)
    first_line = first.lines.get()
    services.set_line_serials(actor=first.owner, line=first_line, serials=["SN-1"])
    second = make_order(lines=[(product, 1)])
    with pytest.raises(ValidationError) as caught:
        services.set_line_serials(actor=second.owner, line=second.lines.get(), serials=["SN-1"])
    assert list(errors_of(caught)) == ["serials"]
    assert first.number in errors_of(caught)["serials"][0]
    # Another product may have a unit with the same serial number.
    third = make_order(lines=[(serialised(), 1)])
    services.set_line_serials(actor=third.owner, line=third.lines.get(), serials=["SN-1"])

    record_return(
        actor=first.owner,
        order=first,
        reason="Defective",
        items=[ReturnItem(line=first_line, quantity=1, serials=["SN-1"])],
    )
    services.set_line_serials(actor=second.owner, line=second.lines.get(), serials=["SN-1"])
    assert SerialNumber.objects.get(line__order=second).status == SerialStatus.SOLD
    assert SerialNumber.objects.get(line__order=first).status == SerialStatus.RETURNED


def test_returned_units_stay_and_count_against_the_quantity():
    order = make_order(lines=[(serialised(), 2)], confirm=True)
    line = order.lines.get()
    services.set_line_serials(actor=order.owner, line=line, serials=["R1", "R2"])
    record_return(
        actor=order.owner,
        order=order,
        reason="Defective",
        items=[ReturnItem(line=line, quantity=1, serials=["R1"])],
    )
    with pytest.raises(ValidationError):
        services.set_line_serials(actor=order.owner, line=line, serials=["R2", "R3"])
    services.set_line_serials(actor=order.owner, line=line, serials=["R3"])
    assert sorted(line.serials.values_list("serial", "status")) == [
        ("R1", SerialStatus.RETURNED),
        ("R3", SerialStatus.SOLD),
    ]
    # Naming the returned unit again leaves it as it is.
    services.set_line_serials(actor=order.owner, line=line, serials=["R1", "R3"])
    assert sorted(line.serials.values_list("serial", "status")) == [
        ("R1", SerialStatus.RETURNED),
        ("R3", SerialStatus.SOLD),
    ]


def test_a_returned_unit_named_again_is_not_sold_twice_on_its_line():
    order = make_order(lines=[(serialised(), 3)], confirm=True)
    line = order.lines.get()
    services.set_line_serials(actor=order.owner, line=line, serials=["U1"])
    record_return(
        actor=order.owner,
        order=order,
        reason="Defective",
        items=[ReturnItem(line=line, quantity=1, serials=["U1"])],
    )
    services.set_line_serials(actor=order.owner, line=line, serials=["U1", "U2"])
    assert sorted(line.serials.values_list("serial", "status")) == [
        ("U1", SerialStatus.RETURNED),
        ("U2", SerialStatus.SOLD),
    ]


def test_the_serials_of_a_cancelled_order_cannot_be_set():
    order = make_order(lines=[(serialised(), 1)])
    services.cancel_order(actor=order.owner, order=order)
    with pytest.raises(ValidationError) as caught:
        services.set_line_serials(actor=order.owner, line=order.lines.get(), serials=["Z"])
    assert "status" in errors_of(caught)


@pytest.mark.parametrize(
    ("order_date", "months", "until"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 1, 31), 13, date(2027, 2, 28)),
        (date(2026, 11, 15), 2, date(2027, 1, 15)),
        (date(2026, 6, 10), 24, date(2028, 6, 10)),
    ],
)
def test_warranty_runs_whole_months_from_the_order_date(order_date, months, until):
    order = make_order(order_date=order_date, lines=[(serialised(warranty=months), 1)])
    line = order.lines.get()
    services.set_line_serials(actor=order.owner, line=line, serials=["W1"])
    assert line.serials.get().warranty_until == until


def test_a_product_without_warranty_has_no_warranty_date():
    order = make_order(lines=[(serialised(warranty=0), 1)])
    line = order.lines.get()
    services.set_line_serials(actor=order.owner, line=line, serials=["W0"])
    assert line.serials.get().warranty_until is None


def test_removing_a_draft_line_removes_its_serials():
    order = make_order(lines=[(serialised(), 1)])
    line = order.lines.get()
    services.set_line_serials(actor=order.owner, line=line, serials=["GONE"])
    services.remove_order_line(actor=order.owner, line=line)
    assert not SerialNumber.objects.exists()
    assert not OrderLine.objects.filter(order=order).exists()
