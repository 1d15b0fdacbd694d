"""Exports: a list's records (filters, columns, permissions) as CSV or Excel."""

from __future__ import annotations

import csv
import io
import os
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.core.models import AuditEntry, Notification
from guanxi.core.services.custom_fields import create_custom_field
from guanxi.core.services.tokens import create_token
from guanxi.integrations.models import ExportJob
from guanxi.integrations.services import purge_old_exports
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    data = body(response)
    assert data.startswith("\ufeff".encode())  # Excel reads the UTF-8 Chinese correctly
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def rep(db):
    return make_user(role="sales_rep", full_name="李伟")


def test_csv_has_the_lists_filters_and_only_what_the_user_may_export(client, rep):
    beijing = make_account(owner=rep, name="北京华信", province="11")
    make_account(owner=rep, name="上海东方", province="31")
    make_account(owner=make_user(role="sales_rep"), name="北京别人的", province="11")
    client.force_login(rep)
    url = reverse("integrations:export", args=["customers.account"])
    rows = csv_rows(client.get(url, {"province": "11"}))
    assert rows[0][:2] == ["ID", "Name"]
    assert [r[:2] for r in rows[1:]] == [[str(beijing.pk), "北京华信"]]


def test_only_the_chosen_columns_are_exported(client, rep):
    contact = make_contact(
        owner=rep, family_name="张", given_name="伟", emails=[{"value": "zw@huaxin.example"}]
    )
    client.force_login(rep)
    url = reverse("integrations:export", args=["customers.contact"])
    rows = csv_rows(client.get(url + "?columns=email&columns=owner"))
    assert rows == [
        ["ID", "Name", "Email", "Owner"],
        [str(contact.pk), "张伟", "zw@huaxin.example", "李伟"],
    ]


def test_custom_fields_are_exported_as_columns(client, rep):
    admin = make_user(role="administrator")
    create_custom_field(
        actor=admin, object_type="customers.contact", label="WeChat", field_type="text"
    )
    make_contact(
        owner=rep, family_name="王", given_name="芳", custom_fields={"wechat": "wangfang88"}
    )
    client.force_login(rep)
    rows = csv_rows(client.get(reverse("integrations:export", args=["customers.contact"])))
    assert rows[0][-1] == "WeChat"
    assert rows[1][-1] == "wangfang88"


def test_xlsx_opens_with_headers_and_rows(client, rep):
    make_account(owner=rep, name="华信科技有限公司")
    client.force_login(rep)
    response = client.get(
        reverse("integrations:export", args=["customers.account"]), {"format": "xlsx"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    values = list(sheet.values)
    assert values[0][:2] == ("ID", "Name")
    assert values[1][1] == "华信科技有限公司"


def test_each_export_is_audited(client, rep):
    make_account(owner=rep)
    client.force_login(rep)
    client.get(reverse("integrations:export", args=["customers.account"]), {"tier": "vip"})
    entry = AuditEntry.objects.get(object_type="integrations.exportjob")
    assert entry.actor == rep
    assert entry.changes == {
        "filters": [None, "tier=vip"],
        "object_type": [None, "customers.account"],
        "rows": [None, 0],
    }


def test_a_role_without_export_right_is_refused(client):
    agent = make_user(role="service_agent")
    client.force_login(agent)
    response = client.get(reverse("integrations:export", args=["customers.contact"]))
    assert response.status_code == 403
    assert ExportJob.objects.count() == 0


def test_large_export_runs_in_the_background_and_notifies(
    client, rep, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_LIMIT = 1
    for _ in range(3):
        make_contact(owner=rep)
    client.force_login(rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("integrations:export", args=["customers.contact"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("integrations:export_list")
    job = ExportJob.objects.get()
    assert (job.status, job.rows) == ("done", 3)
    notice = Notification.objects.get(recipient=rep, kind="export.ready")
    assert notice.title == "Your export is ready (3 rows)"
    download = client.get(reverse("integrations:export_download", args=[job.pk]))
    assert len(csv_rows(download)) == 4
    client.force_login(make_user(role="sales_rep"))
    assert client.get(reverse("integrations:export_download", args=[job.pk])).status_code == 404


def test_export_page_lists_the_users_exports(client, rep):
    make_account(owner=rep)
    client.force_login(rep)
    client.get(reverse("integrations:export", args=["customers.account"]))
    page = client.get(reverse("integrations:export_list")).content.decode()
    assert page.count('data-testid="export-row"') == 1
    assert "customers.account" in page


def test_unknown_list_is_refused(client, rep):
    client.force_login(rep)
    response = client.get(reverse("integrations:export", args=["core.apitoken"]), follow=True)
    assert "This list cannot be exported." in response.content.decode()
    assert ExportJob.objects.count() == 0


def test_api_exports_and_downloads(client, rep):
    make_contact(owner=rep, family_name="赵", given_name="敏")
    headers = {"Authorization": f"Bearer {create_token(actor=rep, name='t')[1]}"}
    response = client.post(
        "/api/v1/exports",
        {"object_type": "customers.contact", "format": "csv", "query": "q=zhao"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    job = response.json()
    assert (job["status"], job["rows"], job["query"]) == ("done", 1, "q=zhao")
    download = client.get(f"/api/v1/exports/{job['id']}/download", headers=headers)
    assert csv_rows(download)[1][1] == "赵敏"


def test_api_names_a_bad_format(client, rep):
    headers = {"Authorization": f"Bearer {create_token(actor=rep, name='t')[1]}"}
    response = client.post(
        "/api/v1/exports",
        {"object_type": "customers.contact", "format": "pdf"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.format"


def test_old_export_files_are_deleted_after_a_week(client, rep):
    make_account(owner=rep)
    client.force_login(rep)
    client.get(reverse("integrations:export", args=["customers.account"]))
    job = ExportJob.objects.get()
    path = job.file.path
    assert purge_old_exports(now=timezone.now() + timedelta(days=6)) == 0
    assert purge_old_exports(now=timezone.now() + timedelta(days=8)) == 1
    assert not ExportJob.objects.exists()
    assert not os.path.exists(path)


def test_deals_export_with_the_table_filters(client, rep):
    from guanxi.testing.deals import make_deal

    won = make_deal(owner=rep, name="华信 ERP", amount=120000)
    make_deal(owner=make_user(role="sales_rep"), name="别人的商机")
    client.force_login(rep)
    rows = csv_rows(client.get(reverse("integrations:export", args=["sales.deal"])))
    assert rows[0][:3] == ["ID", "Name", "Account"]
    assert [(r[0], r[1]) for r in rows[1:]] == [(str(won.pk), "华信 ERP")]


def test_leads_export_follows_my_leads(client, rep):
    from guanxi.testing.sales import make_lead

    mine = make_lead(owner=rep, family_name="陈", given_name="静", company="远光")
    make_lead(owner=make_user(role="sales_rep"))
    client.force_login(rep)
    rows = csv_rows(client.get(reverse("integrations:export", args=["sales.lead"])))
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [(str(mine.pk), "陈静", "远光")]


# --- formulas are shown, never run (CSV/formula injection) -----------------------------


COLUMNS = ["title", "phone", "cf_note"]


@pytest.fixture
def risky_contact(rep):
    """A contact whose typed values a spreadsheet would run as formulas, with a phone in
    E.164 form and a custom field whose label is itself a formula."""
    create_custom_field(
        actor=make_user(role="administrator"),
        object_type="customers.contact",
        label="@note",
        field_type="text",
    )
    return make_contact(
        owner=rep,
        family_name='=HYPERLINK("http://evil.example","x")',
        given_name="",
        title="+cmd|' /C calc'!A0",
        phones=[{"value": "13800138000"}],
        custom_fields={"note": "-2+3"},
    )


def test_csv_cells_that_would_run_as_formulas_are_quoted(client, rep, risky_contact):
    client.force_login(rep)
    url = reverse("integrations:export", args=["customers.contact"])
    rows = csv_rows(client.get(url, {"columns": COLUMNS}))
    assert rows[0] == ["ID", "Name", "Job title", "Phone", "'@note"]
    assert rows[1] == [
        str(risky_contact.pk),
        '\'=HYPERLINK("http://evil.example","x")',
        "'+cmd|' /C calc'!A0",
        "+8613800138000",  # a whole phone number reads as itself, not quoted
        "'-2+3",
    ]


def test_xlsx_cells_that_would_run_as_formulas_are_text_and_numbers_stay_numbers(
    client, rep, risky_contact
):
    from guanxi.testing.deals import make_deal

    make_deal(owner=rep, name="@SUM(A1)", amount=1500)
    client.force_login(rep)
    url = reverse("integrations:export", args=["customers.contact"])
    response = client.get(url, {"columns": COLUMNS, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert list(sheet.values) == [
        ("ID", "Name", "Job title", "Phone", "'@note"),
        (
            risky_contact.pk,
            '\'=HYPERLINK("http://evil.example","x")',
            "'+cmd|' /C calc'!A0",
            "+8613800138000",
            "'-2+3",
        ),
    ]
    deals = client.get(reverse("integrations:export", args=["sales.deal"]), {"format": "xlsx"})
    header, row = openpyxl.load_workbook(io.BytesIO(body(deals))).active.values
    values = dict(zip(header, row, strict=True))
    assert values["Name"] == "'@SUM(A1)"
    assert values["Amount"] == 1500
