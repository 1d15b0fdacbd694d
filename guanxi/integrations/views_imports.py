"""The import wizard: upload → mapping → check → import (with progress) → done."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.views.errors import flash_errors
from guanxi.integrations.imports import services
from guanxi.integrations.imports.checking import check, seems_stuck
from guanxi.integrations.imports.fields import fields_for
from guanxi.integrations.imports.models import (
    ImportJob,
    ImportStatus,
    ImportTarget,
    LikelyDuplicates,
    OnDuplicate,
)
from guanxi.integrations.imports.selectors import get_import_for, imports_visible_to, templates_for
from guanxi.lib.downloads import safe_cell

FIRST_ERRORS = 50


def _may_change(request: HttpRequest, job: ImportJob) -> None:
    if not services.may_import(request.user, job.target):
        raise PermissionDenied


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    """Your imports (all imports for administrators) and the upload form."""
    targets = [
        (v, label) for v, label in ImportTarget.choices if services.may_import(request.user, v)
    ]
    jobs = imports_visible_to(request.user).select_related("created_by")[:50]
    return render(request, "integrations/import_list.html", {"jobs": jobs, "targets": targets})


@login_required
@require_POST
def import_upload(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("target", ImportTarget.CONTACTS)
    if not services.may_import(request.user, target):
        raise PermissionDenied
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
        return redirect("integrations:import_list")
    try:
        job = services.start_import(
            actor=request.user, target=target, file=upload, filename=upload.name or "upload"
        )
    except ValidationError as error:
        flash_errors(request, error)
        return redirect("integrations:import_list")
    return redirect("integrations:import_mapping", pk=job.pk)


@login_required
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """A select per column, guessed from its header; optionally saved as a template."""
    job = get_import_for(request.user, pk)
    _may_change(request, job)
    templates = templates_for(request.user, job.target)
    if request.method == "POST":
        template = templates.filter(pk=request.POST.get("template") or 0).first()
        if template is not None:
            mapping = {h: k for h, k in template.mapping.items() if h in job.headers}
        else:
            mapping = {h: request.POST.get(f"column_{i}", "") for i, h in enumerate(job.headers)}
        options = {
            "on_duplicate": request.POST.get("on_duplicate", OnDuplicate.SKIP),
            "create_accounts": request.POST.get("create_accounts") == "on",
            "likely_duplicates": request.POST.get("likely_duplicates", LikelyDuplicates.CREATE),
        }
        if job.target == ImportTarget.ORDERS:
            options["source"] = request.POST.get("source", "")
        try:
            services.set_mapping(
                actor=request.user,
                job=job,
                mapping=mapping,
                options=options,
                save_as=request.POST.get("save_as"),
            )
        except ValidationError as error:
            flash_errors(request, error)
            return redirect("integrations:import_mapping", pk=job.pk)
        if template is None:
            check(actor=request.user, job=job)
            return redirect("integrations:import_detail", pk=job.pk)
        return redirect("integrations:import_mapping", pk=job.pk)
    columns = [(i, h, job.mapping.get(h, "")) for i, h in enumerate(job.headers)]
    context = {
        "job": job,
        "columns": columns,
        "fields": fields_for(job.target),
        "templates": templates,
        "duplicate_choices": _duplicate_choices(job),
        "likely_choices": _likely_choices(job),
    }
    return render(request, "integrations/import_mapping.html", context)


def _duplicate_choices(job: ImportJob) -> list[tuple[str, str]]:
    """An order number already imported is never a second order: skip or update it."""
    if job.target == ImportTarget.ORDERS:
        return [
            (OnDuplicate.SKIP, _("Skip the order")),
            (OnDuplicate.UPDATE, _("Update the order")),
        ]
    return list(OnDuplicate.choices)


def _likely_choices(job: ImportJob) -> list[tuple[str, object]]:
    """Only contacts and accounts are checked by the duplicate engine."""
    if job.target in (ImportTarget.CONTACTS, ImportTarget.ACCOUNTS):
        return list(LikelyDuplicates.choices)
    return []


@login_required
@require_POST
def import_dry_run(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_import_for(request.user, pk)
    _may_change(request, job)
    try:
        check(actor=request.user, job=job)
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("integrations:import_detail", pk=job.pk)


@login_required
@require_POST
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_import_for(request.user, pk)
    _may_change(request, job)
    try:
        services.start_import_job(actor=request.user, job=job)
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("integrations:import_detail", pk=job.pk)


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Check result, progress (polled by htmx while the file is checked or imported)
    or the final counts."""
    job = get_import_for(request.user, pk)
    context = {
        "job": job,
        "errors": job.row_errors.all()[:FIRST_ERRORS],
        "importing": job.status == ImportStatus.IMPORTING,
        "checking": job.status == ImportStatus.CHECKING,
        "stuck": seems_stuck(job),
        "percent": int(100 * job.next_row / job.total_rows) if job.total_rows else 100,
    }
    response = render(request, "integrations/import_detail.html", context)
    polled = request.headers.get("HX-Trigger") == "import-progress"
    if polled and not (context["importing"] or context["checking"]):
        # The progress section was polled and the check or import is over: the whole
        # page again, with its problems and the buttons for what comes next.
        response["HX-Refresh"] = "true"
    return response


@login_required
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """Every problem as CSV (row, column, value, reason), UTF-8 with a BOM for Excel,
    formulas quoted (``lib.downloads.safe_cell``)."""
    job = get_import_for(request.user, pk)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([_("Row"), _("Column"), _("Value"), _("Reason"), _("Kind")])
    for error in job.row_errors.all().iterator():
        # The values come from the uploaded file: "=HYPERLINK(…)" must stay text.
        cells = (error.row, error.column, error.value, error.message, error.get_kind_display())
        writer.writerow([safe_cell(cell) for cell in cells])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def import_rollback(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_import_for(request.user, pk)
    _may_change(request, job)
    try:
        count = services.rollback_import(actor=request.user, job=job)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        if job.target == ImportTarget.ORDERS:
            text = _("%(n)s imported orders were deleted.")
        else:
            text = _("%(n)s imported records were moved to the trash.")
        messages.success(request, text % {"n": count})
    return redirect("integrations:import_detail", pk=job.pk)
