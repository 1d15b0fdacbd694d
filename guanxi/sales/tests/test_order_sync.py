"""Orders and returns pushed by an ERP: idempotent by (source, external id), validated
line by line before anything is written, updated while nothing was returned."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.core.models import AuditEntry
from guanxi.sales.choices_orders import OrderStatus, ReturnKind, SerialStatus
from guanxi.sales.models import ExchangeRate, Order, OrderLine, Return, SerialNumber
from guanxi.sales.services.order_sync import SyncLine, upsert_order, upsert_return
from guanxi.sales.services.orders import set_line_serials
from guanxi.sales.services.returns import ReturnItem
from guanxi.testing.customers import make_account
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import make_price_list, make_product, priced_product
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


@pytest.fixture
def erp():
    return make_user(role="administrator")


@pytest.fixture
def account():
    rep = make_user(role="sales_rep")
    make_team(members=[rep])
    return make_account(owner=rep)


@pytest.fixture
def products():
    return (
        make_product(sku="CAM-1", name="Camera"),
        make_product(sku="LENS-1", name="Lens", is_serialised=True, warranty_months=12),
    )


def body(**overrides):
    fields = {
        "source": "erp",
        "external_id": "SO-1001",
        "order_date": DAY,
        "currency": "CNY",
        "lines": [
            SyncLine(sku="CAM-1", quantity="2", unit_price="1999.00", discount_percent="5"),
            SyncLine(
                sku="LENS-1",
                quantity=2,
                unit_price="500",
                external_id="L2",
                serials=["SN-2", "SN-1"],
            ),
        ],
    }
    fields.update(overrides)
    return fields


def push(actor, account, **overrides):
    return upsert_order(actor=actor, account=account, **body(**overrides))


def audit_count():
    return AuditEntry.objects.filter(object_type__in=["sales.order", "sales.return"]).count()


def errors_of(caught):
    return caught.value.message_dict


def test_a_new_order_is_made_at_the_erps_prices_owned_like_the_account(erp, account, products):
    order, created = push(erp, account)

    assert created is True
    order.refresh_from_db()
    assert (order.source, order.external_id, order.status) == ("erp", "SO-1001", "confirmed")
    assert (order.owner_id, order.team_id) == (account.owner_id, account.team_id)
    assert order.team_id is not None
    assert order.created_by == erp
    assert order.number == "O-2026-0001"
    lines = list(order.lines.order_by("position"))
    assert [
        (ln.position, ln.product.sku, ln.description, ln.quantity, ln.unit_price, ln.line_total)
        for ln in lines
    ] == [
        (1, "CAM-1", "Camera", Decimal("2"), Decimal("1999"), Decimal("3798.10")),
        (2, "LENS-1", "Lens", Decimal("2"), Decimal("500"), Decimal("1000")),
    ]
    assert lines[1].external_id == "L2"
    assert (order.subtotal, order.discount_total, order.total) == (
        Decimal("4998"),
        Decimal("199.90"),
        Decimal("4798.10"),
    )
    assert (order.exchange_rate, order.total_base) == (Decimal("1"), Decimal("4798.10"))
    assert sorted(lines[1].serials.values_list("serial", "warranty_until")) == [
        ("SN-1", date(2027, 3, 2)),
        ("SN-2", date(2027, 3, 2)),
    ]
    assert AuditEntry.objects.filter(
        object_type="sales.order", object_id=str(order.pk), event="create"
    ).exists()


def test_an_erp_order_appears_on_the_timeline_on_its_order_date(erp, account, products):
    order, _created = push(erp, account)
    assert order.confirmed_at is not None
    assert timezone.localtime(order.confirmed_at).date() == DAY
    order, _created = push(
        erp,
        account,
        external_id="SO-TODAY",
        order_date=timezone.localdate(),
        lines=body()["lines"][:1],
    )
    assert order.confirmed_at <= timezone.now()
    assert timezone.localtime(order.confirmed_at).date() == timezone.localdate()


def test_pushing_the_same_order_again_changes_nothing(erp, account, products):
    first, _created = push(erp, account)
    updated_at = Order.objects.get(pk=first.pk).updated_at
    line_ids = set(OrderLine.objects.values_list("pk", flat=True))
    entries = audit_count()

    again, created = push(
        erp,
        account,
        order_date="2026-03-02",
        currency="cny",
        lines=[
            SyncLine(sku="CAM-1", quantity=2, unit_price="1999", discount_percent=5),
            SyncLine(
                sku=" LENS-1 ",
                quantity="2.00",
                unit_price="500.00",
                external_id="L2",
                serials="SN-1, SN-2",
            ),
        ],
    )

    assert (again.pk, created) == (first.pk, False)
    assert audit_count() == entries
    assert Order.objects.get(pk=first.pk).updated_at == updated_at
    assert set(OrderLine.objects.values_list("pk", flat=True)) == line_ids
    assert Order.objects.count() == 1


def test_a_changed_order_is_updated_and_its_lines_replaced(erp, account, products):
    first, _created = push(erp, account)
    old_lines = set(first.lines.values_list("pk", flat=True))

    order, created = push(
        erp,
        account,
        notes="Second delivery address",
        lines=[SyncLine(sku="CAM-1", quantity=3, unit_price="1899.50")],
    )

    assert (order.pk, created) == (first.pk, False)
    order.refresh_from_db()
    assert order.notes == "Second delivery address"
    lines = list(order.lines.all())
    assert not old_lines & {ln.pk for ln in lines}
    assert [(ln.quantity, ln.unit_price, ln.line_total) for ln in lines] == [
        (Decimal("3"), Decimal("1899.50"), Decimal("5698.50"))
    ]
    assert (order.total, order.total_base) == (Decimal("5698.50"), Decimal("5698.50"))
    assert not SerialNumber.objects.exists()
    entry = AuditEntry.objects.filter(object_type="sales.order", object_id=str(order.pk))[0]
    assert entry.event == "change"
    assert "lines" in entry.changes
    assert entry.changes["notes"] == ["", "Second delivery address"]


def test_moving_the_order_to_another_account_moves_its_owner(erp, account, products):
    push(erp, account)
    other_rep = make_user(role="sales_rep")
    other_team = make_team(members=[other_rep])
    other = make_account(owner=other_rep)
    order, _created = push(erp, other)
    order.refresh_from_db()
    assert (order.account, order.owner, order.team) == (other, other_rep, other_team)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (SyncLine(sku="NOPE-1", quantity=1, unit_price="1"), "lines.1.sku"),
        (SyncLine(sku="CAM-1", quantity="0", unit_price="1"), "lines.1.quantity"),
        (SyncLine(sku="CAM-1", quantity="many", unit_price="1"), "lines.1.quantity"),
        (SyncLine(sku="LENS-1", quantity="1.5", unit_price="1"), "lines.1.quantity"),
        (SyncLine(sku="CAM-1", quantity=1, unit_price="-1"), "lines.1.unit_price"),
        (SyncLine(sku="CAM-1", quantity=1, unit_price="cheap"), "lines.1.unit_price"),
        (SyncLine(sku="CAM-1", quantity=1, unit_price="1", discount_percent=101), None),
        (SyncLine(sku="CAM-1", quantity=1, unit_price="1", serials=["X"]), "lines.1.serials"),
        (SyncLine(sku="LENS-1", quantity=1, unit_price="1", serials=["X", "Y"]), None),
        (SyncLine(sku="LENS-1", quantity=2, unit_price="1", serials=["SN-1"]), None),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_written(erp, account, products, line, field):
    good = SyncLine(sku="CAM-1", quantity=1, unit_price="10", serials=[])
    if field is None:
        field = "lines.1.discount_percent" if line.discount_percent == 101 else "lines.1.serials"
    if line.serials == ["SN-1"]:  # the same serial twice within one push
        good = SyncLine(sku="LENS-1", quantity=1, unit_price="10", serials=["SN-1"])
    with pytest.raises(ValidationError) as caught:
        push(erp, account, lines=[good, line])
    assert list(errors_of(caught)) == [field]
    assert not Order.objects.exists()
    assert not OrderLine.objects.exists()
    assert not SerialNumber.objects.exists()
    assert audit_count() == 0


def test_several_bad_lines_are_reported_at_once(erp, account, products):
    with pytest.raises(ValidationError) as caught:
        push(
            erp,
            account,
            lines=[
                SyncLine(sku="NOPE", quantity=1, unit_price="1"),
                SyncLine(sku="CAM-1", quantity=-2, unit_price="x"),
            ],
        )
    assert set(errors_of(caught)) == {"lines.0.sku", "lines.1.quantity", "lines.1.unit_price"}
    assert "NOPE" in errors_of(caught)["lines.0.sku"][0]


def test_a_bad_update_changes_nothing(erp, account, products):
    first, _created = push(erp, account)
    entries = audit_count()
    with pytest.raises(ValidationError):
        push(erp, account, lines=[SyncLine(sku="NOPE", quantity=1, unit_price="1")])
    assert audit_count() == entries
    assert first.lines.count() == 2


@pytest.mark.parametrize(
    ("source", "external_id", "field"),
    [
        ("crm", "SO-1", "source"),
        ("CRM", "SO-1", "source"),
        ("my erp", "SO-1", "source"),
        ("", "SO-1", "source"),
        ("erp", "  ", "external_id"),
        ("erp", "x" * 101, "external_id"),
    ],
)
def test_the_source_and_external_id_are_checked(erp, account, products, source, external_id, field):
    with pytest.raises(ValidationError) as caught:
        push(erp, account, source=source, external_id=external_id)
    assert list(errors_of(caught)) == [field]
    assert not Order.objects.exists()


def test_the_source_is_kept_in_lower_case(erp, account, products):
    order, _created = push(erp, account, source=" Shop-2 ")
    assert order.source == "shop-2"
    again, created = push(erp, account, source="shop-2")
    assert (again.pk, created) == (order.pk, False)


def test_the_same_external_id_of_another_source_is_another_order(erp, account, products):
    first, _created = push(erp, account, lines=[SyncLine(sku="CAM-1", quantity=1, unit_price=1)])
    second, created = push(
        erp, account, source="shop", lines=[SyncLine(sku="CAM-1", quantity=1, unit_price=1)]
    )
    assert created and second.pk != first.pk


def test_the_header_is_checked(erp, account, products):
    with pytest.raises(ValidationError) as caught:
        upsert_order(
            actor=erp,
            account=None,
            **body(order_date=None, currency="euro", status="draft", lines=[]),
        )
    assert set(errors_of(caught)) == {"account", "order_date", "currency", "status", "lines"}


def test_a_foreign_currency_needs_a_rate_for_the_order_date(erp, account, products):
    ExchangeRate.objects.create(currency="USD", valid_on=date(2026, 3, 3), rate=Decimal("7.3"))
    lines = [SyncLine(sku="CAM-1", quantity=2, unit_price="100.25")]
    with pytest.raises(ValidationError) as caught:
        push(erp, account, currency="USD", lines=lines)
    assert list(errors_of(caught)) == ["currency"]
    assert "USD" in errors_of(caught)["currency"][0]
    assert not Order.objects.exists()

    ExchangeRate.objects.create(currency="USD", valid_on=date(2026, 2, 1), rate=Decimal("7.1"))
    order, _created = push(erp, account, currency="USD", lines=lines)
    order.refresh_from_db()
    assert (order.currency, order.exchange_rate) == ("USD", Decimal("7.1"))
    assert (order.total, order.total_base) == (Decimal("200.50"), Decimal("1423.55"))


def test_a_corrected_rate_does_not_rewrite_an_order_pushed_again(erp, account, products):
    rate = ExchangeRate.objects.create(currency="USD", valid_on=DAY, rate=Decimal("7.1"))
    lines = [SyncLine(sku="CAM-1", quantity=1, unit_price="100")]
    order, _created = push(erp, account, currency="USD", lines=lines)
    rate.rate = Decimal("9")
    rate.save()
    order, _created = push(erp, account, currency="USD", lines=lines, notes="changed")
    order.refresh_from_db()
    assert (order.notes, order.exchange_rate, order.total_base) == (
        "changed",
        Decimal("7.1"),
        Decimal("710"),
    )
    # A new date takes the rate of that date.
    ExchangeRate.objects.create(currency="USD", valid_on=date(2026, 4, 1), rate=Decimal("7.5"))
    order, _created = push(erp, account, currency="USD", lines=lines, order_date="2026-04-02")
    order.refresh_from_db()
    assert (order.exchange_rate, order.total_base) == (Decimal("7.5"), Decimal("750"))


def test_a_cancelled_push_releases_the_serials_and_stays_cancelled(erp, account, products):
    order, _created = push(erp, account)
    assert SerialNumber.objects.filter(status=SerialStatus.SOLD).count() == 2

    cancelled, created = push(erp, account, status="cancelled")

    assert (cancelled.pk, created) == (order.pk, False)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert not SerialNumber.objects.exists()
    entries = audit_count()
    # The ERP retries the cancellation: nothing changes.
    _same, created = push(erp, account, status="cancelled")
    assert created is False
    assert audit_count() == entries
    # The released units are sold on another order.
    other = make_order(lines=[(priced_product(), 1)])
    lens = products[1]
    again, _created = push(
        erp,
        account,
        external_id="SO-1002",
        lines=[SyncLine(sku=lens.sku, quantity=1, unit_price=1, serials=["SN-1"])],
    )
    assert SerialNumber.objects.get().line.order == again
    assert other.pk != again.pk

    with pytest.raises(ValidationError) as caught:
        push(erp, account, status="confirmed")
    assert "status" in errors_of(caught)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_an_order_pushed_cancelled_can_be_pushed_again(erp, account, products):
    order, created = push(erp, account, status="cancelled")
    assert created and order.status == OrderStatus.CANCELLED
    assert not SerialNumber.objects.exists()
    entries = audit_count()
    again, created = push(erp, account, status="cancelled")
    assert (again.pk, created) == (order.pk, False)
    assert audit_count() == entries


def test_a_serial_sold_on_another_order_is_refused(erp, account, products):
    push(erp, account)
    first = Order.objects.get()
    with pytest.raises(ValidationError) as caught:
        push(
            erp,
            account,
            external_id="SO-2",
            lines=[SyncLine(sku="LENS-1", quantity=1, unit_price=1, serials=["SN-2"])],
        )
    assert list(errors_of(caught)) == ["lines.0.serials"]
    assert first.number in errors_of(caught)["lines.0.serials"][0]
    assert Order.objects.count() == 1


def test_with_returns_the_lines_are_fixed_but_a_retry_is_fine(erp, account, products):
    order, _created = push(erp, account)
    lens_line = order.lines.get(position=2)
    upsert_return(
        actor=erp,
        source="erp",
        external_id="RMA-1",
        order=order,
        kind=ReturnKind.RETURN,
        reason="Scratched",
        items=[ReturnItem(line=lens_line, quantity=1, serials=["SN-1"])],
        return_date=date(2026, 3, 10),
    )
    entries = audit_count()

    again, created = push(erp, account)  # the original body, SN-1 included

    assert (again.pk, created) == (order.pk, False)
    assert audit_count() == entries
    assert dict(lens_line.serials.values_list("serial", "status")) == {
        "SN-1": SerialStatus.RETURNED,
        "SN-2": SerialStatus.SOLD,
    }
    with pytest.raises(ValidationError) as caught:
        push(erp, account, lines=[SyncLine(sku="CAM-1", quantity=2, unit_price="1999.00")])
    assert list(errors_of(caught)) == ["lines"]
    with pytest.raises(ValidationError) as caught:
        push(erp, account, status="cancelled")
    assert list(errors_of(caught)) == ["status"]
    # The header may still change.
    push(erp, account, notes="Paid")
    order.refresh_from_db()
    assert (order.notes, order.status) == ("Paid", OrderStatus.CONFIRMED)
    assert order.lines.count() == 2


def test_a_returned_unit_sold_again_elsewhere_does_not_block_the_original_order(
    erp, account, products
):
    order, _created = push(erp, account)
    upsert_return(
        actor=erp,
        source="erp",
        external_id="RMA-1",
        order=order,
        kind=ReturnKind.RETURN,
        reason="Scratched",
        items=[ReturnItem(line={"position": 2}, quantity=1, serials=["SN-1"])],
    )
    make_price_list(prices={products[1]: "10"})
    resale = make_order(actor=erp, lines=[(products[1], 1)])
    set_line_serials(actor=erp, line=resale.lines.get(), serials=["SN-1"])
    entries = audit_count()

    _same, created = push(erp, account)
    assert created is False
    assert audit_count() == entries
    again, _created = push(erp, account, notes="Paid")
    again.refresh_from_db()
    assert again.notes == "Paid"
    assert SerialNumber.objects.get(serial="SN-1", status=SerialStatus.SOLD).line.order == resale


def test_two_pushes_of_one_new_order_at_once_make_one_order(erp, account, products):
    """The other push committed the order (serial numbers too) after our look-up missed
    it: our insert hits the unique pair and the order it made is the answer."""
    other, _created = push(erp, account, external_id="SO-7")
    real_filter = Order.objects.select_for_update().filter
    calls = {"n": 0}

    class FirstMiss:
        def __init__(self, queryset):
            self.queryset = queryset

        def first(self):
            calls["n"] += 1
            return None if calls["n"] == 1 else self.queryset.first()

    def select_for_update(*args, **kwargs):
        manager = mock.Mock()
        manager.filter = lambda *a, **k: FirstMiss(real_filter(*a, **k))
        return manager

    with mock.patch.object(Order.objects, "select_for_update", side_effect=select_for_update):
        order, created = push(erp, account, external_id="SO-7")
    assert (order.pk, created) == (other.pk, False)
    assert calls["n"] == 2
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 2
    assert SerialNumber.objects.count() == 2
    assert AuditEntry.objects.filter(object_type="sales.order").count() == 1


def test_who_may_push(erp, account, products):
    with pytest.raises(PermissionDenied):
        push(make_user(role="marketer"), account)
    stranger = make_user(role="sales_rep")
    with pytest.raises(ValidationError) as caught:
        push(stranger, account)
    assert list(errors_of(caught)) == ["account"]
    # The account's owner may push (and the order is theirs).
    order, _created = push(account.owner, account)
    assert order.owner == account.owner


# --- returns -----------------------------------------------------------------------------------


def test_a_retried_return_answers_with_the_first(erp, account, products):
    order, _created = push(erp, account)
    fields = {
        "actor": erp,
        "source": "erp",
        "external_id": "RMA-9",
        "order": order,
        "kind": ReturnKind.CREDIT,
        "reason": "Late delivery",
        "items": [ReturnItem(line={"position": 1}, amount="100")],
        "return_date": "2026-03-20",
    }
    first, created = upsert_return(**fields)
    assert created is True
    first.refresh_from_db()
    assert (first.source, first.external_id, first.total) == ("erp", "RMA-9", Decimal("100"))
    entries = audit_count()

    again, created = upsert_return(**fields)

    assert (again.pk, created) == (first.pk, False)
    assert Return.objects.count() == 1
    assert audit_count() == entries


def test_the_same_return_id_on_another_order_is_refused(erp, account, products):
    order, _created = push(erp, account)
    other, _created = push(erp, account, external_id="SO-2", lines=body()["lines"][:1])
    fields = {
        "actor": erp,
        "source": "erp",
        "external_id": "RMA-9",
        "kind": ReturnKind.CREDIT,
        "reason": "Late",
        "items": [ReturnItem(line={"position": 1}, amount="1")],
    }
    upsert_return(order=order, **fields)
    with pytest.raises(ValidationError) as caught:
        upsert_return(order=other, **fields)
    assert list(errors_of(caught)) == ["external_id"]
    with pytest.raises(ValidationError) as caught:
        upsert_return(order=order, **{**fields, "kind": ReturnKind.RETURN})
    assert list(errors_of(caught)) == ["external_id"]
    assert Return.objects.count() == 1
    with pytest.raises(ValidationError) as caught:
        upsert_return(order=order, **{**fields, "source": "crm"})
    assert list(errors_of(caught)) == ["source"]


def test_a_refused_return_is_not_recorded_and_can_be_retried(erp, account, products):
    order, _created = push(erp, account)
    fields = {
        "actor": erp,
        "source": "erp",
        "external_id": "RMA-3",
        "order": order,
        "kind": ReturnKind.RETURN,
        "reason": "Wrong",
    }
    with pytest.raises(ValidationError) as caught:
        upsert_return(items=[ReturnItem(line={"position": 1}, quantity=3)], **fields)
    assert list(errors_of(caught)) == ["lines.0.quantity"]
    made, created = upsert_return(items=[ReturnItem(line={"position": 1}, quantity=2)], **fields)
    assert created and made.total == Decimal("3798.10")
