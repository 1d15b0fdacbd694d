"""Exporting a list: small ones at once, large ones in the background with a link."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.access import can
from guanxi.core.choices import AuditEvent
from guanxi.core.custom_fields import cached_definitions
from guanxi.core.models import User
from guanxi.core.services.audit import record_audit
from guanxi.core.services.notifications import notify
from guanxi.core.services.saved_views import clean_query
from guanxi.integrations.exports import (
    chosen_columns,
    export_spec,
    iter_rows,
    write_csv,
    write_xlsx,
)
from guanxi.integrations.models import ExportFormat, ExportJob, ExportStatus

KEEP_FILES = timedelta(days=7)


def sync_limit() -> int:
    """Up to this many rows an export is written while the user waits."""
    return int(getattr(settings, "EXPORT_SYNC_LIMIT", 2000))


@transaction.atomic
def request_export(*, actor: User, object_type: str, fmt: str, query: str) -> ExportJob:
    """Record an export of a list with its filters; the caller runs it now or queues it.

    Audited, since exports carry personal data out of the system."""
    spec = export_spec(object_type)
    if spec is None:
        raise ValidationError({"object_type": _("This list cannot be exported.")})
    if not can(actor, object_type, "export"):
        raise PermissionDenied
    if fmt not in ExportFormat.values:
        raise ValidationError({"format": _("Choose csv or xlsx.")})
    params = QueryDict(clean_query(query))
    job = ExportJob.objects.create(
        user=actor, object_type=object_type, format=fmt, query=params.urlencode()
    )
    job.rows = spec.rows(actor, params).count()
    job.save(update_fields=["rows"])
    record_audit(
        actor=actor,
        event=AuditEvent.CREATE,
        obj=job,
        changes={
            "object_type": [None, object_type],
            "filters": [None, job.query],
            "rows": [None, job.rows],
        },
    )
    return job


def run_export(job_id: int) -> bool:
    """Write the file of a queued export; safe to run twice (only a queued one runs)."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING
    )
    if not claimed:
        return False
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    spec = export_spec(job.object_type)
    try:
        if spec is None:
            raise ValueError(job.object_type)
        with translation.override(job.user.language), cached_definitions():
            params = QueryDict(job.query)
            columns = chosen_columns(spec, params)
            rows = iter_rows(spec.rows(job.user, params), columns)
            if job.format == ExportFormat.XLSX:
                content = write_xlsx(rows, columns, str(spec.label))
            else:
                content = write_csv(rows, columns)
            name = f"{job.object_type.split('.')[-1]}-{timezone.localdate():%Y%m%d}.{job.format}"
        job.file.save(name, ContentFile(content), save=False)
    except Exception as exc:
        job.status, job.error, job.finished_at = ExportStatus.FAILED, str(exc), timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return False
    job.status, job.finished_at = ExportStatus.DONE, timezone.now()
    job.save(update_fields=["file", "status", "finished_at"])
    return True


def start_export(*, actor: User, object_type: str, fmt: str, query: str) -> ExportJob:
    """Request an export and write it at once when small; otherwise queue it (its owner
    is notified when it is ready). Returns the job, done, failed or queued."""
    job = request_export(actor=actor, object_type=object_type, fmt=fmt, query=query)
    if job.rows <= sync_limit():
        run_export(job.pk)
        job.refresh_from_db()
    else:
        finish_in_background(job)
    return job


def finish_in_background(job: ExportJob) -> None:
    """Queue a large export; its owner is notified with a download link when it is ready."""
    transaction.on_commit(lambda: _enqueue(job.pk))


def _enqueue(job_id: int) -> None:
    from guanxi.integrations.tasks import export_in_background

    export_in_background.enqueue(job_id)


def notify_ready(job: ExportJob) -> None:
    notify(
        recipients=[job.user],
        kind="export.ready",
        title=lambda: _("Your export is ready (%(rows)s rows)") % {"rows": job.rows},
        url=reverse("integrations:export_list"),
        obj=job,
    )


def purge_old_exports(*, now: Any = None) -> int:
    """Delete export files after a week (the audit entry of each export stays)."""
    now = now or timezone.now()
    old = ExportJob.objects.filter(created_at__lt=now - KEEP_FILES)
    count = 0
    for job in old:
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
