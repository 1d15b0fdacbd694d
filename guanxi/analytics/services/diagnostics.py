"""The model check shown to administrators: BG/NBD refitted on the orders up to a
cut-off some weeks back and its predictions for the weeks since set against what the
customers really bought (``guanxi.lib.clv.holdout``). Stored as a ``ModelFit`` of kind
"holdout" with each full refit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
from django.conf import settings

from guanxi.analytics.choices import FitKind
from guanxi.analytics.models import ModelFit, RecomputeRun
from guanxi.analytics.services.clv import MIN_REPEAT_BUYERS, TransactionLog
from guanxi.lib.clv import ConvergenceError, rfm_summary
from guanxi.lib.clv.holdout import calibration_holdout


def holdout_weeks() -> int:
    """How many of the latest weeks are held out of the check's fit."""
    return int(getattr(settings, "ANALYTICS_HOLDOUT_WEEKS", 26))


def check_holdout(
    log: TransactionLog, *, as_of: date, run: RecomputeRun | None = None
) -> ModelFit | None:
    """Fit on the orders up to ``as_of`` minus the holdout weeks, compare with the
    orders after, and store the result; None (nothing stored) when the calibration
    period has too few repeat buyers for a fit or the fit fails."""
    calibration_end = as_of - timedelta(weeks=holdout_weeks())
    early = log.dates <= np.datetime64(calibration_end, "D")
    if not early.any():
        return None
    calibration = rfm_summary(
        log.account_ids[early], log.dates[early], log.amounts[early], period_days=1
    )
    if int((calibration.frequency > 0).sum()) < MIN_REPEAT_BUYERS:
        return None
    try:
        check = calibration_holdout(
            log.account_ids,
            log.dates,
            log.amounts,
            calibration_end=calibration_end,
            observation_end=as_of,
        )
    except (ConvergenceError, ValueError):
        return None
    fit = check.fit
    parameters: dict[str, Any] = {
        "r": fit.r,
        "alpha": fit.alpha,
        "a": fit.a,
        "b": fit.b,
        "calibration_end": calibration_end.isoformat(),
        "holdout_weeks": check.holdout_length,
        "total_actual": check.total_actual,
        "total_predicted": check.total_predicted,
        "buckets": [
            {
                "frequency": bucket.frequency,
                "customers": bucket.customers,
                "actual": bucket.actual,
                "predicted": bucket.predicted,
            }
            for bucket in check.buckets
        ],
    }
    return ModelFit.objects.create(
        kind=FitKind.HOLDOUT,
        parameters=parameters,
        log_likelihood=fit.log_likelihood,
        customers=check.customers,
        iterations=fit.iterations,
        observation_end=as_of,
        run=run,
    )


def latest_holdout() -> ModelFit | None:
    return ModelFit.objects.filter(kind=FitKind.HOLDOUT).order_by("-fitted_at", "-pk").first()
