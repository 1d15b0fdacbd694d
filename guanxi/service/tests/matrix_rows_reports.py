"""The service reports' rows in the permission matrix: the page, its CSV tables and the
API are for administrators and analysts (every ticket), service managers (their teams'
tickets) and service agents (their own). Read-only: nothing to change."""

from __future__ import annotations

from typing import Any

from guanxi.testing.matrix import Case

READERS = frozenset({"administrator", "service_manager", "service_agent", "analyst"})
RANGE = {"date_from": "2026-01-01", "date_to": "2026-03-31", "period": "month"}


def team_table(actor: Any) -> dict[str, Any]:
    return {"table": "team"}


PAGES: dict[str, Case] = {
    "service:service_reports": Case("GET", READERS, data=RANGE),
    "service:service_report_csv": Case("GET", READERS, kwargs=team_table, data=RANGE),
}

OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/service-reports"): Case("GET", READERS, query=lambda actor: RANGE),
    ("GET", "/api/v1/service-reports/{table}"): Case(
        "GET", READERS, kwargs=team_table, query=lambda actor: RANGE
    ),
}


def state() -> tuple[Any, ...]:
    """Reports change nothing; the platform's state covers the rest."""
    return ()
