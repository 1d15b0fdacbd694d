"""The churn factors in words ("P(alive) 0.31 → +0.35"), rendered when shown so each
reader sees them in their own language (the stored factors hold only numbers)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def _plus(value: Any) -> str:
    return f"+{float(value):.2f}"


def describe_factor(factor: dict[str, Any]) -> str:
    """One stored factor as a sentence with its contribution."""
    kind = factor.get("factor")
    c = _plus(factor.get("contribution", 0))
    if kind == "p_alive":
        if factor.get("p_alive") is None:
            return _("P(alive) not available (no model could be fitted) → %(c)s") % {"c": c}
        return _("P(alive) %(p)s → %(c)s") % {"p": f"{factor['p_alive']:.2f}", "c": c}
    if kind == "trend":
        return _(
            "Orders in the last %(days)s days: %(recent)s, in the %(days)s days before: "
            "%(earlier)s → %(c)s"
        ) % {
            "days": factor["window_days"],
            "recent": factor["recent"],
            "earlier": factor["earlier"],
            "c": c,
        }
    if kind == "tickets":
        return _("Open tickets: %(n)s → %(c)s") % {"n": factor["open_tickets"], "c": c}
    if kind == "satisfaction":
        return _("Low satisfaction answers in the last %(days)s days: %(n)s → %(c)s") % {
            "days": factor["days"],
            "n": factor["low_answers"],
            "c": c,
        }
    return f"{kind} → {c}"


def describe(factors: list[dict[str, Any]]) -> list[str]:
    return [describe_factor(factor) for factor in factors]
