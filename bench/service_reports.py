"""Benchmark: the service report (guanxi.service.selectors_reports) against hand-written SQL.

On PostgreSQL (``SERVICE_BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/guanxi_bench_service``: a database of its own,
created with a UTF-8 ctype, dropped and rebuilt when its data set is not the one asked
for), loads with COPY:

- 40 service agents in 5 teams (one service manager each), 12 ticket categories and 8
  products;
- N tickets (100,000 by default; ``--tickets`` or ``BENCH_SERVICE_TICKETS=10000`` for a
  quick run) created over the last 400 days on every channel and priority, 90 % with SLA
  due times, 85 % answered (1–30 h), 80 % solved (2–200 h), 6 % with a breach recorded;
- a CSAT answer for every third solved ticket and 5,000 NPS answers about no ticket.

Then times, as the administrator (every ticket) and as a service manager (team scope),
the report over the last twelve months by month (``--repeat`` times, median), against a
hand-written SQL baseline run raw on a cursor that computes the same figures (grouped
counts with ``FILTER``, medians with ``percentile_cont``, the backlog per month end and
the CSAT/NPS sums), after checking that both give the same totals. Prints both times and
their ratio (report ÷ hand SQL); writes nothing else.

    .venv/bin/python bench/service_reports.py [--tickets N] [--repeat R] [--reload]
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/guanxi_bench_service"
URL = os.environ.get("SERVICE_BENCH_DATABASE_URL", DEFAULT_URL)
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from contacts_api import ensure_database  # noqa: E402

TEAMS, AGENTS_PER_TEAM = 5, 8
CHANNELS = ("email", "web", "phone", "api", "agent")
PASSWORD = secrets.token_urlsafe(16)  # nobody logs in to the benchmark database
PRIORITIES = ("low", "normal", "normal", "high", "urgent")


def loaded_tickets() -> int | None:
    import psycopg

    try:
        with psycopg.connect(URL) as conn:
            row = conn.execute("SELECT count(*) FROM service_ticket").fetchone()
    except (psycopg.OperationalError, psycopg.errors.UndefinedTable):
        return None
    return row[0] if row else None


def drop_database() -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    name = dj_database_url.parse(URL)["NAME"]
    with psycopg.connect(URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    print(f"dropped database {name}")


# --- loading ----------------------------------------------------------------------------------


def _copy(model: Any, objects: list[Any]) -> None:
    """COPY unsaved model instances (every concrete column but the id)."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row(
                    [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
                )


def load(count: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from guanxi.core.models import Role, Team, TeamMembership, User
    from guanxi.sales.models import Product
    from guanxi.service.models import Category, Survey, Ticket

    started = time.monotonic()
    rng = random.Random(2026)  # noqa: S311 - benchmark data
    agent_role = Role.objects.get(code="service_agent")
    manager_role = Role.objects.get(code="service_manager")
    User.objects.create_superuser(email="admin@bench.test", password=PASSWORD, full_name="Admin")
    teams, agents = [], []
    for t in range(TEAMS):
        team = Team.objects.create(name=f"Desk {t + 1}")
        teams.append(team)
        for a in range(AGENTS_PER_TEAM):
            user = User.objects.create_user(
                email=f"agent{t}-{a}@bench.test", password=PASSWORD, full_name=f"Agent {t}-{a}"
            )
            user.roles.add(manager_role if a == 0 else agent_role)
            TeamMembership.objects.create(team=team, user=user, is_manager=a == 0)
            agents.append((team, user))
    categories = [
        Category.objects.create(name=f"Category {n}", team=teams[n % TEAMS]) for n in range(12)
    ]
    products = [Product.objects.create(sku=f"B-{n}", name=f"Bench product {n}") for n in range(8)]
    now = timezone.now()
    tickets = []
    for n in range(count):
        team, owner = rng.choice(agents)
        created = now - timedelta(seconds=rng.randint(0, 400 * 86400))
        ticket = Ticket(
            number=f"B{n:07d}",
            subject=f"Bench ticket {n}",
            channel=rng.choice(CHANNELS),
            priority=rng.choice(PRIORITIES),
            status="open",
            category=rng.choice(categories),
            product=rng.choice(products) if rng.random() < 0.6 else None,
            team=team if rng.random() < 0.95 else None,
            owner=owner if rng.random() < 0.9 else None,
            public_token=secrets.token_urlsafe(24),
            created_at=created,
            updated_at=created,
        )
        if rng.random() < 0.9:
            ticket.first_response_due = created + timedelta(hours=rng.choice((4, 8, 24)))
            ticket.resolution_due = created + timedelta(hours=rng.choice((24, 48, 120)))
        if rng.random() < 0.85:
            ticket.first_responded_at = created + timedelta(hours=rng.uniform(0.1, 30))
            if rng.random() < 0.94:
                ticket.solved_at = ticket.first_responded_at + timedelta(hours=rng.uniform(2, 200))
                ticket.status = "solved"
        if ticket.solved_at and ticket.solved_at > now:
            ticket.solved_at, ticket.status = None, "open"
        if ticket.first_responded_at and ticket.first_responded_at > now:
            ticket.first_responded_at = None
        if ticket.first_response_due and rng.random() < 0.06:
            ticket.first_response_breached_at = ticket.first_response_due
        tickets.append(ticket)
    _copy(Ticket, tickets)
    solved = list(
        Ticket.objects.filter(solved_at__isnull=False).values_list("pk", "solved_at")[::3]
    )
    surveys = [
        Survey(
            kind="csat",
            ticket_id=pk,
            token=secrets.token_urlsafe(24),
            sent_at=at,
            answered_at=at + timedelta(hours=2),
            score=rng.choice((1, 2, 3, 4, 4, 5, 5, 5)),
            language="zh-hans",
        )
        for pk, at in solved
        if at + timedelta(hours=2) < now
    ]
    surveys += [
        Survey(
            kind="nps",
            token=secrets.token_urlsafe(24),
            sent_at=(moment := now - timedelta(seconds=rng.randint(3600, 400 * 86400))),
            answered_at=moment + timedelta(hours=1),
            score=rng.randint(0, 10),
            language="zh-hans",
        )
        for _ in range(5000)
    ]
    _copy(Survey, surveys)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.monotonic() - started
    print(f"loaded {count:,} tickets, {len(surveys):,} survey answers in {seconds:.0f}s")


# --- the hand-written baseline -----------------------------------------------------------------

DIMENSIONS = {
    "team": "t.team_id",
    "agent": "t.owner_id",
    "channel": "t.channel",
    "category": "t.category_id",
    "product": "t.product_id",
}
COUNTS = """
  count(*) FILTER (WHERE t.created_at >= %(start)s) AS created,
  count(*) FILTER (WHERE t.solved_at >= %(start)s AND t.solved_at < %(end)s) AS solved,
  count(*) FILTER (WHERE t.solved_at IS NULL OR t.solved_at >= %(end)s) AS backlog,
  count(*) FILTER (WHERE t.created_at >= %(start)s AND t.first_response_due IS NOT NULL
    AND t.first_response_breached_at IS NULL
    AND t.first_responded_at <= t.first_response_due) AS fr_met,
  count(*) FILTER (WHERE t.created_at >= %(start)s AND t.first_response_due IS NOT NULL
    AND (t.first_response_breached_at IS NOT NULL OR t.first_responded_at > t.first_response_due
    OR (t.first_responded_at IS NULL AND t.first_response_due < %(now)s))) AS fr_missed,
  count(*) FILTER (WHERE t.created_at >= %(start)s AND t.resolution_due IS NOT NULL
    AND t.resolution_breached_at IS NULL AND t.solved_at <= t.resolution_due) AS res_met,
  count(*) FILTER (WHERE t.created_at >= %(start)s AND t.resolution_due IS NOT NULL
    AND (t.resolution_breached_at IS NOT NULL OR t.solved_at > t.resolution_due
    OR (t.solved_at IS NULL AND t.resolution_due < %(now)s))) AS res_missed
"""
SCOPE = "t.deleted_at IS NULL {scope}"
RELEVANT = (
    "t.created_at < %(end)s AND (t.created_at >= %(start)s OR t.solved_at >= %(start)s "
    "OR t.solved_at IS NULL)"
)


def hand_statements(scope: str) -> list[str]:
    where = SCOPE.format(scope=scope)
    statements = [
        f"SELECT {column}, {COUNTS} FROM service_ticket t WHERE {where} AND {RELEVANT} "  # noqa: S608 - this file's fixed SQL
        f"GROUP BY {column}"
        for column in DIMENSIONS.values()
    ]
    for column in ("first_responded_at", "solved_at"):
        hours = f"extract(epoch FROM t.{column} - t.created_at) / 3600"
        for dimension in DIMENSIONS.values():
            statements.append(
                f"SELECT {dimension}, percentile_cont(0.5) WITHIN GROUP (ORDER BY {hours}), "  # noqa: S608 - this file's fixed SQL
                f"avg({hours}) FROM service_ticket t WHERE {where} AND t.{column} >= %(start)s "
                f"AND t.{column} < %(end)s GROUP BY {dimension}"
            )
        statements.append(
            f"SELECT date_trunc('month', t.{column} AT TIME ZONE %(tz)s), "  # noqa: S608 - this file's fixed SQL
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {hours}), avg({hours}), count(*) "
            f"FROM service_ticket t WHERE {where} AND t.{column} >= %(start)s "
            f"AND t.{column} < %(end)s GROUP BY 1"
        )
    statements.append(
        "SELECT date_trunc('month', t.created_at AT TIME ZONE %(tz)s), count(*), "  # noqa: S608 - this file's fixed SQL
        "count(*) FILTER (WHERE t.first_response_due IS NOT NULL "
        "AND t.first_response_breached_at IS NULL "
        "AND t.first_responded_at <= t.first_response_due) "
        f"FROM service_ticket t WHERE {where} AND t.created_at >= %(start)s "
        "AND t.created_at < %(end)s GROUP BY 1"
    )
    statements.append(
        "SELECT e.month_end, count(t.id) FROM unnest(%(ends)s::timestamptz[]) AS e(month_end) "  # noqa: S608 - this file's fixed SQL
        f"LEFT JOIN service_ticket t ON {where} AND t.created_at < e.month_end "
        "AND (t.solved_at IS NULL OR t.solved_at >= e.month_end) GROUP BY 1"
    )
    surveys = (
        "SELECT date_trunc('month', s.answered_at AT TIME ZONE %(tz)s), s.kind, count(*), "
        "count(*) FILTER (WHERE s.score >= 4), count(*) FILTER (WHERE s.score >= 9), "
        "count(*) FILTER (WHERE s.score <= 6), avg(s.score) "
        "FROM service_survey s LEFT JOIN service_ticket t ON t.id = s.ticket_id "
        "WHERE s.answered_at >= %(start)s AND s.answered_at < %(end)s "
        "AND s.score IS NOT NULL AND {about} GROUP BY 1, 2"
    )
    about = f"({where})" if scope else f"(s.ticket_id IS NULL OR {where})"
    statements.append(surveys.format(about=about))
    statements.append(
        f"SELECT t.team_id, count(*), count(*) FILTER (WHERE s.score >= 4) FROM service_survey s "  # noqa: S608 - this file's fixed SQL
        f"JOIN service_ticket t ON t.id = s.ticket_id WHERE {where} AND s.kind = 'csat' "
        "AND s.answered_at >= %(start)s AND s.answered_at < %(end)s GROUP BY 1"
    )
    return statements


def team_scope(user: Any) -> str:
    """The service manager's report scope: own, teammates' or their teams' tickets."""
    return (
        f"AND (t.owner_id = {int(user.pk)} OR t.owner_id IN (SELECT m2.user_id FROM "  # noqa: S608 - this file's fixed SQL
        "core_teammembership m1 JOIN core_teammembership m2 ON m1.team_id = m2.team_id "
        f"JOIN core_team tm ON tm.id = m1.team_id WHERE m1.user_id = {int(user.pk)} "
        "AND tm.deleted_at IS NULL) OR t.team_id IN (SELECT m.team_id FROM "
        f"core_teammembership m JOIN core_team tm ON tm.id = m.team_id WHERE m.user_id = "
        f"{int(user.pk)} AND tm.deleted_at IS NULL))"
    )


def run_hand(statements: list[str], params: dict[str, Any]) -> list[list[Any]]:
    from django.db import connection

    results = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)
            results.append(cursor.fetchall())
    return results


# --- measuring ---------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> None:
    found = loaded_tickets()
    fresh = args.reload or found != args.tickets
    if fresh and found is not None:
        drop_database()
    ensure_database(URL)
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from guanxi.core.models import User
    from guanxi.service.selectors_reports import (
        ReportFilters,
        _moment,
        next_period,
        period_starts,
        service_report,
    )

    call_command("migrate", verbosity=0)
    if fresh:
        load(args.tickets)
    else:
        print(f"reusing the {found:,} tickets already loaded")
    today = timezone.localdate()
    first = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
    filters = ReportFilters(date_from=first, date_to=today, period="month")
    ends = [
        _moment(min(next_period(day, "month"), today + timedelta(days=1)))
        for day in period_starts(filters)
    ]
    now = timezone.now()
    params = {
        "start": _moment(first),
        "end": _moment(today + timedelta(days=1)),
        "now": now,
        "tz": str(timezone.get_current_timezone()),
        "ends": ends,
    }
    users = [
        ("administrator", User.objects.get(email="admin@bench.test"), ""),
        ("service manager", User.objects.get(email="agent0-0@bench.test"), None),
    ]
    print(f"report over {first} … {today} by month, median of {args.repeat} runs")
    for who, user, scope in users:
        scope = team_scope(user) if scope is None else scope
        statements = hand_statements(scope)
        report = service_report(user, filters, now=now)
        hand = run_hand(statements, params)
        same = _same(report, hand)
        mine, theirs = [], []
        for _ in range(args.repeat):  # interleaved: both see the same load
            fresh_user = User.objects.get(pk=user.pk)
            started = time.perf_counter()
            service_report(fresh_user, filters, now=now)
            mine.append(time.perf_counter() - started)
            started = time.perf_counter()
            run_hand(statements, params)
            theirs.append(time.perf_counter() - started)
        report_s, hand_s = statistics.median(mine), statistics.median(theirs)
        print(
            f"{who:16} tickets counted {report['totals']['created']:>7,} created, "
            f"{report['totals']['backlog']:>6,} open | report {report_s * 1000:8.1f} ms | "
            f"hand SQL {hand_s * 1000:8.1f} ms | ratio {report_s / hand_s:5.2f}× | "
            f"same totals: {same}"
        )


FIRST_RESPONSE_BY_TEAM, BACKLOG_BY_MONTH = 5, 18  # positions in hand_statements()


def _same(report: dict[str, Any], hand: list[list[Any]]) -> bool:
    """The report equals the baseline: the total counts (the sum of the team rows), the
    median first response per team (to 0.01 h) and the backlog at each month's end."""
    sums = [sum(row[i] for row in hand[0]) for i in range(1, 8)]
    totals = report["totals"]
    counts = [
        totals[name]
        for name in (
            "created",
            "solved",
            "backlog",
            "sla_first_response_met",
            "sla_first_response_missed",
            "sla_resolution_met",
            "sla_resolution_missed",
        )
    ]
    medians = {row[0]: round(row[1], 2) for row in hand[FIRST_RESPONSE_BY_TEAM]}
    mine = {
        row["key"]: row["first_response_median_hours"]
        for row in report["tables"]["team"]
        if row["first_response_median_hours"] is not None
    }
    close = medians.keys() == mine.keys() and all(
        abs(medians[key] - mine[key]) <= 0.01 for key in mine
    )
    backlog = sorted(hand[BACKLOG_BY_MONTH])
    same_backlog = [n for _end, n in backlog] == [p["backlog"] for p in report["periods"]]
    for name, ok in (("counts", sums == counts), ("medians", close), ("backlog", same_backlog)):
        if not ok:
            print(f"  {name} differ")
    return sums == counts and close and same_backlog


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--tickets", type=int, default=int(os.environ.get("BENCH_SERVICE_TICKETS", 100_000))
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reload", action="store_true")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
