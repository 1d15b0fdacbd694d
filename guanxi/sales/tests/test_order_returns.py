"""Returns and credit notes: default amounts, cumulative limits per line, serial numbers,
the base-currency amount at the order's rate; refused calls write nothing."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.core.models import AuditEntry
from guanxi.sales.choices_orders import ReturnKind, SerialStatus
from guanxi.sales.models import ExchangeRate, Return, ReturnLine, SerialNumber
from guanxi.sales.services import orders as order_services
from guanxi.sales.services.returns import ReturnItem, record_return, returned_so_far
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import make_price_list, make_product, priced_product
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def confirmed(*lines, **overrides):
    return make_order(lines=list(lines), confirm=True, **overrides)


def give_back(order, *items, kind=ReturnKind.RETURN, reason="Defective", **kwargs):
    return record_return(
        actor=order.owner, order=order, kind=kind, reason=reason, items=list(items), **kwargs
    )


def errors_of(caught):
    return caught.value.message_dict


def discounted_order(price="100", quantity=3, discount="10"):
    """One line: ``quantity`` × ``price`` less ``discount`` percent (a manager's order,
    so any discount is allowed)."""
    order = make_order(actor=make_user(role="sales_manager"))
    order_services.add_order_line(
        actor=order.owner,
        order=order,
        product=priced_product(price),
        quantity=quantity,
        discount_percent=discount,
    )
    order_services.confirm_order(actor=order.owner, order=order)
    return order


def test_a_return_credits_the_net_unit_price_of_the_units_by_default():
    order = discounted_order("100", 3, "10")  # 270.00
    line = order.lines.get()
    document = give_back(order, ReturnItem(line=line, quantity=1))
    document.refresh_from_db()
    assert document.number == f"R-{date.today().year}-0001"
    assert document.kind == ReturnKind.RETURN
    assert document.total == Decimal("90.00")
    assert document.total_base == Decimal("90.00")
    assert list(document.lines.values_list("quantity", "amount")) == [
        (Decimal("1"), Decimal("90.00"))
    ]
    assert returned_so_far(line) == (Decimal("1"), Decimal("90"))


def test_partial_returns_add_up_to_the_line_total_exactly():
    # 3 × 10.00 less 33.33 % = 20.001 → 20.00; one unit is worth 6.666…
    order = discounted_order("10", 3, "33.33")
    line = order.lines.get()
    assert line.line_total == Decimal("20.00")
    first = give_back(order, ReturnItem(line=line, quantity=1))
    second = give_back(order, ReturnItem(line=line, quantity=2))
    assert (first.total, second.total) == (Decimal("6.67"), Decimal("13.33"))
    assert first.total + second.total == line.line_total


def test_units_are_limited_across_several_returns():
    order = confirmed((priced_product("10"), 3), (priced_product("20"), 1))
    first, second = order.lines.order_by("position")
    give_back(order, ReturnItem(line=first, quantity=2))
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=second, quantity=1), ReturnItem(line=first, quantity=2))
    assert list(errors_of(caught)) == ["lines.1.quantity"]
    assert Return.objects.count() == 1
    give_back(order, ReturnItem(line=first, quantity=1))
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=first, quantity="0.01"))
    assert list(errors_of(caught)) == ["lines.0.quantity"]
    assert returned_so_far(first) == (Decimal("3"), Decimal("30"))


def test_money_is_limited_across_credit_notes_and_returns():
    order = discounted_order("100", 3, "10")  # 270.00
    line = order.lines.get()
    give_back(order, ReturnItem(line=line, amount="250"), kind=ReturnKind.CREDIT)
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line, amount="20.01"), kind=ReturnKind.CREDIT)
    assert list(errors_of(caught)) == ["lines.0.amount"]
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line, quantity=1, amount="30"))
    assert list(errors_of(caught)) == ["lines.0.amount"]
    # A unit sent back now is credited only what is left of the line's money.
    document = give_back(order, ReturnItem(line=line, quantity=1))
    assert document.total == Decimal("20.00")
    # Units may still come back, with nothing left to credit.
    document = give_back(order, ReturnItem(line=line, quantity=2))
    assert document.total == 0
    assert returned_so_far(line) == (Decimal("3"), Decimal("270"))


def test_an_explicit_amount_is_kept_for_a_return():
    order = discounted_order("100", 3, "0")
    line = order.lines.get()
    document = give_back(order, ReturnItem(line=line, quantity=1, amount="55.5"))
    assert document.total == Decimal("55.50")


def test_every_bad_item_is_reported_by_its_index():
    order = confirmed((priced_product("10"), 1), (priced_product("10"), 1))
    first, second = order.lines.order_by("position")
    with pytest.raises(ValidationError) as caught:
        give_back(
            order,
            ReturnItem(line=first, quantity=0),
            ReturnItem(line=second, quantity="x"),
            ReturnItem(line=999999, quantity=1),
            ReturnItem(line={"position": 1}, quantity=1),
        )
    assert set(errors_of(caught)) - {"lines"} == {
        "lines.0.quantity",
        "lines.1.quantity",
        "lines.2.line",
        "lines.3.line",
    }
    assert not Return.objects.exists()
    assert not AuditEntry.objects.filter(object_type="sales.return").exists()


def test_a_line_of_another_order_is_not_found():
    order = confirmed((priced_product("10"), 1))
    other = confirmed((priced_product("10"), 1))
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=other.lines.get(), quantity=1))
    assert list(errors_of(caught)) == ["lines.0.line"]


def test_lines_may_be_named_by_position_or_id():
    order = confirmed((priced_product("10"), 2), (priced_product("30"), 2))
    first_id = str(order.lines.get(position=1).pk)
    document = give_back(
        order,
        ReturnItem(line={"position": 2}, quantity=1),
        ReturnItem(line=first_id, quantity=1),
    )
    assert document.total == Decimal("40")  # 30 for the second line, 10 for the first
    assert sorted(document.lines.values_list("order_line__position", "amount")) == [
        (1, Decimal("10")),
        (2, Decimal("30")),
    ]


def test_serialised_units_are_named_and_become_returned():
    product = priced_product("100", is_serialised=True, warranty_months=12)
    order = confirmed((product, 3))
    line = order.lines.get()
    order_services.set_line_serials(actor=order.owner, line=line, serials=["A", "B", "C"])
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line, quantity=2, serials=["A"]))
    assert list(errors_of(caught)) == ["lines.0.serials"]
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line, quantity=1, serials=["Z"]))
    assert list(errors_of(caught)) == ["lines.0.serials"]
    assert set(line.serials.values_list("status", flat=True)) == {SerialStatus.SOLD}

    document = give_back(order, ReturnItem(line=line, quantity=2, serials="A, B"))

    assert dict(line.serials.values_list("serial", "status")) == {
        "A": SerialStatus.RETURNED,
        "B": SerialStatus.RETURNED,
        "C": SerialStatus.SOLD,
    }
    assert sorted(document.lines.get().serials.values_list("serial", flat=True)) == ["A", "B"]
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line, quantity=1, serials=["A"]))
    assert list(errors_of(caught)) == ["lines.0.serials"]
    # A returned unit is sold again on another order.
    again = make_order(lines=[(product, 1)])
    order_services.set_line_serials(actor=again.owner, line=again.lines.get(), serials=["A"])


def test_a_credit_note_credits_money_only():
    order = discounted_order("100", 2, "0")
    line = order.lines.get()
    credit = ReturnKind.CREDIT
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line), kind=credit)
    assert "lines.0.amount" in errors_of(caught)
    for amount in ("0", 0, "0.00"):
        with pytest.raises(ValidationError) as caught:
            give_back(order, ReturnItem(line=line, amount=amount), kind=credit)
        assert "lines.0.amount" in errors_of(caught)
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line, quantity=1, amount="10"), kind=credit)
    assert list(errors_of(caught)) == ["lines.0.quantity"]
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line, quantity="lots", amount="10"), kind=credit)
    assert list(errors_of(caught)) == ["lines.0.quantity"]
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line, amount="-5"), kind=credit)
    assert list(errors_of(caught)) == ["lines.0.amount"]
    assert not Return.objects.exists()

    document = give_back(order, ReturnItem(line=line, amount="12.5"), kind=credit)
    assert document.kind == ReturnKind.CREDIT
    assert document.total == Decimal("12.50")
    assert list(document.lines.values_list("quantity", flat=True)) == [Decimal("0")]
    assert returned_so_far(line) == (Decimal("0"), Decimal("12.5"))


def test_a_credit_note_with_serials_is_refused():
    product = priced_product("100", is_serialised=True)
    order = confirmed((product, 1))
    line = order.lines.get()
    order_services.set_line_serials(actor=order.owner, line=line, serials=["S"])
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line, amount="1", serials=["S"]), kind=ReturnKind.CREDIT)
    assert list(errors_of(caught)) == ["lines.0.serials"]


def test_only_a_confirmed_order_takes_returns():
    draft = make_order(lines=[(priced_product(), 1)])
    with pytest.raises(ValidationError) as caught:
        give_back(draft, ReturnItem(line=draft.lines.get(), quantity=1))
    assert "order" in errors_of(caught)
    cancelled = confirmed((priced_product(), 1))
    order_services.cancel_order(actor=cancelled.owner, order=cancelled)
    with pytest.raises(ValidationError) as caught:
        give_back(cancelled, ReturnItem(line=cancelled.lines.get(), quantity=1))
    assert "order" in errors_of(caught)
    assert not Return.objects.exists()


def test_the_header_is_checked():
    order = confirmed((priced_product(), 1), order_date=date(2026, 3, 10))
    line = order.lines.get()
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line, quantity=1), return_date=date(2026, 3, 9))
    assert list(errors_of(caught)) == ["return_date"]
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line, quantity=1), reason="  ")
    assert list(errors_of(caught)) == ["reason"]
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line, quantity=1), kind="swap")
    assert list(errors_of(caught)) == ["kind"]
    with pytest.raises(ValidationError) as caught:
        give_back(order)
    assert list(errors_of(caught)) == ["lines"]
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line, quantity=1), return_date="10.03.2026")
    assert list(errors_of(caught)) == ["return_date"]
    document = give_back(order, ReturnItem(line=line, quantity=1), return_date="2026-03-10")
    assert document.return_date == date(2026, 3, 10)


def test_a_line_given_twice_is_refused():
    order = confirmed((priced_product(), 3))
    line = order.lines.get()
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line, quantity=1), ReturnItem(line=line, quantity=1))
    assert list(errors_of(caught)) == ["lines.1.line"]


def test_a_return_of_nothing_is_refused():
    order = confirmed((priced_product(), 3))
    line = order.lines.get()
    give_back(order, ReturnItem(line=line, amount=order.total), kind=ReturnKind.CREDIT)
    # Nothing left to credit and no units: nothing would happen.
    with pytest.raises(ValidationError) as caught:
        give_back(order, ReturnItem(line=line, quantity=0))
    assert "lines.0.quantity" in errors_of(caught)


def test_the_base_amount_uses_the_orders_rate_not_the_rate_of_the_return_date():
    product = make_product()
    make_price_list(currency="USD", prices={product: "100"})
    ExchangeRate.objects.create(currency="USD", valid_on=date(2026, 1, 1), rate=Decimal("7.2"))
    order = confirmed((product, 3), currency="USD", order_date=date(2026, 2, 1))
    ExchangeRate.objects.create(currency="USD", valid_on=date(2026, 3, 1), rate=Decimal("8.0"))

    document = give_back(
        order, ReturnItem(line=order.lines.get(), quantity=1), return_date=date(2026, 3, 15)
    )

    document.refresh_from_db()
    assert document.exchange_rate == Decimal("7.2")
    assert (document.total, document.total_base) == (Decimal("100"), Decimal("720"))
    # A full return cancels the order in the base currency.
    rest = give_back(
        order, ReturnItem(line=order.lines.get(), quantity=2), return_date=date(2026, 3, 16)
    )
    order.refresh_from_db()
    assert document.total_base + rest.total_base == order.total_base


def test_a_return_is_audited_on_itself_and_on_the_order():
    order = discounted_order("100", 3, "10")
    document = give_back(order, ReturnItem(line=order.lines.get(), quantity=1), reason="Bent")
    created = AuditEntry.objects.get(object_type="sales.return", object_id=str(document.pk))
    assert created.event == "create"
    assert created.actor == order.owner
    assert created.changes["number"] == [None, document.number]
    assert created.changes["reason"] == [None, "Bent"]
    assert Decimal(created.changes["total"][1]) == Decimal("90")
    on_order = AuditEntry.objects.filter(object_type="sales.order", object_id=str(order.pk))[0]
    assert on_order.event == "change"
    assert document.number in on_order.changes["returns"][1]


def test_a_backdated_return_is_placed_on_its_day_and_todays_now():
    order = confirmed((priced_product(), 3), order_date=date(2026, 1, 5))
    before = timezone.now()
    today = give_back(order, ReturnItem(line=order.lines.get(), quantity=1))
    assert before <= today.returned_at <= timezone.now()
    earlier_day = timezone.localdate() - timedelta(days=20)
    earlier = give_back(
        order, ReturnItem(line=order.lines.get(), quantity=1), return_date=earlier_day
    )
    assert timezone.localtime(earlier.returned_at).date() == earlier_day
    assert earlier.returned_at == timezone.make_aware(datetime.combine(earlier_day, time(12)))


def test_only_those_who_may_change_the_order_record_returns():
    order = confirmed((priced_product(), 1))
    for role in ("sales_rep", "service_agent", "analyst"):
        with pytest.raises(PermissionDenied):
            record_return(
                actor=make_user(role=role),
                order=order,
                reason="x",
                items=[ReturnItem(line=order.lines.get(), quantity=1)],
            )
    assert not ReturnLine.objects.exists()
    assert not SerialNumber.objects.exists()
