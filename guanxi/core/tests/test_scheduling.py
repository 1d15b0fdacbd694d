"""The scheduler enqueues each periodic task once per slot, however often it runs."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from guanxi.core.models import LoginAttempt, PeriodicRun
from guanxi.core.scheduling import enqueue_due, periodic_tasks
from guanxi.core.services.housekeeping import purge_old_login_attempts

pytestmark = pytest.mark.django_db


def test_each_slot_is_enqueued_once(django_capture_on_commit_callbacks):
    now = datetime(2026, 11, 23, 10, 5, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = enqueue_due(now)
        second = enqueue_due(now + timedelta(minutes=1))  # still the same slot of every task
    assert first == [p.name for p in periodic_tasks()]
    assert second == []
    assert len(callbacks) == len(first)
    assert PeriodicRun.objects.count() == len(first)


def test_next_slot_is_enqueued_again():
    now = datetime(2026, 11, 23, 10, 5, tzinfo=UTC)
    enqueue_due(now)
    assert "guanxi.core.tasks.purge_login_attempts" in enqueue_due(now + timedelta(hours=1))


def test_purge_keeps_recent_failed_logins():
    LoginAttempt.objects.create(email="old@x.test", created_at=timezone.now() - timedelta(days=2))
    LoginAttempt.objects.create(email="new@x.test")
    assert purge_old_login_attempts() == 1
    assert list(LoginAttempt.objects.values_list("email", flat=True)) == ["new@x.test"]
