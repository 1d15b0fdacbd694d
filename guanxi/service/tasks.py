"""Service tasks (thin: they call services)."""

from datetime import timedelta

from django_tasks import task

from guanxi.core.scheduling import register_periodic
from guanxi.service.services.sla import check_ticket_clocks
from guanxi.service.services.ticket_email import deliver_reply


@task()
def deliver_ticket_reply(message_pk: int) -> bool:
    """Send a public reply by e-mail (idempotent)."""
    return deliver_reply(message_pk)


@task()
def check_sla_clocks() -> dict[str, int]:
    """Warn before SLA breaches and record breaches (idempotent)."""
    return check_ticket_clocks()


register_periodic(check_sla_clocks, every=timedelta(minutes=5))
