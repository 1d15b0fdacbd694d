"""A large file is checked in the background (minutes for a hundred thousand rows, too
long for a request): the page says so and asks again until the result is there, the
uploader is told, the mapping and the import wait for the check, and a failed check
leaves the job to be checked again with the reason. Small files are checked at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guanxi.core.models import Notification
from guanxi.core.services.tokens import create_token
from guanxi.customers.models import Contact
from guanxi.integrations.imports import checking, services
from guanxi.integrations.imports.models import ImportJob, ImportStatus
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db

CSV = "姓名,手机\n张伟,13812345678\n王芳,123\n李娜,13912345678\n"
MAPPING = {"姓名": "full_name", "手机": "mobile"}


@pytest.fixture
def rep(settings):
    settings.IMPORT_CHECK_INLINE_ROWS = 2  # the file's three rows are "large"
    return make_user(role="sales_rep", language="en")


def _mapped(rep):
    job = services.start_import(
        actor=rep, target="customers.contact", file=CSV.encode(), filename="old.csv"
    )
    return services.set_mapping(actor=rep, job=job, mapping=MAPPING, options={})


def test_the_page_checks_a_large_file_in_the_background_and_shows_the_result(
    client, rep, django_capture_on_commit_callbacks
):
    job = _mapped(rep)
    client.force_login(rep)
    detail = reverse("integrations:import_detail", args=[job.pk])

    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(reverse("integrations:import_dry_run", args=[job.pk]))
    waiting = client.get(detail).content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKING and len(queued) == 1
    assert 'data-testid="import-checking"' in waiting and 'hx-trigger="every 2s"' in waiting
    assert "Checking the file's 3 rows as the import would" in waiting

    queued[0]()  # the worker runs the check
    done = client.get(detail).content.decode()
    job.refresh_from_db()
    assert (job.status, job.created_count, job.error_count) == (ImportStatus.DRY_RUN_DONE, 2, 1)
    assert 'data-testid="import-checking"' not in done and "every 2s" not in done
    assert job.row_errors.get().column == "手机"
    assert not Contact.objects.exists()  # a check writes nothing
    told = Notification.objects.get(recipient=rep, kind="import.checked")
    assert told.title == "Your file is checked: 2 rows to create, 1 rows with errors"


def test_while_the_check_runs_the_mapping_and_the_import_wait(
    rep, django_capture_on_commit_callbacks
):
    job = _mapped(rep)
    with django_capture_on_commit_callbacks(execute=False):
        checking.check(actor=rep, job=job)

    for change in (
        lambda: services.set_mapping(actor=rep, job=job, mapping=MAPPING, options={}),
        lambda: services.start_import_job(actor=rep, job=job),
    ):
        with pytest.raises(ValidationError) as refused:
            change()
        assert refused.value.message_dict["status"] == [
            "The file is being checked: wait until the check is done."
        ]


def test_a_check_asked_for_again_while_queued_runs_once_more_and_a_finished_one_not_at_all(
    rep, django_capture_on_commit_callbacks
):
    job = _mapped(rep)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        checking.check(actor=rep, job=job)
        checking.check(actor=rep, job=ImportJob.objects.get(pk=job.pk))  # the worker was lost
    assert len(queued) == 2

    first = checking.run_check(job.pk)
    second = checking.run_check(job.pk)

    assert first is not None and first.status == ImportStatus.DRY_RUN_DONE
    assert second is None  # nothing queued any more


def test_a_failed_check_leaves_the_job_uploaded_with_the_reason(
    rep, monkeypatch, django_capture_on_commit_callbacks
):
    job = _mapped(rep)
    with django_capture_on_commit_callbacks(execute=False):
        checking.check(actor=rep, job=job)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(checking, "dry_run", broken)
    with pytest.raises(RuntimeError):
        checking.run_check(job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED
    assert job.error == "The check failed: disk full"


def test_a_small_file_is_checked_at_once(rep, settings):
    settings.IMPORT_CHECK_INLINE_ROWS = 3
    job = checking.check(actor=rep, job=_mapped(rep))
    assert (job.status, job.error_count) == (ImportStatus.DRY_RUN_DONE, 1)


def test_the_api_answers_checking_and_the_import_shows_the_result_later(
    client, rep, django_capture_on_commit_callbacks
):
    headers = {"Authorization": f"Bearer {create_token(actor=rep, name='t')[1]}"}
    upload = SimpleUploadedFile("old.csv", CSV.encode())
    url = "/api/v1/imports/" + str(
        client.post(
            "/api/v1/imports", {"target": "customers.contact", "file": upload}, headers=headers
        ).json()["id"]
    )
    client.put(f"{url}/mapping", {"mapping": MAPPING}, content_type="application/json",
               headers=headers)  # fmt: skip

    with django_capture_on_commit_callbacks(execute=False) as queued:
        asked = client.post(f"{url}/dry-run", headers=headers).json()
    queued[0]()
    later = client.get(url, headers=headers).json()

    assert asked["status"] == "checking"
    assert (later["status"], later["created_count"], later["error_count"]) == (
        "dry_run_done", 2, 1,
    )  # fmt: skip
