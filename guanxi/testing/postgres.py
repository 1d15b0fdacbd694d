"""Create the C.UTF-8 template PostgreSQL test databases are cloned from.

A cluster initialised with LC_CTYPE=C gives pg_trgm no trigrams for Chinese text;
cloning the test database from this template makes Chinese search testable.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql


def ensure_utf8_template(db: dict[str, Any]) -> None:
    name = db.get("TEST", {}).get("TEMPLATE") or "guanxi_template_utf8"
    params = {
        "dbname": "postgres",
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                    "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                ).format(sql.Identifier(name))
            )
