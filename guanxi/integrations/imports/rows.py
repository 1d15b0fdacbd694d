"""Importing one row: convert its cells, find a duplicate, and create (or update) the
record through the customers services, so the UI's rules apply unchanged."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from guanxi.core.models import User
from guanxi.customers.models import Account, Contact
from guanxi.customers.services.accounts import create_account, update_account
from guanxi.customers.services.contacts import create_contact, update_contact
from guanxi.integrations.imports.fields import (
    ACCOUNTS,
    RowError,
    account_arguments,
    contact_arguments,
    field_of_error,
)
from guanxi.integrations.imports.models import ImportJob, ImportRecord, OnDuplicate
from guanxi.integrations.models import ExternalRef
from guanxi.integrations.sync import record_by_ref
from guanxi.lib.phones import normalize_phone

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


def import_tag_name(job: ImportJob) -> str:
    return f"import:{job.pk}"


def _by_external_id(target: str, external_id: str) -> Model | None:
    if not external_id:
        return None
    model = Account if target == ACCOUNTS else Contact
    return record_by_ref(model, IMPORT_SOURCE, external_id)


def _duplicate(target: str, kwargs: dict[str, Any]) -> Model | None:
    if target == ACCOUNTS:
        return Account.objects.filter(name__iexact=kwargs.get("name", "").strip()).first()
    emails = [e["value"].strip().lower() for e in kwargs.get("emails", [])]
    phones = []
    for phone in kwargs.get("phones", []):
        try:
            phones.append(normalize_phone(phone["value"]))
        except ValueError:
            continue
    if emails:
        found = Contact.objects.filter(emails__value__in=emails).first()
        if found is not None:
            return found
    if phones:
        return Contact.objects.filter(phones__value__in=phones).first()
    return None


def _company(actor: User, job: ImportJob, row: int, name: str) -> Account:
    account = Account.objects.filter(name__iexact=name).first()
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
    try:
        if job.target == ACCOUNTS:
            kwargs = account_arguments(cells, problems)
        else:
            kwargs = contact_arguments(cells, problems)
        on_duplicate = job.options.get("on_duplicate", OnDuplicate.SKIP)
        external_id = cells.get("external_id", "")[:100]
        existing = _by_external_id(job.target, external_id)
        if existing is None and on_duplicate != OnDuplicate.CREATE:
            existing = _duplicate(job.target, kwargs)
        # The same id in the old system is the same record: never a second one.
        if existing is not None and on_duplicate in (OnDuplicate.SKIP, OnDuplicate.CREATE):
            return RowResult("skipped")
        if existing is not None:
            changes = {k: kwargs[k] for k in UPDATABLE[job.target] if k in kwargs}
            if changes and isinstance(existing, Account):
                update_account(actor=actor, account=existing, **changes)
            elif changes and isinstance(existing, Contact):
                update_contact(actor=actor, contact=existing, **changes)
            return RowResult("updated")
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
    return RowResult("created")
