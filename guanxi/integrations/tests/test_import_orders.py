"""Importing orders from a file with one row per order line: grouping, checks by row and
column through the ERP sync's service, batches that never split an order, resuming,
re-importing without doubling, and rolling back."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from guanxi.core.models import AuditEntry
from guanxi.customers.models import Account
from guanxi.customers.selectors import account_choices
from guanxi.integrations.imports import services
from guanxi.integrations.imports.fields_orders import currency_code, discount_text, status_code
from guanxi.integrations.imports.models import ImportRecord, ImportStatus
from guanxi.integrations.imports.orders import group_rows
from guanxi.integrations.models import ExternalRef
from guanxi.sales.models import Order, OrderLine, SerialNumber
from guanxi.sales.services.order_sync import SyncLine, upsert_order
from guanxi.sales.services.returns import ReturnItem, record_return
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.quotes import make_product
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db

ORDERS = "sales.order"
# Order A-1 has three lines, its customer and date on the first line only, and its
# third line further down the file; A-2 repeats its order-level cells on each line.
ORDERS_CSV = (
    "订单号,客户名称,下单日期,币种,状态,货号,数量,单价,折扣\n"
    'A-1,华信科技,2024年3月5日,人民币,已确认,RT-100,2,"1,200.00",8折\n'
    "A-1,,,,,SW-200,1,300,\n"
    "A-2,远景贸易,2024/3/6,CNY,confirmed,SW-200,5,280,10%\n"
    "A-2,远景贸易,2024/3/6,CNY,confirmed,RT-100,1,1150,\n"
    "A-1,,,,,AP-300,3,99.50,\n"
)


@pytest.fixture
def admin(db):
    return make_user(role="administrator", full_name="Admin")


@pytest.fixture
def catalogue(admin):
    make_account(name="华信科技", actor=admin)
    make_account(name="远景贸易", actor=admin)
    for sku in ("RT-100", "SW-200", "AP-300"):
        make_product(sku=sku, name=f"Product {sku}", actor=admin)


def upload(actor, text, encoding="utf-8", filename="orders.csv"):
    content = text if isinstance(text, bytes) else text.encode(encoding)
    return services.start_import(actor=actor, target=ORDERS, file=content, filename=filename)


def run(job):
    job = services.start_import_job(actor=job.created_by, job=job)
    services.run_import(job.pk)
    job.refresh_from_db()
    return job


def lines_of(external_id):
    order = Order.objects.get(source="import", external_id=external_id)
    return [
        (line.product.sku, line.quantity, line.unit_price, line.discount_percent)
        for line in order.lines.select_related("product")
    ]


def errors_of(job):
    return sorted((e.row, e.column, e.value, e.message) for e in job.row_errors.all())


def test_lines_are_grouped_into_orders_from_a_gbk_file(admin, catalogue):
    # Given a GBK file whose first order's lines are not next to each other
    job = upload(admin, ORDERS_CSV, "gbk")
    assert job.encoding == "gb18030"
    assert job.mapping == {
        "订单号": "order_ref",
        "客户名称": "account_name",
        "下单日期": "order_date",
        "币种": "currency",
        "状态": "status",
        "货号": "sku",
        "数量": "quantity",
        "单价": "unit_price",
        "折扣": "discount_percent",
    }

    # When it is checked and imported
    job = services.dry_run(actor=admin, job=job)
    assert (job.created_count, job.error_count, Order.objects.count()) == (2, 0, 0)
    job = run(job)

    # Then two orders exist with every line, as the file gives them
    assert (job.status, job.created_count, job.error_count) == (ImportStatus.DONE, 2, 0)
    assert Order.objects.count() == 2
    first = Order.objects.get(external_id="A-1")
    assert (first.account.name, first.order_date, first.currency, first.status) == (
        "华信科技",
        date(2024, 3, 5),
        "CNY",
        "confirmed",
    )
    assert lines_of("A-1") == [
        ("RT-100", Decimal("2.00"), Decimal("1200.00"), Decimal("20.00")),
        ("SW-200", Decimal("1.00"), Decimal("300.00"), Decimal("0.00")),
        ("AP-300", Decimal("3.00"), Decimal("99.50"), Decimal("0.00")),
    ]
    assert first.total == Decimal("1920.00") + Decimal("300.00") + Decimal("298.50")
    assert lines_of("A-2") == [
        ("SW-200", Decimal("5.00"), Decimal("280.00"), Decimal("10.00")),
        ("RT-100", Decimal("1.00"), Decimal("1150.00"), Decimal("0.00")),
    ]
    order_type = ContentType.objects.get_for_model(Order)
    assert sorted(
        ImportRecord.objects.filter(job=job, content_type=order_type).values_list("row", flat=True)
    ) == [2, 4]


def test_problems_are_named_by_row_and_column_and_bad_orders_are_left_out(admin, catalogue):
    # Given orders with an unknown product, a bad quantity, a customer that changes
    # between the lines of one order, an unknown customer and a bad date
    text = (
        "订单号,客户名称,下单日期,货号,数量,单价\n"
        "B-1,华信科技,2024-03-05,NOPE-1,1,100\n"
        "B-1,华信科技,2024-03-05,RT-100,abc,100\n"
        "B-2,华信科技,2024-03-05,RT-100,1,100\n"
        "B-2,远景贸易,,SW-200,1,100\n"
        "B-3,火星公司,2024-13-45,RT-100,1,\n"
        "B-4,远景贸易,2024-03-07,RT-100,1,100\n"
        ",远景贸易,2024-03-07,RT-100,1,100\n"
    )
    job = upload(admin, text)

    # When it is checked
    job = services.dry_run(actor=admin, job=job)

    # Then every problem names its row, column and value; only B-4 would be made
    assert errors_of(job) == [
        (2, "货号", "NOPE-1", "No product has the SKU NOPE-1."),
        (3, "数量", "abc", "Enter a number, such as 3."),
        (5, "客户名称", "远景贸易", "Row 4 of the same order says “华信科技”."),
        (6, "下单日期", "2024-13-45", "This is not a date (use 2024-03-05)."),
        (6, "单价", "", "Give the unit price."),
        (6, "客户名称", "火星公司", "No customer you can see matches this."),
        (8, "订单号", "", "Give the order number."),
    ]
    assert (job.created_count, job.error_count) == (1, 4)
    assert Order.objects.count() == 0

    # And the import makes exactly the good order
    job = run(job)
    assert list(Order.objects.values_list("external_id", flat=True)) == ["B-4"]
    assert (job.created_count, job.error_count) == (1, 4)
    assert {e.row for e in job.row_errors.filter(dry_run=False)} == {2, 3, 5, 6, 8}


def test_an_order_is_never_split_across_batches(admin, catalogue, settings, monkeypatch):
    # Given a batch size smaller than the first order
    settings.IMPORT_BATCH_SIZE = 2
    job = upload(admin, ORDERS_CSV)
    checkpoints = []
    real = services._run_batch

    def spy(job_id, *args):
        more = real(job_id, *args)
        checkpoints.append(services.ImportJob.objects.get(pk=job_id).next_row)
        return more

    monkeypatch.setattr(services, "_run_batch", spy)

    # When it is imported
    job = run(job)

    # Then A-1 (3 rows) was a batch of its own and A-2 (2 rows) the next
    assert checkpoints == [3, 5, 5]
    assert len(lines_of("A-1")) == 3 and len(lines_of("A-2")) == 2


def test_an_interrupted_import_resumes_after_the_last_whole_order_without_doubling(
    admin, catalogue, settings, monkeypatch
):
    # Given an import that dies while making the second order (its second batch)
    settings.IMPORT_BATCH_SIZE = 2
    job = upload(admin, ORDERS_CSV)
    real = services.import_order
    calls = {"n": 0}

    def die_on_the_second_order(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "import_order", die_on_the_second_order)
    job = run(job)
    assert (job.status, job.next_row, job.error) == (ImportStatus.FAILED, 3, "worker killed")
    assert list(Order.objects.values_list("external_id", flat=True)) == ["A-1"]
    assert len(lines_of("A-1")) == 3

    # When it is resumed
    monkeypatch.setattr(services, "import_order", real)
    job = run(job)

    # Then the second order is made and the first is not made again
    assert (job.status, job.created_count) == (ImportStatus.DONE, 2)
    assert sorted(Order.objects.values_list("external_id", flat=True)) == ["A-1", "A-2"]
    assert OrderLine.objects.count() == 5
    assert ImportRecord.objects.filter(job=job).count() == 2


def test_importing_the_same_file_again_skips_or_updates_and_never_doubles(admin, catalogue):
    run(upload(admin, ORDERS_CSV))

    # The same file again: skipped
    again = run(upload(admin, ORDERS_CSV))
    assert (again.created_count, again.skipped_count, again.updated_count) == (0, 2, 0)
    assert Order.objects.count() == 2

    # A corrected file with "update": the order is changed in place
    corrected = ORDERS_CSV.replace(
        "A-2,远景贸易,2024/3/6,CNY,confirmed,SW-200,5,280",
        "A-2,远景贸易,2024/3/6,CNY,confirmed,SW-200,6,280",
    )
    job = upload(admin, corrected)
    services.set_mapping(
        actor=admin, job=job, mapping=job.mapping, options={"on_duplicate": "update"}
    )
    job = run(job)
    assert (job.created_count, job.updated_count, job.skipped_count) == (0, 2, 0)
    assert Order.objects.count() == 2
    assert lines_of("A-2")[0] == ("SW-200", Decimal("6.00"), Decimal("280.00"), Decimal("10.00"))
    assert ImportRecord.objects.filter(job=job).count() == 0  # it made nothing


def test_rollback_deletes_the_imported_orders_and_their_lines_only(admin, catalogue):
    # Given an order pushed by the ERP and an import of two others
    job = run(upload(admin, ORDERS_CSV))
    kept, _made = upsert_order(
        actor=admin,
        source="erp",
        external_id="A-1",
        account=Account.objects.get(name="华信科技"),
        order_date=date(2024, 1, 1),
        currency="CNY",
        lines=[SyncLine(sku="RT-100", quantity=1, unit_price=10)],
    )

    # When the import is rolled back
    assert services.rollback_import(actor=admin, job=job) == 2

    # Then its orders and lines are gone, audited; the other order stays
    assert list(Order.objects.all()) == [kept]
    assert list(OrderLine.objects.values_list("order", flat=True)) == [kept.pk]
    job.refresh_from_db()
    assert job.status == ImportStatus.ROLLED_BACK
    deleted = AuditEntry.objects.filter(object_type="sales.order", event="delete")
    assert deleted.count() == 2
    assert kept.number not in {entry.changes["number"][0] for entry in deleted}

    # And importing the file again makes them anew
    assert run(upload(admin, ORDERS_CSV)).created_count == 2


def test_xlsx_orders_with_customers_by_contact_email_and_account_id_in_another_channel(
    admin, catalogue
):
    # Given a contact at an account, and an account the ERP knows as C-77
    account = make_account(name="东方电子", actor=admin)
    make_contact(
        family_name="王",
        given_name="芳",
        emails=[{"value": "wf@dongfang.example"}],
        accounts=[{"account": account, "is_primary": True}],
        actor=admin,
    )
    erp_account = make_account(name="南方物流", actor=admin)
    ExternalRef.objects.create(
        source="shop",
        external_id="C-77",
        content_type=ContentType.objects.get_for_model(erp_account),
        object_id=erp_account.pk,
    )
    book = openpyxl.Workbook()
    for row in [
        ["Order No", "Email", "Customer ID", "Order date", "SKU", "Qty", "Price", "Channel"],
        ["X-1", "wf@dongfang.example", None, datetime(2024, 3, 5), "RT-100", 2, 1200.5, None],
        ["X-2", None, "C-77", datetime(2024, 3, 6), "SW-200", 1, 300, "shop"],
    ]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)

    # When it is imported with "erp" as the channel of rows that name none
    job = upload(admin, buffer.getvalue(), filename="orders.xlsx")
    assert job.mapping["Customer ID"] == "account_external_id"
    services.set_mapping(actor=admin, job=job, mapping=job.mapping, options={"source": "erp"})
    job = run(job)

    # Then each order is under its channel and for the right customer
    assert job.error_count == 0, errors_of(job)
    first = Order.objects.get(source="erp", external_id="X-1")
    assert (first.account, first.contact.full_name, first.order_date) == (
        account,
        "王芳",
        date(2024, 3, 5),
    )
    assert first.lines.get().unit_price == Decimal("1200.50")
    assert Order.objects.get(source="shop", external_id="X-2").account == erp_account


def test_a_user_who_may_not_add_orders_cannot_import_them(catalogue):
    marketer = make_user(role="marketer")
    with pytest.raises(PermissionDenied):
        upload(marketer, ORDERS_CSV)


def test_the_mapping_needs_the_order_number_and_the_sku(admin):
    job = upload(admin, "订单号,货号,数量\nA-1,RT-100,1\n")
    with pytest.raises(Exception, match="order number"):
        services.set_mapping(actor=admin, job=job, mapping={"货号": "sku"})
    with pytest.raises(Exception, match="SKU"):
        services.set_mapping(actor=admin, job=job, mapping={"订单号": "order_ref"})
    with pytest.raises(Exception, match="lower-case"):
        services.set_mapping(actor=admin, job=job, mapping=job.mapping, options={"source": "crm"})


@pytest.mark.parametrize(
    "text,expected",
    [("15%", "15"), ("8折", "20"), ("85折", "15"), ("8.5折", "15"), ("", ""), ("x", "x")],
)
def test_discounts_as_percentages_or_zhe(text, expected):
    assert discount_text(text) == expected


def test_currencies_and_statuses_in_chinese_words():
    assert [currency_code(t) for t in ("人民币", "RMB", "美元", "usd", "")] == [
        "CNY",
        "CNY",
        "USD",
        "USD",
        "",
    ]
    assert [status_code(t) for t in ("已确认", "", "作废", "draft")] == [
        "confirmed",
        "confirmed",
        "cancelled",
        "draft",
    ]


def test_rows_are_grouped_by_order_number_in_order_of_first_appearance():
    rows = [
        (2, {"order_ref": "A"}),
        (3, {"order_ref": "B"}),
        (4, {"order_ref": ""}),
        (5, {"order_ref": "A "}),
        (6, {"order_ref": ""}),
    ]
    assert [[line for line, _c in g] for g in group_rows(rows)] == [[2, 5], [3], [4], [6]]


def test_currency_serials_and_a_missing_customer_are_checked_by_the_service(admin, catalogue):
    # Given a serialised product, an order in dollars (no rate for its date), an order
    # with serial numbers and an order naming no customer
    make_product(sku="CAM-1", name="Camera", is_serialised=True, actor=admin)
    text = (
        "订单号,客户名称,下单日期,币种,货号,数量,单价,序列号\n"
        "D-1,华信科技,2024-03-05,美元,RT-100,1,100,\n"
        'D-2,华信科技,2024-03-05,,CAM-1,2,500,"SN1, SN2"\n'
        "D-3,,2024-03-05,,RT-100,1,100,\n"
        "D-4,华信科技,2024-03-05,,RT-100,1,100,SN9\n"
    )
    job = run(upload(admin, text))

    # Then the dollar order and the one without a customer are refused by cell,
    # and the serial numbers are kept on the camera's line
    messages = {(e.row, e.column): e.message for e in job.row_errors.all()}
    assert set(messages) == {(2, "币种"), (4, "客户名称"), (5, "序列号")}
    assert "USD" in messages[(2, "币种")]
    assert messages[(4, "客户名称")] == (
        "Name the customer: account ID or name, or contact email or phone."
    )
    assert messages[(5, "序列号")] == "This product has no serial numbers."
    line = Order.objects.get().lines.get()
    assert sorted(line.serials.values_list("serial", flat=True)) == ["SN1", "SN2"]


def test_customers_the_importer_cannot_see_are_not_found(catalogue):
    # Given a sales rep and an account of someone else's they cannot see
    rep = make_user(role="sales_rep")
    hidden = make_account(name="别人的客户")
    assert not account_choices(rep).filter(pk=hidden.pk).exists()
    job = run(
        upload(rep, "订单号,客户名称,日期,货号,数量,单价\nH-1,别人的客户,2024-03-05,RT-100,1,9\n")
    )
    assert [(e.row, e.column, e.message) for e in job.row_errors.all()] == [
        (2, "客户名称", "No customer you can see matches this.")
    ]
    assert not Order.objects.exists()


def test_rollback_keeps_an_imported_order_that_goods_were_returned_on(admin, catalogue):
    # Given an import of two orders, one of which had goods returned since
    job = run(upload(admin, ORDERS_CSV))
    returned = Order.objects.get(external_id="A-2")
    record_return(
        actor=admin,
        order=returned,
        reason="损坏",
        items=[ReturnItem(line=returned.lines.first(), quantity=1)],
        return_date=date(2024, 3, 10),
    )

    # When the import is rolled back
    assert services.rollback_import(actor=admin, job=job) == 1

    # Then only the other order is deleted
    assert list(Order.objects.values_list("external_id", flat=True)) == ["A-2"]
    assert returned.lines.count() == 2


def test_rollback_keeps_an_imported_order_whose_unit_a_ticket_is_about(admin, catalogue):
    # Given an import of two orders, a unit of one of which a ticket was opened about
    job = run(upload(admin, ORDERS_CSV))
    kept = Order.objects.get(external_id="A-2")
    line = kept.lines.first()
    unit = SerialNumber.objects.create(line=line, product=line.product, serial="SN-9")
    ticket = make_ticket(serial=unit)

    # When the import is rolled back
    assert services.rollback_import(actor=admin, job=job) == 1

    # Then that order stays, and the ticket keeps its unit
    assert list(Order.objects.values_list("external_id", flat=True)) == ["A-2"]
    ticket.refresh_from_db()
    assert ticket.serial == unit


def test_a_contact_found_by_phone_brings_the_account_and_one_without_an_account_is_named(
    admin, catalogue
):
    account = Account.objects.get(name="远景贸易")
    make_contact(
        family_name="李",
        given_name="娜",
        phones=[{"value": "13912345678", "kind": "mobile"}],
        accounts=[{"account": account, "is_primary": True}],
        actor=admin,
    )
    make_contact(family_name="赵", given_name="六", phones=[{"value": "13700000001"}], actor=admin)
    text = (
        "订单号,联系电话,日期,货号,数量,单价\n"
        "P-1,139 1234 5678,2024-03-05,RT-100,1,9\n"
        "P-2,13700000001,2024-03-05,RT-100,1,9\n"
        "P-3,12345,2024-03-05,RT-100,1,9\n"
    )
    job = run(upload(admin, text))
    order = Order.objects.get()
    assert (order.external_id, order.account, order.contact.full_name) == ("P-1", account, "李娜")
    assert [(e.row, e.column, e.message) for e in job.row_errors.all()] == [
        (3, "联系电话", "This contact has no account."),
        (4, "联系电话", "This is not a phone number."),
    ]


def test_rolling_back_keeps_the_orders_a_role_may_not_delete(catalogue):
    # Given a sales rep (who may add orders but never delete one) importing for a
    # customer of theirs
    rep = make_user(role="sales_rep")
    make_account(name="自己的客户", owner=rep)
    job = run(
        upload(rep, "订单号,客户名称,日期,货号,数量,单价\nR-1,自己的客户,2024-03-05,RT-100,1,9\n")
    )
    assert Order.objects.filter(external_id="R-1").exists()

    # When they roll the import back
    assert services.rollback_import(actor=rep, job=job) == 0

    # Then the order stays: undoing an import is no way round the role
    assert Order.objects.get(external_id="R-1").lines.count() == 1
    assert not AuditEntry.objects.filter(event="delete", object_type="sales.order").exists()
