"""Import a CSV or Excel file of contacts, accounts, leads, products, activities or
orders: upload, map, check (dry run), import in the background in all-or-nothing batches
that resume after a crash, and roll back by moving what the import created to the trash.

The unit of work is a row, except for orders: all the rows (lines) of one order are one
unit, checked and imported together and never split across batches. Contacts are
decided and written a batch at a time (``batch.ContactBatch``), with the same results
as row by row; a batch that fails there is redone row by row."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.access import can, is_permitted
from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import record_audit
from guanxi.core.services.tags import tags_from_names
from guanxi.core.services.trash import trash_record
from guanxi.integrations.imports.batch import ContactBatch, usable
from guanxi.integrations.imports.check_parts import part_rows
from guanxi.integrations.imports.fields import CONTACTS
from guanxi.integrations.imports.fields_more import LEADS, MORE_FIELDS, PRODUCTS
from guanxi.integrations.imports.fields_orders import ORDERS
from guanxi.integrations.imports.mapping import clean_mapping, guess_mapping
from guanxi.integrations.imports.models import (
    ImportJob,
    ImportRowError,
    ImportStatus,
    ImportTarget,
    ImportTemplate,
    LikelyDuplicates,
    OnDuplicate,
    ProblemKind,
)
from guanxi.integrations.imports.orders import UnitResult, group_rows, import_order
from guanxi.integrations.imports.reading import Table, read_table
from guanxi.integrations.imports.rows import IMPORT_SOURCE, import_row, import_tag_name
from guanxi.integrations.imports.rows_more import import_more_row
from guanxi.sales.models import Order
from guanxi.sales.services.order_sync import SOURCE_PATTERN
from guanxi.sales.services.orders import delete_order, serials_referenced
from guanxi.sales.services.products import retire_product

DRY_RUN_KEPT_ERRORS = 10_000


def batch_size() -> int:
    return int(getattr(settings, "IMPORT_BATCH_SIZE", 500))


def may_import(user: Any, target: str) -> bool:
    return target in ImportTarget.values and can(user, target, "add")


def _require(user: Any, target: str) -> None:
    if not may_import(user, target):
        raise PermissionDenied


def _content_of(file: Any) -> bytes:
    if isinstance(file, bytes):
        return file
    if getattr(file, "size", 0) > settings.UPLOAD_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than the upload limit.")})
    return bytes(file.read())


@transaction.atomic
def start_import(*, actor: User, target: str, file: Any, filename: str) -> ImportJob:
    """Store an uploaded file as a new import with a guessed mapping; the file is read
    once here so a malformed one is refused at once."""
    if target not in ImportTarget.values:
        raise ValidationError({"target": _("Choose what kind of records the file holds.")})
    _require(actor, target)
    content = _content_of(file)
    if len(content) > settings.UPLOAD_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than the upload limit.")})
    table = read_table(content, filename)
    job = ImportJob.objects.create(
        target=target,
        filename=filename[:255],
        content=content,
        encoding=table.encoding,
        delimiter=table.delimiter,
        headers=table.headers,
        mapping=guess_mapping(target, table.headers),
        options={
            "on_duplicate": OnDuplicate.SKIP,
            "likely_duplicates": LikelyDuplicates.CREATE,
            "create_accounts": True,
        },
        total_rows=len(table.rows),
        created_by=actor,
    )
    record_audit(
        actor=actor,
        event=AuditEvent.CREATE,
        obj=job,
        changes={"file": [None, job.filename], "rows": [None, job.total_rows]},
    )
    return job


def refuse_while_checking(job: ImportJob) -> None:
    if job.status == ImportStatus.CHECKING:
        raise ValidationError(
            {"status": _("The file is being checked: wait until the check is done.")}
        )


def require_owner(actor: User, job: ImportJob) -> None:
    _require(actor, job.target)
    if job.created_by_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied


@transaction.atomic
def set_mapping(
    *,
    actor: User,
    job: ImportJob,
    mapping: dict[str, str],
    options: dict[str, Any] | None = None,
    save_as: str | None = None,
) -> ImportJob:
    """Choose the field of each column and what to do with duplicates; optionally save
    the mapping as a named template. A new mapping needs a new check."""
    require_owner(actor, job)
    refuse_while_checking(job)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.DRY_RUN_DONE):
        raise ValidationError({"status": _("This import has already started.")})
    job.mapping = clean_mapping(job.target, job.headers, mapping)
    options = {**job.options, **(options or {})}
    if options.get("on_duplicate") not in OnDuplicate.values:
        raise ValidationError({"on_duplicate": _("Choose skip, update or create.")})
    likely = options.get("likely_duplicates") or LikelyDuplicates.CREATE
    if likely not in LikelyDuplicates.values:
        raise ValidationError({"likely_duplicates": _("Choose create or skip.")})
    job.options = {
        "on_duplicate": options["on_duplicate"],
        "likely_duplicates": likely,
        "create_accounts": bool(options.get("create_accounts", True)),
    }
    if job.target == ORDERS:
        job.options["source"] = _order_source(options.get("source"))
    job.status = ImportStatus.UPLOADED
    job.updated_at = timezone.now()
    job.save(update_fields=["mapping", "options", "status", "updated_at"])
    if save_as and save_as.strip():
        ImportTemplate.objects.update_or_create(
            name=save_as.strip()[:100],
            target=job.target,
            created_by=actor,
            defaults={"mapping": job.mapping},
        )
    return job


def _order_source(value: Any) -> str:
    """The channel of orders whose row names none; their number is unique per channel."""
    source = str(value or IMPORT_SOURCE).strip().lower()
    if not SOURCE_PATTERN.fullmatch(source) or source == "crm":
        raise ValidationError(
            {"source": _("Use 1–30 lower-case letters, digits, - or _, such as erp.")}
        )
    return source


def _table(job: ImportJob) -> Table:
    return read_table(bytes(job.content), job.filename)


def _cells(job: ImportJob, table: Table, values: list[str]) -> dict[str, str]:
    by_header = dict(zip(table.headers, values, strict=True))
    return {key: by_header.get(header, "") for header, key in job.mapping.items()}


Unit = list[tuple[int, list[str]]]  # the rows imported together: (line, values)


def _units(job: ImportJob, table: Table) -> list[Unit]:
    """Each row alone, or for orders the rows of each order (see ``group_rows``)."""
    if job.target != ORDERS:
        return [[row] for row in table.rows]
    values = dict(table.rows)
    groups = group_rows([(line, _cells(job, table, cells)) for line, cells in table.rows])
    return [[(line, values[line]) for line, _cells_ in group] for group in groups]


def _problem_rows(
    job: ImportJob, table: Table, unit: Unit, result: UnitResult, dry: bool
) -> list[ImportRowError]:
    """The unit's errors, then its warnings, as rows to store."""
    return _error_rows(job, table, unit, result.errors, dry) + _error_rows(
        job, table, unit, result.warnings, dry, ProblemKind.WARNING
    )


def _error_rows(
    job: ImportJob,
    table: Table,
    unit: Unit,
    errors: list[tuple[int, str, str]],
    dry: bool,
    kind: str = ProblemKind.ERROR,
) -> list[ImportRowError]:
    columns = {key: header for header, key in job.mapping.items()}
    values = dict(unit)
    if job.target in (CONTACTS, LEADS):
        columns.setdefault("family_name", columns.get("full_name", ""))
    if job.target == ORDERS:  # no customer column at all: name the first one mapped
        customer = ("account_external_id", "account_name", "contact_email", "contact_phone")
        columns.setdefault("account_name", next((columns[k] for k in customer if k in columns), ""))
    return [
        ImportRowError(
            job=job,
            row=line,
            column=columns.get(key, ""),
            value=_value(table, values[line], columns.get(key, ""))[:500],
            message=message[:500],
            dry_run=dry,
            kind=kind,
        )
        for line, key, message in errors
    ]


def _value(table: Table, values: list[str], header: str) -> str:
    return dict(zip(table.headers, values, strict=True)).get(header, "")


def _import_units(
    job: ImportJob, table: Table, units: list[Unit], batch: ContactBatch | None
) -> list[UnitResult]:
    """The units' results, in order: contacts decided a batch at a time (``batch``,
    inside one savepoint; if anything goes wrong there, the savepoint is rolled back
    and every row goes through ``import_row`` in its own, as other records do)."""
    actor = job.created_by
    if batch is not None:
        rows = [(unit[0][0], _cells(job, table, unit[0][1])) for unit in units]

        def per_row(index: int) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]]]:
            found = _import_unit(actor, job, table, units[index])
            return (
                found.outcome,
                [(key, message) for _line, key, message in found.errors],
                [(key, message) for _line, key, message in found.warnings],
            )

        try:
            with transaction.atomic():
                decided = batch.run(rows, per_row)
        except Exception:  # the per-row path below finds the bad rows
            decided = None
        if decided is not None:
            return [
                UnitResult(
                    outcome,
                    [(line, key, message) for key, message in errors],
                    [(line, key, message) for key, message in warnings],
                )
                for (line, _cells_), (outcome, errors, warnings) in zip(rows, decided, strict=True)
            ]
    return [_import_unit(actor, job, table, unit) for unit in units]


def _contact_batch(job: ImportJob, *, checking: bool = False) -> ContactBatch | None:
    """The batch path of a contacts import (None: every row through ``import_row``);
    ``checking`` for the check (dry run)."""
    if job.target != CONTACTS or not batch_enabled() or not usable(job.created_by):
        return None
    return ContactBatch(job.created_by, job, checking=checking)


def batch_enabled() -> bool:
    return bool(getattr(settings, "IMPORT_BATCH_CONTACTS", True))


def _import_unit(actor: User, job: ImportJob, table: Table, unit: Unit) -> UnitResult:
    """One row (or order) in its own savepoint: a failure leaves nothing behind. The
    errors come back as (row, field, message)."""
    savepoint = transaction.savepoint()
    if job.target == ORDERS:
        rows = [(line, _cells(job, table, values)) for line, values in unit]
        result = import_order(actor, job, rows)
    else:
        line, values = unit[0]
        cells = _cells(job, table, values)
        if job.target in MORE_FIELDS:
            found = import_more_row(actor, job, line, cells)
        else:
            found = import_row(actor, job, line, cells)
        result = UnitResult(
            found.outcome,
            [(line, key, message) for key, message in found.errors],
            [(line, key, message) for key, message in found.warnings],
        )
    if result.outcome == "error":
        transaction.savepoint_rollback(savepoint)
    else:
        transaction.savepoint_commit(savepoint)
    return result


class _DryRunDone(Exception):
    pass


COUNTS = ["created_count", "updated_count", "skipped_count", "error_count"]
# A job may be checked before it starts, and again while a check is queued.
CHECKABLE = (ImportStatus.UPLOADED, ImportStatus.DRY_RUN_DONE, ImportStatus.CHECKING)


def dry_run(*, actor: User, job: ImportJob) -> ImportJob:
    """Check every row exactly as the import would — through the same services, inside
    a transaction that is then rolled back (for a large contacts file, one per part:
    ``check_parts``) — and store each problem by row and column."""
    require_owner(actor, job)
    if job.status not in CHECKABLE:
        raise ValidationError({"status": _("This import has already started.")})
    table = _table(job)
    kept = {ProblemKind.ERROR: 0, ProblemKind.WARNING: 0}
    errors: list[ImportRowError] = []
    counts = {"created": 0, "updated": 0, "skipped": 0, "error": 0}
    units = _units(job, table)
    batch = _contact_batch(job, checking=True)
    # Contacts in parts, each rolled back on its own (``check_parts``); others at once.
    part = part_rows(batch_size()) if batch is not None else max(len(units), 1)
    checked = 0
    for first in range(0, len(units), part):
        units_of_part = units[first : first + part]
        last = first + part >= len(units)
        if first:  # the page shows how far a check in the background has got
            ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKING).update(
                checked_rows=checked, updated_at=timezone.now()
            )
        checked += sum(len(unit) for unit in units_of_part)
        for unit, result in _check_part(job, table, units_of_part, batch, last):
            counts[result.outcome] += 1
            # Each kind kept up to the cap: warnings never push errors out.
            if kept[ProblemKind.ERROR] < DRY_RUN_KEPT_ERRORS:
                errors.extend(_error_rows(job, table, unit, result.errors, True))
                kept[ProblemKind.ERROR] += len(result.errors)
            if kept[ProblemKind.WARNING] < DRY_RUN_KEPT_ERRORS:
                errors.extend(
                    _error_rows(job, table, unit, result.warnings, True, ProblemKind.WARNING)
                )
                kept[ProblemKind.WARNING] += len(result.warnings)
    with transaction.atomic():
        ImportJob.objects.select_for_update().filter(pk=job.pk).exists()  # one writer at a time
        job.row_errors.all().delete()
        ImportRowError.objects.bulk_create(errors)
        job.created_count, job.updated_count = counts["created"], counts["updated"]
        job.skipped_count, job.error_count = counts["skipped"], counts["error"]
        job.status, job.error, job.updated_at = ImportStatus.DRY_RUN_DONE, "", timezone.now()
        job.checked_rows = checked
        job.save(update_fields=[*COUNTS, "checked_rows", "status", "error", "updated_at"])
    return job


def _check_part(
    job: ImportJob, table: Table, units: list[Unit], batch: ContactBatch | None, last: bool
) -> list[tuple[Unit, UnitResult]]:
    """The units' results as the import would have them, in a transaction rolled back
    at the end; before that, the batch keeps what they made for the parts after."""
    results: list[tuple[Unit, UnitResult]] = []
    try:
        with transaction.atomic():
            _ensure_tag(job)
            if batch is not None:
                batch.start_part()
            size = batch_size()
            for start in range(0, len(units), size):
                chunk = units[start : start + size]
                results += zip(chunk, _import_units(job, table, chunk, batch), strict=True)
            if batch is not None and not last:
                batch.keep_part()
            raise _DryRunDone
    except _DryRunDone:
        pass
    return results


def _ensure_tag(job: ImportJob) -> None:
    tags_from_names(actor=job.created_by, names=[import_tag_name(job)], create=True)


@transaction.atomic
def start_import_job(*, actor: User, job: ImportJob) -> ImportJob:
    """Queue the import (or resume a failed or interrupted one at its checkpoint)."""
    require_owner(actor, job)
    refuse_while_checking(job)
    if job.status not in (
        ImportStatus.UPLOADED,
        ImportStatus.DRY_RUN_DONE,
        ImportStatus.FAILED,
        ImportStatus.IMPORTING,
    ):
        raise ValidationError({"status": _("This import is finished.")})
    if not job.mapping:
        raise ValidationError({"mapping": _("Map the columns first.")})
    if job.next_row == 0:
        job.row_errors.all().delete()
        job.created_count = job.updated_count = job.skipped_count = job.error_count = 0
        _ensure_tag(job)
    job.status, job.error, job.updated_at = ImportStatus.IMPORTING, "", timezone.now()
    job.save(update_fields=[*COUNTS, "status", "error", "updated_at"])
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from guanxi.integrations.imports.tasks import import_in_background

    import_in_background.enqueue(job_id)


def _run_batch(job_id: int, table: Table, units: list[Unit], starts: list[int]) -> bool:
    """Import the next batch (whole units of about ``batch_size`` rows) in one
    transaction that also moves the checkpoint, so a crash anywhere loses the whole
    batch or nothing. ``starts[i]`` is the checkpoint before unit ``i``: a checkpoint
    always falls between two orders. False when there is no batch left."""
    with transaction.atomic():
        # Not the file: read (and written back) once a batch, it made each batch of a
        # 100 MB file cost as much as the file.
        locked = ImportJob.objects.select_for_update().select_related("created_by")
        job = locked.defer("content").get(pk=job_id)
        if job.status != ImportStatus.IMPORTING or job.next_row >= len(table.rows):
            return False
        first = last = bisect_right(starts, job.next_row) - 1
        while last < len(units) and (
            last == first or starts[last] + len(units[last]) - starts[first] <= batch_size()
        ):
            last += 1
        errors: list[ImportRowError] = []
        batch = _contact_batch(job)
        chunk = units[first:last]
        for unit, result in zip(chunk, _import_units(job, table, chunk, batch), strict=True):
            errors.extend(_problem_rows(job, table, unit, result, False))
            if result.outcome == "created":
                job.created_count += 1
            elif result.outcome == "updated":
                job.updated_count += 1
            elif result.outcome == "skipped":
                job.skipped_count += 1
            else:
                job.error_count += 1
        ImportRowError.objects.bulk_create(errors)
        job.next_row = starts[last] if last < len(units) else len(table.rows)
        job.updated_at = timezone.now()
        job.save(update_fields=[*COUNTS, "next_row", "updated_at"])
    return True


def run_import(job_id: int) -> bool:
    """The background task's work: batches until the file is done. Safe to run twice
    or after a crash: each batch starts at the committed checkpoint."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportStatus.IMPORTING:
        return False
    try:
        table = _table(job)
        units = _units(job, table)
        starts = [0]
        for unit in units[:-1]:
            starts.append(starts[-1] + len(unit))
        while _run_batch(job_id, table, units, starts):
            pass
    except Exception as exc:
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.IMPORTING).update(
            status=ImportStatus.FAILED, error=str(exc)[:2000], updated_at=timezone.now()
        )
        return False
    return bool(
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.IMPORTING).update(
            status=ImportStatus.DONE, finished_at=timezone.now(), updated_at=timezone.now()
        )
    )


@transaction.atomic
def rollback_import(*, actor: User, job: ImportJob) -> int:
    """Move every record the import created to the trash (contacts before the accounts
    created for them; products are retired instead; orders, which have no trash, are
    deleted unless goods or money were returned on them or the importer's role may not
    delete orders); records it only updated stay as they are. Returns the count."""
    require_owner(actor, job)
    if job.status not in (ImportStatus.DONE, ImportStatus.FAILED):
        raise ValidationError({"status": _("Only a finished or failed import can be rolled back.")})
    records = list(job.records.select_related("content_type").order_by("-pk"))
    trashed = 0
    for record in _contacts_first(records):
        model = record.content_type.model_class()
        obj = model.objects.filter(pk=record.object_id).first() if model else None
        if obj is None:  # already in the trash or gone
            continue
        if isinstance(obj, Order):  # orders have no trash: deleted, unless returned on
            if obj.returns.exists():  # goods or money came back: the order stays
                continue
            if serials_referenced(obj):  # its units are on tickets or contracts: it stays
                continue
            if not is_permitted(actor, obj, "delete"):  # undoing is deleting: the role says
                continue
            delete_order(actor=actor, order=obj)
            trashed += 1
            continue
        if job.target == PRODUCTS:  # products are retired, never deleted
            if obj.is_active:
                retire_product(actor=actor, product=obj)
                trashed += 1
            continue
        trash_record(actor=actor, obj=obj)
        trashed += 1
    job.status, job.updated_at = ImportStatus.ROLLED_BACK, timezone.now()
    job.save(update_fields=["status", "updated_at"])
    record_audit(
        actor=actor, event=AuditEvent.CHANGE, obj=job, changes={"rolled_back": [0, trashed]}
    )
    return trashed


def _contacts_first(records: Iterable[Any]) -> list[Any]:
    return sorted(records, key=lambda r: r.content_type.model != "contact")
