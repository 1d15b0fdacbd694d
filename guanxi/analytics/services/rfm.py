"""RFM: recency, frequency and monetary value scored 1–5 by quintiles, and the named
segment of each (R, F) pair.

Pure NumPy (no database). The cut-offs of a full run are stored, so an incremental
recompute scores a changed customer against the same cut-offs as everyone else.
Quintile rule (deterministic with ties): with the values sorted ascending, the k-th
cut-off is the value at position ceil(k·n/5) (1-based), k = 1..4; a value scores 1 plus
the number of cut-offs it is *strictly above*. Tied values therefore always share a
score, the lowest their group reaches (every one-order customer has F 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from guanxi.analytics.choices import Segment

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# (R, F) → segment; rows R 1..5, columns F 1..5 (docs/analytics.md shows the same table).
SEGMENT_GRID: tuple[tuple[Segment, ...], ...] = (
    (Segment.LOST, Segment.HIBERNATING, Segment.AT_RISK, Segment.AT_RISK, Segment.CANT_LOSE),
    (
        Segment.HIBERNATING,
        Segment.HIBERNATING,
        Segment.AT_RISK,
        Segment.AT_RISK,
        Segment.CANT_LOSE,
    ),
    (
        Segment.ABOUT_TO_SLEEP,
        Segment.ABOUT_TO_SLEEP,
        Segment.NEED_ATTENTION,
        Segment.LOYAL,
        Segment.LOYAL,
    ),
    (
        Segment.PROMISING,
        Segment.POTENTIAL_LOYALISTS,
        Segment.POTENTIAL_LOYALISTS,
        Segment.LOYAL,
        Segment.LOYAL,
    ),
    (
        Segment.NEW_CUSTOMERS,
        Segment.POTENTIAL_LOYALISTS,
        Segment.POTENTIAL_LOYALISTS,
        Segment.CHAMPIONS,
        Segment.CHAMPIONS,
    ),
)


@dataclass(frozen=True)
class RfmCutoffs:
    """The four quintile cut-offs of each measure: ``recency_days`` in days since the
    last order (fewer is better, so stored descending), ``orders`` and ``net_spend``
    ascending."""

    recency_days: tuple[float, ...]
    orders: tuple[float, ...]
    net_spend: tuple[float, ...]

    def as_json(self) -> dict[str, list[float]]:
        return {
            "recency_days": list(self.recency_days),
            "orders": list(self.orders),
            "net_spend": list(self.net_spend),
        }

    @classmethod
    def from_json(cls, data: dict[str, list[float]]) -> RfmCutoffs:
        return cls(
            recency_days=tuple(float(v) for v in data["recency_days"]),
            orders=tuple(float(v) for v in data["orders"]),
            net_spend=tuple(float(v) for v in data["net_spend"]),
        )


def quintile_cutoffs(values: npt.ArrayLike) -> tuple[float, ...]:
    """The values at sorted positions ceil(k·n/5), k = 1..4 (higher values score higher)."""
    ordered = np.sort(np.asarray(values, dtype=np.float64))
    n = ordered.size
    if n == 0:
        return ()
    return tuple(float(ordered[math.ceil(k * n / 5) - 1]) for k in range(1, 5))


def quintile_scores(values: npt.ArrayLike, cutoffs: tuple[float, ...]) -> IntArray:
    """1 + the number of cut-offs each value is strictly above (1..5)."""
    array = np.asarray(values, dtype=np.float64)
    if not cutoffs:
        return np.ones(array.shape, dtype=np.int64)
    cuts = np.asarray(cutoffs, dtype=np.float64)
    return (1 + (array[..., None] > cuts).sum(axis=-1)).astype(np.int64)


def rfm_cutoffs(
    recency_days: npt.ArrayLike, orders: npt.ArrayLike, net_spend: npt.ArrayLike
) -> RfmCutoffs:
    """Cut-offs over all customers with an order. Recency is scored on minus the days
    (recent is better); its cut-offs are stored back in days."""
    days = np.asarray(recency_days, dtype=np.float64)
    return RfmCutoffs(
        recency_days=tuple(-v for v in quintile_cutoffs(-days)),
        orders=quintile_cutoffs(orders),
        net_spend=quintile_cutoffs(net_spend),
    )


def rfm_scores(
    cutoffs: RfmCutoffs,
    recency_days: npt.ArrayLike,
    orders: npt.ArrayLike,
    net_spend: npt.ArrayLike,
) -> tuple[IntArray, IntArray, IntArray]:
    """R, F and M scores (1–5) against ``cutoffs``."""
    days = np.asarray(recency_days, dtype=np.float64)
    r = quintile_scores(-days, tuple(-v for v in cutoffs.recency_days))
    return r, quintile_scores(orders, cutoffs.orders), quintile_scores(net_spend, cutoffs.net_spend)


def segment_of(r: int, f: int) -> Segment:
    """The named segment of an R and an F score (each 1..5)."""
    if not (1 <= r <= 5 and 1 <= f <= 5):
        raise ValueError("R and F scores are between 1 and 5")
    return SEGMENT_GRID[r - 1][f - 1]


def segments(r: npt.ArrayLike, f: npt.ArrayLike) -> list[str]:
    """The segment codes of arrays of R and F scores (one lookup in the grid)."""
    rs, fs = np.asarray(r, dtype=np.int64), np.asarray(f, dtype=np.int64)
    if rs.shape != fs.shape:
        raise ValueError("as many R as F scores are needed")
    if rs.size and not ((rs >= 1) & (rs <= 5) & (fs >= 1) & (fs <= 5)).all():
        raise ValueError("R and F scores are between 1 and 5")
    grid = np.array([[segment.value for segment in row] for row in SEGMENT_GRID], dtype=object)
    return grid[rs - 1, fs - 1].tolist()  # type: ignore[no-any-return]
