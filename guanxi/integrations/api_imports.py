"""API endpoints for imports of contacts, accounts, leads, products, activities and
orders from CSV or Excel files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from guanxi.integrations.imports import services
from guanxi.integrations.imports.checking import check
from guanxi.integrations.imports.models import ImportJob
from guanxi.integrations.imports.selectors import get_import_for

router = Router(tags=["imports"])


class ImportSchema(Schema):
    id: int
    target: str
    filename: str
    encoding: str
    delimiter: str
    headers: list[str]
    mapping: dict[str, str]
    options: dict[str, Any]
    status: str = Field(
        description="uploaded, checking (a large file's check runs), dry_run_done (checked), "
        "importing, done, failed or rolled_back"
    )
    total_rows: int
    created_count: int
    updated_count: int
    skipped_count: int
    error_count: int
    next_row: int
    checked_rows: int = Field(
        description="while status is checking: the rows checked so far (a large contacts "
        "file is checked in parts); after a check, all of them"
    )
    error: str
    created_at: datetime
    finished_at: datetime | None


class MappingIn(Schema):
    mapping: dict[str, str] = Field(description="column header → field key")
    on_duplicate: str = Field(default="skip", description="skip, update or create")
    likely_duplicates: str = Field(
        default="create",
        description="contacts and accounts: a row the duplicate engine finds likely to be an "
        "existing record (no exact match) is created anyway (create) or skipped (skip); "
        "either way it is listed among the row problems",
    )
    create_accounts: bool = Field(default=True, description="create missing companies")
    save_as: str | None = Field(default=None, description="save the mapping under this name")
    source: str | None = Field(
        default=None,
        description="orders: the channel of rows that name none (default import); an order "
        "number already imported in that channel is skipped or updated, never doubled",
    )


class RowErrorSchema(Schema):
    row: int
    column: str
    value: str
    message: str
    kind: str = Field(
        description="error: the row is not imported; warning: imported (or skipped as the "
        "options say) but worth a look, e.g. a likely duplicate"
    )


class RollbackOut(Schema):
    trashed: int


def _job(request: HttpRequest, import_id: int, *, change: bool = True) -> ImportJob:
    job = get_import_for(request.user, import_id)
    if change and not services.may_import(request.user, job.target):
        raise PermissionDenied
    return job


@router.post(
    "/imports",
    response={201: ImportSchema},
    summary="Upload a CSV or XLSX file to import (the mapping is guessed)",
    description="`target`: customers.contact, customers.account, sales.lead, sales.product, "
    "customers.activity or sales.order (one row per order line).",
)
def create_import(
    request: HttpRequest,
    target: Form[str],
    file: File[UploadedFile],
) -> Any:
    job = services.start_import(
        actor=request.user, target=target, file=file, filename=file.name or "upload"
    )
    return Status(201, job)


@router.get("/imports/{import_id}", response=ImportSchema, summary="One of your imports")
def get_import(request: HttpRequest, import_id: int) -> Any:
    return _job(request, import_id, change=False)


@router.put("/imports/{import_id}/mapping", response=ImportSchema, summary="Map the columns")
def put_mapping(request: HttpRequest, import_id: int, payload: MappingIn) -> Any:
    return services.set_mapping(
        actor=request.user,
        job=_job(request, import_id),
        mapping=payload.mapping,
        options={
            "on_duplicate": payload.on_duplicate,
            "create_accounts": payload.create_accounts,
            "likely_duplicates": payload.likely_duplicates,
            **({"source": payload.source} if payload.source is not None else {}),
        },
        save_as=payload.save_as,
    )


@router.post(
    "/imports/{import_id}/dry-run",
    response=ImportSchema,
    summary="Check every row, save nothing",
    description=(
        "A file of up to IMPORT_CHECK_INLINE_ROWS rows (2,000) is checked at once: the "
        "answer has status dry_run_done and the counts. A larger one is checked in the "
        "background: the answer has status checking; GET the import until it is "
        "dry_run_done (or uploaded again, with the reason in error, if the check failed)."
    ),
)
def post_dry_run(request: HttpRequest, import_id: int) -> Any:
    return check(actor=request.user, job=_job(request, import_id))


@router.post(
    "/imports/{import_id}/start",
    response={202: ImportSchema},
    summary="Import in the background (or resume a failed import); poll the import",
)
def post_start(request: HttpRequest, import_id: int) -> Any:
    return Status(202, services.start_import_job(actor=request.user, job=_job(request, import_id)))


@router.get(
    "/imports/{import_id}/errors",
    response=list[RowErrorSchema],
    summary="Every problem found, by row and column",
)
def get_errors(request: HttpRequest, import_id: int) -> Any:
    return list(_job(request, import_id, change=False).row_errors.all())


@router.post(
    "/imports/{import_id}/rollback",
    response=RollbackOut,
    summary="Move the records the import created to the trash (orders: delete them)",
)
def post_rollback(request: HttpRequest, import_id: int) -> Any:
    return {"trashed": services.rollback_import(actor=request.user, job=_job(request, import_id))}
