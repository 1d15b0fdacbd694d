"""The churn risk of many customers at once: the same numbers as ``churn.risk_factors``
(one customer), computed over NumPy arrays: the risk, its level, each factor's
contribution (stored in columns of their own) and the value at stake.

Rounding follows the scalar code exactly: contributions and the risk are rounded with
Python's ``round`` (not ``np.round``, which can differ in the last digit), and the value
at stake is the exact product of the basis in cents and the risk in ten-thousandths,
rounded half to even to cents as ``Decimal.quantize`` does."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from guanxi.analytics.services.churn_config import ChurnConfig

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Risks:
    """Aligned with the inputs: the risk, its level, P(alive) as shown (4 decimals,
    None without a model), each factor's contribution, the value at stake in cents and
    whether the risk is at or above the alert threshold."""

    risk: list[float]
    level: list[str]
    p_alive: list[float | None]
    contributions: dict[str, list[float]]  # p_alive, trend, tickets, satisfaction
    stake_cents: IntArray
    above: npt.NDArray[np.bool_]


def round4(values: FloatArray) -> FloatArray:
    """Python's ``round(v, 4)`` of each value (correctly rounded), over an array: the
    scaled value rounded by NumPy, and by Python where it lies close to a tie."""
    scaled = np.asarray(values, dtype=np.float64) * 10_000
    out = np.rint(scaled) / 10_000
    fraction = scaled - np.floor(scaled)
    for i in np.flatnonzero(np.abs(fraction - 0.5) < 1e-6).tolist():
        out[i] = round(float(values[i]), 4)
    return out


def _rounded(values: FloatArray) -> list[float]:
    return round4(values).tolist()  # type: ignore[no-any-return]


def compute_risks(
    config: ChurnConfig,
    *,
    p_alive: FloatArray,  # NaN where no model gave one
    recent: IntArray,
    earlier: IntArray,
    open_tickets: IntArray,
    low_answers: IntArray,
    basis_cents: IntArray,  # lifetime value, else predicted value, else net spend
) -> Risks:
    w = config.weights
    known = ~np.isnan(p_alive)
    with np.errstate(divide="ignore", invalid="ignore"):
        decline = np.where(
            earlier > 0, np.maximum(0.0, np.minimum(1.0, (earlier - recent) / earlier)), 0.0
        )
    alive = _rounded(np.where(known, w["p_alive"] * (1.0 - np.where(known, p_alive, 0.0)), 0.0))
    trend = _rounded(w["trend"] * decline)
    tickets = _rounded(
        w["tickets"] * np.minimum(1.0, open_tickets / config.tickets_for_full_weight)
    )
    satisfaction = _rounded(
        w["satisfaction"] * np.minimum(1.0, low_answers / config.low_answers_for_full_weight)
    )
    total = np.asarray(alive) + np.asarray(trend) + np.asarray(tickets) + np.asarray(satisfaction)
    risk_array = round4(np.minimum(1.0, np.maximum(0.0, total)))
    risk = risk_array.tolist()
    above = risk_array >= config.alert_threshold
    level = np.where(
        above, "high", np.where(risk_array >= config.medium_threshold, "medium", "low")
    ).tolist()
    shown = [None if p != p else round(p, 4) for p in p_alive.tolist()]
    contributions = {
        "p_alive": alive,
        "trend": trend,
        "tickets": tickets,
        "satisfaction": satisfaction,
    }
    return Risks(risk, level, shown, contributions, stake_cents(basis_cents, risk_array), above)


def stake_cents(basis_cents: IntArray, risk: FloatArray) -> IntArray:
    """basis × risk in cents, rounded half to even (risk has at most 4 decimals)."""
    product = basis_cents.astype(np.int64) * np.rint(risk * 10_000).astype(np.int64)
    whole, rest = np.divmod(product, 10_000)
    up = (rest > 5_000) | ((rest == 5_000) & (whole % 2 == 1))
    return (whole + up).astype(np.int64)


def cents_text(cents: IntArray) -> list[str]:
    """Amounts in cents as decimal text with two places ("-0.05", "12.30")."""
    return [f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}" for c in cents.tolist()]
