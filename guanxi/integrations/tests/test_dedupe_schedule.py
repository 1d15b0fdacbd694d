"""The nightly duplicate scan: registered daily, first run full, later runs only score
records changed since the last one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from guanxi.core.scheduling import periodic_tasks
from guanxi.customers.models import Account, Contact
from guanxi.customers.services.accounts import update_account
from guanxi.integrations.dedupe_schedule import scheduled_scan
from guanxi.integrations.models_account_dedupe import AccountPair, ScanMark
from guanxi.integrations.models_dedupe import DuplicatePair
from guanxi.integrations.tasks import scan_for_duplicates
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_user(role="administrator")


def _age(model, *records):
    """Pretend the records were last changed two days ago."""
    model.all_objects.filter(pk__in=[r.pk for r in records]).update(
        updated_at=timezone.now() - timedelta(days=2)
    )


def test_the_scan_is_registered_to_run_every_night():
    [entry] = [p for p in periodic_tasks() if p.task is scan_for_duplicates]
    assert entry.every == timedelta(days=1)


def test_the_first_run_scans_everything_and_remembers_when(admin):
    make_contact(owner=admin, family_name="张", given_name="伟", phones=[{"value": "13812344229"}])
    make_contact(
        owner=admin, family_name="Zhang", given_name="Wei", phones=[{"value": "13812344229"}]
    )
    make_account(owner=admin, name="ACME Co., Ltd.")
    make_account(owner=admin, name="Acme GmbH")
    now = timezone.now()

    assert scheduled_scan(now=now) == {"contacts": 1, "accounts": 1}
    assert dict(ScanMark.objects.values_list("kind", "scanned_at")) == {
        "contacts": now,
        "accounts": now,
    }


def test_later_runs_score_only_what_changed_since(admin):
    scheduled_scan(now=timezone.now() - timedelta(days=1))
    a = make_account(owner=admin, name="ACME Co., Ltd.")
    b = make_account(owner=admin, name="Acme GmbH")
    _age(Account, a, b)  # unchanged since the last run: not scored again
    c = make_contact(
        owner=admin, family_name="李", given_name="娜", phones=[{"value": "13900000001"}]
    )
    d = make_contact(
        owner=admin, family_name="Li", given_name="Na", phones=[{"value": "13900000001"}]
    )
    _age(Contact, c, d)

    assert scheduled_scan() == {"contacts": 0, "accounts": 0}

    update_account(actor=admin, account=b, description="touched")  # a change: scored again
    assert scheduled_scan()["accounts"] == 1
    assert AccountPair.objects.get().second_id == b.pk
    assert not DuplicatePair.objects.exists()
    assert scheduled_scan(full=True)["contacts"] == 1


def test_a_changed_record_that_no_longer_matches_loses_its_pair(admin):
    a = make_account(owner=admin, name="ACME Co., Ltd.")
    b = make_account(owner=admin, name="Acme GmbH")
    scheduled_scan(now=timezone.now() - timedelta(hours=1))
    assert AccountPair.objects.count() == 1

    update_account(actor=admin, account=b, name="Globex")
    _age(Account, a)

    assert scheduled_scan()["accounts"] == 0
    assert not AccountPair.objects.exists()


def test_the_task_runs_the_scan(admin):
    make_account(owner=admin, name="ACME Co., Ltd.")
    make_account(owner=admin, name="Acme GmbH")

    assert scan_for_duplicates.call() == {"contacts": 0, "accounts": 1}
