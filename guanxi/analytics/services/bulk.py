"""Writing computed rows in bulk, one row per customer: insert or update on the account.

On PostgreSQL each batch is COPied into a temporary table and moved with one
``INSERT … SELECT … ON CONFLICT (account) DO UPDATE`` (no per-row statement: at 100,000
rows several times faster than ``executemany``); on SQLite (3.24+) one ``executemany``
of ``INSERT … ON CONFLICT … DO UPDATE`` per batch. Values come prepared for the database
(``Field.get_db_prep_save``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models

SQLITE_BATCH = 2000
COPY_BATCH = 50_000


def _upsert_sql(table: str, names: Sequence[str], source: str | None) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(n) for n in names)
    updated = ", ".join(f"{quote(n)} = EXCLUDED.{quote(n)}" for n in names if n != "account_id")
    values = (
        f"SELECT {columns} FROM {quote(source)}"  # noqa: S608 (quoted names only)
        if source
        else f"VALUES ({', '.join(['%s'] * len(names))})"
    )
    return (
        f"INSERT INTO {quote(table)} ({columns}) {values} "
        f"ON CONFLICT ({quote('account_id')}) DO UPDATE SET {updated}"
    )


def upsert(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Insert or update ``rows`` (values in the order of the columns ``names``, one of
    them ``account_id``) into ``model``'s table; ``progress(done, total)`` after each
    batch."""
    table = model._meta.db_table
    total = len(rows)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql = _upsert_sql(table, names, None)
            for start in range(0, total, SQLITE_BATCH):
                cursor.executemany(sql, rows[start : start + SQLITE_BATCH])
                if progress is not None:
                    progress(min(start + SQLITE_BATCH, total), total)
            return
        quote = connection.ops.quote_name
        staging = f"{table}_staging"
        columns = ", ".join(quote(n) for n in names)
        cursor.execute(f"DROP TABLE IF EXISTS {quote(staging)}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {quote(staging)} AS "  # noqa: S608 (quoted names only)
            f"SELECT {columns} FROM {quote(table)} WITH NO DATA"
        )
        sql = _upsert_sql(table, names, staging)
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        try:
            for start in range(0, total, COPY_BATCH):
                with raw.copy(f"COPY {quote(staging)} ({columns}) FROM STDIN") as copy:
                    for row in rows[start : start + COPY_BATCH]:
                        copy.write_row(row)
                cursor.execute(sql)
                cursor.execute(f"TRUNCATE {quote(staging)}")
                if progress is not None:
                    progress(min(start + COPY_BATCH, total), total)
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {quote(staging)}")
