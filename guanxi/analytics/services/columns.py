"""Reading a query's result as NumPy columns, for the bulk computations of a recompute.

On PostgreSQL the rows come as one row of arrays (``array_agg`` per column) through
``COPY … TO STDOUT (FORMAT BINARY)``: with every column of a fixed width and never NULL
(the queries use ``COALESCE``), each array is read by NumPy as it is, no Python object
per value. Anywhere else (and
should a column turn out not to be of a fixed width) the rows are fetched with a plain
cursor. Each column is of a kind: ``"i"`` integer, ``"f"`` float, ``"d"`` a date, as
days since 1970-01-01."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import DatabaseError, connection

Column = npt.NDArray[Any]
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_PG_EPOCH_DAYS = 10957  # 2000-01-01, PostgreSQL's day 0 for dates, since 1970-01-01
CHUNK = 500  # ids per IN (...) list: well inside SQLite's limit on query parameters
# A full recompute's connection settings: memory per sort or hash of its aggregate
# queries (PostgreSQL's default, 4 MB, makes the per-customer groupings of 100,000
# customers spill to disk).
FULL_RUN = {"work_mem": "128MB"}
_FIXED = {("i", 4): ">i4", ("i", 8): ">i8", ("d", 4): ">i4", ("f", 8): ">f8", ("f", 4): ">f4"}


def fetch_columns(sql: str, params: Sequence[Any], kinds: str) -> list[Column]:
    """The columns of ``sql``'s rows (one array per column, of the given ``kinds``)."""
    if connection.vendor == "postgresql":
        found = _parse_binary(_copy_binary(sql, params, len(kinds)), kinds)
        if found is not None:
            return found
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    return _from_rows(rows, kinds)


def _copy_binary(sql: str, params: Sequence[Any], width: int) -> bytes:
    """One row of one array per column (``array_agg``: one message, not one per row),
    in COPY's binary format."""
    arrays = ", ".join(f"array_agg(q.c{i})" for i in range(width))
    names = ", ".join(f"c{i}" for i in range(width))
    connection.ensure_connection()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        chunks: list[bytes] = []
        statement = (
            f"COPY (SELECT {arrays} FROM ({sql}) AS q ({names}))"  # noqa: S608 (our SQL)
            " TO STDOUT (FORMAT BINARY)"
        )
        with raw.copy(statement, list(params)) as copy:
            for block in copy:
                chunks.append(bytes(block))
    return b"".join(chunks)


def _parse_binary(data: bytes, kinds: str) -> list[Column] | None:
    """The columns of a binary COPY of one row of arrays, or None when an element is
    NULL or not of a fixed width (then the caller fetches the rows instead)."""
    if not data.startswith(_SIGNATURE):
        return None
    view = memoryview(data)
    offset = 19 + int.from_bytes(data[15:19], "big")
    fields = int.from_bytes(data[offset : offset + 2], "big", signed=True)
    if fields != len(kinds):
        raise ValueError(f"the query gives {fields} columns, {len(kinds)} expected")
    offset += 2
    columns: list[Column] = []
    for kind in kinds:
        size = int.from_bytes(data[offset : offset + 4], "big", signed=True)
        offset += 4
        if size < 0:  # no rows: array_agg is NULL
            columns.append(np.zeros(0, dtype=np.float64 if kind == "f" else np.int64))
            continue
        array = view[offset : offset + size]
        offset += size
        column = _array(array, kind)
        if column is None:
            return None
        columns.append(column)
    return columns


def _array(array: memoryview, kind: str) -> Column | None:
    """A one-dimensional PostgreSQL array in binary form, without NULLs, as NumPy."""
    head = np.frombuffer(array[:20], dtype=">i4")
    dimensions, has_null, count = int(head[0]), int(head[1]), int(head[3])
    if dimensions != 1 or has_null:
        return None
    width = int.from_bytes(array[20:24], "big", signed=True)
    code = _FIXED.get((kind, width))
    if code is None or len(array) - 20 != count * (4 + width):
        return None
    items = np.frombuffer(array[20:], dtype=np.dtype([("w", ">i4"), ("v", code)]))
    if not (items["w"] == width).all():
        return None
    values = items["v"]
    if kind == "f":
        return values.astype(np.float64)
    if kind == "d":
        return values.astype(np.int64) + _PG_EPOCH_DAYS
    return values.astype(np.int64)


def empty_columns(kinds: str) -> list[Column]:
    """No rows: one empty array per column, of the given ``kinds``."""
    return _from_rows([], kinds)


def _from_rows(rows: list[tuple[Any, ...]], kinds: str) -> list[Column]:
    columns: list[Column] = []
    values: list[Any] = list(zip(*rows, strict=True)) if rows else [()] * len(kinds)
    for kind, column in zip(kinds, values, strict=True):
        if kind == "f":
            floats = [np.nan if v is None else float(v) for v in column]
            columns.append(np.array(floats, dtype=np.float64))
        elif kind == "d":
            days = np.array([str(v)[:10] for v in column], dtype="datetime64[D]")
            columns.append(days.astype(np.int64))
        else:
            columns.append(np.array(column, dtype=np.int64).reshape(len(column)))
    return columns


def id_chunks(ids: list[int] | None) -> Iterator[list[int] | None]:
    """``ids`` in lists of at most ``CHUNK`` (one ``IN (...)`` each); None (every
    customer) once as it is."""
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def fetch_for(
    sql: str, params: Sequence[Any], kinds: str, ids: list[int] | None, column: str
) -> list[Column]:
    """``fetch_columns`` of ``sql`` for every customer (``ids`` None) or for ``ids``, in
    chunks: ``{ids}`` in ``sql`` (after its last parameter) becomes
    ``AND <column> IN (…)``."""
    if ids is None:
        return fetch_columns(sql.replace("{ids}", ""), params, kinds)
    parts = []
    for chunk in id_chunks(ids):
        assert chunk is not None
        where = f" AND {column} IN ({', '.join(['%s'] * len(chunk))})"
        parts.append(fetch_columns(sql.replace("{ids}", where), [*params, *chunk], kinds))
    if not parts:
        return empty_columns(kinds)
    return [np.concatenate([part[i] for part in parts]) for i in range(len(kinds))]


@contextmanager
def full_run_settings(settings: Mapping[str, str] = FULL_RUN) -> Iterator[None]:
    """On PostgreSQL, ``settings`` for this connection while the block runs (the values
    before are restored after); nothing elsewhere. For a full recompute: its grouped
    queries over every customer then hash in memory instead of in batches on disk."""
    if connection.vendor != "postgresql":
        yield
        return
    before: dict[str, str] = {}
    with connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute("SELECT current_setting(%s)", [name])
            before[name] = cursor.fetchone()[0]
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                for name, value in before.items():
                    cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
        except DatabaseError:
            # Not restored (a broken connection; the block's own error tells why): this
            # connection must not be reused with the run's settings.
            connection.close()
