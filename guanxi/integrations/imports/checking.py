"""Checking a file (the dry run): a small file at once, in the request that asks; a
large one in the background (a hundred thousand contacts take minutes), with the page
showing that the check runs and the person who asked told when it is done."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.models import User
from guanxi.integrations.imports.models import ImportJob, ImportStatus
from guanxi.integrations.imports.services import CHECKABLE, dry_run, require_owner

logger = logging.getLogger(__name__)

# A check may be asked for again when it has been quiet this long: ten minutes, or
# longer for a file that takes longer (100 rows a second, well under what it does).
STUCK_AFTER = timedelta(minutes=10)
SLOWEST_ROWS_PER_SECOND = 100


def inline_rows() -> int:
    """Files of up to this many rows are checked in the request."""
    return int(getattr(settings, "IMPORT_CHECK_INLINE_ROWS", 2000))


def seems_stuck(job: ImportJob) -> bool:
    """A queued check that has run longer than the file could take (its worker lost)."""
    allowed = max(STUCK_AFTER, timedelta(seconds=job.total_rows / SLOWEST_ROWS_PER_SECOND))
    return job.status == ImportStatus.CHECKING and job.updated_at < timezone.now() - allowed


def check(*, actor: User, job: ImportJob) -> ImportJob:
    """Check the file: at once when it is small, else queued (status *checking*; the
    job comes back as it is, the result lands on it when the check is done, as
    ``actor`` sees the records). Asked for again while queued, it is queued again only
    when it ``seems_stuck``."""
    require_owner(actor, job)
    if job.status not in CHECKABLE:
        raise ValidationError({"status": _("This import has already started.")})
    if job.status == ImportStatus.CHECKING and not seems_stuck(job):
        return job
    if job.total_rows <= inline_rows() and job.status != ImportStatus.CHECKING:
        return dry_run(actor=actor, job=job)
    job.status, job.error, job.updated_at = ImportStatus.CHECKING, "", timezone.now()
    job.checked_rows = 0
    job.save(update_fields=["status", "error", "checked_rows", "updated_at"])
    queued_at = job.updated_at
    transaction.on_commit(lambda: _enqueue(job.pk, actor.pk, queued_at.isoformat()))
    return job


def _enqueue(job_id: int, actor_id: int, queued_at: str) -> None:
    from guanxi.integrations.imports.tasks import check_in_background

    check_in_background.enqueue(job_id, actor_id, queued_at)


def run_check(job_id: int, actor_id: int, queued_at: str) -> ImportJob | None:
    """The background task's work: the check of ``job_id`` queued at ``queued_at`` by
    ``actor_id``. None when there is nothing to do: the job is gone, checked already,
    or queued again since (the later request's task does it). A check that fails
    leaves the job as uploaded, with the reason, to be checked again."""
    job = ImportJob.objects.filter(pk=job_id).select_related("created_by").first()
    actor = User.objects.filter(pk=actor_id, is_active=True).first()
    if job is None or actor is None or job.status != ImportStatus.CHECKING:
        return None
    if job.updated_at.isoformat() != queued_at:
        return None
    claimed = timezone.now()  # one task per request, even if it is delivered twice
    if not ImportJob.objects.filter(
        pk=job_id, status=ImportStatus.CHECKING, updated_at=job.updated_at
    ).update(updated_at=claimed):
        return None
    job.updated_at = claimed
    try:
        return dry_run(actor=actor, job=job)
    except Exception as error:
        logger.exception("The check of import %s failed", job_id)
        with translation.override(getattr(actor, "language", None) or settings.LANGUAGE_CODE):
            reason = _("The check failed: %(reason)s") % {"reason": _reason(error)}
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.CHECKING).update(
            status=ImportStatus.UPLOADED, error=reason[:2000], updated_at=timezone.now()
        )
        raise


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error) or error.__class__.__name__
