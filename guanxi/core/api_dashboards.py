"""The dashboards through the API: which ones the caller may open, and each panel's
figures with the same filters as the page (period, team, region)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from guanxi.core.access import can
from guanxi.core.dashboards import dashboards, get_dashboard
from guanxi.core.forms_dashboards import DashboardFilterForm

router = Router(tags=["Dashboards"])


class PanelInfo(Schema):
    key: str
    title: str
    description: str
    uses: list[str] = Field(description="The filters the panel follows: period, team, region")


class DashboardInfo(Schema):
    key: str
    title: str
    description: str
    panels: list[PanelInfo]


class PanelData(Schema):
    columns: list[str]
    formats: list[str] = Field(
        description="Per column: text, int, number, money or percent (a share 0–1)"
    )
    rows: list[list[Any]]
    links: list[str | None] = Field(description="Per row: the page listing the records behind it")
    cell_links: list[list[str | None]] = Field(
        default_factory=list,
        description="Per row, per column: the page listing the records behind that figure",
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


@router.get("/dashboards", response=list[DashboardInfo], summary="Dashboards the caller may open")
def list_dashboards(request: HttpRequest) -> Any:
    return [
        {
            "key": d.key,
            "title": str(d.title),
            "description": str(d.description),
            "panels": [
                {
                    "key": p.key,
                    "title": str(p.title),
                    "description": str(p.description),
                    "uses": list(p.uses),
                }
                for p in d.panels
            ],
        }
        for d in dashboards()
        if can(request.user, d.object_type, "view")
    ]


@router.get("/dashboards/{key}/panels/{panel}", response=PanelData, summary="One panel's figures")
def panel_data(
    request: HttpRequest,
    key: str,
    panel: str,
    date_from: date | None = None,
    date_to: date | None = None,
    team_id: int | None = None,
    region: str = "",
) -> Any:
    """The panel over what the caller may see; the period defaults to the last twelve
    months."""
    dashboard = get_dashboard(key)
    chosen = dashboard.panel(panel) if dashboard is not None else None
    if dashboard is None or chosen is None:
        raise Http404
    if not can(request.user, dashboard.object_type, "view"):
        raise PermissionDenied
    form = DashboardFilterForm(
        {
            "date_from": date_from or "",
            "date_to": date_to or "",
            "team": team_id or "",
            "region": region,
        }
    )
    if not form.is_valid():
        raise ValidationError(
            {
                ("team_id" if name == "team" else name): errors
                for name, errors in form.errors.items()
            }
        )
    table = chosen.build(request.user, form.filters())
    return {
        "columns": [str(column) for column in table.columns],
        "formats": [
            table.formats[i] if i < len(table.formats) else "text"
            for i in range(len(table.columns))
        ],
        "rows": [[_plain(value) for value in row] for row in table.rows],
        "links": [table.links[i] if i < len(table.links) else None for i in range(len(table.rows))],
        "cell_links": table.cell_links,
    }
