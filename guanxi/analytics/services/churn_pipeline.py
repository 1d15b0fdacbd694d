"""The recompute pipeline's step for churn and cross-sell (one call per run kind in
``services/recompute.py``, after the scores are written)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from guanxi.analytics.services.churn import refresh_churn
from guanxi.analytics.services.cross_sell import refresh_associations


def refresh_churn_and_cross_sell(*, as_of: date, account_ids: Iterable[int] | None = None) -> None:
    """A full run (``account_ids`` None) refreshes the product associations and every
    customer's churn risk; an incremental run only the given customers' churn risk
    (associations describe all customers and change slowly)."""
    if account_ids is None:
        refresh_associations(as_of=as_of)
    refresh_churn(as_of=as_of, account_ids=account_ids)
