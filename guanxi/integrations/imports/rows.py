"""Importing one row: convert its cells, find a duplicate, and create (or update) the
record through the customers services, so the UI's rules apply unchanged."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from guanxi.core.access import restrict
from guanxi.core.models import User
from guanxi.customers.models import Account, Contact
from guanxi.customers.services.accounts import create_account, update_account, website_as_stored
from guanxi.customers.services.contacts import create_contact, update_contact
from guanxi.integrations.imports.fields import (
    ACCOUNTS,
    RowError,
    account_arguments,
    contact_arguments,
    field_of_error,
)
from guanxi.integrations.imports.matching import (
    Match,
    account_by_name,
    exact_match,
    import_tag_name,
    likely_duplicate,
    likely_warning,
    made_by_job,
    may_change,
    may_see,
    not_yours,
    same_in_file,
    same_in_file_warning,
)
from guanxi.integrations.imports.models import (
    ImportJob,
    ImportRecord,
    LikelyDuplicates,
    OnDuplicate,
)
from guanxi.integrations.models import ExternalRef
from guanxi.integrations.sync import record_by_ref

# Ids from the "ID in the old system" column are kept as ExternalRefs of this source,
# so importing the same file again finds the records instead of doubling them.
IMPORT_SOURCE = "import"

# Fields a "link and update" may change on an existing record (never its phones,
# emails or addresses, which would replace what the record has).
UPDATABLE = {
    "customers.contact": ("title", "birthday", "description", "tier"),
    "customers.account": ("industry", "website", "description", "tier"),
}


@dataclass
class RowResult:
    outcome: str  # created, updated, skipped, error
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field key, message)
    # Reported on the row without failing it: likely and in-file duplicates.
    warnings: list[tuple[str, str]] = field(default_factory=list)


def _match(actor: User, job: ImportJob, cells: dict[str, str], on_duplicate: str) -> Match | None:
    """The record this row is: by its ID in the old system, then the same email or phone
    (accounts: name or website) as an earlier row of the file, then (unless "create
    anyway") the same among the records the actor can see. An ID that names a record
    the actor cannot see is the row's error: never a second record, never theirs."""
    model = Account if job.target == ACCOUNTS else Contact
    external_id = cells.get("external_id", "")[:100]
    if external_id:
        record = record_by_ref(model, IMPORT_SOURCE, external_id)
        if record is not None:
            if not may_see(actor, record):
                raise RowError("external_id", not_yours(job.target))
            return Match(record, "external_id")
    same = same_in_file(job, cells)
    if same is not None:
        return same
    if on_duplicate == OnDuplicate.CREATE:
        return None
    return exact_match(actor, job, cells)


def changed_values(target: str, existing: Model, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The row's updatable values that differ from the record's (a related record by
    its pk): a row repeating what the record holds changes nothing, not even when it
    was last saved."""
    changes = {}
    for key in UPDATABLE[target]:
        if key not in kwargs:
            continue
        model_field = existing._meta.get_field(key)
        value = kwargs[key]
        if model_field.is_relation:
            value = getattr(value, "pk", value)
        elif key == "website":
            value = website_as_stored(value)
        elif isinstance(value, str):
            value = value.strip()  # as the services keep text
        if getattr(existing, getattr(model_field, "attname", key)) != value:
            changes[key] = kwargs[key]
    return changes


def blocks_update(target: str, problems: list[RowError]) -> bool:
    """Whether a row matching a record in "link and update" is an error: a value it
    would write is wrong. A bad value found in another column (an owner who has left)
    is the row's warning, and the record is updated; phones, emails and addresses are
    never written by an update, nor checked for one."""
    return any(p.field in UPDATABLE[target] for p in problems)


def _update(actor: User, target: str, existing: Model, kwargs: dict[str, Any]) -> None:
    changes = changed_values(target, existing, kwargs)
    if changes and isinstance(existing, Account):
        update_account(actor=actor, account=existing, **changes)
    elif changes and isinstance(existing, Contact):
        update_contact(actor=actor, contact=existing, **changes)


def _matched(
    actor: User, job: ImportJob, match: Match, kwargs: dict[str, Any], on_duplicate: str
) -> RowResult:
    """Skip or update the record found; a row repeating an earlier one of the file is
    never a second record, and a record the actor may not change is never updated."""
    changeable = on_duplicate == OnDuplicate.UPDATE and may_change(actor, match.record)
    if match.in_file:
        warnings = [(match.field, same_in_file_warning(match))]
        if changeable:
            _update(actor, job.target, match.record, kwargs)
            return RowResult("updated", warnings=warnings)
        return RowResult("skipped", warnings=warnings)
    if on_duplicate != OnDuplicate.UPDATE:
        return RowResult("skipped")
    if not changeable:
        raise RowError(match.field, not_yours(job.target))
    _update(actor, job.target, match.record, kwargs)
    return RowResult("updated")


def _company(actor: User, job: ImportJob, row: int, name: str) -> Account:
    """The account named in a contact row: one this import created, else one the actor
    can see with the same name (legal form ignored), else a new one."""
    account = account_by_name(made_by_job(job, Account), name) or account_by_name(
        restrict(Account.objects.all(), actor, "view"), name
    )
    if account is not None:
        return account
    if not job.options.get("create_accounts", True):
        raise RowError("company", _("There is no account with this name."))
    account = create_account(actor=actor, name=name, tags=[import_tag_name(job)])
    _remember(job, row, account)
    return account


def _remember(job: ImportJob, row: int, record: Model) -> None:
    ImportRecord.objects.create(
        job=job,
        row=row,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
    )


def import_row(actor: User, job: ImportJob, row: int, cells: dict[str, str]) -> RowResult:
    """Create (or update, or skip) one row's record; ValidationError and RowError come
    back as the row's errors keyed by import field. The caller owns the transaction."""
    kwargs: dict[str, Any] = {}
    problems: list[RowError] = []
    warnings: list[tuple[str, str]] = []
    try:
        if job.target == ACCOUNTS:
            kwargs = account_arguments(cells, problems)
        else:
            kwargs = contact_arguments(cells, problems)
        on_duplicate = job.options.get("on_duplicate", OnDuplicate.SKIP)
        external_id = cells.get("external_id", "")[:100]
        match = _match(actor, job, cells, on_duplicate)
        if match is not None:
            if on_duplicate != OnDuplicate.UPDATE:
                return _matched(actor, job, match, kwargs, on_duplicate)
            if blocks_update(job.target, problems):
                # Not "updated" without a value the row got wrong: its errors.
                return RowResult("error", [(p.field, p.message) for p in problems])
            result = _matched(actor, job, match, kwargs, on_duplicate)
            result.warnings += [(p.field, p.message) for p in problems]
            return result
        if on_duplicate != OnDuplicate.CREATE and not problems:
            likely = likely_duplicate(actor, job.target, cells, kwargs)
            if likely is not None:
                skip = job.options.get("likely_duplicates") == LikelyDuplicates.SKIP
                column = "name" if job.target == ACCOUNTS else "family_name"
                warnings.append((column, likely_warning(likely, skip)))
                if skip:
                    return RowResult("skipped", warnings=warnings)
        kwargs["tags"] = [*kwargs.get("tags", []), import_tag_name(job)]
        if job.target == ACCOUNTS:
            record: Model = create_account(actor=actor, **kwargs)
        else:
            if cells.get("company"):
                account = _company(actor, job, row, cells["company"])
                kwargs["accounts"] = [{"account": account, "is_primary": True}]
            record = create_contact(actor=actor, **kwargs)
        _remember(job, row, record)
        if external_id:
            # update_or_create: a ref may still point at a record in the trash
            # (after a rollback); the new record takes the id over.
            ExternalRef.objects.update_or_create(
                source=IMPORT_SOURCE,
                external_id=external_id,
                content_type=ContentType.objects.get_for_model(record),
                defaults={"object_id": record.pk},
            )
    except RowError as error:
        problems.append(error)
    except ValidationError as error:
        messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        found = [
            (field_of_error(k, kwargs), " ".join(str(m) for m in v)) for k, v in messages.items()
        ]
        return RowResult("error", [(p.field, p.message) for p in problems] + found)
    if problems:  # the caller rolls the row's savepoint back
        return RowResult("error", [(p.field, p.message) for p in problems])
    return RowResult("created", warnings=warnings)
