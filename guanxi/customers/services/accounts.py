"""Accounts: create, change, move to the trash; groups of companies without cycles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import Tag, Team, TrashItem, User
from guanxi.core.services.audit import diff, record_audit
from guanxi.core.services.search import index_record
from guanxi.core.services.tags import set_tags
from guanxi.core.services.trash import trash_record
from guanxi.customers.choices import CompanySize, Industry
from guanxi.customers.models import Account, Contact, CustomerTier
from guanxi.customers.object_types import ACCOUNT
from guanxi.customers.services.common import (
    UNSET,
    Errors,
    addresses_snapshot,
    check_owner_and_team,
    clean_addresses,
    clean_choice,
    clean_custom_fields,
    clean_region,
    clean_tags,
    clean_text,
    clean_tier,
    custom_fields_snapshot,
    first_team_of,
    replace_addresses,
)
from guanxi.lib import companies, names

# The fields a caller may set, with what the audit log shows for each.
ACCOUNT_FIELDS = (
    "name",
    "parent",
    "industry",
    "size",
    "website",
    "tier",
    "country",
    "province",
    "city",
    "owner",
    "team",
    "description",
    "tags",
    "custom_fields",
)


def account_snapshot(account: Account) -> dict[str, Any]:
    """What the audit log records of an account, child rows summarised as lines."""
    return {
        "name": account.name,
        "parent": account.parent_id,
        "industry": account.industry,
        "size": account.size,
        "website": account.website,
        "tier": account.tier.code if account.tier_id and account.tier else None,
        "country": account.country,
        "province": account.province,
        "city": account.city,
        "owner": account.owner_id,
        "team": account.team_id,
        "description": account.description,
        "addresses": addresses_snapshot(account) if account.pk else [],
        **custom_fields_snapshot(account.custom_fields),
    }


def website_as_stored(value: str) -> str:
    """A web address as an account keeps it (``https://`` added when no scheme is)."""
    url = value.strip()
    return f"https://{url}" if url and "://" not in url else url


def _clean_website(errors: Errors, value: Any) -> str:
    url = website_as_stored(clean_text(errors, "website", value, max_length=200))
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors.add("website", _("Enter a valid web address."))
    return url


def _check_parent(errors: Errors, account: Account, parent: Account | None) -> None:
    """A parent must exist and must not be the account itself or one of its subsidiaries."""
    if parent is None:
        return
    if account.pk is None:
        return  # a new account has no subsidiaries yet
    seen: set[int] = set()
    current: Account | None = parent
    while current is not None and current.pk not in seen:
        if current.pk == account.pk:
            errors.add("parent", _("An account cannot be its own parent or subsidiary."))
            return
        seen.add(current.pk)
        current = (
            Account.all_objects.filter(pk=current.parent_id).first() if current.parent_id else None
        )


def _apply(
    account: Account,
    *,
    actor: User,
    fields: Mapping[str, Any],
    owner_changed: bool,
    team_changed: bool,
    partial: bool,
) -> tuple[list[dict[str, Any]] | None, list[Tag] | None]:
    """Validate and set ``fields`` on ``account`` (unsaved); returns the cleaned addresses
    and tags (None for those not given)."""
    errors = Errors()
    if "name" in fields:
        account.name = clean_text(errors, "name", fields["name"], max_length=200, required=True)
    if "parent" in fields:
        _check_parent(errors, account, fields["parent"])
        account.parent = fields["parent"]
    if "industry" in fields:
        account.industry = clean_choice(errors, "industry", fields["industry"], Industry)
    if "size" in fields:
        account.size = clean_choice(errors, "size", fields["size"], CompanySize)
    if "website" in fields:
        account.website = _clean_website(errors, fields["website"])
    if "tier" in fields:
        account.tier = clean_tier(errors, "tier", fields["tier"])
    if {"country", "province", "city"} & set(fields):
        account.country, account.province, account.city = clean_region(
            errors,
            "",
            fields.get("country", account.country),
            fields.get("province", account.province),
            fields.get("city", account.city),
        )
    if "description" in fields:
        account.description = str(fields["description"] or "").strip()
    if "owner" in fields:
        account.owner = fields["owner"]
    if "team" in fields:
        account.team = fields["team"]
    check_owner_and_team(
        errors,
        actor=actor,
        object_type=ACCOUNT,
        owner=account.owner,
        team=account.team,
        owner_changed=owner_changed,
        team_changed=team_changed,
    )
    addresses = None
    if fields.get("addresses") is not None:
        addresses = clean_addresses(errors, fields["addresses"])
    tags = clean_tags(errors, actor=actor, names=fields.get("tags"))
    if fields.get("custom_fields") is not None or not partial:
        values = clean_custom_fields(
            errors,
            ACCOUNT,
            fields.get("custom_fields"),
            existing=account.custom_fields,
            partial=partial,
        )
        if values is not None:
            account.custom_fields = values
    errors.raise_if_any()
    account.name_pinyin = names.pinyin_of(account.name)[:400]
    account.name_initials = names.initials_of(account.name)[:100]
    account.name_key = companies.normalize_company(account.name)[:200]
    return addresses, tags


@transaction.atomic
def create_account(
    *,
    actor: User,
    name: str,
    owner: User | None = None,
    team: Team | None = UNSET,
    parent: Account | None = None,
    industry: str = "",
    size: str = "",
    website: str = "",
    tier: CustomerTier | None = None,
    country: str = "CN",
    province: str = "",
    city: str = "",
    description: str = "",
    addresses: Iterable[Mapping[str, Any]] = (),
    tags: list[str] | None = None,
    custom_fields: dict[str, Any] | None = None,
) -> Account:
    """Create an account. The owner defaults to the actor (someone else needs ``assign``),
    the team to the owner's first team; ``tags`` are names (new ones are created when
    the actor may add tags), ``custom_fields`` the values of the administrator's fields."""
    owner = owner or actor
    account = Account(owner=owner, custom_fields={})
    fields: dict[str, Any] = {
        "name": name,
        "parent": parent,
        "industry": industry,
        "size": size,
        "website": website,
        "tier": tier,
        "country": country,
        "province": province,
        "city": city,
        "description": description,
        "owner": owner,
        "team": first_team_of(owner) if team is UNSET else team,
        "addresses": list(addresses),
        "tags": tags or [],
        "custom_fields": custom_fields or {},
    }
    cleaned, chosen_tags = _apply(
        account,
        actor=actor,
        fields=fields,
        owner_changed=True,
        team_changed=team is not UNSET,
        partial=False,
    )
    account.save()
    replace_addresses(account, cleaned or [])
    changes = diff({}, account_snapshot(account))
    changes.update(set_tags(account, chosen_tags or []))
    record_audit(actor=actor, event=AuditEvent.CREATE, obj=account, changes=changes)
    index_record(account)
    return account


@transaction.atomic
def update_account(*, actor: User, account: Account, **fields: Any) -> Account:
    """Change an account's fields (``addresses`` and ``tags`` replace the whole list when
    given; ``custom_fields`` changes only the keys given).

    Giving the account to another owner needs ``assign``; without a team given, the
    team then follows the new owner."""
    unknown = set(fields) - {*ACCOUNT_FIELDS, "addresses"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    before = account_snapshot(account)
    owner_changed = "owner" in fields and fields["owner"].pk != account.owner_id
    if owner_changed and "team" not in fields:
        fields["team"] = first_team_of(fields["owner"])
    team_changed = "team" in fields and getattr(fields["team"], "pk", None) != account.team_id
    old_name = account.name
    cleaned, chosen_tags = _apply(
        account,
        actor=actor,
        fields=fields,
        owner_changed=owner_changed,
        team_changed=team_changed and "team" in fields,
        partial=True,
    )
    account.save()
    if cleaned is not None:
        replace_addresses(account, cleaned)
    changes = diff(before, account_snapshot(account))
    if chosen_tags is not None:
        changes.update(set_tags(account, chosen_tags))
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=account, changes=changes)
    index_record(account)
    if account.name != old_name:
        reindex_contacts_of(account)
    return account


def reindex_contacts_of(account: Account) -> None:
    """Contacts' search documents carry their accounts' names: rewrite them."""
    for contact in Contact.objects.filter(account_links__account=account).distinct():
        index_record(contact)


def delete_account(*, actor: User, account: Account) -> TrashItem:
    """Move an account to the trash. Its contacts and subsidiaries stay; the
    subsidiaries' parent is hidden until the account is restored."""
    return trash_record(actor=actor, obj=account)
