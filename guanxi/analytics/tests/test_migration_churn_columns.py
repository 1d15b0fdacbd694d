"""Migration 0006 moves each stored churn risk's factor list into columns, and back."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from guanxi.analytics.models import ChurnRisk
from guanxi.testing.customers import make_account

BEFORE = [("analytics", "0005_recompute_writes")]
AFTER = [("analytics", "0006_churn_factor_columns")]
FULL = [
    {"factor": "p_alive", "p_alive": 0.31, "contribution": 0.3105},
    {"factor": "trend", "recent": 1, "earlier": 4, "window_days": 90, "contribution": 0.15},
    {"factor": "tickets", "open_tickets": 2, "contribution": 0.1},
    {"factor": "satisfaction", "low_answers": 1, "days": 200, "contribution": 0.05},
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_stored_factor_lists_move_into_columns_and_back():
    full, partial = make_account(), make_account()
    try:
        old = _migrate(BEFORE).get_model("analytics", "ChurnRisk")
        common = {"level": "high", "observation_end": date(2026, 6, 30)}
        common["computed_at"] = timezone.now()
        old.objects.create(account_id=full.pk, risk=0.61, factors=FULL, **common)
        no_model = [{"factor": "p_alive", "p_alive": None, "contribution": 0.0}]
        old.objects.create(account_id=partial.pk, risk=0.0, factors=no_model, **common)

        _migrate(AFTER)

        moved = ChurnRisk.objects.get(account=full)
        assert (moved.p_alive, moved.p_alive_contribution) == (0.31, 0.3105)
        assert (moved.recent_orders, moved.earlier_orders, moved.window_days) == (1, 4, 90)
        assert (moved.open_tickets, moved.low_answers, moved.satisfaction_days) == (2, 1, 200)
        assert moved.factors == FULL
        bare = ChurnRisk.objects.get(account=partial)
        assert bare.p_alive is None
        assert [f["contribution"] for f in bare.factors] == [0, 0, 0, 0]
        assert (bare.recent_orders, bare.open_tickets, bare.window_days) == (0, 0, 0)

        back = _migrate(BEFORE).get_model("analytics", "ChurnRisk")
        assert back.objects.get(account_id=full.pk).factors == FULL
    finally:
        _migrate(AFTER)  # the later tests' schema
