"""The lead fields that assignment and scoring rules may test, and their values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

# field -> label; assignment and scoring rules compare one of these with a value.
RULE_FIELDS: dict[str, Any] = {
    "source": _("Source"),
    "country": _("Country"),
    "province": _("Province"),
    "city": _("City"),
    "industry": _("Industry"),
    "size": _("Company size"),
    "title": _("Job title"),
    "company": _("Company"),
    "wants_call": _("Asked to be called (true / false)"),
}
ACTIVITIES = "activities"  # scoring only: points per activity logged on the lead
SCORING_FIELDS: dict[str, Any] = {**RULE_FIELDS, ACTIVITIES: _("Activities logged (each)")}


def lead_value(lead: Any, field: str) -> str:
    """A lead's (or a mapping's) field as text, for comparing with a rule's value."""
    value = lead.get(field) if isinstance(lead, Mapping) else getattr(lead, field, "")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value or "").strip()


def matches(lead: Any, field: str, value: str) -> bool:
    """Whether the lead's field equals ``value`` (case and surrounding spaces ignored)."""
    return lead_value(lead, field).casefold() == value.strip().casefold()
