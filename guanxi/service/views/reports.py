"""Service reports: the page with its KPI tiles, charts and tables, and each table as
CSV (figures over the tickets the user's report grant covers)."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from guanxi.core.decorators import require_action
from guanxi.lib.charts import PALETTE, Series, bar_chart, line_chart
from guanxi.lib.downloads import safe_cell
from guanxi.service.forms_reports import ServiceReportForm, with_defaults
from guanxi.service.object_types import SERVICE_REPORT
from guanxi.service.selectors_reports import DIMENSIONS, csv_rows, filter_choices, service_report

TABLES = ("periods", *DIMENSIONS)


def table_titles() -> dict[str, str]:
    return {
        "periods": _("By period"),
        "team": _("By team"),
        "agent": _("By agent"),
        "channel": _("By channel"),
        "category": _("By category"),
        "product": _("By product"),
    }


def key_titles() -> dict[str, str]:
    """The first column of each table."""
    return {
        "periods": _("Period"),
        "team": _("Team"),
        "agent": _("Agent"),
        "channel": _("Channel"),
        "category": _("Category"),
        "product": _("Product"),
    }


def _name_nobody(report: dict[str, Any]) -> None:
    """Label the rows of tickets without a team, agent, category or product."""
    nobody = {
        "team": _("No team"),
        "agent": _("Unassigned"),
        "category": _("No category"),
        "product": _("No product"),
    }
    for name, rows in report["tables"].items():
        for row in rows:
            if row["key"] is None and name in nobody:
                row["label"] = nobody[name]


def column_titles() -> list[tuple[str, str]]:
    """The CSV columns (the tables' columns, in the same order), with their unit."""
    columns = [
        ("created", _("Created"), ""),
        ("solved", _("Solved"), ""),
        ("backlog", _("Open at the end"), ""),
        ("first_response_median_hours", _("First response, median"), "h"),
        ("first_response_average_hours", _("First response, average"), "h"),
        ("resolution_median_hours", _("Resolution, median"), "h"),
        ("resolution_average_hours", _("Resolution, average"), "h"),
        ("first_response_sla_percent", _("First response within SLA"), "%"),
        ("resolution_sla_percent", _("Resolution within SLA"), "%"),
        ("csat_percent", _("CSAT satisfied"), "%"),
        ("csat_average", _("CSAT average"), ""),
        ("csat_responses", _("CSAT answers"), ""),
        ("nps", _("NPS"), ""),
        ("nps_responses", _("NPS answers"), ""),
    ]
    return [(name, f"{title} ({unit})" if unit else title) for name, title, unit in columns]


def _form(request: HttpRequest) -> ServiceReportForm:
    form = ServiceReportForm(with_defaults(request.GET), choices=filter_choices(request.user))
    form.is_valid()
    return form


@require_action(SERVICE_REPORT, "view")
def service_reports(request: HttpRequest) -> HttpResponse:
    """Volume, backlog, times, SLA compliance and satisfaction, with charts and tables."""
    form = _form(request)
    context: dict[str, Any] = {"form": form, "titles": table_titles(), "report": None}
    if not form.errors:
        report = service_report(request.user, form.filters())
        _name_nobody(report)
        query = urlencode({k: v for k, v in form.data.items() if v not in ("", None)})
        context.update(report=report, charts=_charts(report), query=query)
        context["tables"] = [
            (name, table_titles()[name], key_titles()[name], report["tables"][name])
            for name in DIMENSIONS
        ]
    return render(request, "service/report_service.html", context)


def _charts(report: dict[str, Any]) -> dict[str, Any]:
    periods = report["periods"]
    if not any(p["created"] or p["solved"] or p["backlog"] for p in periods):
        return {}
    labels = [
        p["label"][5:] if report["filters"].period == "week" else p["label"][:7] for p in periods
    ]

    def values(name: str) -> list[Any]:
        return [p[name] for p in periods]

    blue, green, amber, violet = PALETTE

    def line(key: str, label: str, colour: str) -> Series:
        return Series(key, label, values(key), colour)

    result = {
        "volume": bar_chart(
            title=_("Tickets per period"),
            labels=labels,
            series=[
                line("created", _("Created"), blue),
                line("solved", _("Solved"), green),
                line("backlog", _("Open at the end"), amber),
            ],
        ),
        "times": line_chart(
            title=_("Median hours"),
            labels=labels,
            series=[
                line("first_response_median_hours", _("First response"), blue),
                line("resolution_median_hours", _("Resolution"), green),
            ],
        ),
        "sla": line_chart(
            title=_("Within SLA") + " (%)",
            labels=labels,
            series=[
                line("first_response_sla_percent", _("First response"), blue),
                line("resolution_sla_percent", _("Resolution"), green),
            ],
            low=0,
            high=100,
        ),
    }
    if report["totals"]["csat_responses"] or report["totals"]["nps_responses"]:
        result["satisfaction"] = line_chart(
            title=_("Satisfaction"),
            labels=labels,
            series=[
                line("csat_percent", _("CSAT satisfied") + " (%)", violet),
                line("nps", _("NPS"), amber),
            ],
            low=-100,
            high=100,
        )
    return result


@require_action(SERVICE_REPORT, "export")
def service_report_csv(request: HttpRequest, table: str) -> HttpResponse:
    """One table of the report as CSV (UTF-8 with a byte-order mark, for Excel)."""
    if table not in TABLES:
        raise Http404
    form = _form(request)
    if form.errors:
        errors = "; ".join(
            f"{name}: {' '.join(str(m) for m in msgs)}" for name, msgs in form.errors.items()
        )
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    report = service_report(request.user, form.filters())
    _name_nobody(report)
    columns = column_titles()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([key_titles()[table], *(title for _name, title in columns)])
    for row in csv_rows(report, table):
        cells = ("" if row[name] is None else row[name] for name, _title in columns)
        # Labels are names people typed (teams, categories, products): formulas stay text.
        writer.writerow([safe_cell(row["label"]), *cells])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    filters = report["filters"]
    name = f"service-report-{table}-{filters.date_from}-{filters.date_to}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
