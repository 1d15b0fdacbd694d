"""Customer tiers: the configurable list (VIP / key / standard …) used by price lists
and SLAs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from guanxi.core.models import User
from guanxi.core.services.audit import save_audited, snapshot
from guanxi.customers.models import CustomerTier

FIELDS = ("code", "name", "rank", "is_active")


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    return name[:100]


@transaction.atomic
def create_tier(*, actor: User, name: str, code: str = "", rank: int = 100) -> CustomerTier:
    name = _clean_name(name)
    code = slugify(code or name)[:30]
    if not code:
        raise ValidationError({"code": _("Give a code of latin letters, digits and dashes.")})
    if CustomerTier.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A tier with this code already exists.")})
    if rank < 0:
        raise ValidationError({"rank": _("Use a positive number.")})
    tier = CustomerTier(code=code, name=name, rank=rank)
    save_audited(actor=actor, obj=tier, fields=FIELDS)
    return tier


@transaction.atomic
def update_tier(*, actor: User, tier: CustomerTier, **changes: Any) -> CustomerTier:
    """Rename, reorder or retire a tier (a retired tier stays on the records that have it
    but is no longer offered). Renaming a shipped tier makes the new name shown in every
    language."""
    unknown = set(changes) - {"name", "rank", "is_active"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    before = snapshot(tier, FIELDS)
    if "name" in changes:
        name = _clean_name(changes["name"])
        if name != tier.name:
            tier.name, tier.is_builtin = name, False
    if "rank" in changes:
        if int(changes["rank"]) < 0:
            raise ValidationError({"rank": _("Use a positive number.")})
        tier.rank = int(changes["rank"])
    if "is_active" in changes:
        tier.is_active = bool(changes["is_active"])
    save_audited(actor=actor, obj=tier, fields=FIELDS, before=before)
    return tier


BUILTIN_TIERS = [("vip", "VIP", 10), ("key", "Key", 20), ("standard", "Standard", 30)]


def ensure_builtin_tiers() -> None:
    """Create the shipped tiers that are missing (never changes an existing one)."""
    for code, name, rank in BUILTIN_TIERS:
        CustomerTier.objects.get_or_create(
            code=code, defaults={"name": name, "rank": rank, "is_builtin": True}
        )
