"""Export a list as CSV or Excel: at once when small, else in the background."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from guanxi.core.views.errors import flash_errors
from guanxi.integrations.models import ExportJob, ExportStatus
from guanxi.integrations.selectors import exports_of, get_finished_export_for
from guanxi.integrations.services import start_export

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download_response(job: ExportJob) -> FileResponse:
    name = job.file.name.rsplit("/", 1)[-1]
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES[job.format],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def export(request: HttpRequest, object_type: str) -> HttpResponse:
    """``/export/customers.contact/?<the list's filters>&format=xlsx``."""
    params = request.GET.copy()
    fmt = params.pop("format", ["csv"])[-1]
    try:
        job = start_export(
            actor=request.user, object_type=object_type, fmt=fmt, query=params.urlencode()
        )
    except ValidationError as error:
        flash_errors(request, error)
        return redirect("integrations:export_list")
    if job.status == ExportStatus.DONE:
        return download_response(job)
    if job.status == ExportStatus.FAILED:
        messages.error(request, _("The export failed: %(error)s") % {"error": job.error})
        return redirect("integrations:export_list")
    messages.success(
        request,
        _("%(rows)s rows are being exported; you will be notified when the file is ready.")
        % {"rows": job.rows},
    )
    return redirect("integrations:export_list")


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    jobs = exports_of(request.user)[:50]
    return render(request, "integrations/export_list.html", {"jobs": jobs})


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Only the person who exported may download the file."""
    return download_response(get_finished_export_for(request.user, pk))
