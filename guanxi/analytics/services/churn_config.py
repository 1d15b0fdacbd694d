"""The churn-risk settings: ``ANALYTICS_CHURN`` in the Django settings (a dict; keys
left out keep their defaults), checked when read. See docs/churn-and-cross-sell.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FACTORS = ("p_alive", "trend", "tickets", "satisfaction")
DEFAULTS: dict[str, Any] = {
    "weights": {"p_alive": 0.5, "trend": 0.2, "tickets": 0.15, "satisfaction": 0.15},
    "medium_threshold": 0.4,
    "alert_threshold": 0.7,
    "window_days": 180,
    "tickets_for_full_weight": 3,
    "low_answers_for_full_weight": 2,
    "satisfaction_days": 365,
    "low_csat": 2,
    "low_nps": 6,
    "task_due_days": 3,
}


@dataclass(frozen=True)
class ChurnConfig:
    weights: dict[str, float]
    medium_threshold: float
    alert_threshold: float
    window_days: int
    tickets_for_full_weight: int
    low_answers_for_full_weight: int
    satisfaction_days: int
    low_csat: int
    low_nps: int
    task_due_days: int

    def level(self, risk: float) -> str:
        if risk >= self.alert_threshold:
            return "high"
        return "medium" if risk >= self.medium_threshold else "low"


def _number(values: dict[str, Any], key: str, *, low: float, high: float | None = None) -> float:
    value = values[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ImproperlyConfigured(f"ANALYTICS_CHURN[{key!r}] must be a number.")
    if value < low or (high is not None and value > high):
        raise ImproperlyConfigured(f"ANALYTICS_CHURN[{key!r}] must be between {low} and {high}.")
    return float(value)


def churn_config() -> ChurnConfig:
    """The settings in force, defaults filled in; ImproperlyConfigured names the key at
    fault."""
    given = getattr(settings, "ANALYTICS_CHURN", {}) or {}
    unknown = set(given) - set(DEFAULTS)
    if unknown:
        raise ImproperlyConfigured(f"ANALYTICS_CHURN has unknown keys: {sorted(unknown)}.")
    values = {**DEFAULTS, **given}
    weights = {**DEFAULTS["weights"], **(given.get("weights") or {})}
    if set(weights) != set(FACTORS):
        raise ImproperlyConfigured(f"ANALYTICS_CHURN['weights'] takes only {list(FACTORS)}.")
    for name in FACTORS:
        _number(weights, name, low=0.0)
    medium = _number(values, "medium_threshold", low=0.0, high=1.0)
    alert = _number(values, "alert_threshold", low=0.0, high=1.0)
    if medium > alert:
        raise ImproperlyConfigured(
            "ANALYTICS_CHURN['medium_threshold'] must not exceed 'alert_threshold'."
        )
    whole = {
        key: int(_number(values, key, low=1.0))
        for key in (
            "window_days",
            "tickets_for_full_weight",
            "low_answers_for_full_weight",
            "satisfaction_days",
        )
    }
    return ChurnConfig(
        weights={name: float(weights[name]) for name in FACTORS},
        medium_threshold=medium,
        alert_threshold=alert,
        low_csat=int(_number(values, "low_csat", low=1.0, high=5.0)),
        low_nps=int(_number(values, "low_nps", low=0.0, high=10.0)),
        task_due_days=int(_number(values, "task_due_days", low=0.0)),
        **whole,
    )
