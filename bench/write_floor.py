"""The least time any code could spend writing some rows into a table: the rows read
back in binary and written again by one ``COPY`` into a fresh copy of the table (same
columns, defaults and indexes; no foreign keys, triggers or other rows: a floor on the
optimistic side). Used by the import and recompute benchmarks."""

from __future__ import annotations

import io
import time
from typing import Any


def copy_seconds(cursor: Any, table: str, rows_sql: str) -> float:
    """Seconds of the ``COPY`` of ``rows_sql``'s rows (all columns of ``table``, in
    order) into an empty copy of ``table``; ``cursor`` is psycopg's own."""
    copy_table = f"bench_floor_{table}"[:63]
    cursor.execute(f'DROP TABLE IF EXISTS "{copy_table}"')
    cursor.execute(f'CREATE TABLE "{copy_table}" (LIKE "{table}" INCLUDING ALL)')
    data = io.BytesIO()
    with cursor.copy(f"COPY ({rows_sql}) TO STDOUT (FORMAT binary)") as out:
        for chunk in out:
            data.write(chunk)
    started = time.perf_counter()
    with cursor.copy(f'COPY "{copy_table}" FROM STDIN (FORMAT binary)') as into:
        into.write(data.getvalue())
    seconds = time.perf_counter() - started
    cursor.execute(f'DROP TABLE "{copy_table}"')
    return seconds
