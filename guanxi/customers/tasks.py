"""Customer tasks (thin: they call services)."""

from datetime import timedelta

from django_tasks import task

from guanxi.core.scheduling import register_periodic
from guanxi.customers.services.activities import send_reminders


@task()
def send_activity_reminders() -> int:
    return send_reminders()


register_periodic(send_activity_reminders, every=timedelta(minutes=5))
