"""Customer tasks (thin: they call services)."""

from datetime import timedelta

from django_tasks import task

from guanxi.core.scheduling import register_periodic
from guanxi.customers.services.activities import send_reminders
from guanxi.customers.services.email import deliver


@task()
def send_activity_reminders() -> int:
    return send_reminders()


@task()
def deliver_email(activity_id: int) -> bool:
    """Send one queued email activity (idempotent: only an open one is sent)."""
    return deliver(activity_id)


register_periodic(send_activity_reminders, every=timedelta(minutes=5))
