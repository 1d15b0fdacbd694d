"""API schemas for accounts, contacts, tiers and consents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from guanxi.customers.models import CustomerTier


class TierSchema(Schema):
    code: str
    name: str = Field(validation_alias="display_name")
    rank: int


class UserRef(Schema):
    id: int
    full_name: str


class TeamRef(Schema):
    id: int
    name: str


class AccountRef(Schema):
    id: int
    name: str


class AddressSchema(Schema):
    kind: str = "office"
    country: str = "CN"
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    postcode: str = ""
    is_primary: bool = False


class AccountSchema(Schema):
    id: int
    name: str
    name_pinyin: str
    name_initials: str
    parent: AccountRef | None = Field(validation_alias="visible_parent")
    industry: str
    size: str
    website: str
    tier: TierSchema | None
    country: str
    province: str
    city: str
    owner: UserRef
    team: TeamRef | None
    description: str
    tags: list[str] = Field(description="Tag names")
    custom_fields: dict[str, Any] = Field(description="Custom field values by key")
    primary_contact_id: int | None = None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_primary_contact_id(obj: Any) -> int | None:
        links = getattr(obj, "primary_links", None)
        return links[0].contact_id if links else None


class AccountDetailSchema(AccountSchema):
    addresses: list[AddressSchema]


class AccountPage(Schema):
    items: list[AccountSchema]
    next_cursor: str | None


class AccountIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    parent: int | None = Field(default=None, description="Parent account id")
    industry: str = ""
    size: str = ""
    website: str = ""
    tier: str | None = Field(default=None, description="Tier code, e.g. vip")
    country: str = "CN"
    province: str = Field(default="", description="Province code or name")
    city: str = ""
    owner: int | None = Field(default=None, description="User id; default: you")
    team: int | None = Field(default=None, description="Team id; default: the owner's first")
    description: str = ""
    addresses: list[AddressSchema] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list, description="Tag names")
    custom_fields: dict[str, Any] = Field(default_factory=dict, description="Values by key")


class AccountPatchIn(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    parent: int | None = None
    industry: str | None = None
    size: str | None = None
    website: str | None = None
    tier: str | None = None
    country: str | None = None
    province: str | None = None
    city: str | None = None
    owner: int | None = None
    team: int | None = None
    description: str | None = None
    addresses: list[AddressSchema] | None = None
    tags: list[str] | None = Field(default=None, description="Replaces the tags")
    custom_fields: dict[str, Any] | None = Field(
        default=None, description="Changes only the keys given; null or '' clears one"
    )


class PointSchema(Schema):
    kind: str = ""
    value: str
    is_primary: bool = False


class LinkSchema(Schema):
    account: AccountRef
    role: str
    is_primary: bool
    is_current: bool


class LinkIn(Schema):
    account: int = Field(description="Account id")
    role: str = ""
    is_primary: bool = False
    is_current: bool = True


class ContactSchema(Schema):
    id: int
    family_name: str
    given_name: str
    full_name: str
    name_pinyin: str
    name_initials: str
    title: str
    birthday: date | None
    gender: str
    preferred_language: str
    preferred_channel: str
    tier: TierSchema | None
    owner: UserRef
    team: TeamRef | None
    description: str
    phones: list[PointSchema]
    emails: list[PointSchema]
    accounts: list[LinkSchema] = Field(validation_alias="live_links")
    tags: list[str] = Field(description="Tag names")
    custom_fields: dict[str, Any] = Field(description="Custom field values by key")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return [tag.name for tag in obj.tags.all()]


class ContactDetailSchema(ContactSchema):
    addresses: list[AddressSchema]


class ContactPage(Schema):
    items: list[ContactSchema]
    next_cursor: str | None


class ContactIn(Schema):
    family_name: str = Field(min_length=1, max_length=100)
    given_name: str = ""
    title: str = ""
    birthday: date | None = None
    gender: str = ""
    preferred_language: str = ""
    preferred_channel: str = ""
    tier: str | None = Field(default=None, description="Tier code, e.g. vip")
    owner: int | None = Field(default=None, description="User id; default: you")
    team: int | None = Field(default=None, description="Team id; default: the owner's first")
    description: str = ""
    phones: list[PointSchema] = Field(default_factory=list)
    emails: list[PointSchema] = Field(default_factory=list)
    addresses: list[AddressSchema] = Field(default_factory=list)
    accounts: list[LinkIn] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list, description="Tag names")
    custom_fields: dict[str, Any] = Field(default_factory=dict, description="Values by key")


class ContactPatchIn(Schema):
    family_name: str | None = Field(default=None, min_length=1, max_length=100)
    given_name: str | None = None
    title: str | None = None
    birthday: date | None = None
    gender: str | None = None
    preferred_language: str | None = None
    preferred_channel: str | None = None
    tier: str | None = None
    owner: int | None = None
    team: int | None = None
    description: str | None = None
    phones: list[PointSchema] | None = None
    emails: list[PointSchema] | None = None
    addresses: list[AddressSchema] | None = None
    accounts: list[LinkIn] | None = None
    tags: list[str] | None = Field(default=None, description="Replaces the tags")
    custom_fields: dict[str, Any] | None = Field(
        default=None, description="Changes only the keys given; null or '' clears one"
    )


class ConsentSchema(Schema):
    id: int
    channel: str
    status: str
    source: str
    wording: str
    recorded_at: datetime
    recorded_by_id: int | None


class ConsentIn(Schema):
    channel: str
    status: str
    source: str = "api"
    wording: str = ""
    recorded_at: datetime | None = None


class ConsentsOut(Schema):
    current: list[ConsentSchema] = Field(description="The latest decision per channel")
    history: list[ConsentSchema] = Field(description="Every decision, newest first")


class BulkIn(Schema):
    ids: list[int] = Field(description="Ids of the records; all must be yours to change")
    action: Literal["assign", "tag", "untag", "delete"]
    owner_id: int | None = Field(default=None, description="assign: the new owner")
    tag: str | None = Field(default=None, description="tag / untag: the tag name")


class BulkOut(Schema):
    changed: int = Field(description="How many records changed")


# --- List pages from plain rows --------------------------------------------------------
#
# The list endpoints skip building model instances and validating ~400 nested objects
# per page: they shape the selectors' rows (``contact_list_rows`` / ``account_list_rows``
# and their children) straight into the dicts ``ContactSchema`` / ``AccountSchema``
# would dump, key for key and in field order. ``test_api_performance`` checks each item
# against the schema's own output for the same record.


class _Tiers(dict[int, dict[str, Any]]):
    """A page's tiers as ``TierSchema`` dicts, each built once (display names translate)."""

    def of(self, row: Any) -> dict[str, Any] | None:
        if row.tier_id is None:
            return None
        tier = self.get(row.tier_id)
        if tier is None:
            name = CustomerTier(
                code=row.tier__code, name=row.tier__name, is_builtin=row.tier__is_builtin
            ).display_name
            tier = self[row.tier_id] = {
                "code": row.tier__code,
                "name": name,
                "rank": row.tier__rank,
            }
        return dict(tier)


def _points(rows: list[tuple[str, str, bool]]) -> list[dict[str, Any]]:
    return [{"kind": kind, "value": value, "is_primary": primary} for kind, value, primary in rows]


def contact_list_items(rows: list[Any], children: Any) -> list[dict[str, Any]]:
    """``ContactSchema`` dumps of a page of ``contact_list_rows`` with their children."""
    tiers = _Tiers()
    items = []
    for row in rows:
        pk = row.pk
        items.append(
            {
                "id": pk,
                "family_name": row.family_name,
                "given_name": row.given_name,
                "full_name": row.full_name,
                "name_pinyin": row.name_pinyin,
                "name_initials": row.name_initials,
                "title": row.title,
                "birthday": row.birthday,
                "gender": row.gender,
                "preferred_language": row.preferred_language,
                "preferred_channel": row.preferred_channel,
                "tier": tiers.of(row),
                "owner": {"id": row.owner_id, "full_name": row.owner__full_name},
                "team": None
                if row.team_id is None
                else {"id": row.team_id, "name": row.team__name},
                "description": row.description,
                "phones": _points(children.phones.get(pk, ())),
                "emails": _points(children.emails.get(pk, ())),
                "accounts": [
                    {
                        "account": {"id": account_id, "name": name},
                        "role": role,
                        "is_primary": primary,
                        "is_current": current,
                    }
                    for account_id, name, role, primary, current in children.links.get(pk, ())
                ],
                "tags": children.tags.get(pk, []),
                "custom_fields": dict(row.custom_fields),
                "created_at": row.created_at,
                "updated_at": row.updated_at,
            }
        )
    return items


def account_list_items(rows: list[Any], children: Any) -> list[dict[str, Any]]:
    """``AccountSchema`` dumps of a page of ``account_list_rows`` with their children."""
    tiers = _Tiers()
    items = []
    for row in rows:
        pk = row.pk
        live_parent = row.parent_id is not None and row.parent__deleted_at is None
        items.append(
            {
                "id": pk,
                "name": row.name,
                "name_pinyin": row.name_pinyin,
                "name_initials": row.name_initials,
                "parent": {"id": row.parent_id, "name": row.parent__name} if live_parent else None,
                "industry": row.industry,
                "size": row.size,
                "website": row.website,
                "tier": tiers.of(row),
                "country": row.country,
                "province": row.province,
                "city": row.city,
                "owner": {"id": row.owner_id, "full_name": row.owner__full_name},
                "team": None
                if row.team_id is None
                else {"id": row.team_id, "name": row.team__name},
                "description": row.description,
                "tags": children.tags.get(pk, []),
                "custom_fields": dict(row.custom_fields),
                "primary_contact_id": children.primary_contact.get(pk),
                "created_at": row.created_at,
                "updated_at": row.updated_at,
            }
        )
    return items
