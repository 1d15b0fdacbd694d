"""Benchmark: the full analytics recompute on PostgreSQL against a pandas baseline.

For each size N asked (``--customers 100000 1000000``, the default; or
``RECOMPUTE_BENCH_CUSTOMERS=10000,100000`` for a quick run), in a database of its own
per size (``RECOMPUTE_BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/recompute_bench``, with ``_<N>`` appended;
created with a UTF-8 C collation, migrated, loaded once by COPY and reused on re-runs;
``--reload`` loads it afresh), a data set is simulated with NumPy (seeded):

- N accounts, 300 products in 25 categories (a Zipf popularity by rank, s = 1); the
  catalogue (costs, prices, popularity) is the same at every size;
- ~3.1 orders per customer over three years (93 % confirmed), ~3.3 lines each
  (10 million order lines at 1 million customers), quantities after a Gamma-distributed
  appetite per customer, a discount on a fifth of the orders;
- returns of 2 % of the orders, service tickets (0.15 per customer, 15 % unresolved),
  satisfaction surveys (0.08 per customer, NPS and CSAT, 70 % answered, some comments).

Then, in one process per size (each in the same run, so the ratios are comparable):

- **guanxi**: ``recompute_all`` as the nightly task runs it (refit), timed step by step
  (scores and fits, the holdout check, product associations, churn risks,
  classification and lifecycle) — after one untimed run when the database has no
  scores yet (the first run also inserts every row and every first lifecycle stage);
- **pandas**: a straightforward pandas implementation of the same computation (the
  tables read with ``COPY … TO STDOUT``, ``groupby`` per customer, the results written
  back with COPY into tables of its own): the transaction log net of returns, the RFM
  scores against quintile cut-offs, the BG/NBD and Gamma-Gamma fits (the same
  ``guanxi.lib.clv`` fit on the pandas summary) and predictions, the churn risk and the
  purchase, value, loyalty and lifecycle classes with the same rules. It does not do
  what it has no counterpart for (the holdout check, product associations, needs,
  lifecycle transition rows), so the comparison uses guanxi's time without those steps
  as well as its total;
- a check on a random sample of customers that both give the same results (RFM
  scores, segment, net spend, P(alive), CLV, churn risk and level, classes and stage),
  and that both fits agree.

Writes its section of ``docs/benchmarks.md`` (replacing an earlier section with the
same heading). Goals (analytics issue): guanxi ≥ 3× faster than pandas, and the time at
1,000,000 customers at most 12× the time at 100,000.

    .venv/bin/python bench/recompute.py [--customers N [N ...]] [--reload] [--sample S]
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/recompute_bench"
URL = os.environ.get("RECOMPUTE_BENCH_DATABASE_URL", DEFAULT_URL)
SECTION = "## Analytics full recompute against pandas"
# One-off, by hand (2026-11-26): the code before the bulk rework (commit 540fbac) and
# after it, run back to back twice on the 100,000-customer database, each after the
# same VACUUM ANALYZE (the section's earlier table measured the old code on tables
# bloated by earlier runs: 79.9 s then).
BEFORE = (
    "- Before and after the bulk rework, same database and conditions (100,000 "
    "customers, back to back, twice, load average about 3.5): `recompute_all` took "
    "44.5 s and 35.8 s before, 34.6 s and 24.3 s after."
)
# One-off, by hand (2026-11-26, /tmp profiling script timing the same steps): the code
# before the cheaper rewrites (migration 0005 and the run's work_mem) and after, on the
# 100,000-customer database, back to back, each run after a VACUUM ANALYZE; "next day"
# is a run with as_of one day later than the rows stored (what a real night does).
BEFORE_WRITES = (
    "- Before and after the cheaper rewrites (migration 0005, `work_mem`), same "
    "database, back to back (100,000 customers, load average 2.9–4.9): same-day rerun "
    "23.7 s and 25.5 s before, 16.5 s and 17.4 s after (scores and fits 6.7 → 3.2 s, "
    "associations 2.6 → 1.9, churn 4.2 → 2.7, classification 10.7 → 8.8); next day "
    "26.8 s before, 16.9 s and 19.0 s after (scores and fits 6.7 → 4.1, churn 5.3 → "
    "3.6, classification 11.5 → 8.0)."
)
# Earlier results kept by hand (the table below is the latest run only).
EARLIER = [
    "- Earlier run (2026-11-26, the code before the two steps below): 100,000 and "
    "1,000,000 customers took guanxi 20.8 s and 158.5 s, pandas 6.2 s and 43.1 s "
    "(0.30× and 0.27×); growth 7.6×, 10.8× with the 100,000 size rerun at a similar "
    "load. At 1,000,000 the (customer, product) grouping of the associations in "
    "PostgreSQL spilled to disk (7.7 million groups, 19 s for that query alone); peak "
    "memory of the benchmark 4.7 GB while simulating the data, 4.3 GB in the timed run.",
    "- Classification's inputs and stored stages read as arrays (2026-11-26, 100,000 "
    "customers, old and new code alternately, twice): `recompute_all` 16.6 s and 14.9 s "
    "before, 14.3 s and 14.4 s after.",
    "- Order lines grouped by customer and product with NumPy instead of PostgreSQL "
    "(associations and classification's categories; 2026-11-27, 100,000 customers, same "
    "database, an import benchmark running beside): associations 3.2, 3.1, 2.9 and 2.9 s "
    "before, 1.7 and 1.4 s after; the categories' reading 1.30–1.40 s before, "
    "1.04–1.10 s after.",
    "- Churn factors in columns instead of a JSON list (migration 0006; 2026-11-27, against "
    "the run before it): the churn step 1.5 → 1.1 s at 100,000 and 16.5 → 11.9 s at "
    "1,000,000 customers, the churn table by COPY 11.7 → 7.2 s at 1,000,000; the run before "
    "had an import's hour-long check open beside it (no dead rows removable) on a busier "
    "machine (pandas 37.8 s there, 28.8 s here), so part of the difference is that.",
]
AS_OF = date(2026, 6, 30)
PRODUCTS, CATEGORIES = 300, 25
PROVINCES = ["11", "31", "44", "32", "33"]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def size_url(n: int) -> str:
    return f"{URL}_{n}"


# --- loading (in the child process, Django set up) ------------------------------------------


def _copy(cursor: Any, table: str, frame: Any) -> None:
    """COPY a DataFrame's rows into ``table`` (its columns by name), in CSV chunks;
    missing values (None, NaN, NA) are NULL, empty strings stay empty."""
    columns = ", ".join(frame.columns)
    sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    with cursor.copy(sql) as copy:
        for start in range(0, len(frame), 500_000):
            chunk = frame.iloc[start : start + 500_000]
            copy.write(chunk.to_csv(header=False, index=False, na_rep="\\N"))


def loaded_customers() -> int:
    """The customers loaded, 0 when a load did not finish (surveys are loaded last)."""
    from guanxi.customers.models import Account
    from guanxi.service.models import Survey

    return Account.all_objects.count() if Survey.objects.exists() else 0


def load(n: int) -> float:
    """Simulate and COPY the data set of ``n`` customers into the empty tables."""
    import pandas as pd
    from django.db import connection

    from guanxi.core.models import User

    started = time.monotonic()
    rng = np.random.default_rng(2026)
    owner = User.objects.filter(email="bench@guanxi.test").first() or User.objects.create_user(
        email="bench@guanxi.test", password=None, full_name="Bench owner"
    )
    now = datetime.now().astimezone()
    end = np.datetime64(AS_OF, "D")
    ids = np.arange(1, n + 1)
    accounts = pd.DataFrame(
        {
            "id": ids,
            "name": [f"Bench customer {i}" for i in ids],
            "name_pinyin": [f"bench customer {i}" for i in ids],
            "name_initials": "bc",
            "name_key": [f"bench customer {i}" for i in ids],
            "industry": "",
            "size": "",
            "website": "",
            "country": "CN",
            "province": rng.choice(PROVINCES, n),
            "city": "",
            "description": "",
            "created_at": now.isoformat(),
            "updated_at": now.isoformat(),
            "owner_id": owner.pk,
            "custom_fields": "{}",
        }
    )
    # The catalogue from a generator of its own, so every size has the same products
    # (drawn from ``rng`` after the accounts, they differed with N: a Zipf sample made
    # one product 91 % of the lines at 100,000 customers and 31 % at 1,000,000).
    catalogue = np.random.default_rng(2025)
    cost = np.round(catalogue.uniform(10, 500, PRODUCTS), 2)
    price = np.round(cost * catalogue.uniform(1.2, 2.5, PRODUCTS), 2)
    products = pd.DataFrame(
        {
            "id": np.arange(1, PRODUCTS + 1),
            "sku": [f"BP-{i}" for i in range(1, PRODUCTS + 1)],
            "name": [f"Bench product {i}" for i in range(1, PRODUCTS + 1)],
            "category": [f"Category {i % CATEGORIES}" for i in range(PRODUCTS)],
            "unit": "pc",
            "cost": cost,
            "is_serialised": False,
            "warranty_months": 0,
            "is_active": True,
            "created_at": now.isoformat(),
            "updated_at": now.isoformat(),
        }
    )
    # Orders: a Gamma–Poisson number per customer, dated after the customer's first.
    per_customer = 1 + np.minimum(rng.poisson(rng.gamma(0.8, 2.6, n)), 60)
    m = int(per_customer.sum())
    customer = np.repeat(ids, per_customer)
    first = rng.integers(0, 1095, n)  # days before AS_OF of the first order
    offset = np.repeat(first, per_customer)
    is_first = np.r_[True, customer[1:] != customer[:-1]]
    days_ago = np.where(is_first, offset, (offset * rng.random(m)).astype(np.int64))
    order_date = end - days_ago
    status = rng.choice(["confirmed", "cancelled", "draft"], m, p=[0.93, 0.04, 0.03])
    lines_per = 1 + rng.poisson(2.3, m)
    line_count = int(lines_per.sum())
    line_order = np.repeat(np.arange(1, m + 1), lines_per)
    popularity = 1.0 / np.arange(1, PRODUCTS + 1)  # Zipf by rank: the top one 16 %
    product_id = rng.choice(np.arange(1, PRODUCTS + 1), line_count, p=popularity / popularity.sum())
    # Each customer buys in quantities of their own (a Gamma-distributed appetite), so
    # the mean spend differs between customers as the Gamma-Gamma model has it.
    appetite = np.repeat(np.repeat(rng.gamma(2.0, 1.0, n), per_customer), lines_per)
    quantity = 1 + rng.poisson(appetite)
    line_total = np.round(quantity * price[product_id - 1], 2)
    starts = np.r_[0, np.cumsum(lines_per)[:-1]]
    subtotal = np.round(np.add.reduceat(line_total, starts), 2)
    discount = np.where(rng.random(m) < 0.2, np.round(subtotal * 0.05, 2), 0.0)
    total = np.round(subtotal - discount, 2)
    orders = pd.DataFrame(
        {
            "id": np.arange(1, m + 1),
            "number": [f"BO-{i}" for i in range(1, m + 1)],
            "status": status,
            "order_date": order_date.astype(str),
            "currency": "CNY",
            "subtotal": subtotal,
            "discount_total": discount,
            "total": total,
            "exchange_rate": 1,
            "base_currency": "CNY",
            "total_base": total,
            "source": "crm",
            "external_id": "",
            "notes": "",
            "created_at": now.isoformat(),
            "updated_at": now.isoformat(),
            "account_id": customer,
            "owner_id": owner.pk,
        }
    )
    position = np.arange(line_count) - np.repeat(starts, lines_per)
    lines = pd.DataFrame(
        {
            "id": np.arange(1, line_count + 1),
            "position": position,
            "description": "",
            "quantity": quantity,
            "unit_price": price[product_id - 1],
            "discount_percent": 0,
            "line_total": line_total,
            "external_id": "",
            "order_id": line_order,
            "product_id": product_id,
        }
    )
    returned = np.flatnonzero((status == "confirmed") & (rng.random(m) < 0.02))
    r = len(returned)
    return_date = order_date[returned] + rng.integers(1, 30, r)
    returns = pd.DataFrame(
        {
            "id": np.arange(1, r + 1),
            "number": [f"BR-{i}" for i in range(1, r + 1)],
            "kind": "return",
            "return_date": return_date.astype(str),
            "returned_at": now.isoformat(),
            "reason": "",
            "total": np.round(total[returned] * 0.3, 2),
            "exchange_rate": 1,
            "total_base": np.round(total[returned] * 0.3, 2),
            "source": "crm",
            "external_id": "",
            "created_at": now.isoformat(),
            "order_id": returned + 1,
        }
    )
    t = int(n * 0.15)
    opened = (end - rng.integers(0, 730, t)).astype("datetime64[s]") + np.timedelta64(9, "h")
    tickets = pd.DataFrame(
        {
            "id": np.arange(1, t + 1),
            "number": [f"BT-{i}" for i in range(1, t + 1)],
            "subject": "Bench ticket",
            "channel": "email",
            "priority": "normal",
            "status": rng.choice(
                ["new", "open", "pending", "solved", "closed"], t, p=[0.05, 0.05, 0.05, 0.4, 0.45]
            ),
            "requester_name": "",
            "requester_email": "",
            "language": "zh-hans",
            "public_token": [f"bt{i:012d}" for i in range(1, t + 1)],
            "paused_seconds": 0,
            "created_at": [f"{d}+00:00" for d in opened.astype(str)],
            "updated_at": now.isoformat(),
            "escalation_level": 0,
            "account_id": rng.integers(1, n + 1, t),
        }
    )
    s = int(n * 0.08)
    kind = rng.choice(["nps", "csat"], s, p=[0.6, 0.4])
    answered = rng.random(s) < 0.7
    score = np.where(kind == "nps", rng.integers(0, 11, s), rng.integers(1, 6, s))
    sent = np.datetime64(now.date(), "D") - rng.integers(1, 400, s)
    sent_at = sent.astype("datetime64[s]") + np.timedelta64(8, "h")
    answer_at = sent_at + np.timedelta64(4, "h")
    words = np.array(["", "", "", "price too high", "质量很好", "great service", ""])
    surveys = pd.DataFrame(
        {
            "id": np.arange(1, s + 1),
            "kind": kind,
            "email": "",
            "language": "zh-hans",
            "token": [f"bs{i:014d}" for i in range(1, s + 1)],
            "sent_at": [f"{d}+00:00" for d in sent_at.astype(str)],
            "answered_at": [
                f"{d}+00:00" if a else None
                for d, a in zip(answer_at.astype(str), answered, strict=True)
            ],
            "score": pd.Series(score, dtype="Int64").where(answered),
            "comment": np.where(answered, rng.choice(words, s), ""),
            "delivery": "sent",
            "account_id": rng.integers(1, n + 1, s),
        }
    )
    print(
        f"  simulated {n:,} customers, {m:,} orders, {line_count:,} lines, {r:,} returns, "
        f"{t:,} tickets, {s:,} surveys ({time.monotonic() - started:.0f}s)",
        flush=True,
    )
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor, for COPY
        for table, frame in (
            ("customers_account", accounts),
            ("sales_product", products),
            ("sales_order", orders),
            ("sales_orderline", lines),
            ("sales_return", returns),
            ("service_ticket", tickets),
            ("service_survey", surveys),
        ):
            _copy(cursor, table, frame)
            wrapper.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {len(frame) + 1}, false)"
            )
            print(f"  {table}: {len(frame):,} rows ({time.monotonic() - started:.0f}s)", flush=True)
        wrapper.execute("ANALYZE")
    seconds = time.monotonic() - started
    print(f"loaded in {seconds:.0f}s", flush=True)
    return seconds


def reset() -> None:
    """Empty the tables the benchmark loads and the analytics' results."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE customers_account, sales_product, sales_order, sales_orderline, "
            "sales_return, service_ticket, service_survey, analytics_customerscore, "
            "analytics_modelfit, analytics_recomputerun CASCADE"
        )


def vacuum() -> None:
    """``VACUUM ANALYZE`` the tables the recompute rewrites, as autovacuum does between
    two nightly runs (the benchmark's server may run without autovacuum: each run's
    upserts would otherwise leave the next run a table of dead rows to wade through)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE analytics_customerscore, analytics_customerclass, "
            "analytics_churnrisk, analytics_productassociation, analytics_productstat, "
            "analytics_lifecycletransition, analytics_recomputerun"
        )


# --- guanxi -----------------------------------------------------------------------------------


def run_guanxi(as_of: date = AS_OF) -> dict[str, float]:
    """``recompute_all`` with each step timed (by wrapping the functions it calls)."""
    import guanxi.analytics.services.churn_pipeline as pipeline
    import guanxi.analytics.services.recompute as recompute

    steps: dict[str, float] = {}
    originals: list[tuple[Any, str, Any]] = []

    def timed(module: Any, name: str, label: str) -> None:
        inner = getattr(module, name)
        originals.append((module, name, inner))

        def call(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                steps[label] = steps.get(label, 0.0) + time.perf_counter() - started

        setattr(module, name, call)

    timed(recompute, "check_holdout", "holdout")
    timed(pipeline, "refresh_associations", "associations")
    timed(pipeline, "refresh_churn", "churn")
    timed(recompute, "classify_customers", "classification")
    try:
        started = time.perf_counter()
        recompute.recompute_all(as_of=as_of)
        steps["total"] = time.perf_counter() - started
    finally:  # unwrapped, so that a later run does not time into this one's steps
        for module, name, inner in originals:
            setattr(module, name, inner)
    steps["scores"] = steps["total"] - sum(
        steps.get(k, 0.0) for k in ("holdout", "associations", "churn", "classification")
    )
    return steps


RESULT_TABLES = ["analytics_customerscore", "analytics_churnrisk", "analytics_customerclass"]


def write_floor() -> dict[str, float]:
    """The least any implementation could spend storing what a full run stores per
    customer: every row of the score, churn and class tables, read back in binary and
    written again by one ``COPY`` per table into a fresh copy of that table (same
    columns, defaults and indexes; no foreign keys, no rows already there: optimistic).
    Seconds per table, of the COPY alone."""
    from django.db import connection
    from write_floor import copy_seconds

    with connection.cursor() as wrapper:
        return {
            table: copy_seconds(wrapper.cursor, table, f'SELECT * FROM "{table}"')  # noqa: S608
            for table in RESULT_TABLES
        }


# --- pandas -----------------------------------------------------------------------------------


def _read(cursor: Any, sql: str, **options: Any) -> Any:
    """A query's rows as a DataFrame, through COPY … TO STDOUT (CSV)."""
    import pandas as pd

    buffer = io.BytesIO()
    with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
        for data in copy:
            buffer.write(data)
    buffer.seek(0)
    return pd.read_csv(buffer, **options)


def _quintile_cutoffs(values: Any) -> np.ndarray:
    ordered = np.sort(np.asarray(values, dtype=np.float64))
    n = len(ordered)
    return np.array([ordered[-(-k * n // 5) - 1] for k in range(1, 5)])


def _scores(values: Any, cuts: np.ndarray) -> np.ndarray:
    return 1 + (np.asarray(values, dtype=np.float64)[:, None] > cuts).sum(axis=1)


def run_pandas() -> tuple[dict[str, float], Any, dict[str, Any]]:
    """The same computation with pandas; returns step times, the per-customer results
    and the fitted parameters."""
    import pandas as pd
    from django.db import connection

    from guanxi.analytics.services.churn_config import churn_config
    from guanxi.analytics.services.classification_inputs import months_before
    from guanxi.analytics.services.classification_rules import default_rules
    from guanxi.analytics.services.clv import (
        MIN_REPEAT_BUYERS,
        WEEKS_PER_MONTH,
        horizon_months,
        monthly_discount_rate,
    )
    from guanxi.analytics.services.rfm import SEGMENT_GRID
    from guanxi.lib.clv import (
        clv,
        expected_purchases,
        expected_spend,
        fit_bgnbd,
        fit_gamma_gamma,
        probability_alive,
    )

    steps: dict[str, float] = {}
    started = time.perf_counter()
    as_of = pd.Timestamp(AS_OF)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        accounts = _read(cursor, "SELECT id FROM customers_account WHERE deleted_at IS NULL")
        orders = _read(
            cursor,
            "SELECT id, account_id, status, order_date, total_base, "  # noqa: S608
            f"discount_total, exchange_rate FROM sales_order WHERE order_date <= '{AS_OF}'",
            parse_dates=["order_date"],
        )
        returns = _read(
            cursor,
            "SELECT order_id, return_date, total_base FROM sales_return "  # noqa: S608
            f"WHERE return_date <= '{AS_OF}'",
            parse_dates=["return_date"],
        )
        lines = _read(cursor, "SELECT order_id, product_id, quantity FROM sales_orderline")
        products = _read(cursor, "SELECT id, cost, category FROM sales_product")
        tickets = _read(
            cursor,
            "SELECT account_id, status, created_at FROM service_ticket "
            "WHERE deleted_at IS NULL AND account_id IS NOT NULL",
        )
        surveys = _read(
            cursor,
            "SELECT account_id, kind, score, answered_at FROM service_survey "
            "WHERE account_id IS NOT NULL AND answered_at IS NOT NULL AND score IS NOT NULL",
        )
    steps["read"] = time.perf_counter() - started

    # Scores: the transaction log, per-customer aggregates, RFM and the models.
    mark = time.perf_counter()
    log = orders[(orders.status == "confirmed") & orders.account_id.isin(accounts.id)]
    credited = returns.groupby("order_id").total_base.sum()
    log = log.assign(
        net=(log.total_base - log.id.map(credited).fillna(0.0)).clip(lower=0.0),
        day=(log.order_date - pd.Timestamp("1970-01-01")).dt.days,
    )
    per = log.groupby("account_id").agg(
        orders=("id", "size"), first=("day", "min"), last=("day", "max"), spend=("net", "sum")
    )
    end_day = (as_of - pd.Timestamp("1970-01-01")).days
    per["recency_days"] = end_day - per["last"]
    daily = log.groupby(["account_id", "day"]).net.sum().reset_index()
    daily["repeat"] = daily.day != daily.groupby("account_id").day.transform("min")
    periods = daily.groupby("account_id").agg(periods=("day", "size"))
    repeat_spend = daily[daily.repeat].groupby("account_id").net.sum()
    per["x"] = periods.periods - 1
    per["t_x"] = (per["last"] - per["first"]) / 7.0
    per["T"] = (end_day - per["first"]) / 7.0
    per["m"] = (repeat_spend.reindex(per.index).fillna(0.0) / per.x.where(per.x > 0)).fillna(0.0)
    cuts_r = -_quintile_cutoffs(-per.recency_days)
    per["r"] = _scores(-per.recency_days, -cuts_r)
    per["f"] = _scores(per.orders, _quintile_cutoffs(per.orders))
    cents = per.spend.round(2)  # scored as stored, in cents (as guanxi does)
    per["m_score"] = _scores(cents, _quintile_cutoffs(cents))
    grid = np.array([[s.value for s in row] for row in SEGMENT_GRID], dtype=object)
    per["segment"] = grid[per.r - 1, per.f - 1]
    x = per.x.to_numpy(np.int64)
    t_x, T, m = (per[c].to_numpy(np.float64) for c in ("t_x", "T", "m"))
    fits: dict[str, Any] = {}
    steps["fits"] = 0.0  # part of "scores": the two fits, the same code as guanxi's
    if int((x > 0).sum()) >= MIN_REPEAT_BUYERS:
        fitting = time.perf_counter()
        bg = fit_bgnbd(x, t_x, T)
        spenders = (x > 0) & (m > 0)
        gg = fit_gamma_gamma(x[spenders], m[spenders])
        steps["fits"] = time.perf_counter() - fitting
        fits = {"r": bg.r, "alpha": bg.alpha, "a": bg.a, "b": bg.b, "p": gg.p, "q": gg.q}
        fits["gamma"] = gg.gamma
        months = horizon_months()
        per["p_alive"] = probability_alive(bg, x, t_x, T)
        per["expected"] = expected_purchases(bg, months * WEEKS_PER_MONTH, x, t_x, T)
        per["spend_each"] = expected_spend(gg, x, m)
        per["clv"] = clv(
            bg,
            gg,
            x,
            t_x,
            T,
            m,
            periods=months,
            period_length=WEEKS_PER_MONTH,
            discount_rate=monthly_discount_rate(),
        )
        per["predicted"] = per.expected * per.spend_each
    steps["scores"] = time.perf_counter() - mark

    # Churn risk.
    mark = time.perf_counter()
    config = churn_config()
    w = config.weights
    window = pd.Timedelta(days=config.window_days)
    live = orders[(orders.status == "confirmed") & orders.account_id.isin(accounts.id)]
    recent_window = live[live.order_date > as_of - 2 * window]
    is_recent = recent_window.order_date > as_of - window
    recent = is_recent.groupby(recent_window.account_id).sum()
    earlier = (~is_recent).groupby(recent_window.account_id).sum()
    unresolved = tickets[tickets.status.isin(["new", "open", "pending", "on_hold"])]
    open_tickets = unresolved.groupby("account_id").size()
    answered_at = pd.to_datetime(surveys.answered_at, utc=True, format="ISO8601")
    low = (
        ((surveys.kind == "csat") & (surveys.score <= config.low_csat))
        | ((surveys.kind == "nps") & (surveys.score <= config.low_nps))
    ) & (answered_at > pd.Timestamp.now(tz="UTC") - pd.Timedelta(days=config.satisfaction_days))
    low_answers = surveys[low].groupby("account_id").size()
    risk = pd.DataFrame(index=per.index)
    rec = recent.reindex(per.index).fillna(0).to_numpy()
    ear = earlier.reindex(per.index).fillna(0).to_numpy()
    decline = np.where(ear > 0, np.clip((ear - rec) / np.where(ear > 0, ear, 1), 0, 1), 0.0)
    tick = open_tickets.reindex(per.index).fillna(0).to_numpy()
    lows = low_answers.reindex(per.index).fillna(0).to_numpy()
    alive = per["p_alive"].to_numpy() if "p_alive" in per else np.full(len(per), np.nan)
    parts = [
        np.round(np.where(np.isnan(alive), 0.0, w["p_alive"] * (1 - alive)), 4),
        np.round(w["trend"] * decline, 4),
        np.round(w["tickets"] * np.minimum(1.0, tick / config.tickets_for_full_weight), 4),
        np.round(w["satisfaction"] * np.minimum(1.0, lows / config.low_answers_for_full_weight), 4),
    ]
    risk["risk"] = np.round(np.clip(parts[0] + parts[1] + parts[2] + parts[3], 0, 1), 4)
    risk["level"] = np.select(
        [risk.risk >= config.alert_threshold, risk.risk >= config.medium_threshold],
        ["high", "medium"],
        "low",
    )
    basis = per.get("clv", per.spend)
    risk["value_at_stake"] = np.round(basis * risk.risk, 2)
    steps["churn"] = time.perf_counter() - mark

    # Classification: purchase, value, loyalty and the lifecycle stage.
    mark = time.perf_counter()
    rules = default_rules()
    start = pd.Timestamp(months_before(AS_OF, int(rules["window_months"])))
    previous = pd.Timestamp(months_before(AS_OF, 2 * int(rules["window_months"])))
    in_window = live[live.order_date > start]
    in_previous = live[(live.order_date > previous) & (live.order_date <= start)]
    c = pd.DataFrame(index=per.index)
    c["orders_window"] = in_window.groupby("account_id").size()
    c["revenue"] = in_window.groupby("account_id").total_base.sum()
    c["revenue_previous"] = in_previous.groupby("account_id").total_base.sum()
    c["discounts"] = (
        (in_window.discount_total * in_window.exchange_rate).groupby(in_window.account_id).sum()
    )
    c["active_months"] = (
        in_window.assign(month=in_window.order_date.dt.to_period("M"))
        .groupby("account_id")
        .month.nunique()
    )
    cost = products.set_index("id").cost
    line_orders = lines.merge(
        live[["id", "account_id", "order_date"]], left_on="order_id", right_on="id"
    )
    windowed = line_orders[line_orders.order_date > start]
    c["product_cost"] = (
        (windowed.quantity * windowed.product_id.map(cost)).groupby(windowed.account_id).sum()
    )
    category = products.set_index("id").category
    bought = line_orders.assign(category=line_orders.product_id.map(category))
    c["categories"] = bought.groupby("account_id").category.nunique()
    returned = returns[(returns.return_date > start)].merge(
        live[["id", "account_id"]], left_on="order_id", right_on="id"
    )
    c["returns"] = returned.groupby("account_id").total_base.sum()
    created = (
        pd.to_datetime(tickets.created_at, utc=True, format="ISO8601")
        .dt.tz_convert("Asia/Shanghai")
        .dt.tz_localize(None)
        .dt.normalize()
    )
    ticket_window = tickets[(created > start) & (created <= as_of)]
    c["tickets"] = ticket_window.groupby("account_id").size()
    nps = surveys[surveys.kind == "nps"].assign(at=answered_at)
    nps = nps[nps["at"].dt.tz_convert("Asia/Shanghai").dt.tz_localize(None).dt.normalize() <= as_of]
    c["nps"] = nps.sort_values(["account_id", "at"]).groupby("account_id").score.last()
    c = c.fillna({k: 0 for k in c.columns if k != "nps"})
    categories_sold = products.category.nunique()
    today = end_day
    since_last = today - per["last"]
    tenure = today - per["first"]
    lost = since_last > rules["lost_after_days"]
    c["purchase"] = np.select(
        [lost, c.orders_window >= rules["regular_min_orders"]], ["lost", "regular"], "occasional"
    )
    cost_to_serve = c.product_cost + c.discounts + c.returns + c.tickets * rules["ticket_cost"]
    c["margin"] = np.round(c.revenue + c.discounts - cost_to_serve, 2)
    c["value"] = np.select(
        [
            c.margin < 0,
            c.margin >= rules["value_high_min"],
            c.margin >= rules["value_medium_min"],
        ],
        ["negative", "high", "medium"],
        "low",
    )
    has_nps = c.nps.notna()
    points = (
        (tenure >= rules["loyalty_tenure_days"]).astype(int)
        + (c.active_months / rules["window_months"] >= rules["loyalty_repeat_rate"])
        + (c.categories / categories_sold >= rules["loyalty_category_share"])
        + (has_nps & (c.nps >= rules["nps_promoter_min"]))
        - (has_nps & (c.nps <= rules["nps_detractor_max"]))
    )
    c["loyalty"] = np.select(
        [lost, points >= rules["loyalty_high_points"], points >= rules["loyalty_medium_points"]],
        ["none", "high", "medium"],
        "low",
    )
    dropped = (c.revenue_previous > 0) & (
        c.revenue < (1 - rules["decline_drop"]) * c.revenue_previous
    )
    rising = (c.revenue >= (1 + rules["growth_rise"]) * c.revenue_previous) & (c.revenue > 0)
    c["stage"] = np.select(
        [
            lost,
            tenure <= rules["new_days"],
            (since_last > rules["decline_days"]) | dropped,
            (tenure < rules["mature_days"]) | rising,
        ],
        ["churned", "new", "decline", "growth"],
        "mature",
    )
    steps["classification"] = time.perf_counter() - mark

    # Write the results back (as guanxi stores its rows).
    mark = time.perf_counter()
    result = per.join(risk).join(c[["purchase", "value", "margin", "loyalty", "stage"]])
    stored = result.reset_index()[
        [
            "account_id",
            "r",
            "f",
            "m_score",
            "segment",
            "orders",
            "spend",
            "p_alive",
            "clv",
            "risk",
            "level",
            "value_at_stake",
            "purchase",
            "value",
            "margin",
            "loyalty",
            "stage",
        ]
    ]
    with connection.cursor() as wrapper:
        wrapper.execute(
            "DROP TABLE IF EXISTS bench_pandas_result; CREATE UNLOGGED TABLE bench_pandas_result "
            "(account_id bigint PRIMARY KEY, r int, f int, m_score int, segment text, orders int, "
            "spend numeric(14,2), p_alive double precision, clv numeric(14,2), risk double "
            "precision, level text, value_at_stake numeric(14,2), purchase text, value text, "
            "margin numeric(14,2), loyalty text, stage text)"
        )
        _copy(wrapper.cursor, "bench_pandas_result", stored.round({"spend": 2, "clv": 2}))
    steps["write"] = time.perf_counter() - mark
    steps["total"] = time.perf_counter() - started
    return steps, result, fits


# --- the check ----------------------------------------------------------------------------


def compare(result: Any, fits: dict[str, Any], sample: int) -> dict[str, Any]:
    """guanxi's stored rows against the pandas results on a random sample of customers,
    field by field; and the fitted parameters."""
    from guanxi.analytics.models import ChurnRisk, CustomerClass, CustomerScore, ModelFit

    rng = np.random.default_rng(7)
    chosen = rng.choice(result.index.to_numpy(), min(sample, len(result)), replace=False)
    chosen = [int(pk) for pk in chosen]
    scores = {
        row[0]: row[1:]
        for start in range(0, len(chosen), 500)
        for row in CustomerScore.objects.filter(
            account_id__in=chosen[start : start + 500]
        ).values_list(
            "account_id",
            "recency_score",
            "frequency_score",
            "monetary_score",
            "segment",
            "orders_count",
            "total_spend",
            "p_alive",
            "clv",
        )
    }
    risks = {
        row[0]: row[1:]
        for start in range(0, len(chosen), 500)
        for row in ChurnRisk.objects.filter(account_id__in=chosen[start : start + 500]).values_list(
            "account_id", "risk", "level"
        )
    }
    classes = {
        row[0]: row[1:]
        for start in range(0, len(chosen), 500)
        for row in CustomerClass.objects.filter(
            account_id__in=chosen[start : start + 500]
        ).values_list("account_id", "purchase", "value", "loyalty", "stage", "margin")
    }
    mismatches: dict[str, int] = {}

    def check(name: str, ok: bool) -> None:
        mismatches[name] = mismatches.get(name, 0) + (not ok)

    for pk in chosen:
        ours = result.loc[pk]
        score, risk, klass = scores.get(pk), risks.get(pk), classes.get(pk)
        check("row present", score is not None and risk is not None and klass is not None)
        if score is None or risk is None or klass is None:
            continue
        check("R F M", tuple(score[:3]) == (ours.r, ours.f, ours.m_score))
        check("segment", score[3] == ours.segment)
        check("orders", score[4] == ours.orders)
        check("net spend", abs(float(score[5]) - ours.spend) < 0.006)
        check("P(alive)", score[6] is not None and abs(score[6] - ours.p_alive) < 1e-9)
        # The two fits agree to their optimiser's tolerance (about 1e-7 relative; the
        # issue allows 1e-4): a large lifetime value may then differ past a cent.
        close = max(0.006, 1e-6 * abs(ours.clv))
        check("CLV", score[7] is not None and abs(float(score[7]) - ours.clv) < close)
        check("churn risk", abs(risk[0] - ours.risk) < 1e-9 and risk[1] == ours.level)
        check("purchase", klass[0] == ours.purchase)
        check("value", klass[1] == ours.value and abs(float(klass[4]) - ours.margin) < 0.006)
        check("loyalty", klass[2] == ours.loyalty)
        check("stage", klass[3] == ours.stage)
    stored = {fit.kind: fit.parameters for fit in ModelFit.objects.filter(run__isnull=False)}
    latest = ModelFit.objects.filter(kind="bgnbd").order_by("-fitted_at", "-pk").first()
    run_fits = (
        {fit.kind: fit.parameters for fit in ModelFit.objects.filter(run_id=latest.run_id)}
        if latest
        else stored
    )
    guanxi_fit = {**run_fits.get("bgnbd", {}), **run_fits.get("gamma_gamma", {})}
    fit_difference = max(
        (abs(guanxi_fit[k] - fits[k]) / abs(fits[k]) for k in fits if k in guanxi_fit),
        default=float("nan"),
    )
    return {
        "sample": len(chosen),
        "mismatches": mismatches,
        "fit_difference": fit_difference,
        "fits": guanxi_fit,
    }


# --- one size, in its own process --------------------------------------------------------------


def one_size(n: int, reload: bool, sample: int, out: str) -> None:
    from contacts_api import ensure_database

    ensure_database(size_url(n))
    os.environ["DATABASE_URL"] = size_url(n)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.config.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    from guanxi.analytics.models import CustomerScore

    call_command("migrate", verbosity=0)
    load_seconds = None
    found = loaded_customers()
    if reload or found != n:
        from guanxi.customers.models import Account

        if Account.all_objects.exists():
            print("deleting the data loaded before ...", flush=True)
            reset()
        load_seconds = load(n)
    else:
        print(f"reusing the {n:,} customers already loaded", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sales_order")
        order_count = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM sales_orderline")
        line_count = cursor.fetchone()[0]
    warmup = None
    if CustomerScore.objects.exclude(observation_end=AS_OF).exists():
        run_guanxi()  # an earlier run's "next day" left: back to AS_OF, untimed
    if not CustomerScore.objects.exists():
        started = time.perf_counter()
        run_guanxi()
        warmup = time.perf_counter() - started
        print(f"first run (inserts every row) {warmup:.1f}s", flush=True)
    vacuum()
    guanxi = run_guanxi()
    print("guanxi " + ", ".join(f"{k} {v:.1f}s" for k, v in guanxi.items()), flush=True)
    floor = write_floor()
    print(f"write floor {sum(floor.values()):.2f}s {floor}", flush=True)
    pandas_steps, result, fits = run_pandas()
    print("pandas " + ", ".join(f"{k} {v:.1f}s" for k, v in pandas_steps.items()), flush=True)
    checked = compare(result, fits, sample)
    print(f"check {checked}", flush=True)
    vacuum()
    next_day = run_guanxi(AS_OF + timedelta(days=1))  # what a real night does
    print(f"guanxi next day {next_day['total']:.1f}s", flush=True)
    Path(out).write_text(
        json.dumps(
            {
                "customers": n,
                "scored": len(result),
                "orders": order_count,
                "lines": line_count,
                "load": load_seconds,
                "warmup": warmup,
                "guanxi": guanxi,
                "pandas": pandas_steps,
                "floor": floor,
                "next_day": next_day,
                "check": checked,
                "load_average": os.getloadavg()[0],
            }
        )
    )


# --- the report -------------------------------------------------------------------------------


def comparable(guanxi: dict[str, float]) -> float:
    """guanxi's time without the steps pandas has no counterpart for."""
    return guanxi["total"] - guanxi.get("holdout", 0.0) - guanxi.get("associations", 0.0)


def write_report(results: list[dict[str, Any]]) -> None:
    import pandas as pd
    import scipy

    rows = [
        "| customers | orders | order lines | guanxi total (s) | guanxi without holdout and "
        "associations (s) | guanxi the next day (s) | pandas (s) | pandas ÷ guanxi "
        "(total) | pandas ÷ guanxi (same steps) | sample mismatches |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        g, p = r["guanxi"], r["pandas"]
        wrong = sum(r["check"]["mismatches"].values())
        rows.append(
            f"| {r['customers']:,} | {r['orders']:,} | {r['lines']:,} | {g['total']:.1f} | "
            f"{comparable(g):.1f} | {r['next_day']['total']:.1f} | {p['total']:.1f} | "
            f"{p['total'] / g['total']:.2f}× | {p['total'] / comparable(g):.2f}× | "
            f"{wrong} of {r['check']['sample']} |"
        )
    steps = [
        "| customers | guanxi: scores and fits | holdout | associations | churn | "
        "classification | pandas: read | scores and fits | churn | classification | write |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        g, p = r["guanxi"], r["pandas"]
        steps.append(
            f"| {r['customers']:,} | {g['scores']:.1f} | {g['holdout']:.1f} | "
            f"{g['associations']:.1f} | {g['churn']:.1f} | {g['classification']:.1f} | "
            f"{p['read']:.1f} | {p['scores']:.1f} | {p['churn']:.1f} | "
            f"{p['classification']:.1f} | {p['write']:.1f} |"
        )
    growth = []
    for small, large in itertools.pairwise(results):
        factor = large["customers"] / small["customers"]
        growth.append(
            f"- Growth {small['customers']:,} → {large['customers']:,} customers "
            f"({factor:g}× as many): guanxi "
            f"{large['guanxi']['total'] / small['guanxi']['total']:.1f}× the time (goal: "
            f"≤ {1.2 * factor:g}×, i.e. 12× for 10×), pandas "
            f"{large['pandas']['total'] / small['pandas']['total']:.1f}×."
        )
    speedups = [r["pandas"]["total"] / r["guanxi"]["total"] for r in results]
    growth.append(
        "- Result: the 3× goal is "
        + ("met" if min(speedups) >= 3 else "**not met**")
        + f" (pandas ÷ guanxi from {min(speedups):.2f}× to {max(speedups):.2f}×; below 1 "
        "guanxi is the slower)."
    )
    floors = [
        "| customers | pandas total (s) | fits (s) | pandas write (s) | guanxi's tables by "
        "COPY (s) | least possible (s) | best pandas ÷ anyone | guanxi ÷ least possible |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        p, table_copy = r["pandas"], sum(r["floor"].values())
        least = p["fits"] + min(p["write"], table_copy)
        floors.append(
            f"| {r['customers']:,} | {p['total']:.2f} | {p['fits']:.2f} | {p['write']:.2f} | "
            f"{table_copy:.2f} | {least:.2f} | {p['total'] / least:.2f}× | "
            f"{r['guanxi']['total'] / least:.1f}× |"
        )
    big = results[-1]  # the goal's size
    p_big, copy_big = big["pandas"], sum(big["floor"].values())
    least_big = p_big["fits"] + p_big["write"]
    floor_text = (
        "- What no implementation can skip: fitting the two models (the same "
        "`guanxi.lib.clv` code in both, timed in the pandas run) and storing a row of "
        "results per customer — at best as fast as pandas' one `COPY` into an unlogged "
        "table without indexes; guanxi's three per-customer tables (scores, churn risks "
        "with their factors, classes with their inputs, stored as the issue asks) written "
        "by one binary `COPY` each into empty copies with their indexes are measured "
        "beside it (table below). At "
        f"{big['customers']:,} customers pandas took {p_big['total']:.1f} s, so 3× "
        f"faster is {p_big['total'] / 3:.1f} s; the fits and pandas' write alone take "
        f"{least_big:.1f} s, which leaves {p_big['total'] / 3 - least_big:.1f} s to read "
        f"{big['lines']:,} order lines and compute everything else (pandas spends "
        f"{p_big['read']:.1f} s reading); and storing what the issue asks stored takes "
        f"{copy_big:.1f} s at the least, with the fits {p_big['fits'] + copy_big:.1f} s: "
        + (
            "more than pandas' whole run, which stores a narrower table. The 3× goal is "
            "out of reach of any code that stores those results."
            if p_big["fits"] + copy_big > p_big["total"] / 3
            else "within the 3× budget."
        )
    )
    fits = results[-1]["check"]["fits"]
    section = "\n".join(
        [
            f"{SECTION} ({date.today().isoformat()})",
            "",
            "Written by `bench/recompute.py`. Goals (analytics issue): the nightly full "
            "recompute (`recompute_all`: scores, fits, churn risks, classes) at least 3× "
            "faster than a straightforward pandas implementation of the same computation "
            "on the same PostgreSQL data, in the same run; and at most 12× the time for "
            "10× the customers (100,000 → 1,000,000).",
            "",
            f"- Machine: {os.cpu_count()} cores (shared with other work while it ran), "
            f"{platform.machine()}, Python {platform.python_version()}, NumPy "
            f"{np.__version__}, pandas {pd.__version__}, SciPy {scipy.__version__}. Load "
            f"average when each size was done: "
            + ", ".join(f"{r['load_average']:.1f}" for r in results)
            + ". The **ratios** are the result, not the absolute times.",
            "- Data (simulated, seeded): ~3.1 orders per customer over three years (93 % "
            "confirmed), ~3.3 lines per order, 2 % returned, 0.15 tickets and 0.08 surveys "
            "per customer; the same 300 products at every size (Zipf popularity by rank: "
            "the top product 16 % of the lines); one database per size, loaded by COPY.",
            "- guanxi: `recompute_all(as_of=2026-06-30)` with refit, as the nightly task "
            "runs it, on a database where every customer already has rows (the steady "
            "state: upserts), after a `VACUUM ANALYZE` of the tables it rewrites (what "
            "autovacuum does between two nightly runs; this server runs without it). It "
            "aggregates per customer in PostgreSQL (the order lines by customer and product "
            "for the associations and the categories: read as they are and grouped with "
            "NumPy), reads each result as arrays (one "
            "binary `COPY` of `array_agg` columns; 128 MB of `work_mem` for the run, so "
            "the groupings over 100,000 customers hash in memory), computes with NumPy and "
            "writes each table with COPY into a temporary table and one `INSERT … ON "
            "CONFLICT` per 50,000 rows. The three rewritten tables have a fill factor of "
            "50 and the scores' fit columns neither index nor foreign-key constraint "
            "(migration 0005): a row's new version then stays on its page and, when no "
            "indexed column changed, gets no new index entries (a HOT update), and the "
            "new fit ids are not checked row by row at commit. The timed run reruns the "
            "same `as_of`, so no indexed column changes and every update is HOT; on a "
            "real night (`as_of` a day later) the lifetime value and the value at stake "
            "change for most customers and their score and churn rows get new index "
            "entries: the *next day* column is that run, after the comparison with "
            "pandas. What is left (profile at 100,000): the three upserts, nearly a third, "
            "and the per-customer aggregates in PostgreSQL. "
            "pandas: tables read by `COPY … TO STDOUT` into `read_csv`, "
            "`groupby` per customer, the same `guanxi.lib.clv` fits and formulas on the "
            "pandas summary, results written back by COPY; it has no counterpart for the "
            "holdout check, the product associations, the needs class and the lifecycle "
            "transition rows, hence the ratio on the same steps too.",
            f"- Check: on a random sample per size, every stored field compared with "
            f"pandas' (RFM scores, segment, orders, net spend, P(alive), CLV, churn risk "
            f"and level, purchase, value and margin, loyalty, stage); BG/NBD and "
            f"Gamma-Gamma parameters of both fits: largest relative difference "
            f"{max(r['check']['fit_difference'] for r in results):.1e} (guanxi's at the "
            f"largest size: " + ", ".join(f"{k} {v:.4g}" for k, v in fits.items()) + ").",
            *growth,
            floor_text,
            *EARLIER,
            BEFORE,
            BEFORE_WRITES,
            "",
            *rows,
            "",
            "Seconds per step:",
            "",
            *steps,
            "",
            "The least any implementation could take (fits plus the cheaper write; "
            "guanxi's three tables by COPY for comparison):",
            "",
            *floors,
            "",
        ]
    )
    path = ROOT / "docs" / "benchmarks.md"
    body = path.read_text()
    parts = body.split("\n## ")
    mine = [i for i, part in enumerate(parts) if ("## " + part).startswith(SECTION)]
    if mine:  # replaced where it stands
        parts[mine[0]] = section.removeprefix("## ").rstrip("\n") + "\n"
        body = "\n## ".join(part for i, part in enumerate(parts) if i not in mine[1:])
    else:
        body = body.rstrip("\n") + "\n\n" + section
    path.write_text(body)
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = os.environ.get("RECOMPUTE_BENCH_CUSTOMERS", "100000,1000000")
    parser.add_argument(
        "--customers", type=int, nargs="+", default=[int(v) for v in default.split(",")]
    )
    parser.add_argument("--reload", action="store_true", help="load the data afresh")
    parser.add_argument("--sample", type=int, default=2000, help="customers compared")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one size (child)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_size(args.one, args.reload, args.sample, args.out)
        return
    results = []
    for n in sorted(args.customers):
        print(f"--- {n:,} customers ({size_url(n).rsplit('/', 1)[-1]})", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, __file__, "--one", str(n), "--out", out.name]
            command += ["--sample", str(args.sample)] + (["--reload"] if args.reload else [])
            subprocess.run(command, check=True)  # noqa: S603 (this script, our arguments)
            results.append(json.loads(Path(out.name).read_text()))
    write_report(results)


if __name__ == "__main__":
    main()
