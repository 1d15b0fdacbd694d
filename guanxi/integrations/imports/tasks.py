"""The background import and the background check of a large file (thin: each calls
the service and tells the uploader)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from guanxi.core.models import User
from guanxi.core.services.notifications import notify
from guanxi.integrations.imports.checking import run_check
from guanxi.integrations.imports.models import ImportJob
from guanxi.integrations.imports.services import run_import


@task()
def import_in_background(job_id: int) -> bool:
    done = run_import(job_id)
    if done:
        job = ImportJob.objects.select_related("created_by").defer("content").get(pk=job_id)
        notify(
            recipients=[job.created_by],
            kind="import.done",
            title=lambda: (
                _("Your import is done: %(created)s created, %(errors)s rows with errors")
                % {"created": job.created_count, "errors": job.error_count}
            ),
            url=reverse("integrations:import_detail", args=[job.pk]),
            obj=job,
        )
    return done


@task()
def check_in_background(job_id: int, actor_id: int, queued_at: str) -> bool:
    job = run_check(job_id, actor_id, queued_at)
    if job is None:
        return False
    asked = User.objects.get(pk=actor_id)
    notify(
        recipients=[asked],
        kind="import.checked",
        title=lambda: (
            ngettext(
                "Your file is checked: %(created)s to create, %(errors)s row with errors",
                "Your file is checked: %(created)s to create, %(errors)s rows with errors",
                job.error_count,
            )
            % {"created": job.created_count, "errors": job.error_count}
        ),
        url=reverse("integrations:import_detail", args=[job.pk]),
        obj=job,
    )
    return True
