"""The classification rules form: a field per threshold and the needs mapping, one
``source | match | need`` per line."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.analytics.services.classification_rules import NUMBERS

LABELS: dict[str, Any] = {
    "window_months": _("Period (months)"),
    "regular_min_orders": _("Regular: orders in the period, at least"),
    "lost_after_days": _("Lost / churned: days without an order, more than"),
    "value_high_min": _("High value: net value at least"),
    "value_medium_min": _("Medium value: net value at least"),
    "ticket_cost": _("Cost of a service ticket"),
    "visit_cost": _("Cost of a visit (meeting)"),
    "loyalty_tenure_days": _("Loyalty +1: customer for days, at least"),
    "loyalty_repeat_rate": _("Loyalty +1: share of months with an order, at least (0–1)"),
    "loyalty_category_share": _("Loyalty +1: share of product categories bought, at least (0–1)"),
    "nps_promoter_min": _("Loyalty +1: NPS at least"),
    "nps_detractor_max": _("Loyalty −1: NPS at most"),
    "loyalty_high_points": _("High loyalty: points at least"),
    "loyalty_medium_points": _("Medium loyalty: points at least"),
    "needs_tag_weight": _("Needs: weight of a tag"),
    "needs_survey_weight": _("Needs: weight of a survey answer"),
    "new_days": _("New: first order within days"),
    "decline_days": _("Decline: days without an order, more than"),
    "decline_drop": _("Decline: sales drop on the period before, at least (0–1)"),
    "growth_rise": _("Growth: sales rise on the period before, at least (0 = any)"),
    "mature_days": _("Growth until a customer for days (then mature)"),
    "key_growth_rise": _("Key account: sales rise, at least (0–1)"),
    "key_growth_min_revenue": _("Key account by growth: sales in the period, at least"),
}
GROUPS: list[tuple[Any, list[str]]] = [
    (_("Purchase behaviour"), ["window_months", "regular_min_orders", "lost_after_days"]),
    (_("Value"), ["value_high_min", "value_medium_min", "ticket_cost", "visit_cost"]),
    (
        _("Loyalty"),
        [
            "loyalty_tenure_days",
            "loyalty_repeat_rate",
            "loyalty_category_share",
            "nps_promoter_min",
            "nps_detractor_max",
            "loyalty_high_points",
            "loyalty_medium_points",
        ],
    ),
    (_("Needs"), ["needs_tag_weight", "needs_survey_weight"]),
    (_("Lifecycle"), ["new_days", "decline_days", "decline_drop", "growth_rise", "mature_days"]),
    (_("Key accounts"), ["key_growth_rise", "key_growth_min_revenue"]),
]


def mapping_text(mapping: list[dict[str, str]]) -> str:
    return "\n".join(f"{m['source']} | {m['match']} | {m['need']}" for m in mapping)


def parse_mapping(text: str) -> list[dict[str, str]] | str:
    """The mapping lines as entries (the service validates them); a message for a line
    that is not three parts."""
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3:
            return str(_("Line %(number)s: write source | match | need.") % {"number": number})
        entries.append({"source": parts[0], "match": parts[1], "need": parts[2]})
    return entries


class RulesForm(forms.Form):
    needs_mapping = forms.CharField(
        label=_("Needs mapping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One per line: source | match | need. Source: category (a product category "
            "bought), tag (on the account) or survey (a word in a survey answer); need: "
            "functional, quality, emotional or social."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (_default, low, high, integral) in NUMBERS.items():
            if integral:
                self.fields[name] = forms.IntegerField(
                    label=LABELS[name], min_value=int(low), max_value=int(high)
                )
            else:
                self.fields[name] = forms.FloatField(
                    label=LABELS[name], min_value=low, max_value=high
                )

    @staticmethod
    def initial_from(rules: dict[str, Any]) -> dict[str, Any]:
        initial = {name: rules.get(name) for name in NUMBERS}
        initial["needs_mapping"] = mapping_text(rules.get("needs_mapping", []))
        return initial

    def clean_needs_mapping(self) -> list[dict[str, str]]:
        parsed = parse_mapping(self.cleaned_data.get("needs_mapping") or "")
        if isinstance(parsed, str):
            raise forms.ValidationError(parsed)
        return parsed

    def groups(self) -> list[tuple[Any, list[Any]]]:
        return [(title, [self[name] for name in names]) for title, names in GROUPS]
