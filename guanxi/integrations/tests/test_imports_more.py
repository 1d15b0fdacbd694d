"""Importing leads, products and activities: guessing, the dry run's errors by row and
column, the import through the UI's services, duplicates and rollback."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from guanxi.core.models import TrashItem
from guanxi.customers.models import Activity
from guanxi.integrations.imports import services
from guanxi.integrations.imports.fields_more import parse_datetime
from guanxi.integrations.imports.mapping import guess_mapping
from guanxi.integrations.imports.models import ImportRecord, ImportStatus
from guanxi.sales.models import Lead, Product
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.quotes import make_product
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db

LEADS_CSV = (
    "姓名,公司,手机,邮箱,省,来源,行业,标签\n"
    "张伟,华信科技,138 1234 5678,ZW@huaxin.example,北京,展会,,展会2024\n"
    "王芳,远景贸易,13912345678,wf@yuanjing.example,火星,,,\n"
    "李娜,,,not-an-email,,,,\n"
)
PRODUCTS_CSV = (
    "SKU,品名,类别,单位,成本价,保修期,序列号管理\n"
    'RT-100,路由器,网络,台,"1,200.50",12,是\n'
    "SW-200,交换机,网络,台,abc,12,否\n"
    "AP-300,无线 AP,网络,台,300,12,也许\n"
)


@pytest.fixture
def admin(db):
    return make_user(role="administrator", full_name="Admin")


def upload(actor, target, text, encoding="utf-8"):
    return services.start_import(
        actor=actor, target=target, file=text.encode(encoding), filename="old.csv"
    )


def run(job):
    job = services.start_import_job(actor=job.created_by, job=job)
    services.run_import(job.pk)
    job.refresh_from_db()
    return job


def errors_of(job):
    return [(e.row, e.column, e.message) for e in job.row_errors.all()]


# --- leads ----------------------------------------------------------------------------


def test_leads_from_a_gbk_csv_are_checked_by_row_and_column_and_imported(admin):
    job = upload(admin, "sales.lead", LEADS_CSV, "gbk")
    assert job.encoding == "gb18030"
    assert job.mapping == {
        "姓名": "full_name",
        "公司": "company",
        "手机": "phone",
        "邮箱": "email",
        "省": "province",
        "来源": "source",
        "行业": "industry",
        "标签": "tags",
    }

    job = services.dry_run(actor=admin, job=job)

    assert (job.created_count, job.error_count) == (1, 2)
    problems = errors_of(job)
    assert [(row, column) for row, column, _m in problems] == [(3, "省"), (4, "邮箱")]
    assert not Lead.objects.exists()

    job = run(job)

    lead = Lead.objects.get()
    assert (lead.family_name, lead.given_name, lead.company) == ("张", "伟", "华信科技")
    assert lead.email == "zw@huaxin.example"
    assert lead.phone == "+8613812345678"
    assert lead.source == "trade_show"
    assert {t.name for t in lead.tags.all()} == {"展会2024", f"import:{job.pk}"}
    assert job.status == ImportStatus.DONE and job.error_count == 2


def test_a_lead_with_the_same_email_is_skipped_or_updated(admin):
    first = run(upload(admin, "sales.lead", "Name,Email,Title\nWei Zhang,wz@example.test,CTO\n"))
    second = upload(admin, "sales.lead", "Name,Email,Title\nW. Zhang,WZ@example.test,CEO\n")
    second = run(second)
    assert (first.created_count, second.skipped_count) == (1, 1)

    third = upload(admin, "sales.lead", "Name,Email,Title\nW. Zhang,WZ@example.test,CEO\n")
    services.set_mapping(
        actor=admin, job=third, mapping=third.mapping, options={"on_duplicate": "update"}
    )
    third = run(third)

    assert third.updated_count == 1
    assert Lead.objects.get().title == "CEO"


def test_rolling_back_a_lead_import_moves_the_leads_to_the_trash(admin):
    job = run(upload(admin, "sales.lead", "Name,Email\nWei Zhang,wz@example.test\n"))

    assert services.rollback_import(actor=admin, job=job) == 1
    assert not Lead.objects.exists()
    assert TrashItem.objects.filter(object_type="sales.lead").count() == 1


# --- products -------------------------------------------------------------------------


def test_products_are_converted_and_bad_cells_named(admin):
    job = upload(admin, "sales.product", PRODUCTS_CSV)
    assert set(job.mapping.values()) == {
        "sku",
        "name",
        "category",
        "unit",
        "cost",
        "warranty_months",
        "is_serialised",
    }

    job = run(job)

    product = Product.objects.get()
    assert (product.sku, product.name, product.cost) == ("RT-100", "路由器", Decimal("1200.50"))
    assert (product.unit, product.warranty_months, product.is_serialised) == ("台", 12, True)
    assert [(row, column) for row, column, _m in errors_of(job)] == [
        (3, "成本价"),
        (4, "序列号管理"),
    ]
    assert ImportRecord.objects.filter(job=job).count() == 1


def test_a_product_with_a_known_sku_is_updated_and_rollback_retires_created_ones(admin):
    make_product(sku="RT-100", name="Old router", cost="10")
    job = upload(admin, "sales.product", "SKU,Name,Cost\nrt-100,Router,99\nNEW-1,New thing,5\n")
    services.set_mapping(
        actor=admin, job=job, mapping=job.mapping, options={"on_duplicate": "update"}
    )
    job = run(job)

    assert (job.created_count, job.updated_count) == (1, 1)
    assert Product.objects.get(sku="RT-100").name == "Router"

    assert services.rollback_import(actor=admin, job=job) == 1
    assert Product.objects.get(sku="NEW-1").is_active is False
    assert Product.objects.get(sku="RT-100").is_active is True


def test_a_product_import_needs_the_sku_mapped(admin):
    job = upload(admin, "sales.product", "Name,Cost\nRouter,1\n")
    with pytest.raises(ValidationError) as error:
        services.set_mapping(actor=admin, job=job, mapping={"Name": "name"})
    assert "SKU" in str(error.value)


def test_a_sales_rep_may_not_import_products():
    rep = make_user(role="sales_rep")
    assert services.may_import(rep, "sales.lead")
    assert not services.may_import(rep, "sales.product")


# --- activities -----------------------------------------------------------------------


def test_activities_are_linked_by_email_or_name_and_unknown_customers_named(admin):
    account = make_account(owner=admin, name="华信科技")
    zhang = make_contact(
        owner=admin,
        family_name="张",
        given_name="伟",
        emails=[{"value": "zw@huaxin.example"}],
        accounts=[{"account": account, "is_primary": True}],
    )
    wang = make_contact(owner=admin, family_name="王", given_name="芳")
    text = (
        "类型,主题,时间,联系人邮箱,联系人,客户,内容\n"
        "电话,报价跟进,2024/3/5 14:30,zw@huaxin.example,,,谈了价格\n"
        "会议,现场演示,2024-03-06 10:00,,王芳,华信科技,\n"
        "note,没有这个人,2024-03-07,nobody@example.test,,,\n"
        "call,时间不对,明天,,王芳,,\n"
    )
    job = upload(admin, "customers.activity", text)
    assert job.mapping["联系人邮箱"] == "contact_email"
    assert job.mapping["联系人"] == "contact_name"

    job = run(job)

    call = Activity.objects.get(subject="报价跟进")
    assert call.kind == "call" and call.body == "谈了价格"
    assert call.at == timezone.make_aware(datetime(2024, 3, 5, 14, 30))
    assert list(call.contacts.all()) == [zhang]
    assert list(call.accounts.all()) == [account]  # the contact's primary account
    meeting = Activity.objects.get(subject="现场演示")
    assert (meeting.kind, list(meeting.contacts.all())) == ("meeting", [wang])
    assert list(meeting.accounts.all()) == [account]
    assert [(row, column) for row, column, _m in errors_of(job)] == [(4, "联系人邮箱"), (5, "时间")]

    assert services.rollback_import(actor=admin, job=job) == 2
    assert not Activity.objects.exists()


def test_an_activity_row_without_any_customer_is_an_error(admin):
    job = run(upload(admin, "customers.activity", "Subject,Type\nLost call,call\n"))

    assert job.created_count == 0
    assert errors_of(job)[0][:2] == (2, "")  # the contact column is not in the file
    assert "contact" in errors_of(job)[0][2]


def test_a_contact_name_that_two_contacts_share_asks_for_the_email(admin):
    make_contact(owner=admin, family_name="王", given_name="芳")
    make_contact(owner=admin, family_name="王", given_name="芳")
    job = run(upload(admin, "customers.activity", "Subject,Contact\nCall,王芳\n"))

    assert [(row, column) for row, column, _m in errors_of(job)] == [(2, "Contact")]


def test_dates_and_times_in_common_formats():
    assert parse_datetime("2024年3月5日 8:05") == timezone.make_aware(datetime(2024, 3, 5, 8, 5))
    assert parse_datetime("2024-03-05T14:30:10") == timezone.make_aware(
        datetime(2024, 3, 5, 14, 30, 10)
    )
    assert parse_datetime("05.03.2024") == timezone.make_aware(datetime(2024, 3, 5, 9, 0))
    with pytest.raises(ValueError):
        parse_datetime("2024-03-05 25:00")


def test_guessed_mappings_for_english_headers():
    assert guess_mapping("customers.activity", ["Type", "Subject", "Date", "Email"]) == {
        "Type": "kind",
        "Subject": "subject",
        "Date": "at",
        "Email": "contact_email",
    }


def test_the_wizard_offers_the_record_types_the_user_may_import(client):
    rep = make_user(role="sales_rep")
    client.force_login(rep)

    page = client.get("/imports/").content.decode()

    assert 'value="sales.lead"' in page
    assert 'value="customers.activity"' in page
    assert 'value="sales.product"' not in page


def test_the_api_uploads_a_product_file(client, admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from guanxi.core.services.tokens import create_token

    token = create_token(actor=admin, name="t")[1]
    response = client.post(
        "/api/v1/imports",
        {"target": "sales.product", "file": SimpleUploadedFile("p.csv", PRODUCTS_CSV.encode())},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 201
    assert response.json()["mapping"]["SKU"] == "sku"


def test_an_activity_imported_before_is_skipped_by_its_old_id(admin):
    make_contact(owner=admin, family_name="王", given_name="芳")
    text = "ID,Subject,Contact\nA-1,Call,王芳\n"
    first = run(upload(admin, "customers.activity", text))
    again = upload(admin, "customers.activity", text)
    services.set_mapping(
        actor=admin, job=again, mapping=again.mapping, options={"on_duplicate": "update"}
    )
    again = run(again)

    assert (first.created_count, again.skipped_count, again.updated_count) == (1, 1, 0)
    assert Activity.objects.count() == 1
