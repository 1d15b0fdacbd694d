"""Checking a file (the dry run): a small file at once, in the request that asks; a
large one in the background (a hundred thousand contacts take minutes), with the page
showing that the check runs and the uploader told when it is done."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.models import User
from guanxi.integrations.imports.models import ImportJob, ImportStatus
from guanxi.integrations.imports.services import _require_owner, dry_run

logger = logging.getLogger(__name__)


def inline_rows() -> int:
    """Files of up to this many rows are checked in the request."""
    return int(getattr(settings, "IMPORT_CHECK_INLINE_ROWS", 2000))


def check(*, actor: User, job: ImportJob) -> ImportJob:
    """Check the file: at once when it is small, else queued (status *checking*; the
    job comes back as it is, the result lands on it when the check is done). Asking
    again while a check is queued queues it again (a worker lost on the way)."""
    _require_owner(actor, job)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.DRY_RUN_DONE, ImportStatus.CHECKING):
        raise ValidationError({"status": _("This import has already started.")})
    if job.total_rows <= inline_rows() and job.status != ImportStatus.CHECKING:
        return dry_run(actor=actor, job=job)
    job.status, job.error, job.updated_at = ImportStatus.CHECKING, "", timezone.now()
    job.save(update_fields=["status", "error", "updated_at"])
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from guanxi.integrations.imports.tasks import check_in_background

    check_in_background.enqueue(job_id)


def run_check(job_id: int) -> ImportJob | None:
    """The background task's work: the queued check of ``job_id`` (None when there is
    none: done already, or the job moved on). A check that fails leaves the job as
    uploaded, with the reason, to be checked again."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.CHECKING:
        return None
    try:
        return dry_run(actor=job.created_by, job=job)
    except Exception as error:
        logger.exception("The check of import %s failed", job_id)
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.CHECKING).update(
            status=ImportStatus.UPLOADED,
            error=(_("The check failed: %(reason)s") % {"reason": error})[:500],
            updated_at=timezone.now(),
        )
        raise
