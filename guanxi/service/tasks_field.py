"""Field service tasks (thin: they call services)."""

from datetime import timedelta

from django_tasks import task

from guanxi.core.scheduling import register_periodic
from guanxi.service.services.field_overdue import flag_overdue_visits


@task()
def flag_overdue_field_visits() -> int:
    """Flag overdue visits and tell their managers (idempotent)."""
    return flag_overdue_visits()


register_periodic(flag_overdue_field_visits, every=timedelta(minutes=15))
