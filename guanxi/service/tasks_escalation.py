"""Escalation-rule task (thin: it calls the service): the periodic check of the rules."""

from datetime import timedelta

from django_tasks import task

from guanxi.core.scheduling import register_periodic
from guanxi.service.services.escalation_rules import run_escalation_rules


@task()
def apply_escalation_rules() -> int:
    """Escalate the unresolved tickets the active rules match (idempotent: once per rule
    and ticket)."""
    return run_escalation_rules()


register_periodic(apply_escalation_rules, every=timedelta(minutes=5))
