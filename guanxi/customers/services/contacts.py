"""Contacts: people with phones, emails, addresses, places at accounts, tags and custom
fields. Contact points, account links and consents have modules of their own; their
services are re-exported here for callers that think of them as contact services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import Tag, Team, TrashItem, User
from guanxi.core.services.audit import diff, record_audit
from guanxi.core.services.search import index_record
from guanxi.core.services.tags import set_tags
from guanxi.core.services.trash import trash_record
from guanxi.customers.choices import Channel, Gender, PreferredLanguage
from guanxi.customers.models import Contact, CustomerTier
from guanxi.customers.object_types import CONTACT
from guanxi.customers.services.account_links import (
    clean_links,
    link_contact_to_account,
    links_of_contact,
    replace_links,
    set_primary_contact,
    unlink_contact_from_account,
)
from guanxi.customers.services.common import (
    UNSET,
    Errors,
    addresses_snapshot,
    check_owner_and_team,
    clean_addresses,
    clean_choice,
    clean_custom_fields,
    clean_tags,
    clean_text,
    clean_tier,
    custom_fields_snapshot,
    first_team_of,
    replace_addresses,
)
from guanxi.customers.services.consents import record_consent
from guanxi.customers.services.contact_points import (
    clean_emails,
    clean_phones,
    point_line,
    replace_emails,
    replace_phones,
)
from guanxi.lib import names

__all__ = [
    "create_contact",
    "delete_contact",
    "link_contact_to_account",
    "record_consent",
    "set_primary_contact",
    "unlink_contact_from_account",
    "update_contact",
]

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
    "custom_fields",
)
NESTED_FIELDS = ("phones", "emails", "addresses", "accounts", "tags")


def display_name(family_name: str, given_name: str) -> str:
    """Chinese names read family name first with no space (张伟); Western names read
    "Given Family"."""
    if names.has_cjk(family_name) or names.has_cjk(given_name):
        return f"{family_name}{given_name}"
    return f"{given_name} {family_name}".strip()


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
        "phones": [point_line(p) for p in contact.phones.order_by("pk")] if exists else [],
        "emails": [point_line(e) for e in contact.emails.order_by("pk")] if exists else [],
        "addresses": addresses_snapshot(contact) if exists else [],
        "accounts": links_of_contact(contact) if exists else [],
        **custom_fields_snapshot(contact.custom_fields),
    }


def _apply(
    contact: Contact,
    *,
    actor: User,
    fields: Mapping[str, Any],
    owner_changed: bool,
    team_changed: bool,
    partial: bool,
) -> dict[str, list[Any] | None]:
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
    nested: dict[str, list[Any] | None] = dict.fromkeys(NESTED_FIELDS)
    if fields.get("phones") is not None:
        nested["phones"] = clean_phones(errors, fields["phones"])
    if fields.get("emails") is not None:
        nested["emails"] = clean_emails(errors, fields["emails"])
    if fields.get("addresses") is not None:
        nested["addresses"] = clean_addresses(errors, fields["addresses"])
    if fields.get("accounts") is not None:
        nested["accounts"] = clean_links(errors, fields["accounts"])
    nested["tags"] = clean_tags(errors, actor=actor, names=fields.get("tags"))
    if fields.get("custom_fields") is not None or not partial:
        values = clean_custom_fields(
            errors,
            CONTACT,
            fields.get("custom_fields"),
            existing=contact.custom_fields,
            partial=partial,
        )
        if values is not None:
            contact.custom_fields = values
    errors.raise_if_any()
    contact.full_name = display_name(contact.family_name, contact.given_name)
    if names.has_cjk(contact.full_name):
        spoken = contact.full_name
    else:
        spoken = f"{contact.family_name} {contact.given_name}".strip()
    contact.name_pinyin = names.pinyin_of(spoken)[:400]
    contact.name_initials = names.initials_of(spoken)[:100]
    return nested


def _save_nested(actor: User, contact: Contact, nested: dict[str, list[Any] | None]) -> None:
    """Replace the child rows given (tags are set by the caller, for the audit diff)."""
    if nested["phones"] is not None:
        replace_phones(contact, nested["phones"])
    if nested["emails"] is not None:
        replace_emails(contact, nested["emails"])
    if nested["addresses"] is not None:
        replace_addresses(contact, nested["addresses"])
    if nested["accounts"] is not None:
        replace_links(actor, contact, nested["accounts"])


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
    tags: list[str] | None = None,
    custom_fields: dict[str, Any] | None = None,
) -> Contact:
    """Create a contact with their phones, emails, addresses, places at accounts, tags
    and custom field values.

    Phones are stored in E.164, emails lower-cased; the first of each is primary unless
    one is marked. The owner defaults to the actor, the team to the owner's first team."""
    owner = owner or actor
    contact = Contact(owner=owner, custom_fields={})
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
        "tags": tags or [],
        "custom_fields": custom_fields or {},
    }
    nested = _apply(
        contact,
        actor=actor,
        fields=fields,
        owner_changed=True,
        team_changed=team is not UNSET,
        partial=False,
    )
    contact.save()
    _save_nested(actor, contact, nested)
    changes = diff({}, contact_snapshot(contact))
    changes.update(set_tags(contact, nested["tags"] or []))
    record_audit(actor=actor, event=AuditEvent.CREATE, obj=contact, changes=changes)
    index_record(contact)
    return contact


@transaction.atomic
def update_contact(*, actor: User, contact: Contact, **fields: Any) -> Contact:
    """Change a contact; ``phones``, ``emails``, ``addresses``, ``accounts`` and ``tags``
    replace the whole list when given, ``custom_fields`` changes only the keys given. A
    new owner needs ``assign``."""
    unknown = set(fields) - {*CONTACT_FIELDS, *NESTED_FIELDS}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    before = contact_snapshot(contact)
    owner_changed = "owner" in fields and fields["owner"].pk != contact.owner_id
    if owner_changed and "team" not in fields:
        fields["team"] = first_team_of(fields["owner"])
    team_changed = "team" in fields and getattr(fields["team"], "pk", None) != contact.team_id
    nested = _apply(
        contact,
        actor=actor,
        fields=fields,
        owner_changed=owner_changed,
        team_changed=team_changed,
        partial=True,
    )
    contact.save()
    _save_nested(actor, contact, nested)
    changes = diff(before, contact_snapshot(contact))
    chosen_tags: list[Tag] | None = nested["tags"]
    if chosen_tags is not None:
        changes.update(set_tags(contact, chosen_tags))
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=contact, changes=changes)
    index_record(contact)
    return contact


def check_contact_update(*, actor: User, contact: Contact, **fields: Any) -> None:
    """What ``update_contact`` would refuse of ``fields`` (of the contact's own columns,
    not its owner or team), raised the same way; the values are set on ``contact`` and
    nothing is saved: an import's check judges an update of a record it rolled back."""
    unknown = set(fields) - set(CONTACT_FIELDS) | ({"owner", "team"} & set(fields))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    _apply(
        contact, actor=actor, fields=fields, owner_changed=False, team_changed=False, partial=True
    )


def delete_contact(*, actor: User, contact: Contact) -> TrashItem:
    """Move a contact to the trash; nothing else goes with them."""
    return trash_record(actor=actor, obj=contact)
