"""Checks and helpers the account and contact services share."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, TextChoices
from django.utils.translation import gettext as _

from guanxi.core import custom_fields
from guanxi.core.access import can, scope_for, teammate_ids
from guanxi.core.choices import Scope
from guanxi.core.models import Tag, Team, TeamMembership, User
from guanxi.core.services.tags import tags_from_names
from guanxi.customers.choices import AddressKind
from guanxi.customers.models import Address, CustomerTier
from guanxi.lib import regions


class Unset:
    """Marks an argument that was not given (``None`` may be a real value)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = Unset()


class Errors:
    """Collects field errors so that one call reports every bad field at once."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.messages.setdefault(field, []).append(message)

    def __contains__(self, field: str) -> bool:
        return field in self.messages

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def merge_errors(errors: Errors, error: ValidationError, rename: str | None = None) -> None:
    """Add a service's ValidationError to ``errors`` (every key under ``rename`` if given)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            errors.add(rename or "__all__", message)
        return
    for key, messages in error.message_dict.items():
        for message in messages:
            errors.add(rename or key, message)


def split_tag_names(value: Any) -> list[str]:
    """Tag names from a list or from comma-separated text (Chinese commas too)."""
    if value is None:
        return []
    if isinstance(value, str):
        value = re.split(r"[,，、]", value)
    return [name.strip() for name in value if str(name).strip()]


def clean_tags(errors: Errors, *, actor: User, names: Any) -> list[Tag] | None:
    """The tags named (None when not given); unknown names become new tags when the actor
    may add tags, and are an error on ``tags`` otherwise."""
    if names is None:
        return None
    try:
        return tags_from_names(
            actor=actor, names=split_tag_names(names), create=can(actor, "core.tag", "add")
        )
    except ValidationError as error:
        merge_errors(errors, error, rename="tags")
        return None


def clean_custom_fields(
    errors: Errors,
    object_type: str,
    incoming: Any,
    *,
    existing: dict[str, Any] | None,
    partial: bool,
) -> dict[str, Any] | None:
    """The record's new custom values; errors are named ``custom_fields.<key>``."""
    if incoming is not None and not isinstance(incoming, dict):
        errors.add("custom_fields", _("Give the custom fields as an object."))
        return None
    try:
        return custom_fields.clean_values(object_type, incoming, existing=existing, partial=partial)
    except ValidationError as error:
        merge_errors(errors, error)
        return None


def custom_fields_snapshot(values: dict[str, Any] | None) -> dict[str, Any]:
    """Custom values as ``custom_fields.<key>`` entries, so the audit diff names the key."""
    return {f"custom_fields.{key}": value for key, value in sorted((values or {}).items())}


def clean_text(
    errors: Errors, field: str, value: Any, *, max_length: int, required: bool = False
) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    elif len(text) > max_length:
        errors.add(
            field,
            _("Use at most %(max)s characters (it has %(n)s).")
            % {"max": max_length, "n": len(text)},
        )
    return text


def clean_choice(errors: Errors, field: str, value: Any, choices: type[TextChoices]) -> str:
    text = str(value or "").strip()
    if text and text not in choices.values:
        errors.add(
            field,
            _("Choose one of: %(values)s.") % {"values": ", ".join(str(v) for v in choices.values)},
        )
    return text


def clean_tier(errors: Errors, field: str, tier: CustomerTier | None) -> CustomerTier | None:
    if tier is not None and not tier.is_active:
        errors.add(field, _("This tier is no longer in use."))
    return tier


def clean_region(
    errors: Errors, prefix: str, country: Any, province: Any, city: Any
) -> tuple[str, str, str]:
    """A two-letter country; for China, a known province code and a city in it."""
    country_code = str(country or "CN").strip().upper()
    province_text = str(province or "").strip()
    city_text = str(city or "").strip()
    if not re.fullmatch(r"[A-Z]{2}", country_code):
        errors.add(f"{prefix}country", _("Use a two-letter ISO country code, such as CN."))
        return country_code, province_text, city_text
    if country_code != "CN":
        return country_code, province_text[:50], city_text[:100]
    if province_text:
        codes = {p.code for p in regions.PROVINCES}
        found = province_text if province_text in codes else None
        if found is None:
            match = regions.find_province(province_text)
            found = match.code if match is not None else None
        if found is None:
            errors.add(f"{prefix}province", _("This is not a province of China."))
            return country_code, province_text, city_text
        province_text = found
    if city_text:
        if not province_text:
            errors.add(f"{prefix}province", _("Choose the province of this city."))
        elif not regions.is_valid_city(province_text, city_text):
            errors.add(f"{prefix}city", _("This city is not in the chosen province."))
        else:
            city_text = _canonical_city(province_text, city_text)
    return country_code, province_text, city_text


def _canonical_city(province_code: str, text: str) -> str:
    """A city as its Chinese name (广州 for "Guangzhou" or 广州市), so filters match."""
    folded = text.strip().lower()
    for city in regions.CITIES.get(province_code, ()):
        english = city.name_en.lower()
        if folded in {city.name_zh, f"{city.name_zh}市", english, f"{english} city"}:
            return city.name_zh
    return text


def check_owner_and_team(
    errors: Errors,
    *,
    actor: User,
    object_type: str,
    owner: User,
    team: Team | None,
    owner_changed: bool,
    team_changed: bool,
) -> None:
    """Only a user with ``assign`` may give a record to someone else (at team scope: to a
    teammate); the team must be live and, unless the actor assigns at every scope, one
    of the owner's or the actor's teams."""
    if owner_changed and not owner.is_active:
        errors.add("owner", _("This user is deactivated."))
    assign = scope_for(actor, object_type, "assign")
    if owner_changed and owner.pk != actor.pk:
        if assign is None or assign == Scope.OWN:
            errors.add("owner", _("You may not give records to someone else."))
        elif assign == Scope.TEAM and not teammate_ids(actor).filter(user_id=owner.pk).exists():
            errors.add("owner", _("You may give records only to your teammates."))
    if team is None or not team_changed:
        return
    if team.is_trashed:
        errors.add("team", _("This team is in the trash."))
    elif assign != Scope.ALL:
        allowed = TeamMembership.objects.filter(team=team, user_id__in=[owner.pk, actor.pk])
        if not allowed.exists():
            errors.add("team", _("Choose one of the owner's teams."))


def first_team_of(user: User) -> Team | None:
    """The team a new record of ``user`` goes to by default: their first live team."""
    membership = (
        TeamMembership.objects.filter(user=user, team__deleted_at__isnull=True)
        .select_related("team")
        .order_by("pk")
        .first()
    )
    return membership.team if membership is not None else None


def clean_primary_flags(errors: Errors, prefix: str, rows: list[dict[str, Any]]) -> None:
    """At most one primary row; with none marked, the first row becomes primary."""
    primaries = [i for i, row in enumerate(rows) if row.get("is_primary")]
    for index in primaries[1:]:
        errors.add(f"{prefix}.{index}.is_primary", _("Only one can be primary."))
    if rows and not primaries:
        rows[0]["is_primary"] = True


def clean_addresses(errors: Errors, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    for index, row in enumerate(rows):
        prefix = f"addresses.{index}."
        country, province, city = clean_region(
            errors, prefix, row.get("country"), row.get("province"), row.get("city")
        )
        cleaned.append(
            {
                "kind": clean_choice(errors, f"{prefix}kind", row.get("kind"), AddressKind)
                or AddressKind.OFFICE,
                "country": country,
                "province": province,
                "city": city,
                "district": clean_text(
                    errors, f"{prefix}district", row.get("district"), max_length=100
                ),
                "street": clean_text(errors, f"{prefix}street", row.get("street"), max_length=300),
                "postcode": clean_text(
                    errors, f"{prefix}postcode", row.get("postcode"), max_length=20
                ),
                "is_primary": bool(row.get("is_primary")),
            }
        )
    clean_primary_flags(errors, "addresses", cleaned)
    return cleaned


def replace_addresses(owner: Model, rows: list[dict[str, Any]]) -> None:
    """Make the record's addresses exactly ``rows`` (already cleaned)."""
    field = "account" if owner._meta.model_name == "account" else "contact"
    Address.objects.filter(**{field: owner}).delete()
    Address.objects.bulk_create(Address(**{field: owner}, **row) for row in rows)


def address_line(address: Address | Mapping[str, Any]) -> str:
    """One address as a line of text, for the audit log."""
    get = address.get if isinstance(address, Mapping) else address.__dict__.get
    parts = [get("country"), get("province"), get("city"), get("district"), get("street")]
    line = " ".join(str(p) for p in parts if p)
    extra = f" {get('postcode')}" if get("postcode") else ""
    return f"{get('kind')}: {line}{extra}{' (primary)' if get('is_primary') else ''}"


def addresses_snapshot(owner: Model) -> list[str]:
    field = "account" if owner._meta.model_name == "account" else "contact"
    return [address_line(a) for a in Address.objects.filter(**{field: owner}).order_by("pk")]
