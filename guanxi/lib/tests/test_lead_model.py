"""The predictive lead score learns what decides conversion, and says so."""

from __future__ import annotations

import random

from guanxi.lib.lead_model import train

INDUSTRIES = ["manufacturing", "retail", "education", "finance", "logistics"]
SOURCES = ["web_form", "trade_show", "referral", "campaign"]


def synthetic(n: int, seed: int = 1) -> tuple[list[dict], list[bool]]:
    """Leads where industry decides the outcome (manufacturing and finance convert 85%
    of the time, the rest 10%); source and province are noise."""
    rng = random.Random(seed)
    rows, outcomes = [], []
    for _ in range(n):
        industry = rng.choice(INDUSTRIES)
        rows.append(
            {
                "industry": industry,
                "source": rng.choice(SOURCES),
                "province": rng.choice(["11", "31", "44", "51"]),
                "activities": rng.randint(0, 5),
            }
        )
        rate = 0.85 if industry in ("manufacturing", "finance") else 0.10
        outcomes.append(rng.random() < rate)
    return rows, outcomes


def test_holdout_auc_is_at_least_0_8_when_industry_decides():
    rows, outcomes = synthetic(800)
    model = train(rows, outcomes)
    assert model is not None
    assert model.auc >= 0.8
    assert model.trained_on == 800


def test_the_top_reason_names_the_industry():
    rows, outcomes = synthetic(800)
    model = train(rows, outcomes)
    lead = {"industry": "manufacturing", "source": "campaign", "province": "31", "activities": 1}
    reasons = model.reasons(lead)
    assert reasons[0]["feature"] == "industry=manufacturing"
    assert reasons[0]["weight"] > 0
    assert model.top_features(1)[0]["feature"].startswith("industry=")


def test_probabilities_follow_the_learned_pattern():
    rows, outcomes = synthetic(800)
    model = train(rows, outcomes)
    good = model.probability({"industry": "finance", "source": "web_form"})
    poor = model.probability({"industry": "retail", "source": "web_form"})
    assert good > 0.6 > 0.3 > poor


def test_no_model_from_too_few_outcomes():
    rows, outcomes = synthetic(30)
    assert train(rows[:15], [True] * 5 + [False] * 10) is None
