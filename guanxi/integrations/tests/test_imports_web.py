"""The import wizard's pages and the imports API, end to end."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guanxi.core.services.tokens import create_token
from guanxi.customers.models import Contact
from guanxi.integrations.imports.models import ImportJob, ImportTemplate
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db

CSV = "姓名;手机;邮箱;生日\n张伟;13812345678;zw@example.test;2024-03-05\n王芳;123;bad;2024-13-40\n"


@pytest.fixture
def rep(db):
    return make_user(role="sales_rep", full_name="李伟")


def test_the_problem_report_keeps_formulas_from_the_file_as_text(client, rep):
    client.force_login(rep)
    text = '姓名;手机\n张伟;=HYPERLINK("http://x.example")\n'
    upload = SimpleUploadedFile("old.csv", text.encode("utf-8"))
    client.post(
        reverse("integrations:import_upload"), {"target": "customers.contact", "file": upload}
    )
    job = ImportJob.objects.get()
    client.post(
        reverse("integrations:import_mapping", args=[job.pk]),
        {"column_0": "full_name", "column_1": "mobile", "on_duplicate": "skip"},
    )
    report = client.get(reverse("integrations:import_errors", args=[job.pk])).content.decode()
    rows = list(csv.reader(io.StringIO(report.lstrip("\ufeff"))))
    assert [r[2] for r in rows[1:]] == ['\'=HYPERLINK("http://x.example")']


def test_the_wizard_from_upload_to_rollback(client, rep, django_capture_on_commit_callbacks):
    client.force_login(rep)
    upload = SimpleUploadedFile("old.csv", CSV.encode("utf-8-sig"))
    response = client.post(
        reverse("integrations:import_upload"), {"target": "customers.contact", "file": upload}
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("integrations:import_mapping", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'value="mobile" selected' in page
    response = client.post(
        reverse("integrations:import_mapping", args=[job.pk]),
        {
            "column_0": "full_name",
            "column_1": "mobile",
            "column_2": "email",
            "column_3": "birthday",
            "on_duplicate": "skip",
            "save_as": "Old CRM",
        },
    )
    assert ImportTemplate.objects.get().mapping == {
        "姓名": "full_name",
        "手机": "mobile",
        "邮箱": "email",
        "生日": "birthday",
    }
    page = client.get(response["Location"]).content.decode()
    assert "bad" in page and "Download every problem" in page
    assert Contact.objects.count() == 0
    report = client.get(reverse("integrations:import_errors", args=[job.pk])).content.decode()
    rows = list(csv.reader(io.StringIO(report.lstrip("\ufeff"))))
    assert rows[0] == ["Row", "Column", "Value", "Reason", "Kind"]
    assert {(r[0], r[1], r[2]) for r in rows[1:]} >= {("3", "手机", "123"), ("3", "邮箱", "bad")}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("integrations:import_start", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.created_count, job.error_count) == ("done", 1, 1)
    assert Contact.objects.get().family_name == "张"
    client.post(reverse("integrations:import_rollback", args=[job.pk]))
    assert Contact.objects.count() == 0


def test_progress_is_polled_while_importing(client, rep):
    job = ImportJob.objects.create(
        target="customers.contact",
        filename="x.csv",
        content=b"a\n1\n",
        headers=["a"],
        mapping={"a": "full_name"},
        status="importing",
        total_rows=4,
        next_row=2,
        created_by=rep,
    )
    client.force_login(rep)
    page = client.get(reverse("integrations:import_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert 'value="50"' in page


def test_api_upload_map_check_and_import(client, rep, django_capture_on_commit_callbacks):
    headers = {"Authorization": f"Bearer {create_token(actor=rep, name='t')[1]}"}
    upload = SimpleUploadedFile("old.csv", CSV.encode("gb18030"))
    response = client.post(
        "/api/v1/imports", {"target": "customers.contact", "file": upload}, headers=headers
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["encoding"], body["delimiter"], body["total_rows"]) == ("gb18030", ";", 2)
    url = f"/api/v1/imports/{body['id']}"
    response = client.put(
        f"{url}/mapping",
        {"mapping": {"姓名": "full_name", "手机": "mobile"}, "on_duplicate": "skip"},
        content_type="application/json",
        headers=headers,
    )
    assert response.json()["mapping"] == {"姓名": "full_name", "手机": "mobile"}
    response = client.post(f"{url}/dry-run", headers=headers)
    assert (response.json()["created_count"], response.json()["error_count"]) == (1, 1)
    errors = client.get(f"{url}/errors", headers=headers).json()
    assert errors[0]["row"] == 3 and errors[0]["column"] == "手机"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{url}/start", headers=headers).status_code == 202
    assert client.get(url, headers=headers).json()["status"] == "done"
    assert client.post(f"{url}/rollback", headers=headers).json() == {"trashed": 1}


def test_an_unknown_mapping_field_is_refused_with_the_field_named(client, rep):
    headers = {"Authorization": f"Bearer {create_token(actor=rep, name='t')[1]}"}
    upload = SimpleUploadedFile("old.csv", CSV.encode())
    job_id = client.post(
        "/api/v1/imports", {"target": "customers.contact", "file": upload}, headers=headers
    ).json()["id"]
    response = client.put(
        f"/api/v1/imports/{job_id}/mapping",
        {"mapping": {"姓名": "salary"}},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.mapping"


def test_a_malformed_upload_is_a_400_naming_the_file(client, rep):
    headers = {"Authorization": f"Bearer {create_token(actor=rep, name='t')[1]}"}
    upload = SimpleUploadedFile("x.xlsx", b"PK\x03\x04broken")
    response = client.post(
        "/api/v1/imports", {"target": "customers.contact", "file": upload}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.file"
    assert not ImportJob.objects.exists()
