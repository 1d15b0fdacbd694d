"""A large file is checked in the background (minutes for a hundred thousand rows, too
long for a request): the page says so and asks again until the result is there, the
uploader is told, the mapping and the import wait for the check, and a failed check
leaves the job to be checked again with the reason. Small files are checked at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

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

    polled = client.get(detail, headers={"HX-Request": "true", "HX-Trigger": "import-progress"})
    assert "HX-Refresh" not in polled  # still checking: the section keeps polling
    queued[0]()  # the worker runs the check
    polled = client.get(detail, headers={"HX-Request": "true", "HX-Trigger": "import-progress"})
    assert polled["HX-Refresh"] == "true"  # over: the whole page, with problems and buttons
    done = client.get(detail).content.decode()
    job.refresh_from_db()
    assert (job.status, job.created_count, job.error_count) == (ImportStatus.DRY_RUN_DONE, 2, 1)
    assert 'data-testid="import-checking"' not in done and "every 2s" not in done
    assert job.row_errors.get().column == "手机"
    assert not Contact.objects.exists()  # a check writes nothing
    told = Notification.objects.get(recipient=rep, kind="import.checked")
    assert told.title == "Your file is checked: 2 to create, 1 row with errors"
    assert "Import the rows without errors" in done


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


def _queued_args(job: ImportJob, actor) -> tuple[int, int, str]:
    job.refresh_from_db()
    return job.pk, actor.pk, job.updated_at.isoformat()


def test_a_check_is_queued_again_only_when_it_seems_stuck_and_runs_once(
    client, rep, django_capture_on_commit_callbacks
):
    job = _mapped(rep)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        checking.check(actor=rep, job=job)
        checking.check(actor=rep, job=ImportJob.objects.get(pk=job.pk))  # running: not again
    first_request = _queued_args(job, rep)
    client.force_login(rep)
    detail = reverse("integrations:import_detail", args=[job.pk])
    assert "seems stuck" not in client.get(detail).content.decode()

    quiet = timezone.now() - checking.STUCK_AFTER - timedelta(seconds=1)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=quiet)  # its worker was lost
    assert "seems stuck" in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=False) as queued_again:
        checking.check(actor=rep, job=ImportJob.objects.get(pk=job.pk))
    second_request = _queued_args(job, rep)

    assert len(queued) == 1 and len(queued_again) == 1
    assert checking.run_check(*first_request) is None  # superseded by the second request
    done = checking.run_check(*second_request)
    assert done is not None and done.status == ImportStatus.DRY_RUN_DONE
    assert checking.run_check(*second_request) is None  # delivered twice: checked once


def test_the_check_runs_as_whoever_asked_and_tells_them(rep, django_capture_on_commit_callbacks):
    job = _mapped(rep)
    admin = make_user(role="administrator", is_superuser=True, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        checking.check(actor=admin, job=job)

    assert Notification.objects.filter(recipient=admin, kind="import.checked").exists()
    assert not Notification.objects.filter(recipient=rep, kind="import.checked").exists()


def test_the_task_of_a_job_deleted_meanwhile_does_nothing(rep, django_capture_on_commit_callbacks):
    job = _mapped(rep)
    with django_capture_on_commit_callbacks(execute=False):
        checking.check(actor=rep, job=job)
    args = _queued_args(job, rep)
    job.delete()

    assert checking.run_check(*args) is None


def test_a_failed_check_leaves_the_job_uploaded_with_the_reason(
    rep, monkeypatch, django_capture_on_commit_callbacks
):
    job = _mapped(rep)
    with django_capture_on_commit_callbacks(execute=False):
        checking.check(actor=rep, job=job)

    args = _queued_args(job, rep)

    def broken(**kwargs):
        raise PermissionDenied

    monkeypatch.setattr(checking, "dry_run", broken)
    with pytest.raises(PermissionDenied):
        checking.run_check(*args)

    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED
    assert job.error == "The check failed: PermissionDenied"  # no message: its kind


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
