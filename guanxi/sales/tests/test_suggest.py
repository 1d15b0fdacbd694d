"""The owner suggestion's arithmetic: size bands, similarity and its relaxation, and the
Beta-prior shrinkage, with exact numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guanxi.sales.suggest import DealFacts, rank_owners, shrunk_rate, similar_deals, size_band

LUCKY, STEADY, OTHER = 1, 2, 3
D = Decimal


def facts(owner, won, amount="300000", industry="manufacturing", region="44", currency="CNY"):
    return DealFacts(owner, D(amount), currency, industry, region, won)


def record(owner, wins, closed, **kwargs):
    return [facts(owner, i < wins, **kwargs) for i in range(closed)]


NEW_DEAL = DealFacts(0, D("300000"), "CNY", "manufacturing", "44")


@pytest.mark.parametrize(
    ("amount", "band"),
    [("0", 0), ("9999.99", 0), ("10000", 1), ("49999", 1), ("50000", 2), ("999999", 3),
     ("1000000", 4), ("80000000", 4)],
)  # fmt: skip
def test_size_bands(amount, band):
    assert size_band(amount) == band


def test_shrunk_rate_is_the_beta_posterior_mean():
    assert shrunk_rate(2, 2, 5, 5) == 7 / 12
    assert shrunk_rate(18, 20, 5, 5) == 23 / 30
    assert shrunk_rate(0, 0, 5, 5) == 0.5


def test_two_lucky_wins_do_not_outrank_eighteen_of_twenty_under_a_strong_prior():
    # given 2/2 (raw 100 %), 18/20 (raw 90 %) and 10/38: overall 30/60 = 0.5, so with a
    # prior of 10 deals α = β = 5
    closed = record(LUCKY, 2, 2) + record(STEADY, 18, 20) + record(OTHER, 10, 38)

    ranking = rank_owners(NEW_DEAL, closed, [LUCKY, STEADY, OTHER], prior_strength=10)

    assert (ranking.overall_rate, ranking.alpha, ranking.beta) == (0.5, 5.0, 5.0)
    assert [s.owner_id for s in ranking.suggestions] == [STEADY, LUCKY, OTHER]
    scores = {s.owner_id: s.score for s in ranking.suggestions}
    assert scores == {STEADY: 23 / 30, LUCKY: 7 / 12, OTHER: 15 / 48}  # .767, .583, .3125
    steady = ranking.suggestions[0]
    assert (steady.wins, steady.closed, steady.percent) == (18, 20, 76.7)


def test_without_a_prior_the_lucky_streak_would_win():
    closed = record(LUCKY, 2, 2) + record(STEADY, 18, 20) + record(OTHER, 10, 38)

    ranking = rank_owners(NEW_DEAL, closed, [LUCKY, STEADY], prior_strength=0)

    assert [(s.owner_id, s.score) for s in ranking.suggestions] == [(LUCKY, 1.0), (STEADY, 0.9)]


def test_a_rep_without_similar_deals_gets_the_overall_rate():
    closed = record(STEADY, 6, 10) + record(OTHER, 2, 10)

    ranking = rank_owners(NEW_DEAL, closed, [LUCKY, STEADY, OTHER])

    lucky = next(s for s in ranking.suggestions if s.owner_id == LUCKY)
    assert (lucky.score, lucky.wins, lucky.closed) == (0.4, 0, 0)


def test_similarity_is_relaxed_region_first_then_industry_then_size():
    same_all = record(STEADY, 2, 3)
    other_region = record(STEADY, 4, 4, region="31")
    other_industry = record(OTHER, 1, 5, industry="finance", region="31")
    other_size = record(OTHER, 0, 20, amount="5000")

    criteria, matching = similar_deals(NEW_DEAL, same_all + other_region, min_similar=3)
    assert (criteria, len(matching)) == (("size", "industry", "region"), 3)
    criteria, matching = similar_deals(NEW_DEAL, same_all + other_region, min_similar=5)
    assert (criteria, len(matching)) == (("size", "industry"), 7)
    criteria, matching = similar_deals(
        NEW_DEAL, same_all + other_region + other_industry, min_similar=10
    )
    assert (criteria, len(matching)) == (("size",), 12)
    criteria, matching = similar_deals(NEW_DEAL, same_all + other_size, min_similar=10)
    assert (criteria, len(matching)) == ((), 23)


def test_size_bands_are_per_currency():
    usd = record(STEADY, 10, 10, currency="USD")

    criteria, matching = similar_deals(NEW_DEAL, usd, min_similar=1)

    assert (criteria, matching) == ((), usd)


def test_a_criterion_the_new_deal_lacks_is_not_applied():
    new = DealFacts(0, D("300000"), "CNY", "", "44")
    closed = record(STEADY, 3, 3, industry="finance")

    criteria, matching = similar_deals(new, closed, min_similar=3)

    assert (criteria, len(matching)) == (("size", "region"), 3)


def test_equal_scores_go_to_the_lighter_open_load():
    closed = record(LUCKY, 1, 2) + record(STEADY, 1, 2)

    ranking = rank_owners(
        NEW_DEAL, closed, [LUCKY, STEADY], open_load={LUCKY: (9, D(0)), STEADY: (2, D(0))}
    )

    assert [(s.owner_id, s.open_deals) for s in ranking.suggestions] == [(STEADY, 2), (LUCKY, 9)]
