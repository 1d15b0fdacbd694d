"""Dashboards registered by the modules (``guanxi.core.dashboards``): the page with the
filters and every panel, and each panel's export as CSV or Excel."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from guanxi.core.access import can
from guanxi.core.dashboards import Dashboard, Panel, Table, get_dashboard, rendered_rows
from guanxi.core.forms_dashboards import DashboardFilterForm
from guanxi.lib.downloads import csv_download, xlsx_download


def _dashboard_for(request: HttpRequest, key: str, action: str) -> Dashboard:
    dashboard = get_dashboard(key)
    if dashboard is None:
        raise Http404
    if not can(request.user, dashboard.object_type, action):
        raise PermissionDenied
    return dashboard


@login_required
def dashboard_page(request: HttpRequest, key: str) -> HttpResponse:
    dashboard = _dashboard_for(request, key, "view")
    form = DashboardFilterForm(request.GET)  # every filter is optional
    valid = form.is_valid()
    filters = form.filters() if valid else None
    panels: list[tuple[Panel, Table, list[dict[str, Any]]]] = []
    if filters is not None:
        for panel in dashboard.panels:
            table = panel.build(request.user, filters)
            panels.append((panel, table, rendered_rows(table)))
    return render(
        request,
        "web/dashboard.html",
        {
            "dashboard": dashboard,
            "form": form,
            "panels": panels,
            "filters": filters,
            "query": request.GET.urlencode(),
            "can_export": can(request.user, dashboard.object_type, "export"),
        },
        status=200 if valid else 400,
    )


@login_required
def dashboard_export(request: HttpRequest, key: str, panel: str, fmt: str) -> HttpResponseBase:
    """One panel with the page's filters, as ``csv`` or ``xlsx``."""
    dashboard = _dashboard_for(request, key, "export")
    chosen = dashboard.panel(panel)
    if chosen is None or fmt not in ("csv", "xlsx"):
        raise Http404
    form = DashboardFilterForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(
            f"{name}: {' '.join(str(m) for m in msgs)}" for name, msgs in form.errors.items()
        )
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    table = chosen.build(request.user, form.filters())
    header = [str(column) for column in table.columns]
    name = f"{dashboard.key}-{chosen.key}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        return csv_download(name, header, table.rows)
    return xlsx_download(name, header, table.rows, sheet=str(chosen.title))
