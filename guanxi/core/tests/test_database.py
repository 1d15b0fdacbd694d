"""The database is set up as the architecture requires on each engine."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_postgres_test_database_has_utf8_ctype_or_sqlite_uses_wal():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
            assert cursor.fetchone()[0] == "C.UTF-8"
        else:
            assert connection.vendor == "sqlite"
            assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20_000
