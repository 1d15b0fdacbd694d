"""Platform housekeeping tasks (thin: they call services)."""

from datetime import timedelta

from django_tasks import task

from guanxi.core.scheduling import register_periodic
from guanxi.core.services.housekeeping import purge_old_login_attempts, purge_old_periodic_runs
from guanxi.core.services.notifications import send_digests
from guanxi.core.services.trash import purge_expired


@task()
def purge_login_attempts() -> int:
    return purge_old_login_attempts()


@task()
def purge_periodic_runs() -> int:
    return purge_old_periodic_runs()


@task()
def send_notification_digests() -> int:
    return send_digests()


@task()
def purge_trash() -> int:
    return purge_expired()


register_periodic(send_notification_digests, every=timedelta(days=1))
register_periodic(purge_login_attempts, every=timedelta(hours=1))
register_periodic(purge_periodic_runs, every=timedelta(days=1))
register_periodic(purge_trash, every=timedelta(hours=1))
