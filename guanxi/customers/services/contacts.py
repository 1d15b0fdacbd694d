"""Contacts: people with phones, emails, addresses, places at accounts and consents."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import Team, TrashItem, User
from guanxi.core.services.audit import diff, record_audit
from guanxi.core.services.trash import trash_record
from guanxi.customers.choices import (
    Channel,
    ConsentSource,
    ConsentStatus,
    ContactPointKind,
    Gender,
    PreferredLanguage,
)
from guanxi.customers.models import (
    Account,
    AccountContact,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    CustomerTier,
)
from guanxi.customers.object_types import CONTACT
from guanxi.customers.services.common import (
    UNSET,
    Errors,
    addresses_snapshot,
    check_owner_and_team,
    clean_addresses,
    clean_choice,
    clean_primary_flags,
    clean_text,
    clean_tier,
    first_team_of,
    replace_addresses,
)
from guanxi.lib import names, phones

CONTACT_FIELDS = (
    "family_name",
    "given_name",
    "title",
    "birthday",
    "gender",
    "preferred_language",
    "preferred_channel",
    "tier",
    "owner",
    "team",
    "description",
)
NESTED_FIELDS = ("phones", "emails", "addresses", "accounts")


def display_name(family_name: str, given_name: str) -> str:
    """Chinese names read family name first with no space (张伟); Western names read
    "Given Family"."""
    if names.has_cjk(family_name) or names.has_cjk(given_name):
        return f"{family_name}{given_name}"
    return f"{given_name} {family_name}".strip()


def _point_line(row: Any) -> str:
    get = row.get if isinstance(row, Mapping) else row.__dict__.get
    return f"{get('kind')}: {get('value')}{' (primary)' if get('is_primary') else ''}"


def _link_line(link: AccountContact) -> str:
    flags = [f for f, on in (("primary", link.is_primary), ("former", not link.is_current)) if on]
    role = f" - {link.role}" if link.role else ""
    suffix = " ({})".format(", ".join(flags)) if flags else ""
    return f"{link.account}{role}{suffix}"


def _links_of_contact(contact: Contact) -> list[str]:
    rows = AccountContact.objects.filter(contact=contact).select_related("account").order_by("pk")
    return [_link_line(link) for link in rows]


def _contacts_of_account(account: Account) -> list[str]:
    rows = AccountContact.objects.filter(account=account).select_related("contact").order_by("pk")
    return [f"{link.contact}{' (primary)' if link.is_primary else ''}" for link in rows]


def contact_snapshot(contact: Contact) -> dict[str, Any]:
    """What the audit log records of a contact, child rows summarised as lines."""
    exists = contact.pk is not None
    return {
        "family_name": contact.family_name,
        "given_name": contact.given_name,
        "title": contact.title,
        "birthday": contact.birthday.isoformat() if contact.birthday else None,
        "gender": contact.gender,
        "preferred_language": contact.preferred_language,
        "preferred_channel": contact.preferred_channel,
        "tier": contact.tier.code if contact.tier_id and contact.tier else None,
        "owner": contact.owner_id,
        "team": contact.team_id,
        "description": contact.description,
        "phones": [_point_line(p) for p in contact.phones.order_by("pk")] if exists else [],
        "emails": [_point_line(e) for e in contact.emails.order_by("pk")] if exists else [],
        "addresses": addresses_snapshot(contact) if exists else [],
        "accounts": _links_of_contact(contact) if exists else [],
    }


def _clean_phones(errors: Errors, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        prefix = f"phones.{index}."
        raw = str(row.get("value") or "").strip()
        value = ""
        if not raw:
            errors.add(f"{prefix}value", _("Enter a phone number."))
        else:
            try:
                value = phones.normalize_phone(raw, region=settings.PHONE_DEFAULT_REGION)
            except ValueError:
                errors.add(
                    f"{prefix}value",
                    _("%(value)s is not a valid phone number.") % {"value": raw},
                )
        if value and value in seen:
            errors.add(f"{prefix}value", _("This number is listed twice."))
        seen.add(value)
        kind = clean_choice(errors, f"{prefix}kind", row.get("kind"), ContactPointKind)
        cleaned.append(
            {
                "kind": kind or ContactPointKind.MOBILE,
                "value": value,
                "is_primary": bool(row.get("is_primary")),
            }
        )
    clean_primary_flags(errors, "phones", cleaned)
    return cleaned


def _clean_emails(errors: Errors, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        prefix = f"emails.{index}."
        value = str(row.get("value") or "").strip().lower()
        if not value:
            errors.add(f"{prefix}value", _("Enter an email address."))
        else:
            try:
                validate_email(value)
            except ValidationError:
                errors.add(
                    f"{prefix}value",
                    _("%(value)s is not a valid email address.") % {"value": value},
                )
        if value and value in seen:
            errors.add(f"{prefix}value", _("This address is listed twice."))
        seen.add(value)
        kind = clean_choice(errors, f"{prefix}kind", row.get("kind"), ContactPointKind)
        cleaned.append(
            {
                "kind": kind or ContactPointKind.WORK,
                "value": value,
                "is_primary": bool(row.get("is_primary")),
            }
        )
    clean_primary_flags(errors, "emails", cleaned)
    return cleaned


def _clean_links(errors: Errors, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
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


def _replace_links(actor: User, contact: Contact, rows: list[dict[str, Any]]) -> None:
    """Make the contact's account links exactly ``rows``; each account touched gets an
    audit entry of its own, so the account's history shows who joined or left it."""
    wanted = {row["account"].pk: row for row in rows}
    existing = {
        link.account_id: link
        for link in AccountContact.objects.filter(contact=contact).select_related("account")
    }
    touched = {pk: row["account"] for pk, row in wanted.items()}
    touched.update({pk: link.account for pk, link in existing.items() if pk not in wanted})
    before = {pk: _contacts_of_account(account) for pk, account in touched.items()}
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
        changes = diff({"contacts": before[pk]}, {"contacts": _contacts_of_account(account)})
        if changes and not account.is_trashed:
            record_audit(actor=actor, event=AuditEvent.CHANGE, obj=account, changes=changes)


def _apply(
    contact: Contact,
    *,
    actor: User,
    fields: Mapping[str, Any],
    owner_changed: bool,
    team_changed: bool,
) -> dict[str, list[dict[str, Any]] | None]:
    """Validate and set ``fields`` on ``contact`` (unsaved); returns the cleaned child rows
    (None for lists not given)."""
    errors = Errors()
    if "family_name" in fields:
        contact.family_name = clean_text(
            errors, "family_name", fields["family_name"], max_length=100, required=True
        )
    if "given_name" in fields:
        contact.given_name = clean_text(errors, "given_name", fields["given_name"], max_length=100)
    if "title" in fields:
        contact.title = clean_text(errors, "title", fields["title"], max_length=100)
    if "birthday" in fields:
        birthday = fields["birthday"]
        if birthday is not None and not isinstance(birthday, date):
            errors.add("birthday", _("Enter a date."))
        elif birthday is not None and birthday > timezone.localdate():
            errors.add("birthday", _("A birthday cannot be in the future."))
        else:
            contact.birthday = birthday
    if "gender" in fields:
        contact.gender = clean_choice(errors, "gender", fields["gender"], Gender)
    if "preferred_language" in fields:
        contact.preferred_language = clean_choice(
            errors, "preferred_language", fields["preferred_language"], PreferredLanguage
        )
    if "preferred_channel" in fields:
        contact.preferred_channel = clean_choice(
            errors, "preferred_channel", fields["preferred_channel"], Channel
        )
    if "tier" in fields:
        contact.tier = clean_tier(errors, "tier", fields["tier"])
    if "description" in fields:
        contact.description = str(fields["description"] or "").strip()
    if "owner" in fields:
        contact.owner = fields["owner"]
    if "team" in fields:
        contact.team = fields["team"]
    check_owner_and_team(
        errors,
        actor=actor,
        object_type=CONTACT,
        owner=contact.owner,
        team=contact.team,
        owner_changed=owner_changed,
        team_changed=team_changed,
    )
    nested: dict[str, list[dict[str, Any]] | None] = {
        "phones": None,
        "emails": None,
        "addresses": None,
        "accounts": None,
    }
    if fields.get("phones") is not None:
        nested["phones"] = _clean_phones(errors, fields["phones"])
    if fields.get("emails") is not None:
        nested["emails"] = _clean_emails(errors, fields["emails"])
    if fields.get("addresses") is not None:
        nested["addresses"] = clean_addresses(errors, fields["addresses"])
    if fields.get("accounts") is not None:
        nested["accounts"] = _clean_links(errors, fields["accounts"])
    errors.raise_if_any()
    contact.full_name = display_name(contact.family_name, contact.given_name)
    if names.has_cjk(contact.full_name):
        spoken = contact.full_name
    else:
        spoken = f"{contact.family_name} {contact.given_name}".strip()
    contact.name_pinyin = names.pinyin_of(spoken)[:400]
    contact.name_initials = names.initials_of(spoken)[:100]
    return nested


def _save_nested(
    actor: User, contact: Contact, nested: dict[str, list[dict[str, Any]] | None]
) -> None:
    if nested["phones"] is not None:
        contact.phones.all().delete()
        ContactPhone.objects.bulk_create(
            ContactPhone(contact=contact, **row) for row in nested["phones"]
        )
    if nested["emails"] is not None:
        contact.emails.all().delete()
        ContactEmail.objects.bulk_create(
            ContactEmail(contact=contact, **row) for row in nested["emails"]
        )
    if nested["addresses"] is not None:
        replace_addresses(contact, nested["addresses"])
    if nested["accounts"] is not None:
        _replace_links(actor, contact, nested["accounts"])


@transaction.atomic
def create_contact(
    *,
    actor: User,
    family_name: str,
    given_name: str = "",
    owner: User | None = None,
    team: Team | None = UNSET,
    title: str = "",
    birthday: date | None = None,
    gender: str = "",
    preferred_language: str = "",
    preferred_channel: str = "",
    tier: CustomerTier | None = None,
    description: str = "",
    phones: Iterable[Mapping[str, Any]] = (),
    emails: Iterable[Mapping[str, Any]] = (),
    addresses: Iterable[Mapping[str, Any]] = (),
    accounts: Iterable[Mapping[str, Any]] = (),
) -> Contact:
    """Create a contact with their phones, emails, addresses and places at accounts.

    Phones are stored in E.164, emails lower-cased; the first of each is primary unless
    one is marked. The owner defaults to the actor, the team to the owner's first team."""
    owner = owner or actor
    contact = Contact(owner=owner)
    fields: dict[str, Any] = {
        "family_name": family_name,
        "given_name": given_name,
        "title": title,
        "birthday": birthday,
        "gender": gender,
        "preferred_language": preferred_language,
        "preferred_channel": preferred_channel,
        "tier": tier,
        "description": description,
        "owner": owner,
        "team": first_team_of(owner) if team is UNSET else team,
        "phones": list(phones),
        "emails": list(emails),
        "addresses": list(addresses),
        "accounts": list(accounts),
    }
    nested = _apply(
        contact, actor=actor, fields=fields, owner_changed=True, team_changed=team is not UNSET
    )
    contact.save()
    _save_nested(actor, contact, nested)
    record_audit(
        actor=actor,
        event=AuditEvent.CREATE,
        obj=contact,
        changes=diff({}, contact_snapshot(contact)),
    )
    return contact


@transaction.atomic
def update_contact(*, actor: User, contact: Contact, **fields: Any) -> Contact:
    """Change a contact; ``phones``, ``emails``, ``addresses`` and ``accounts`` replace
    the whole list when given. A new owner needs ``assign``."""
    unknown = set(fields) - {*CONTACT_FIELDS, *NESTED_FIELDS}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    before = contact_snapshot(contact)
    owner_changed = "owner" in fields and fields["owner"].pk != contact.owner_id
    if owner_changed and "team" not in fields:
        fields["team"] = first_team_of(fields["owner"])
    team_changed = "team" in fields and getattr(fields["team"], "pk", None) != contact.team_id
    nested = _apply(
        contact, actor=actor, fields=fields, owner_changed=owner_changed, team_changed=team_changed
    )
    contact.save()
    _save_nested(actor, contact, nested)
    changes = diff(before, contact_snapshot(contact))
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=contact, changes=changes)
    return contact


def delete_contact(*, actor: User, contact: Contact) -> TrashItem:
    """Move a contact to the trash; nothing else goes with them."""
    return trash_record(actor=actor, obj=contact)


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
    contact_before = _links_of_contact(contact)
    account_before = _contacts_of_account(account)
    link = _save_link(contact, account, role=role, is_primary=is_primary, is_current=is_current)
    _audit_link_change(actor, contact, account, contact_before, account_before)
    return link


@transaction.atomic
def unlink_contact_from_account(*, actor: User, contact: Contact, account: Account) -> None:
    """Remove the contact from the account altogether (to keep them as a former
    employee, link them with ``is_current=False`` instead)."""
    contact_before = _links_of_contact(contact)
    account_before = _contacts_of_account(account)
    deleted, _rows = AccountContact.objects.filter(contact=contact, account=account).delete()
    if not deleted:
        raise ValidationError({"account": _("This contact is not linked to this account.")})
    _audit_link_change(actor, contact, account, contact_before, account_before)


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
    account_before: list[str],
) -> None:
    changes = diff({"accounts": contact_before}, {"accounts": _links_of_contact(contact)})
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=contact, changes=changes)
    changes = diff({"contacts": account_before}, {"contacts": _contacts_of_account(account)})
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=account, changes=changes)


@transaction.atomic
def record_consent(
    *,
    actor: User | None,
    contact: Contact,
    channel: str,
    status: str,
    source: str,
    wording: str = "",
    recorded_at: datetime | None = None,
) -> Consent:
    """Add a consent decision for one channel. Earlier rows are kept as the history;
    granting requires the exact wording the contact was shown."""
    errors = Errors()
    if channel not in Channel.values:
        clean_choice(errors, "channel", channel or "?", Channel)
    if status not in ConsentStatus.values:
        clean_choice(errors, "status", status or "?", ConsentStatus)
    if source not in ConsentSource.values:
        clean_choice(errors, "source", source or "?", ConsentSource)
    wording = (wording or "").strip()
    if status == ConsentStatus.GRANTED and not wording:
        errors.add("wording", _("Record the exact wording the contact agreed to."))
    if recorded_at is not None and recorded_at > timezone.now():
        errors.add("recorded_at", _("A consent cannot be recorded in the future."))
    errors.raise_if_any()
    previous = (
        Consent.objects.filter(contact=contact, channel=channel)
        .order_by("-recorded_at", "-pk")
        .first()
    )
    consent = Consent.objects.create(
        contact=contact,
        channel=channel,
        status=status,
        source=source,
        wording=wording,
        recorded_at=recorded_at or timezone.now(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    record_audit(
        actor=actor,
        event=AuditEvent.CHANGE,
        obj=contact,
        changes={f"consent.{channel}": [previous.status if previous else None, status]},
    )
    return consent
