"""The classification rules: their defaults, validation and versions. Saving adds the
next version (rows are never edited) and queues a full recompute, which reclassifies
every customer with the new rules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from guanxi.analytics.models import ClassificationRules
from guanxi.analytics.models.classification import NeedsClass
from guanxi.core.choices import AuditEvent
from guanxi.core.services.audit import record_audit
from guanxi.customers.services.common import Errors

NEED_SOURCES = ("category", "tag", "survey")

# name → (default, minimum, maximum, integer?)
NUMBERS: dict[str, tuple[float, float, float, bool]] = {
    "window_months": (12, 1, 60, True),
    "regular_min_orders": (4, 1, 1000, True),
    "lost_after_days": (365, 1, 3650, True),
    "value_high_min": (100000, 0, 1e12, False),
    "value_medium_min": (20000, 0, 1e12, False),
    "ticket_cost": (200, 0, 1e9, False),
    "visit_cost": (500, 0, 1e9, False),
    "loyalty_tenure_days": (730, 0, 36500, True),
    "loyalty_repeat_rate": (0.25, 0, 1, False),
    "loyalty_category_share": (0.3, 0, 1, False),
    "nps_promoter_min": (9, 0, 10, True),
    "nps_detractor_max": (6, 0, 10, True),
    "loyalty_high_points": (3, 1, 4, True),
    "loyalty_medium_points": (2, 1, 4, True),
    "needs_tag_weight": (3, 0, 1000, False),
    "needs_survey_weight": (3, 0, 1000, False),
    "new_days": (90, 1, 3650, True),
    "decline_days": (180, 1, 3650, True),
    "decline_drop": (0.3, 0, 1, False),
    "growth_rise": (0.2, 0, 100, False),
    "mature_days": (730, 1, 36500, True),
    "key_growth_rise": (0.3, 0, 100, False),
    "key_growth_min_revenue": (20000, 0, 1e12, False),
}
DEFAULT_NEEDS_MAPPING: list[dict[str, str]] = [
    {"source": "survey", "match": "price", "need": "functional"},
    {"source": "survey", "match": "价格", "need": "functional"},
    {"source": "survey", "match": "quality", "need": "quality"},
    {"source": "survey", "match": "质量", "need": "quality"},
    {"source": "survey", "match": "service", "need": "emotional"},
    {"source": "survey", "match": "服务", "need": "emotional"},
    {"source": "survey", "match": "brand", "need": "social"},
    {"source": "survey", "match": "品牌", "need": "social"},
    {"source": "tag", "match": "premium", "need": "quality"},
]


def default_rules() -> dict[str, Any]:
    rules: dict[str, Any] = {name: spec[0] for name, spec in NUMBERS.items()}
    rules["needs_mapping"] = [dict(entry) for entry in DEFAULT_NEEDS_MAPPING]
    return rules


def clean_rules(data: dict[str, Any], *, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The complete rules from ``data`` (missing keys taken from ``base``, by default
    the current rules); a ValidationError names every bad field."""
    errors = Errors()
    rules = dict(base if base is not None else current_rules().rules)
    for name, (_default, low, high, integral) in NUMBERS.items():
        if name not in data or data[name] is None:
            continue
        raw = data[name]
        try:
            number = float(raw)
        except (TypeError, ValueError):
            errors.add(name, _("Enter a number."))
            continue
        if integral and number != int(number):
            errors.add(name, _("Enter a whole number."))
        elif not low <= number <= high:
            errors.add(
                name,
                _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high},
            )
        else:
            rules[name] = int(number) if integral else number
    if "needs_mapping" in data and data["needs_mapping"] is not None:
        rules["needs_mapping"] = _clean_mapping(errors, data["needs_mapping"])
    _check_order(errors, rules)
    errors.raise_if_any()
    return rules


def _clean_mapping(errors: Errors, entries: Any) -> list[dict[str, str]]:
    cleaned: list[dict[str, str]] = []
    if not isinstance(entries, list):
        errors.add("needs_mapping", _("Give a list of mappings."))
        return cleaned
    for index, entry in enumerate(entries):
        field = f"needs_mapping.{index}"
        if not isinstance(entry, dict):
            errors.add(field, _("Give source, match and need."))
            continue
        source = str(entry.get("source", "")).strip()
        match = str(entry.get("match", "")).strip()
        need = str(entry.get("need", "")).strip()
        if source not in NEED_SOURCES:
            errors.add(f"{field}.source", _("Choose category, tag or survey."))
        if not match or len(match) > 100:
            errors.add(f"{field}.match", _("Enter the text to match (at most 100 characters)."))
        if need not in NeedsClass.values:
            errors.add(f"{field}.need", _("Choose functional, quality, emotional or social."))
        cleaned.append({"source": source, "match": match, "need": need})
    return cleaned


def _check_order(errors: Errors, rules: dict[str, Any]) -> None:
    if rules["value_medium_min"] > rules["value_high_min"]:
        errors.add("value_medium_min", _("Must not be above the high-value threshold."))
    if rules["loyalty_medium_points"] > rules["loyalty_high_points"]:
        errors.add("loyalty_medium_points", _("Must not be above the high-loyalty points."))
    if rules["nps_detractor_max"] >= rules["nps_promoter_min"]:
        errors.add("nps_detractor_max", _("Must be below the promoter score."))
    if rules["decline_days"] >= rules["lost_after_days"]:
        errors.add(
            "decline_days", _("Must be shorter than the days after which a customer is lost.")
        )
    if rules["new_days"] >= rules["lost_after_days"]:
        errors.add("new_days", _("Must be shorter than the days after which a customer is lost."))


def current_rules() -> ClassificationRules:
    """The latest version (version 1, the defaults, is created on first use)."""
    latest = ClassificationRules.objects.order_by("-version").first()
    if latest is not None:
        return latest
    try:
        with transaction.atomic():
            return ClassificationRules.objects.create(version=1, rules=default_rules())
    except IntegrityError:  # created meanwhile by another process
        return ClassificationRules.objects.order_by("-version").first()  # type: ignore[return-value]


@transaction.atomic
def save_rules(*, actor: Any, data: dict[str, Any]) -> ClassificationRules:
    """Validate and store the next version of the rules, then queue a full recompute
    so every customer is reclassified with them."""
    current = current_rules()
    rules = clean_rules(data, base=current.rules)
    version = (ClassificationRules.objects.aggregate(top=Max("version"))["top"] or 0) + 1
    saved = ClassificationRules.objects.create(version=version, rules=rules, created_by=actor)
    changed = {k: [current.rules.get(k), v] for k, v in rules.items() if current.rules.get(k) != v}
    record_audit(actor=actor, event=AuditEvent.CREATE, obj=saved, changes=changed)
    transaction.on_commit(lambda: _reclassify(actor))
    return saved


def _reclassify(actor: Any) -> None:
    from guanxi.analytics.services.recompute import request_recompute

    request_recompute(actor=actor)


def validation_messages(error: ValidationError) -> dict[str, list[str]]:
    return dict(error.message_dict) if hasattr(error, "error_dict") else {"__all__": error.messages}
