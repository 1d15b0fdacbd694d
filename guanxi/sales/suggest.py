"""Who should take this deal: reps ranked by a shrunk (Bayesian) win rate on similar deals.

Pure computation, no database: the selector hands in the closed deals, the candidates
and their open load.

- Similar deals share the new deal's size band (amount band in the same currency), the
  account's industry and its region (province). When fewer than ``min_similar`` closed
  deals match, the criteria are relaxed one by one: region first, then industry, then
  size; a criterion the new deal has no value for is not applied.
- A rep's raw rate on few deals says little (2 wins out of 2 is not "100 %"), so each
  rate is shrunk towards the overall win rate ``p`` of all closed deals with a Beta prior
  of ``prior_strength`` pseudo-deals: α = p·k, β = (1 − p)·k, and
  score = (wins + α) / (closed + α + β).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# Upper bounds of the amount bands; a deal of at least the last bound is in the last band.
SIZE_BANDS: tuple[Decimal, ...] = (
    Decimal("10000"),
    Decimal("50000"),
    Decimal("200000"),
    Decimal("1000000"),
)
PRIOR_STRENGTH = 10.0
MIN_SIMILAR = 10
# The order in which criteria are relaxed: the first level keeps all three.
LEVELS: tuple[tuple[str, ...], ...] = (
    ("size", "industry", "region"),
    ("size", "industry"),
    ("size",),
    (),
)


def size_band(amount: Decimal | int | float | str) -> int:
    """0 for the smallest deals, ``len(SIZE_BANDS)`` for the biggest."""
    value = Decimal(str(amount))
    for index, bound in enumerate(SIZE_BANDS):
        if value < bound:
            return index
    return len(SIZE_BANDS)


@dataclass(frozen=True)
class DealFacts:
    """What similarity looks at; ``won`` only matters for closed deals."""

    owner_id: int
    amount: Decimal
    currency: str
    industry: str = ""
    region: str = ""
    won: bool = False

    def key(self, criterion: str) -> Any:
        if criterion == "size":
            return (self.currency, size_band(self.amount))
        if criterion == "industry":
            return self.industry
        return self.region


@dataclass(frozen=True)
class Suggestion:
    """One candidate rep and what their figure rests on."""

    owner_id: int
    score: float
    wins: int
    closed: int
    open_deals: int
    open_amount: Decimal

    @property
    def percent(self) -> float:
        return round(self.score * 100, 1)

    @property
    def raw_rate(self) -> float | None:
        return self.wins / self.closed if self.closed else None


@dataclass(frozen=True)
class Ranking:
    suggestions: list[Suggestion]
    criteria: tuple[str, ...]  # the similarity level used
    similar: int  # closed similar deals, all reps together
    overall_rate: float
    alpha: float
    beta: float


def applicable(target: DealFacts, level: Sequence[str]) -> tuple[str, ...]:
    """The criteria of ``level`` the new deal has a value for."""
    return tuple(c for c in level if c == "size" or target.key(c))


def similar_deals(
    target: DealFacts, closed: Sequence[DealFacts], min_similar: int = MIN_SIMILAR
) -> tuple[tuple[str, ...], list[DealFacts]]:
    """The first level of criteria that matches at least ``min_similar`` closed deals
    (or, failing that, everything), and the deals it matches."""
    for level in LEVELS:
        criteria = applicable(target, level)
        matching = [d for d in closed if all(d.key(c) == target.key(c) for c in criteria)]
        if len(matching) >= min_similar or not criteria:
            return criteria, matching
    return (), list(closed)  # pragma: no cover - the last level has no criteria


def shrunk_rate(wins: int, closed: int, alpha: float, beta: float) -> float:
    """The posterior mean of a Beta(α, β) prior after ``wins`` out of ``closed``."""
    denominator = closed + alpha + beta
    return (wins + alpha) / denominator if denominator else 0.0


def rank_owners(
    target: DealFacts,
    closed: Sequence[DealFacts],
    candidates: Iterable[int],
    *,
    open_load: dict[int, tuple[int, Decimal]] | None = None,
    prior_strength: float = PRIOR_STRENGTH,
    min_similar: int = MIN_SIMILAR,
) -> Ranking:
    """Rank ``candidates`` (user ids) for ``target``: highest shrunk rate first; ties go to
    the lighter open load, then to the longer record, then to the lower id."""
    wins_all = sum(1 for d in closed if d.won)
    overall = wins_all / len(closed) if closed else 0.5
    alpha, beta = overall * prior_strength, (1 - overall) * prior_strength
    criteria, matching = similar_deals(target, closed, min_similar)
    per_owner: dict[int, list[int]] = {}
    for deal in matching:
        counts = per_owner.setdefault(deal.owner_id, [0, 0])
        counts[0] += int(deal.won)
        counts[1] += 1
    load = open_load or {}
    suggestions = []
    for owner_id in dict.fromkeys(candidates):
        wins, total = per_owner.get(owner_id, [0, 0])
        count, amount = load.get(owner_id, (0, Decimal(0)))
        suggestions.append(
            Suggestion(
                owner_id=owner_id,
                score=shrunk_rate(wins, total, alpha, beta),
                wins=wins,
                closed=total,
                open_deals=count,
                open_amount=amount,
            )
        )
    suggestions.sort(key=lambda s: (-s.score, s.open_deals, -s.closed, s.owner_id))
    return Ranking(
        suggestions=suggestions,
        criteria=criteria,
        similar=len(matching),
        overall_rate=overall,
        alpha=alpha,
        beta=beta,
    )
