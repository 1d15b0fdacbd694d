"""Sales tasks (thin: they call services)."""

from datetime import timedelta

from django_tasks import task

from guanxi.core.scheduling import register_periodic
from guanxi.sales.services.first_contact import flag_overdue_first_contacts
from guanxi.sales.services.prediction import train_lead_model
from guanxi.sales.services.quotes import expire_quotes


@task()
def flag_overdue_lead_contacts() -> int:
    """Flag first contacts not made in time (idempotent: each lead is flagged once)."""
    return flag_overdue_first_contacts()


register_periodic(flag_overdue_lead_contacts, every=timedelta(minutes=15))


@task()
def retrain_lead_model() -> int | None:
    """Learn from the leads closed since yesterday and rescore the open ones."""
    version = train_lead_model()
    return version.pk if version else None


register_periodic(retrain_lead_model, every=timedelta(days=1))


@task()
def expire_old_quotes() -> int:
    """Quotes past their validity become expired (idempotent)."""
    return expire_quotes()


register_periodic(expire_old_quotes, every=timedelta(days=1))
