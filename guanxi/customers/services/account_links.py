"""Where a contact works: links between contacts and accounts, and the primary contact."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import diff, record_audit
from guanxi.core.services.search import index_record
from guanxi.customers.models import Account, AccountContact, Contact
from guanxi.customers.services.common import Errors, clean_text


def _link_line(link: AccountContact) -> str:
    flags = [f for f, on in (("primary", link.is_primary), ("former", not link.is_current)) if on]
    role = f" - {link.role}" if link.role else ""
    suffix = " ({})".format(", ".join(flags)) if flags else ""
    return f"{link.account}{role}{suffix}"


def links_of_contact(contact: Contact) -> list[str]:
    """The contact's places at accounts as lines of text, for the audit log."""
    rows = AccountContact.objects.filter(contact=contact).select_related("account").order_by("pk")
    return [_link_line(link) for link in rows]


def people_lines(account: Account, contact_ids: Iterable[int]) -> dict[int, str]:
    """The account's people as lines of text for the audit log, by contact id (in the
    order the links were made), limited to those a change of the given contacts'
    links can touch: those contacts and the account's primary contact."""
    rows = (
        AccountContact.objects.filter(account=account)
        .filter(Q(contact_id__in=list(contact_ids)) | Q(is_primary=True))
        .select_related("contact")
        .order_by("pk")
    )
    return {link.contact_id: person_line(link.contact, link.is_primary) for link in rows}


def person_line(contact: Contact, is_primary: bool) -> str:
    return f"{contact}{' (primary)' if is_primary else ''}"


def people_change(before: dict[int, str], after: dict[int, str]) -> dict[str, Any]:
    """An account's audit change of its people, as ``{"contacts": [old, new]}`` with only
    the lines of the people whose place changed (by contact: two people may share a
    name): who left or changed, then who joined or changed. Not the whole staff: an
    import of thousands of people into one company would otherwise write each entry
    longer than the last. Empty when nothing changed."""
    old = [line for pk, line in before.items() if after.get(pk) != line]
    new = [line for pk, line in after.items() if before.get(pk) != line]
    return {"contacts": [old, new]} if old or new else {}


def clean_links(errors: Errors, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    seen: set[int] = set()
    for index, row in enumerate(rows):
        prefix = f"accounts.{index}."
        account = row.get("account")
        if not isinstance(account, Account) or account.is_trashed:
            errors.add(f"{prefix}account", _("Choose an account."))
            continue
        if account.pk in seen:
            errors.add(f"{prefix}account", _("This account is listed twice."))
        seen.add(account.pk)
        cleaned.append(
            {
                "account": account,
                "role": clean_text(errors, f"{prefix}role", row.get("role"), max_length=100),
                "is_primary": bool(row.get("is_primary")),
                "is_current": bool(row.get("is_current", True)),
            }
        )
    return cleaned


def _lock_account(account: Account) -> None:
    """Serialise changes of one account's primary contact (no-op on SQLite)."""
    Account.all_objects.select_for_update().filter(pk=account.pk).first()


def _save_link(
    contact: Contact, account: Account, *, role: str, is_primary: bool, is_current: bool
) -> AccountContact:
    _lock_account(account)
    if is_primary:
        # Unset the old primary first: the conditional unique constraint allows one.
        AccountContact.objects.filter(account=account, is_primary=True).exclude(
            contact=contact
        ).update(is_primary=False)
    link, _created = AccountContact.objects.update_or_create(
        account=account,
        contact=contact,
        defaults={"role": role, "is_primary": is_primary, "is_current": is_current},
    )
    return link


def replace_links(actor: User, contact: Contact, rows: list[dict[str, Any]]) -> None:
    """Make the contact's account links exactly ``rows``; each account touched gets an
    audit entry of its own, so the account's history shows who joined or left it."""
    wanted = {row["account"].pk: row for row in rows}
    existing = {
        link.account_id: link
        for link in AccountContact.objects.filter(contact=contact).select_related("account")
    }
    touched = {pk: row["account"] for pk, row in wanted.items()}
    touched.update({pk: link.account for pk, link in existing.items() if pk not in wanted})
    before = {pk: people_lines(account, [contact.pk]) for pk, account in touched.items()}
    AccountContact.objects.filter(contact=contact).exclude(account_id__in=wanted).delete()
    for row in rows:
        _save_link(
            contact,
            row["account"],
            role=row["role"],
            is_primary=row["is_primary"],
            is_current=row["is_current"],
        )
    for pk, account in touched.items():
        changes = people_change(before[pk], people_lines(account, [*before[pk], contact.pk]))
        if changes and not account.is_trashed:
            record_audit(actor=actor, event=AuditEvent.CHANGE, obj=account, changes=changes)


@transaction.atomic
def link_contact_to_account(
    *,
    actor: User,
    contact: Contact,
    account: Account,
    role: str = "",
    is_primary: bool = False,
    is_current: bool = True,
) -> AccountContact:
    """Record (or change) the contact's place at an account; ``is_primary`` makes them
    the account's one named person, replacing the previous one."""
    errors = Errors()
    role = clean_text(errors, "role", role, max_length=100)
    if account.is_trashed:
        errors.add("account", _("Choose an account."))
    if is_primary and not is_current:
        errors.add("is_primary", _("A former employee cannot be the primary contact."))
    errors.raise_if_any()
    contact_before = links_of_contact(contact)
    account_before = people_lines(account, [contact.pk])
    link = _save_link(contact, account, role=role, is_primary=is_primary, is_current=is_current)
    _audit_link_change(actor, contact, account, contact_before, account_before)
    index_record(contact)
    return link


@transaction.atomic
def unlink_contact_from_account(*, actor: User, contact: Contact, account: Account) -> None:
    """Remove the contact from the account altogether (to keep them as a former
    employee, link them with ``is_current=False`` instead)."""
    contact_before = links_of_contact(contact)
    account_before = people_lines(account, [contact.pk])
    deleted, _rows = AccountContact.objects.filter(contact=contact, account=account).delete()
    if not deleted:
        raise ValidationError({"account": _("This contact is not linked to this account.")})
    _audit_link_change(actor, contact, account, contact_before, account_before)
    index_record(contact)


@transaction.atomic
def set_primary_contact(*, actor: User, account: Account, contact: Contact) -> AccountContact:
    """Make an already linked, current contact the account's primary contact."""
    link = AccountContact.objects.filter(account=account, contact=contact).first()
    if link is None or contact.is_trashed:
        raise ValidationError({"contact": _("This contact is not linked to this account.")})
    if not link.is_current:
        raise ValidationError({"contact": _("A former employee cannot be the primary contact.")})
    if link.is_primary:
        return link
    return link_contact_to_account(
        actor=actor, contact=contact, account=account, role=link.role, is_primary=True
    )


def _audit_link_change(
    actor: User,
    contact: Contact,
    account: Account,
    contact_before: list[str],
    account_before: dict[int, str],
) -> None:
    changes = diff({"accounts": contact_before}, {"accounts": links_of_contact(contact)})
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=contact, changes=changes)
    changes = people_change(account_before, people_lines(account, [*account_before, contact.pk]))
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=account, changes=changes)
