""" "Scan now": a full duplicate scan asked for on the page or through the API runs in the
background, once, and reports its progress and result."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.core.models import Notification
from guanxi.core.services.tokens import create_token
from guanxi.integrations import dedupe_schedule
from guanxi.integrations.dedupe_schedule import request_scan, run_requested_scan
from guanxi.integrations.models_account_dedupe import ScanMark
from guanxi.integrations.models_dedupe import DuplicatePair, DuplicateScan, ScanStatus
from guanxi.testing.customers import make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_user(role="administrator", full_name="Admin Li")


def _zhang_wei_twice(owner):
    make_contact(owner=owner, family_name="张", given_name="伟", phones=[{"value": "13812344229"}])
    make_contact(
        owner=owner, family_name="Zhang", given_name="Wei", phones=[{"value": "+86 138 1234 4229"}]
    )


def test_scan_now_runs_in_the_background_and_the_page_shows_the_result(
    client, admin, django_capture_on_commit_callbacks
):
    _zhang_wei_twice(admin)
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("integrations:duplicate_scan"))
    page = client.get(reverse("integrations:duplicate_list")).content.decode()

    assert len(callbacks) == 1  # the task is queued once the request's data is saved
    assert response["Location"] == reverse("integrations:duplicate_list")
    scan = DuplicateScan.objects.get()
    assert (scan.status, scan.open_pairs, scan.open_account_pairs) == (ScanStatus.DONE, 1, 0)
    assert scan.requested_by == admin and scan.started_at and scan.finished_at
    assert DuplicatePair.objects.count() == 1
    assert "Last scan finished at" in page and "One possible duplicate contact." in page
    assert 'data-testid="duplicate-row"' in page
    note = Notification.objects.get(recipient=admin, kind="duplicates.scanned")
    assert note.title == "The duplicate scan is done: the duplicates page shows what it found."
    assert DuplicateScan.objects.get().active is None  # another may start now
    # A full scan is where the nightly one goes on from.
    assert set(ScanMark.objects.values_list("kind", flat=True)) == {"contacts", "accounts"}


def test_while_a_scan_waits_or_runs_asking_again_starts_no_other(
    client, admin, django_capture_on_commit_callbacks
):
    other = make_user(role="administrator")
    running = DuplicateScan.objects.create(requested_by=other, status=ScanStatus.RUNNING)
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("integrations:duplicate_scan"), follow=True)
    page = response.content.decode()

    assert callbacks == []
    assert list(DuplicateScan.objects.all()) == [running]
    assert "A scan is running already" in page
    assert 'hx-trigger="every 3s"' in page  # the page follows its progress
    assert '<button type="submit" disabled>' in page


def test_a_scan_lost_hours_ago_blocks_neither_the_page_nor_a_new_one(client, admin):
    lost = DuplicateScan.objects.create(
        status=ScanStatus.RUNNING, requested_at=timezone.now() - timedelta(hours=7)
    )
    client.force_login(admin)

    page = client.get(reverse("integrations:duplicate_list")).content.decode()
    new = request_scan(actor=admin)

    assert "did not finish" in page and "every 3s" not in page
    assert '<button type="submit">' in page  # "Scan now" can be pressed
    assert new.pk != lost.pk and new.status == ScanStatus.QUEUED
    lost.refresh_from_db()
    assert (lost.status, lost.active) == (ScanStatus.FAILED, None)


def test_asking_while_a_scan_waits_widens_it_to_the_accounts(admin):
    # Asked for by someone who may not change accounts: contacts only.
    waiting = DuplicateScan.objects.create(accounts=False)

    again = request_scan(actor=admin)

    assert again.pk == waiting.pk and again.accounts is True
    assert DuplicateScan.objects.count() == 1


def test_a_scan_runs_once_even_when_its_task_runs_twice(admin):
    _zhang_wei_twice(admin)
    scan = request_scan(actor=admin)
    first = run_requested_scan(scan.pk)
    DuplicatePair.objects.all().delete()

    again = run_requested_scan(scan.pk)

    assert (again.status, again.started_at) == (ScanStatus.DONE, first.started_at)
    assert not DuplicatePair.objects.exists()  # not scanned a second time
    assert Notification.objects.filter(kind="duplicates.scanned").count() == 1


def test_a_failed_scan_says_so_on_the_page_and_to_who_asked(client, admin, monkeypatch):
    def broken(**_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setitem(dedupe_schedule.SCANS, "contacts", broken)
    scan = run_requested_scan(request_scan(actor=admin).pk)
    client.force_login(admin)

    page = client.get(reverse("integrations:duplicate_list")).content.decode()

    assert (scan.status, scan.error) == (ScanStatus.FAILED, "database went away")
    assert "failed; the server's log has the details" in page
    assert "database went away" not in page  # the details are for the log, not the page
    assert Notification.objects.get(recipient=admin).title == "The duplicate scan failed."


def test_the_status_fragment_polls_only_while_the_scan_runs(client, admin):
    scan = DuplicateScan.objects.create(requested_by=admin)
    client.force_login(admin)
    url = reverse("integrations:duplicate_scan_status")

    waiting = client.get(url).content.decode()
    DuplicateScan.objects.filter(pk=scan.pk).update(
        status=ScanStatus.DONE, open_pairs=3, finished_at=timezone.now(), active=None
    )
    done = client.get(url).content.decode()

    assert "Waiting to start" in waiting and "Admin Li" in waiting and "every 3s" in waiting
    assert "every 3s" not in done
    assert "Last scan finished at" in done and 'data-testid="show-scan-result"' in done
    assert '<button type="submit">' in done  # "Scan now" again, without reloading


def test_the_page_in_chinese_shows_the_scan_in_chinese(client):
    reader = make_user(role="administrator", language="zh-hans")
    DuplicateScan.objects.create(
        requested_by=reader, status=ScanStatus.DONE, open_pairs=2, finished_at=timezone.now()
    )
    client.force_login(reader)

    page = client.get(reverse("integrations:duplicate_list")).content.decode()

    assert "上次扫描于" in page and "Last scan finished" not in page


def test_api_starts_a_scan_and_reports_its_progress(
    client, admin, django_capture_on_commit_callbacks
):
    _zhang_wei_twice(admin)
    headers = {"Authorization": f"Bearer {create_token(actor=admin, name='t')[1]}"}

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/api/v1/duplicates/scan", headers=headers)
    progress = client.get(f"/api/v1/duplicates/scans/{started.json()['id']}", headers=headers)
    missing = client.get("/api/v1/duplicates/scans/999999", headers=headers)

    assert started.status_code == 202
    assert started.json()["status"] == "queued"  # answered before the task ran
    assert progress.json()["status"] == "done"
    assert (progress.json()["open_pairs"], progress.json()["open_account_pairs"]) == (1, 0)
    assert missing.status_code == 404


def test_the_whole_base_counts_are_only_for_those_who_see_every_contact(client, admin):
    scan = DuplicateScan.objects.create(
        status=ScanStatus.DONE, open_pairs=51, open_account_pairs=7, error="", active=None
    )
    rep = make_user(role="sales_rep")

    def seen_by(user):
        headers = {"Authorization": f"Bearer {create_token(actor=user, name='t')[1]}"}
        return client.get(f"/api/v1/duplicates/scans/{scan.pk}", headers=headers).json()

    assert (seen_by(admin)["open_pairs"], seen_by(admin)["open_account_pairs"]) == (51, 7)
    assert (seen_by(rep)["open_pairs"], seen_by(rep)["open_account_pairs"]) == (None, None)


def test_people_who_may_not_change_contacts_cannot_start_a_scan(client):
    analyst = make_user(role="analyst")
    headers = {"Authorization": f"Bearer {create_token(actor=analyst, name='t')[1]}"}
    client.force_login(analyst)

    page = client.post(reverse("integrations:duplicate_scan"))
    api = client.post("/api/v1/duplicates/scan", headers=headers)

    assert (page.status_code, api.status_code) == (403, 403)
    assert not DuplicateScan.objects.exists()
