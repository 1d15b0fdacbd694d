"""Analytics tasks (thin: they call the recompute services).

Every night a full run refits the models and rescores everyone; every 15 minutes the
customers with a change since the last run (orders, returns, service, activities, tags
…: ``services/changes.py``) are rescored with the current fits.
"""

from datetime import timedelta

from django_tasks import task

from guanxi.analytics.services.recompute import recompute_all, recompute_changed, run_queued
from guanxi.core.scheduling import register_periodic


@task()
def recompute_analytics(run_id: int) -> bool:
    """A full run requested with the "recompute now" button (idempotent)."""
    return run_queued(run_id)


@task()
def recompute_analytics_nightly() -> int:
    """Refit the models and rescore every customer."""
    return len(recompute_all().account_ids)


register_periodic(recompute_analytics_nightly, every=timedelta(days=1))


@task()
def recompute_changed_customers() -> int:
    """Rescore the customers whose analytics inputs changed since the last run."""
    return len(recompute_changed().account_ids)


register_periodic(recompute_changed_customers, every=timedelta(minutes=15))
