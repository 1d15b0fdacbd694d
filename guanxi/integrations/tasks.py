"""Background exports, the nightly duplicate scan and the scans users ask for (thin:
they call services)."""

from datetime import timedelta

from django_tasks import task

from guanxi.core.scheduling import register_periodic
from guanxi.integrations.dedupe_schedule import run_requested_scan, scheduled_scan
from guanxi.integrations.models import ExportJob
from guanxi.integrations.services import notify_ready, purge_old_exports, run_export


@task()
def export_in_background(job_id: int) -> bool:
    done = run_export(job_id)
    if done:
        notify_ready(ExportJob.objects.select_related("user").get(pk=job_id))
    return done


@task()
def purge_exports() -> int:
    return purge_old_exports()


register_periodic(purge_exports, every=timedelta(days=1))


@task()
def scan_for_duplicates() -> dict[str, int]:
    """Refresh the suggested duplicate contacts and accounts (changed since last night)."""
    return scheduled_scan()


register_periodic(scan_for_duplicates, every=timedelta(days=1))


@task()
def scan_on_request(scan_id: int) -> str:
    """A full scan someone asked for on the duplicates page or through the API."""
    return run_requested_scan(scan_id).status
