"""Benchmark: the deals kanban board and the forecast against hand-written SQL.

On PostgreSQL (``SALES_BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/guanxi_bench_sales``: a database of its own, so the
contacts benchmark's ``guanxi_bench`` is left alone; created with a UTF-8 ctype, dropped
and rebuilt when its data set is not the one asked for), loads:

- 50 sales users (5 teams of 10, one manager each, the demo sales manager leading the
  first team) owning ~20,000 demo accounts (the demo generator, with primary contacts);
- N open deals (100,000 by default; ``--deals`` or ``BENCH_DEALS=10000`` for a quick run)
  in the default pipeline, spread over its four open stages, with their stage history;
- 0.6 N won and lost deals closed over the last 900 days, with their stage history (the
  forecast's projection learns win rates and cycle times from the last 730 days),

written with COPY (a few seconds per 100,000 rows). Then, as the administrator (every
deal) and as the demo sales manager (team scope: the first team's deals), it times
in-process through Django's test ``Client``:

- the board: ``GET /deals/board/`` (the page) and ``GET /api/v1/deals/board`` (the
  columns: totals of every stage, the first 50 cards of each open stage);
- the forecast for the current quarter by month: ``GET /forecast/?period=month&periods=3``
  (the page) and ``GET /api/v1/forecast?period=month&periods=3`` (the API);

against two baselines run raw on a cursor (rows fetched):

- *hand SQL*: hand-written SQL returning the same data (board: stages, totals, cards with
  account, owner and primary contact; forecast: every figure per rep, currency and month
  and the per-stage history, computed in the database); checked against the selectors'
  own result before timing (the *same data* column);
- *Django SQL*: every query the request ran (captured, re-run one after the other).

Writes its section of ``docs/benchmarks.md``.

    .venv/bin/python bench/sales.py [--deals N] [--repeat R] [--reload]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/guanxi_bench_sales"
URL = os.environ.get("SALES_BENCH_DATABASE_URL", DEFAULT_URL)
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.config.settings")
os.environ.setdefault("DEBUG", "false")  # as in production: no query log, no debug pages
os.environ.setdefault("LOG_LEVEL", "WARNING")  # no request log line per call

from contacts_api import ensure_database, percentile, time_raw  # noqa: E402

TEAMS = 5
TEAM_SIZE = 10
CLOSED_SHARE = 0.6  # won and lost deals per open deal
OPEN_STAGE_WEIGHTS = (0.35, 0.28, 0.22, 0.15)
PRODUCTS = ["ERP", "CRM", "云服务", "数据平台", "Support plan", "Licences", "Training"]
CATEGORIES = (["pipeline"] * 10) + (["best_case"] * 5) + (["commit"] * 4) + ["omitted"]
SECTION = "## Deals board and forecast at"


# --- the database -------------------------------------------------------------------------------


def _server_params() -> dict[str, Any]:
    import dj_database_url

    db = dj_database_url.parse(URL)
    params = {
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    return {"name": db["NAME"], **{k: v for k, v in params.items() if v}}


def loaded_open_deals() -> int | None:
    """Open deals in the benchmark database, None when it is missing or not loaded."""
    import psycopg

    params = _server_params()
    name = params.pop("name")
    try:
        with psycopg.connect(dbname=name, **params) as conn:
            row = conn.execute(
                "SELECT count(*) FROM sales_deal d JOIN sales_stage s ON s.id = d.stage_id "
                "WHERE s.kind = 'open' AND d.deleted_at IS NULL"
            ).fetchone()
    except (psycopg.OperationalError, psycopg.errors.UndefinedTable):
        return None
    return row[0] if row else None


def drop_database() -> None:
    import psycopg
    from psycopg import sql

    params = _server_params()
    name = params.pop("name")
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    print(f"dropped database {name}")


# --- loading --------------------------------------------------------------------------------------


def load(deals: int, accounts: int) -> float:
    """Users, teams, demo accounts, then open and closed deals with history by COPY."""
    from django.core.management import call_command
    from django.db import connection

    from guanxi.customers.demo import DemoSize, load_demo

    started = time.monotonic()
    call_command("seed_demo_users", stdout=open(os.devnull, "w"))  # noqa: SIM115
    make_sales_force()
    size = DemoSize(accounts=accounts, contacts=accounts, activities=0)
    load_demo(seed=2026, size=size, index=False, log=lambda m: print(f"  {m}", flush=True))
    print(f"  accounts and contacts ({time.monotonic() - started:.1f}s)", flush=True)
    written = write_deals(deals)
    print(f"  {written} ({time.monotonic() - started:.1f}s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.monotonic() - started
    print(f"loaded {deals:,} open deals in {seconds:.0f}s", flush=True)
    return seconds


def make_sales_force() -> None:
    """5 teams of 10: the demo sales manager and rep in the first, 48 more users; each
    team's first member manages it (role sales_manager), the others are sales reps."""
    from django.contrib.auth.hashers import make_password

    from guanxi.core.models import Role, Team, TeamMembership, User

    manager = User.objects.get(email="sales.manager@guanxi.test")
    first_team = manager.teams.get()
    members = [[manager, User.objects.get(email="sales.rep@guanxi.test")]]
    password = make_password(None)  # unusable: nobody logs in as them
    roles = {r.code: r for r in Role.objects.filter(code__in=("sales_rep", "sales_manager"))}
    teams = [first_team]
    for number in range(2, TEAMS + 1):
        teams.append(Team.objects.create(name=f"Sales team {number}"))
        members.append([])
    new_users = []
    for index, team_members in enumerate(members):
        while len(team_members) < TEAM_SIZE:
            n = len(new_users) + 1
            user = User(
                email=f"rep{n:02}@guanxi.test",
                full_name=f"Rep {n:02} (team {index + 1})",
                password=password,
                language="zh-hans",
            )
            new_users.append(user)
            team_members.append(user)
    User.objects.bulk_create(new_users)
    created = {user.pk for user in new_users}
    through = User.roles.through
    through.objects.bulk_create(
        through(user_id=user.pk, role_id=roles["sales_manager" if not i else "sales_rep"].pk)
        for team_members in members
        for i, user in enumerate(team_members)
        if user.pk in created
    )
    TeamMembership.objects.bulk_create(
        TeamMembership(team=team, user=user, is_manager=not i)
        for team, team_members in zip(teams, members, strict=True)
        for i, user in enumerate(team_members)
        if user.pk in created
    )


def _copy(cursor: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """COPY rows into ``table`` (psycopg adapts and escapes each value)."""
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def write_deals(open_deals: int) -> str:
    """Open deals (expected to close from 45 days ago to 400 days ahead) and closed ones
    (over the last 900 days), each with the stage changes that brought it there."""
    from django.db import connection, transaction
    from django.utils import timezone

    from guanxi.customers.models import Account
    from guanxi.sales.models import Pipeline

    rng = random.Random(2026)  # noqa: S311 - benchmark data
    pipeline = Pipeline.objects.get(is_default=True)
    stages = list(pipeline.stages.order_by("position"))
    opens = [s for s in stages if s.kind == "open"]
    won = next(s for s in stages if s.kind == "won")
    lost = next(s for s in stages if s.kind == "lost")
    accounts = list(Account.objects.values_list("pk", "name", "owner_id", "team_id", "country"))
    now = timezone.now()
    today = timezone.localdate()
    deal_rows: list[tuple[Any, ...]] = []
    change_rows: list[tuple[Any, ...]] = []
    change_id = 0

    def history(pk: int, owner: int, path: list[Any], entered: datetime) -> datetime:
        """Stage changes along ``path``, the last one at ``entered``; returns the first."""
        nonlocal change_id
        stays = [timedelta(days=rng.randint(3, 40), hours=rng.randint(0, 23)) for _ in path[1:]]
        first = at = entered - sum(stays, timedelta())
        previous = None
        for index, stage in enumerate(path):
            change_id += 1
            seconds = int(stays[index - 1].total_seconds()) if index else 0
            change_rows.append((change_id, at, seconds, owner, pk, previous, stage.pk))
            previous = stage.pk
            if index < len(stays):
                at += stays[index]
        return first

    total = open_deals + round(open_deals * CLOSED_SHARE)
    for deal_id in range(1, total + 1):
        account, name, owner, team, country = rng.choice(accounts)
        amount = rng.choice([8, 15, 30, 60, 120, 250, 600]) * 1000 + rng.randint(0, 99) * 100
        if deal_id <= open_deals:
            reached = rng.choices(range(len(opens)), weights=OPEN_STAGE_WEIGHTS)[0]
            final = opens[reached]
            path = opens[: reached + 1]
            entered = now - timedelta(seconds=rng.randint(0, 150 * 86400))
            closed = None
            close_day = (
                None if rng.random() < 0.05 else today + timedelta(days=rng.randint(-45, 400))
            )
            probability = max(5, min(95, final.probability + rng.choice([-10, -5, 0, 0, 5, 10])))
        else:
            final = won if rng.random() < 0.45 else lost
            path = [*opens[: rng.randint(1, len(opens))], final]
            entered = now - timedelta(seconds=rng.randint(3600, 900 * 86400))
            closed = entered
            close_day = timezone.localtime(closed).date()
            probability = final.probability
        started = history(deal_id, owner, path, entered)
        deal_rows.append(
            (
                deal_id,
                f"{name[:24]} {rng.choice(PRODUCTS)}",
                entered,
                Decimal(amount),
                "CNY" if country == "CN" else "USD",
                probability,
                close_day,
                rng.choice(CATEGORIES),
                "",
                "",
                rng.choice(["price", "competitor", "no_decision"]) if final is lost else "",
                "",
                closed,
                "",
                "{}",
                started,
                entered,
                account,
                owner,
                team,
                pipeline.pk,
                final.pk,
            )
        )
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor, for COPY
        _copy(
            cursor,
            "sales_deal",
            [
                "id",
                "name",
                "stage_entered_at",
                "amount",
                "currency",
                "probability",
                "expected_close",
                "forecast_category",
                "next_step",
                "competitors",
                "lost_reason",
                "lost_note",
                "closed_at",
                "description",
                "custom_fields",
                "created_at",
                "updated_at",
                "account_id",
                "owner_id",
                "team_id",
                "pipeline_id",
                "stage_id",
            ],
            deal_rows,
        )
        _copy(
            cursor,
            "sales_dealstagechange",
            [
                "id",
                "changed_at",
                "seconds_in_previous",
                "changed_by_id",
                "deal_id",
                "from_stage_id",
                "to_stage_id",
            ],
            change_rows,
        )
        for table in ("sales_deal", "sales_dealstagechange"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
    return f"deals: {len(deal_rows):,}, stage changes: {len(change_rows):,}"


# --- hand-written SQL -----------------------------------------------------------------------------

# Deals the user may see: everything for an administrator; for a team scope (the
# sales manager) their own, their live teammates' and those of their live teams.
TEAM_SCOPE = """(
    d.owner_id = %(user)s
    OR d.owner_id IN (
        SELECT m.user_id FROM core_teammembership m
        JOIN core_teammembership mine ON mine.team_id = m.team_id
        JOIN core_team t ON t.id = m.team_id
        WHERE mine.user_id = %(user)s AND t.deleted_at IS NULL)
    OR d.team_id IN (
        SELECT mine.team_id FROM core_teammembership mine
        JOIN core_team t ON t.id = mine.team_id
        WHERE mine.user_id = %(user)s AND t.deleted_at IS NULL)
)"""

BOARD_STAGES = """
SELECT id, name, code, position, probability, kind FROM sales_stage
WHERE pipeline_id = %(pipeline)s ORDER BY position, id"""

BOARD_TOTALS = """
SELECT d.stage_id, d.currency, count(*), sum(d.amount) FROM sales_deal d
WHERE d.deleted_at IS NULL AND d.pipeline_id = %(pipeline)s AND {scope}
GROUP BY d.stage_id, d.currency ORDER BY d.stage_id, d.currency"""

BOARD_CARDS = """
SELECT c.id, c.name, c.stage_id, c.amount, c.currency, c.expected_close,
       c.stage_entered_at, a.id, a.name, u.id, u.full_name, u.email, pc.id, pc.full_name
FROM (
    SELECT d.*, row_number() OVER (
        PARTITION BY d.stage_id ORDER BY d.expected_close ASC NULLS LAST, d.id) AS rank
    FROM sales_deal d
    JOIN sales_stage s ON s.id = d.stage_id AND s.kind = 'open'
    WHERE d.deleted_at IS NULL AND d.pipeline_id = %(pipeline)s AND {scope}
) c
JOIN customers_account a ON a.id = c.account_id
JOIN core_user u ON u.id = c.owner_id
LEFT JOIN LATERAL (
    SELECT ct.id, ct.full_name FROM customers_accountcontact ac
    JOIN customers_contact ct ON ct.id = ac.contact_id
    WHERE ac.account_id = a.id AND ac.is_primary AND ct.deleted_at IS NULL
) pc ON TRUE
WHERE c.rank <= 50
ORDER BY c.stage_id, c.rank"""

# What a page adds around its data: the pipelines menu (board) and the owner filter.
PIPELINES = """
SELECT p.id, p.name, s.id, s.name, s.code FROM sales_pipeline p
JOIN sales_stage s ON s.pipeline_id = p.id
WHERE p.is_active ORDER BY p.position, p.id, s.position, s.id"""
OWNERS = "SELECT id, full_name, email FROM core_user WHERE is_active ORDER BY full_name, email"

# Every figure of the forecast in one statement: per stage the history of the visible
# deals closed since %(since)s (closed, won, median days from entering it to winning),
# then per rep, currency and period the won, open-by-category, weighted and projected
# amounts. One 'stage' row per open stage with history, one 'cell' row per figure cell.
FORECAST = """
WITH vis AS MATERIALIZED (
    SELECT d.id, d.owner_id AS grp, d.stage_id, d.amount, d.currency, d.probability,
           d.forecast_category, d.expected_close, d.stage_entered_at, d.closed_at, s.kind
    FROM sales_deal d JOIN sales_stage s ON s.id = d.stage_id
    WHERE d.deleted_at IS NULL AND {scope}
),
entries AS (
    SELECT v.id, v.kind, v.closed_at, ch.to_stage_id, min(ch.changed_at) AS first
    FROM vis v JOIN sales_dealstagechange ch ON ch.deal_id = v.id
    WHERE v.kind IN ('won', 'lost') AND v.closed_at >= %(since)s
    GROUP BY v.id, v.kind, v.closed_at, ch.to_stage_id
),
stats AS (
    SELECT e.to_stage_id AS stage_id, count(*) AS closed,
           count(*) FILTER (WHERE e.kind = 'won') AS won,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(
               0, extract(epoch FROM e.closed_at - e.first)::float8 / 86400))
               FILTER (WHERE e.kind = 'won') AS median_days
    FROM entries e JOIN sales_stage s ON s.id = e.to_stage_id AND s.kind = 'open'
    GROUP BY e.to_stage_id
),
rates AS (
    SELECT s.id AS stage_id, st.median_days,
           CASE WHEN st.closed > 0 THEN st.won::numeric / st.closed
                ELSE s.probability::numeric / 100 END AS rate
    FROM sales_stage s LEFT JOIN stats st ON st.stage_id = s.id
    WHERE s.kind = 'open'
),
figures AS (
    SELECT grp, currency, date_trunc(%(kind)s, expected_close)::date AS period,
           0 AS won,
           sum(amount) FILTER (WHERE forecast_category = 'commit') AS commit,
           sum(amount) FILTER (WHERE forecast_category = 'best_case') AS best_case,
           sum(amount) FILTER (WHERE forecast_category = 'pipeline') AS pipeline,
           sum(amount) FILTER (WHERE forecast_category = 'omitted') AS omitted,
           sum(amount * probability / 100) AS weighted, 0 AS projected
    FROM vis WHERE kind = 'open' AND expected_close >= %(start)s AND expected_close < %(end)s
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT grp, currency, date_trunc(%(kind)s, closed_at AT TIME ZONE %(tz)s)::date,
           sum(amount), 0, 0, 0, 0, 0, 0
    FROM vis WHERE kind = 'won' AND closed_at >= %(start_at)s AND closed_at < %(end_at)s
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT v.grp, v.currency, date_trunc(%(kind)s, greatest(
               CASE WHEN r.median_days IS NOT NULL
                    THEN (v.stage_entered_at AT TIME ZONE %(tz)s)::date
                         + round(r.median_days)::int
                    ELSE coalesce(v.expected_close, %(today)s) END,
               %(today)s))::date,
           0, 0, 0, 0, 0, 0, sum(v.amount * r.rate)
    FROM vis v JOIN rates r ON r.stage_id = v.stage_id
    WHERE v.kind = 'open'
    GROUP BY 1, 2, 3
)
SELECT 'cell', f.grp, f.currency, f.period, sum(f.won), sum(f.commit), sum(f.best_case),
       sum(f.pipeline), sum(f.omitted), round(sum(f.weighted), 2),
       round(sum(f.projected), 2)
FROM figures f
WHERE f.period >= %(start)s AND f.period < %(end)s
GROUP BY f.grp, f.currency, f.period
UNION ALL
SELECT 'stage', stage_id, NULL, NULL, closed, won, median_days::numeric, NULL, NULL, NULL,
       NULL
FROM stats"""
FORECAST_NAMES = "SELECT id, full_name, email FROM core_user WHERE id = ANY(%(ids)s)"


def scope_sql(template: str, who: str) -> str:
    return template.format(scope="TRUE" if who == "administrator" else TEAM_SCOPE)


def board_statements(who: str, page: bool) -> list[str]:
    statements = [BOARD_STAGES, scope_sql(BOARD_TOTALS, who), scope_sql(BOARD_CARDS, who)]
    return [*statements, PIPELINES, OWNERS] if page else statements


def forecast_params(user: Any, start: date, count: int) -> dict[str, Any]:
    from django.utils import timezone

    from guanxi.sales.selectors_forecast import HISTORY_DAYS, _aware, periods_from

    periods = periods_from(start, "month", count)
    tz = timezone.get_current_timezone()
    return {
        "user": user.pk,
        "kind": "month",
        "start": periods[0].start,
        "end": periods[-1].end,
        "start_at": _aware(periods[0].start, tz),
        "end_at": _aware(periods[-1].end, tz),
        "tz": str(tz),
        "today": timezone.localdate(),
        "since": timezone.now() - timedelta(days=HISTORY_DAYS),
    }


def run_hand(cursor: Any, statements: list[str], params: dict[str, Any]) -> list[list[Any]]:
    results = []
    for sql in statements:
        cursor.execute(sql, params)
        results.append(cursor.fetchall())
    return results


def time_hand(cursor: Any, statements: list[str], params: dict[str, Any]) -> float:
    started = time.perf_counter()
    run_hand(cursor, statements, params)
    return time.perf_counter() - started


def board_hand(who: str, page: bool, params: dict[str, Any]) -> Any:
    return partial(time_hand, statements=board_statements(who, page), params=params)


def forecast_hand(params: dict[str, Any], page: bool) -> Any:
    return partial(time_forecast_hand, params=params, page=page)


def time_forecast_hand(cursor: Any, params: dict[str, Any], page: bool) -> float:
    """The forecast statement, then the names of the reps it found (as the page labels
    its rows), and for the page the owner filter."""
    started = time.perf_counter()
    cursor.execute(scope_sql(FORECAST, params["who"]), params)
    rows = cursor.fetchall()
    cursor.execute(FORECAST_NAMES, {"ids": sorted({r[1] for r in rows if r[0] == "cell"})})
    cursor.fetchall()
    if page:
        cursor.execute(OWNERS)
        cursor.fetchall()
    return time.perf_counter() - started


# --- checks: the hand-written SQL returns what the selectors compute ----------------------


def check_board(user: Any, who: str) -> str:
    from django.db import connection

    from guanxi.sales.selectors_deals import board_of, board_pipeline

    pipeline = board_pipeline(user)
    board = board_of(user, pipeline)
    columns = [*board.columns, board.won, board.lost]
    django_totals = sorted((c.stage.pk, cur, total) for c in columns for cur, total in c.sums)
    django_counts = {c.stage.pk: c.count for c in columns if c.count}
    django_cards = [(d.stage_id, d.pk) for c in board.columns for d in c.cards]
    with connection.cursor() as cursor:
        _stages, totals, cards = run_hand(
            cursor, board_statements(who, page=False), {"pipeline": pipeline.pk, "user": user.pk}
        )
    hand_counts: dict[int, int] = {}
    for stage_id, _currency, n, _total in totals:
        hand_counts[stage_id] = hand_counts.get(stage_id, 0) + n
    hand_totals = sorted((stage_id, cur, total) for stage_id, cur, _n, total in totals)
    hand_cards = [(row[2], row[0]) for row in cards]
    problems = []
    if django_counts != hand_counts:
        print(f"  board counts per stage: {django_counts} vs {hand_counts}")
        times = sum(django_counts.values()) / max(1, sum(hand_counts.values()))
        problems.append(f"counts ×{times:.1f}")
    if django_totals != hand_totals:
        problems.append("sums differ")
    if django_cards != hand_cards:
        unique = len(set(django_cards))
        problems.append(f"{unique} distinct of {len(django_cards)} cards")
    return "yes" if not problems else "**no**: " + ", ".join(problems)


def check_forecast(user: Any, who: str, start: date, count: int) -> str:
    from django.db import connection

    from guanxi.sales.selectors_forecast import FIGURES, forecast_for

    result = forecast_for(user, kind="month", count=count, start=start, group="rep")
    django_cells: dict[tuple[Any, ...], Decimal] = {}
    for row in result.rows:
        for period, cells in zip(result.periods, row.cells, strict=True):
            for name in FIGURES:
                if cells[name]:
                    django_cells[(row.key, row.currency, period.start, name)] = cells[name]
    django_stats = {s.stage.pk: (s.closed, s.won, s.median_days) for s in result.stages if s.closed}
    params = {**forecast_params(user, start, count), "who": who}
    with connection.cursor() as cursor:
        cursor.execute(scope_sql(FORECAST, who), params)
        rows = cursor.fetchall()
    hand_cells: dict[tuple[Any, ...], Decimal] = {}
    hand_stats = {}
    order = ["won", "commit", "best_case", "pipeline", "omitted", "weighted", "projected"]
    for kind, key, currency, period, *values in rows:
        if kind == "stage":
            hand_stats[key] = (
                values[0],
                values[1],
                None if values[2] is None else float(values[2]),
            )
            continue
        for name, value in zip(order, values, strict=True):
            if value:
                hand_cells[(key, currency, period, name)] = Decimal(value)
    problems = []
    if set(django_stats) != set(hand_stats) or any(
        django_stats[k][:2] != hand_stats[k][:2]
        or abs((django_stats[k][2] or 0) - (hand_stats[k][2] or 0)) > 1e-6
        for k in django_stats
    ):
        problems.append(f"stage history {django_stats} vs {hand_stats}")
    keys = set(django_cells) | set(hand_cells)
    off = [
        k
        for k in keys
        if abs(django_cells.get(k, Decimal(0)) - hand_cells.get(k, Decimal(0)))
        > (Decimal("0.01") if k[3] == "projected" else 0)
    ]
    if off:
        problems.append(f"{len(off)} of {len(keys)} cells differ, e.g. {sorted(off)[:3]}")
    if problems:
        print("  forecast: " + "; ".join(problems))
    return "yes" if not problems else "**no**: differs"


# --- timing --------------------------------------------------------------------------------


def measure(
    client: Any, url: str, headers: dict[str, str], repeat: int, hand: Any
) -> dict[str, Any]:
    """p50/p95 of the request, of every query it ran re-run raw, and of the hand SQL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm up: caches, plans, the token's last_used_at
        assert client.get(url, headers=headers).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content[:300]
    queries = [query["sql"] for query in captured.captured_queries]
    django_times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url, headers=headers)
        django_times.append(time.perf_counter() - started)
    every, own = [], []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            every.append(time_raw(cursor, queries))
            own.append(hand(cursor))
    slowest = max(queries, key=lambda sql: time_one(sql))
    return {
        "queries": len(queries),
        "p50": statistics.median(django_times),
        "p95": percentile(django_times, 0.95),
        "all_p50": statistics.median(every),
        "hand_p50": statistics.median(own),
        "hand_p95": percentile(own, 0.95),
        "slowest": slowest,
        "slowest_ms": time_one(slowest) * 1000,
        "bytes": len(response.content),
    }


def time_one(sql: str) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        return min(time_raw(cursor, [sql]) for _ in range(3))


def run(args: argparse.Namespace) -> None:
    found = loaded_open_deals()
    fresh = args.reload or found != args.deals
    if fresh and found is not None:
        drop_database()
    ensure_database(URL)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from guanxi.core.models import User
    from guanxi.core.services.tokens import create_token
    from guanxi.sales.selectors_deals import board_pipeline
    from guanxi.sales.selectors_forecast import period_start

    call_command("migrate", verbosity=0)
    load_seconds = None
    if fresh:
        load_seconds = load(args.deals, max(1000, args.deals // 5))
    else:
        print(f"reusing the {found:,} open deals already loaded", flush=True)
    quarter = period_start(timezone.localdate(), "quarter")
    users = [("administrator", "admin@guanxi.test"), ("sales manager", "sales.manager@guanxi.test")]
    rows = []
    for who, email in users:
        user = User.objects.get(email=email)
        pipeline = board_pipeline(user)
        board_ok = check_board(user, who)
        forecast_ok = check_forecast(user, who, quarter, 3)
        print(f"{who}: board same data: {board_ok}; forecast same data: {forecast_ok}", flush=True)
        _token, key = create_token(actor=user, name="benchmark")
        client = Client()
        client.force_login(user)
        api = {"authorization": f"Bearer {key}"}
        bparams = {"pipeline": pipeline.pk, "user": user.pk}
        fp = {**forecast_params(user, quarter, 3), "who": who}
        query = f"period=month&periods=3&start={quarter.isoformat()}"
        cases = [
            ("board", "page", "/deals/board/", {}, board_ok, board_hand(who, True, bparams)),
            ("board", "API", "/api/v1/deals/board", api, board_ok, board_hand(who, False, bparams)),
            ("forecast", "page", f"/forecast/?{query}", {}, forecast_ok, forecast_hand(fp, True)),
            (
                "forecast",
                "API",
                f"/api/v1/forecast?{query}",
                api,
                forecast_ok,
                forecast_hand(fp, False),
            ),
        ]
        for what, kind, url, headers, same, hand in cases:
            result = measure(client, url, headers, args.repeat, hand)
            result["same"] = same
            rows.append((who, what, kind, result))
            print(f"{who:14} {what:8} {kind:4} {summary(result)}", flush=True)
    write_report(args, rows, load_seconds, quarter)


def summary(r: dict[str, Any]) -> str:
    return (
        f"queries {r['queries']}  p50 {r['p50'] * 1000:.1f} ms  p95 {r['p95'] * 1000:.1f} ms  "
        f"Django SQL p50 {r['all_p50'] * 1000:.1f} ms  hand SQL p50 {r['hand_p50'] * 1000:.1f} ms"
        f"  ratios {r['p50'] / r['hand_p50']:.1f}x / {r['p50'] / r['all_p50']:.1f}x  "
        f"slowest query {r['slowest_ms']:.1f} ms: {r['slowest'][:90]}"
    )


def write_report(
    args: argparse.Namespace, rows: list, load_seconds: float | None, quarter: date
) -> None:
    from django.db import connection

    from guanxi.sales.models import Deal, DealStageChange

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM customers_account")
        accounts = cursor.fetchone()[0]
    closed = Deal.objects.exclude(stage__kind="open").count()
    changes = DealStageChange.objects.count()
    lines = [
        "| user | view | request | queries / request | Django p50 (ms) | Django p95 (ms) "
        "| hand SQL p50 (ms) | hand SQL p95 (ms) | Django SQL p50 (ms) | Django / hand SQL "
        "| Django / its own SQL | same data |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for who, what, kind, r in rows:
        lines.append(
            f"| {who} | {what} | {kind} | {r['queries']} | {r['p50'] * 1000:.1f} | "
            f"{r['p95'] * 1000:.1f} | {r['hand_p50'] * 1000:.1f} | {r['hand_p95'] * 1000:.1f} | "
            f"{r['all_p50'] * 1000:.1f} | **{r['p50'] / r['hand_p50']:.1f}×** | "
            f"**{r['p50'] / r['all_p50']:.1f}×** | {r['same']} |"
        )
    loaded = f"{load_seconds:.0f} s" if load_seconds is not None else "reused"
    section = "\n".join(
        [
            f"{SECTION} {args.deals:,} open deals ({date.today().isoformat()})",
            "",
            f"Written by `bench/sales.py` (database `guanxi_bench_sales`). "
            f"{args.deals:,} open deals and {closed:,} won or lost ones ({changes:,} stage "
            f"changes) in the default pipeline, on {accounts:,} accounts owned by 50 sales "
            f"users in 5 teams of 10.",
            "",
            f"- Machine: {os.cpu_count()} cores, {platform.machine()}, Python "
            f"{platform.python_version()}, PostgreSQL {server}; loading the data: {loaded}.",
            f"- {args.repeat} timed requests per row after 3 warm-up requests, in-process "
            "through Django's test `Client` (pages logged in, the API with a token). "
            f"Board: the default pipeline, 50 cards a column. Forecast: the quarter from "
            f"{quarter.isoformat()} by month, by rep.",
            "- The administrator sees every deal; the sales manager (team scope) their "
            "first team's, about a fifth.",
            "- *Hand SQL* is hand-written SQL returning the same data, run raw on a cursor "
            "with its rows fetched: board — stages, totals per stage and currency, the first "
            "50 cards of each open stage with account, owner and primary contact (window "
            "function), the page adding the pipelines menu and the owner filter; forecast — "
            "one statement computing every figure per rep, currency and month and the "
            "per-stage history in the database, then the reps' names. *Same data* compares "
            "it with the selectors' result (`board_of`, `forecast_for`) before timing. "
            "*Django SQL* is every query the request ran, re-run raw one after the other.",
            "- On shared, noisy machines the **ratios** are the result, not the absolute times.",
            "",
            *lines,
            "",
        ]
    )
    path = ROOT / "docs" / "benchmarks.md"
    body = path.read_text()
    parts = body.split("\n## ")
    kept = [part for part in parts if not ("## " + part).startswith(SECTION)]
    analysis = [part for part in parts if ("## " + part).startswith(SECTION)]
    notes = ""
    if analysis:  # keep the hand-written analysis that follows the generated table
        old = "## " + analysis[0]
        marker = "\n### "
        notes = old[old.index(marker) :] if marker in old else ""
    body = "\n## ".join(kept).rstrip("\n") + "\n\n" + section + notes.rstrip("\n") + "\n"
    path.write_text(body)
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=int(os.environ.get("BENCH_DEALS", "100000")))
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per row")
    parser.add_argument("--reload", action="store_true", help="load the data even if present")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
