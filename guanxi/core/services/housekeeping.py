"""Deleting data the platform no longer needs."""

from datetime import timedelta

from django.utils import timezone

from guanxi.core.models import LoginAttempt, PeriodicRun


def purge_old_login_attempts(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Failed logins only matter inside the lock-out window; keep a day for forensics."""
    deleted, _ = LoginAttempt.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted


def purge_old_periodic_runs(*, older_than: timedelta = timedelta(days=7)) -> int:
    deleted, _ = PeriodicRun.objects.filter(enqueued_at__lt=timezone.now() - older_than).delete()
    return deleted
