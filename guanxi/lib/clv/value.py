"""Customer lifetime value: BG/NBD purchases × Gamma-Gamma spend, discounted per period."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from guanxi.lib.clv.bgnbd import BgNbdFit, expected_purchases
from guanxi.lib.clv.gamma_gamma import GammaGammaFit, expected_spend

FloatArray = npt.NDArray[np.float64]


def clv(
    bgnbd: BgNbdFit,
    gamma_gamma: GammaGammaFit,
    x: npt.ArrayLike,
    t_x: npt.ArrayLike,
    T: npt.ArrayLike,
    m: npt.ArrayLike,
    *,
    periods: int = 12,
    period_length: float = 4.345,
    discount_rate: float = 0.01,
) -> FloatArray:
    """Discounted expected spend over the next ``periods`` periods of ``period_length``
    model time units (default: 12 months of 4.345 weeks):
    Σ_k E[spend] · (E[Y(k L)] - E[Y((k-1) L)]) / (1 + discount_rate)^k, as lifetimes'
    ``customer_lifetime_value`` computes it (``discount_rate`` is per period)."""
    if periods < 0 or period_length <= 0:
        raise ValueError("periods must be >= 0 and period_length > 0")
    spend = expected_spend(gamma_gamma, x, m)
    total = np.zeros(np.broadcast(spend, np.asarray(t_x), np.asarray(T)).shape)
    before = np.zeros_like(total)
    for k in range(1, periods + 1):
        cumulative = expected_purchases(bgnbd, k * period_length, x, t_x, T)
        total += spend * (cumulative - before) / (1.0 + discount_rate) ** k
        before = cumulative
    return total
