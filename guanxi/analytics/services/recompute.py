"""Recomputing the stored scores: ``recompute_all`` (every customer, refitting the
models by default) and ``recompute_accounts`` (some customers, scored against the
latest full run's cut-offs and fits, so a customer's row equals what a full run
without refit would store). Rows are written in batches with one upsert each, outside
one long transaction, so the progress is visible while a run goes on."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from guanxi.analytics.choices import FitKind, RunKind, RunStatus
from guanxi.analytics.models import CustomerScore, ModelFit, RecomputeRun
from guanxi.analytics.services.bulk import upsert_columns
from guanxi.analytics.services.changes import catalogue_changed, changed_account_ids
from guanxi.analytics.services.churn_pipeline import refresh_churn_and_cross_sell
from guanxi.analytics.services.classification import classify_customers
from guanxi.analytics.services.clv import (
    CustomerStats,
    Fits,
    customer_stats,
    fit_models,
    horizon_months,
    monthly_discount_rate,
    predict,
    transaction_log,
)
from guanxi.analytics.services.columns import full_run_settings
from guanxi.analytics.services.diagnostics import check_holdout
from guanxi.analytics.services.rfm import RfmCutoffs, rfm_cutoffs, rfm_scores, segments
from guanxi.core.choices import AuditEvent
from guanxi.core.services.audit import record_audit
from guanxi.lib.clv import BgNbdFit, GammaGammaFit

Progress = Callable[[int, int], None]
BATCH = 2000
# A run queued or running for longer than this is taken as dead (worker restarted).
STALE_AFTER = timedelta(hours=6)
SCORE_FIELDS = [
    "recency_score",
    "frequency_score",
    "monetary_score",
    "segment",
    "orders_count",
    "first_order_date",
    "last_order_date",
    "recency_days",
    "total_spend",
    "frequency",
    "recency",
    "age",
    "monetary",
    "p_alive",
    "expected_purchases",
    "expected_spend",
    "predicted_value",
    "clv",
    "horizon_months",
    "observation_end",
    "computed_at",
    "rfm_fit",
    "model_fit",
    "spend_fit",
]


@dataclass(frozen=True)
class CurrentModels:
    """The cut-offs and fits of one full run, as stored rows and as the lib's objects."""

    rfm: ModelFit
    cutoffs: RfmCutoffs
    bgnbd_row: ModelFit | None
    gamma_gamma_row: ModelFit | None
    fits: Fits


@dataclass(frozen=True)
class RecomputeResult:
    run: RecomputeRun | None  # None: nothing had changed, nothing was run
    account_ids: list[int]  # the customers whose rows were written
    removed: int  # rows deleted: customers without a confirmed order any more


def current_models() -> CurrentModels | None:
    """The latest full run's cut-offs and fits; None before the first full run."""
    rfm = ModelFit.objects.filter(kind=FitKind.RFM).order_by("-fitted_at", "-pk").first()
    if rfm is None:
        return None
    siblings = {fit.kind: fit for fit in ModelFit.objects.filter(run_id=rfm.run_id)}
    bg_row = siblings.get(FitKind.BGNBD) if rfm.run_id else None
    gg_row = siblings.get(FitKind.GAMMA_GAMMA) if rfm.run_id else None
    bgnbd = _bgnbd(bg_row) if bg_row else None
    gamma_gamma = _gamma_gamma(gg_row) if gg_row and bgnbd else None
    note = rfm.run.note if rfm.run_id and rfm.run else ""
    return CurrentModels(
        rfm=rfm,
        cutoffs=RfmCutoffs.from_json(rfm.parameters),
        bgnbd_row=bg_row,
        gamma_gamma_row=gg_row,
        fits=Fits(bgnbd, gamma_gamma, note),
    )


def _bgnbd(row: ModelFit) -> BgNbdFit:
    p = row.parameters
    return BgNbdFit(
        r=p["r"],
        alpha=p["alpha"],
        a=p["a"],
        b=p["b"],
        log_likelihood=row.log_likelihood or 0.0,
        n_customers=row.customers,
        iterations=row.iterations,
    )


def _gamma_gamma(row: ModelFit) -> GammaGammaFit:
    p = row.parameters
    return GammaGammaFit(
        p=p["p"],
        q=p["q"],
        gamma=p["gamma"],
        log_likelihood=row.log_likelihood or 0.0,
        n_customers=row.customers,
        iterations=row.iterations,
    )


@transaction.atomic
def _store_models(
    run: RecomputeRun, stats: CustomerStats, cutoffs: RfmCutoffs, fits: Fits, as_of: date
) -> CurrentModels:
    rfm = ModelFit.objects.create(
        kind=FitKind.RFM,
        parameters=cutoffs.as_json(),
        customers=len(stats),
        observation_end=as_of,
        run=run,
    )
    bg_row = gg_row = None
    if fits.bgnbd is not None:
        bg = fits.bgnbd
        bg_row = ModelFit.objects.create(
            kind=FitKind.BGNBD,
            parameters={"r": bg.r, "alpha": bg.alpha, "a": bg.a, "b": bg.b},
            log_likelihood=bg.log_likelihood,
            customers=bg.n_customers,
            iterations=bg.iterations,
            observation_end=as_of,
            run=run,
        )
    if fits.gamma_gamma is not None:
        gg = fits.gamma_gamma
        gg_row = ModelFit.objects.create(
            kind=FitKind.GAMMA_GAMMA,
            parameters={"p": gg.p, "q": gg.q, "gamma": gg.gamma},
            log_likelihood=gg.log_likelihood,
            customers=gg.n_customers,
            iterations=gg.iterations,
            observation_end=as_of,
            run=run,
        )
    return CurrentModels(rfm, cutoffs, bg_row, gg_row, fits)


def _money(values: Any) -> list[str]:
    """Amounts rounded to cents, as decimal text (what the database is given for a
    ``Decimal``; no ``Decimal`` object per value)."""
    return list(map("%.2f".__mod__, np.asarray(values, dtype=np.float64).tolist()))


def _dates(days: Any) -> list[date]:
    """Days since 1970-01-01 as dates."""
    return np.asarray(days, dtype="datetime64[D]").astype(object).tolist()  # type: ignore[no-any-return]


def _score_columns(
    stats: CustomerStats, models: CurrentModels, *, as_of: date, computed_at: datetime
) -> dict[str, list[Any]]:
    """The score rows of the customers of ``stats``, column by column (attname → one
    value per customer), ready for the database."""
    summary = stats.summary
    n = len(stats)
    r, f, m = rfm_scores(models.cutoffs, stats.recency_days, stats.orders, stats.total_spend)
    months = horizon_months()
    found = predict(summary, models.fits, months=months, discount_rate=monthly_discount_rate())
    spend_fit = models.gamma_gamma_row.pk if models.gamma_gamma_row else None
    bg_fit = models.bgnbd_row.pk if models.bgnbd_row else None
    empty = [None] * n

    def floats(values: Any) -> list[Any]:
        return empty if values is None else np.asarray(values, dtype=np.float64).tolist()

    def money(values: Any) -> list[Any]:
        return empty if values is None else _money(values)

    columns: dict[str, list[Any]] = {
        "id": empty,
        "account_id": stats.account_ids.tolist(),
        "recency_score": r.tolist(),
        "frequency_score": f.tolist(),
        "monetary_score": m.tolist(),
        "segment": segments(r, f),
        "orders_count": stats.orders.tolist(),
        "first_order_date": _dates(stats.first_day),
        "last_order_date": _dates(stats.last_day),
        "recency_days": stats.recency_days.tolist(),
        "total_spend": _money(stats.total_spend),
        "frequency": summary.frequency.tolist(),
        "recency": floats(summary.recency),
        "age": floats(summary.age),
        "monetary": _money(summary.monetary_value),
        "p_alive": floats(found.p_alive),
        "expected_purchases": floats(found.expected_purchases),
        "expected_spend": money(found.expected_spend),
        "predicted_value": money(found.predicted_value),
        "clv": money(found.clv),
        "horizon_months": [months] * n,
        "observation_end": [as_of] * n,
        "computed_at": [computed_at] * n,
        "rfm_fit_id": [models.rfm.pk] * n,
        "model_fit_id": [bg_fit if found.p_alive is not None else None] * n,
        "spend_fit_id": [spend_fit if found.expected_spend is not None else None] * n,
    }
    del columns["id"]
    return columns


def _write(columns: dict[str, list[Any]], progress: Progress | None) -> int:
    """Insert or update the rows in batches (``services/bulk.py``: COPY and one upsert
    per batch on PostgreSQL, ``executemany`` on SQLite — several times faster than
    ``bulk_create``). Returns the number of rows."""
    fields = {field.attname: field for field in CustomerScore._meta.concrete_fields}
    names = list(columns)
    total = len(columns["account_id"])
    for name in ("computed_at", "observation_end"):  # one value for every row
        if columns[name]:
            value = fields[name].get_db_prep_save(columns[name][0], connection)
            columns[name] = [value] * total
    if connection.vendor not in ("sqlite", "postgresql"):  # portable fallback
        objects = [
            CustomerScore(**dict(zip(names, values, strict=True)))
            for values in zip(*columns.values(), strict=True)
        ]
        CustomerScore.objects.bulk_create(
            objects, update_conflicts=True, unique_fields=["account"], update_fields=SCORE_FIELDS
        )
        if progress is not None:
            progress(total, total)
        return total
    upsert_columns(CustomerScore, columns, progress=progress)
    return total


def _start(run: RecomputeRun | None, kind: str, actor: Any = None) -> RecomputeRun:
    if run is None:
        run = RecomputeRun.objects.create(kind=kind, requested_by=actor)
    run.status, run.started_at = RunStatus.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    return run


def _finish(run: RecomputeRun, total: int, note: str) -> None:
    run.status, run.finished_at = RunStatus.DONE, timezone.now()
    run.customers_total = run.customers_done = total
    run.note = note
    run.save(update_fields=["status", "finished_at", "customers_total", "customers_done", "note"])


def _tracking(run: RecomputeRun, progress: Progress | None) -> Progress:
    def report(done: int, total: int) -> None:
        RecomputeRun.objects.filter(pk=run.pk).update(customers_done=done, customers_total=total)
        if progress is not None:
            progress(done, total)

    return report


def recompute_all(
    *,
    as_of: date | None = None,
    progress: Progress | None = None,
    refit: bool = True,
    run: RecomputeRun | None = None,
) -> RecomputeResult:
    """Score every customer with a confirmed order as of ``as_of`` (today). With
    ``refit`` (or before any full run) the RFM cut-offs and the models are computed
    afresh and stored; otherwise the latest run's are used. Customers without an order
    any more lose their row. ``progress(done, total)`` is called after each batch."""
    as_of = as_of or timezone.localdate()
    run = _start(run, RunKind.FULL)
    try:
        with full_run_settings():
            written, removed, note, account_ids = _recompute_everyone(run, as_of, refit, progress)
    except Exception as error:
        _fail(run, error)
        raise
    _finish(run, written, note)
    return RecomputeResult(run, account_ids, removed)


def _recompute_everyone(
    run: RecomputeRun, as_of: date, refit: bool, progress: Progress | None
) -> tuple[int, int, str, list[int]]:
    """The steps of a full run: (rows written, rows removed, the fits' note, the
    customers scored)."""
    log = transaction_log(as_of=as_of)
    stats = customer_stats(log, as_of=as_of)
    models = None if refit else current_models()
    if models is None:
        cutoffs = rfm_cutoffs(stats.recency_days, stats.orders, stats.total_spend)
        models = _store_models(run, stats, cutoffs, fit_models(stats.summary), as_of)
        check_holdout(log, as_of=as_of, run=run)
    computed_at = timezone.now()
    columns = _score_columns(stats, models, as_of=as_of, computed_at=computed_at)
    RecomputeRun.objects.filter(pk=run.pk).update(customers_total=len(stats))
    written = _write(columns, _tracking(run, progress))
    # Every row written now carries ``computed_at``; older rows are of customers
    # without a confirmed order any more.
    removed, _ = CustomerScore.objects.filter(computed_at__lt=computed_at).delete()
    refresh_churn_and_cross_sell(as_of=as_of)
    classify_customers(as_of=as_of)
    return written, removed, models.fits.note, stats.account_ids.tolist()


def _fail(run: RecomputeRun, error: Exception) -> None:
    run.status, run.finished_at, run.note = RunStatus.FAILED, timezone.now(), str(error)
    run.save(update_fields=["status", "finished_at", "note"])


def recompute_accounts(
    account_ids: Iterable[int],
    *,
    as_of: date | None = None,
    run: RecomputeRun | None = None,
) -> RecomputeResult:
    """Score just these customers against the latest full run's cut-offs and fits (a
    full run first, when there has been none)."""
    ids = sorted({int(pk) for pk in account_ids})
    models = current_models()
    if models is None:
        return recompute_all(as_of=as_of, run=run)
    as_of = as_of or timezone.localdate()
    run = _start(run, RunKind.INCREMENTAL)
    try:
        stats = customer_stats(transaction_log(as_of=as_of, account_ids=ids), as_of=as_of)
        columns = _score_columns(stats, models, as_of=as_of, computed_at=timezone.now())
        written = _write(columns, _tracking(run, None))
        kept = set(stats.account_ids.tolist())
        gone = [pk for pk in ids if pk not in kept]
        removed = 0
        for start in range(0, len(gone), 500):
            removed += CustomerScore.objects.filter(
                account_id__in=gone[start : start + 500]
            ).delete()[0]
        refresh_churn_and_cross_sell(as_of=as_of, account_ids=ids)
        classify_customers(as_of=as_of, account_ids=ids)
    except Exception as error:
        _fail(run, error)
        raise
    _finish(run, written, models.fits.note)
    return RecomputeResult(run, stats.account_ids.tolist(), removed)


def recompute_changed(
    *, since: datetime | None = None, as_of: date | None = None
) -> RecomputeResult:
    """Rescore the customers with a change in any input of the analytics (orders,
    returns, service, activities, tags …: ``services/changes.py``) since ``since`` — by
    default since the latest run that finished started. When the number of product
    categories on sale changed, everyone's classes depend on it: a full run with the
    current fits."""
    if since is None:
        last = (
            RecomputeRun.objects.filter(status=RunStatus.DONE, started_at__isnull=False)
            .order_by("-started_at")
            .first()
        )
        if last is None or last.started_at is None:
            return recompute_all(as_of=as_of)
        since = last.started_at
    if catalogue_changed():
        return recompute_all(as_of=as_of, refit=False)
    changed = changed_account_ids(since)
    if not changed:
        return RecomputeResult(None, [], 0)
    return recompute_accounts(changed, as_of=as_of)


def request_recompute(*, actor: Any) -> RecomputeRun:
    """Queue a full recompute (the "recompute now" button); while one is queued or
    running, that one is returned instead of queueing a second."""
    with transaction.atomic():
        active = (
            RecomputeRun.objects.select_for_update()
            .filter(
                kind=RunKind.FULL,
                status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
                created_at__gte=timezone.now() - STALE_AFTER,
            )
            .first()
        )
        if active is not None:
            return active
        run = RecomputeRun.objects.create(kind=RunKind.FULL, requested_by=actor)
        record_audit(actor=actor, event=AuditEvent.CREATE, obj=run)  # a run was requested
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from guanxi.analytics.tasks import recompute_analytics

    recompute_analytics.enqueue(run_id)


def run_queued(run_id: int) -> bool:
    """Carry out a queued full run (idempotent: a run already started is left alone)."""
    claimed = RecomputeRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return False
    recompute_all(run=RecomputeRun.objects.get(pk=run_id))
    return True
