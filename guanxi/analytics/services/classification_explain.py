"""Sentences explaining a customer's classes, stage and key-account flag in the
reader's language, from the stored inputs and the thresholds of the rules version the
classes were computed with (so an explanation never quotes rules that were not used)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from guanxi.analytics.models import CustomerClass
from guanxi.analytics.models.classification import (
    LifecycleStage,
    LoyaltyClass,
    NeedsClass,
    PurchaseClass,
    ValueClass,
)


@dataclass(frozen=True)
class Explained:
    dimension: str  # purchase, value, needs, loyalty
    title: str
    code: str
    label: str
    reason: str


def money(value: Any) -> str:
    return number_format(float(value or 0), 2, force_grouping=True)


def percent(value: Any) -> str:
    return f"{float(value) * 100:+.0f} %" if value is not None else "—"


def share(value: Any) -> str:
    return f"{float(value) * 100:.0f} %"


def purchase_reason(code: str, x: Mapping[str, Any], r: Mapping[str, Any]) -> str:
    if code == "potential":
        return _(
            "Never bought; interest shown: %(leads)s leads, %(deals)s deals, "
            "%(activities)s activities."
        ) % {"leads": x["leads"], "deals": x["deals"], "activities": x["activities"]}
    if code == "lost":
        return _("Last order %(days)s days ago, rule: more than %(limit)s days.") % {
            "days": x["days_since_last"],
            "limit": r["lost_after_days"],
        }
    values = {
        "orders": x["orders_window"],
        "months": r["window_months"],
        "min": r["regular_min_orders"],
    }
    if code == "regular":
        return _("%(orders)s orders in the last %(months)s months, rule: ≥ %(min)s.") % values
    return (
        _("%(orders)s orders in the last %(months)s months, rule for regular: ≥ %(min)s.") % values
    )


def value_reason(code: str, x: Mapping[str, Any], r: Mapping[str, Any], currency: str) -> str:
    rule = {
        "high": _("rule: ≥ %(amount)s") % {"amount": money(r["value_high_min"])},
        "medium": _("rule: ≥ %(amount)s") % {"amount": money(r["value_medium_min"])},
        "low": _("rule: below %(amount)s") % {"amount": money(r["value_medium_min"])},
        "negative": _("rule: below zero"),
    }[code]
    return _(
        "Net value %(currency)s %(margin)s in the last %(months)s months: sales %(sales)s "
        "before discounts less the cost to serve %(cost)s (product cost %(products)s, "
        "discounts %(discounts)s, returns %(returns)s, %(tickets)s tickets, %(visits)s "
        "visits); %(rule)s."
    ) % {
        "currency": currency,
        "margin": money(x["margin"]),
        "months": r["window_months"],
        "sales": money(float(x["revenue"]) + float(x["discounts"])),
        "cost": money(x["cost_to_serve"]),
        "products": money(x["product_cost"]),
        "discounts": money(x["discounts"]),
        "returns": money(x["returns"]),
        "tickets": x["tickets"],
        "visits": x["visits"],
        "rule": rule,
    }


def needs_reason(code: str, x: Mapping[str, Any]) -> str:
    if not code:
        return _("No signal yet: no category bought, tag or survey answer maps to a need.")
    weights = x.get("needs_weights", {})
    total = sum(float(w) for w in weights.values())
    sources = ", ".join(
        f"{key.split('→')[0]} ×{number_format(weight, 0)}"
        for key, weight in sorted(x.get("needs_sources", {}).items())
        if key.endswith(f"→{code}")
    )
    return _("%(weight)s of %(total)s signal points (%(sources)s).") % {
        "weight": number_format(float(weights.get(code, 0)), 1),
        "total": number_format(total, 1),
        "sources": sources,
    }


def loyalty_reason(code: str, x: Mapping[str, Any], r: Mapping[str, Any]) -> str:
    if code == "none":
        return _("No purchase yet, or lost: no loyalty.")
    rate = x["active_months"] / max(int(r["window_months"]), 1)
    cats = x["categories"] / x["categories_sold"] if x["categories_sold"] else 0
    nps = x.get("nps")
    return _(
        "%(points)s points (high ≥ %(high)s, medium ≥ %(medium)s): customer for %(tenure)s "
        "days (+1 from %(tenure_min)s), bought in %(rate)s of the months (+1 from "
        "%(rate_min)s), %(cats)s of the product categories (+1 from %(cats_min)s), NPS "
        "%(nps)s (+1 from %(promoter)s, −1 up to %(detractor)s)."
    ) % {
        "points": x["loyalty_points"],
        "high": r["loyalty_high_points"],
        "medium": r["loyalty_medium_points"],
        "tenure": x["tenure_days"],
        "tenure_min": r["loyalty_tenure_days"],
        "rate": share(rate),
        "rate_min": share(r["loyalty_repeat_rate"]),
        "cats": share(cats),
        "cats_min": share(r["loyalty_category_share"]),
        "nps": "—" if nps is None else nps,
        "promoter": r["nps_promoter_min"],
        "detractor": r["nps_detractor_max"],
    }


def explain(row: CustomerClass, currency: str) -> list[Explained]:
    """The four classes with their reasons."""
    x, r = row.inputs, row.rules.rules
    needs = NeedsClass(row.needs).label if row.needs else _("Not known yet")
    return [
        Explained(
            "purchase",
            _("Purchase behaviour"),
            row.purchase,
            str(PurchaseClass(row.purchase).label),
            purchase_reason(row.purchase, x, r),
        ),
        Explained(
            "value",
            _("Value"),
            row.value,
            str(ValueClass(row.value).label),
            value_reason(row.value, x, r, currency),
        ),
        Explained("needs", _("Needs"), row.needs, str(needs), needs_reason(row.needs, x)),
        Explained(
            "loyalty",
            _("Loyalty"),
            row.loyalty,
            str(LoyaltyClass(row.loyalty).label),
            loyalty_reason(row.loyalty, x, r),
        ),
    ]


def stage_text(reason: Mapping[str, Any]) -> str:
    """A lifecycle stage's (or a transition's) reason as a sentence."""
    code = reason.get("code")
    if code == "interest":
        return _("Never bought; %(leads)s leads, %(deals)s deals, %(activities)s activities.") % {
            "leads": reason.get("leads", 0),
            "deals": reason.get("deals", 0),
            "activities": reason.get("activities", 0),
        }
    if code == "silent":
        return _("Last order %(days)s days ago, rule: more than %(limit)s days.") % reason
    if code == "first_order":
        return _("First order %(days)s days ago, rule: at most %(limit)s days.") % reason
    if code == "young":
        return _("Customer for %(days)s days, rule: less than %(limit)s days.") % reason
    if code == "steady":
        return (
            _("Customer for %(days)s days with steady sales, rule: at least %(limit)s days.")
            % reason
        )
    values = {"change": percent(reason.get("growth")), "limit": share(reason.get("limit", 0))}
    if code == "drop":
        return (
            _("Sales %(change)s on the period before, rule: a drop of %(limit)s or more.") % values
        )
    return _("Sales %(change)s on the period before, rule: a rise of %(limit)s or more.") % values


def stage_label(code: str) -> str:
    return str(LifecycleStage(code).label) if code else _("Not classified")


def key_reason_text(reason: Mapping[str, Any], currency: str) -> str:
    code = reason.get("code")
    if code == "high_value":
        return _("High value: net value %(currency)s %(margin)s, rule: ≥ %(min)s.") % {
            "currency": currency,
            "margin": money(reason["margin"]),
            "min": money(reason["min"]),
        }
    if code == "growth":
        return _(
            "Growing: sales %(change)s on the period before (rule: %(min)s or more) on "
            "%(currency)s %(revenue)s (rule: ≥ %(revenue_min)s)."
        ) % {
            "change": percent(reason["growth"]),
            "min": share(reason["min"]),
            "currency": currency,
            "revenue": money(reason["revenue"]),
            "revenue_min": money(reason["revenue_min"]),
        }
    if code == "regular":
        return _("Regular buyer: %(orders)s orders in the period.") % reason
    return _("High loyalty: %(points)s points.") % reason


def dimension_titles() -> dict[str, str]:
    return {
        "purchase": _("Purchase behaviour"),
        "value": _("Value"),
        "needs": _("Needs"),
        "loyalty": _("Loyalty"),
        "stage": _("Lifecycle stage"),
    }


def class_label(dimension: str, code: str) -> str:
    """A class's (or stage's) label; "" is "not classified" (needs: "not known yet")."""
    choices = {
        "purchase": PurchaseClass,
        "value": ValueClass,
        "needs": NeedsClass,
        "loyalty": LoyaltyClass,
        "stage": LifecycleStage,
    }[dimension]
    if code in choices.values:
        return str(choices(code).label)
    return _("Not known yet") if dimension == "needs" and code == "" else _("Not classified")
