"""The API of the service module's service reports: the whole report, or one table of
it, over the tickets the caller's report grant covers."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema

from guanxi.core.access import require
from guanxi.service.forms_reports import ServiceReportForm
from guanxi.service.object_types import SERVICE_REPORT
from guanxi.service.schemas_reports import ReportTableSchema, ServiceReportSchema
from guanxi.service.selectors_reports import ReportFilters, csv_rows, service_report

router = Router(tags=["Service reports"])


class ReportQuery(Schema):
    date_from: str = ""
    date_to: str = ""
    period: str = ""
    team: str = ""
    agent: str = ""
    channel: str = ""
    category: str = ""
    product: str = ""
    priority: str = ""


def _filters(query: ReportQuery) -> ReportFilters:
    """The query checked like the page's filter form; errors name the parameter."""
    form = ServiceReportForm(query.dict(), choices=None)
    if not form.is_valid():
        raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
    return form.filters()


@router.get(
    "/service-reports",
    response=ServiceReportSchema,
    summary="Service report: volume, backlog, times, SLA compliance, CSAT and NPS",
)
def get_service_report(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    """Totals, one row per week or month (``period``) and the tables per team, agent,
    channel, category and product, from ``date_from`` to ``date_to`` (the last twelve
    weeks by default), optionally narrowed by team, agent, channel, category, product
    and priority."""
    require(request.user, SERVICE_REPORT, "view")
    report = service_report(request.user, _filters(query))
    return {
        "filters": report["filters"],
        "generated_at": report["generated_at"],
        "totals": report["totals"],
        "periods": report["periods"],
        **report["tables"],
    }


@router.get(
    "/service-reports/{table}",
    response=ReportTableSchema,
    summary="One table of the service report",
)
def get_service_report_table(
    request: HttpRequest,
    table: Literal["periods", "team", "agent", "channel", "category", "product"],
    query: Query[ReportQuery],
) -> Any:
    """The rows of one table (the same as the page's CSV export)."""
    require(request.user, SERVICE_REPORT, "view")
    report = service_report(request.user, _filters(query))
    return {
        "filters": report["filters"],
        "generated_at": report["generated_at"],
        "table": table,
        "rows": csv_rows(report, table),
    }
