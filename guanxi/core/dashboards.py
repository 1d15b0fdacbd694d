"""Dashboards: pages of panels that modules register, each panel a table (and an
optional chart) computed for the user and the chosen filters — period, team, region
(an account's province). The web module draws them (``/dashboards/<key>/``), exports
each panel as CSV or Excel and serves them through the API; a module adds a dashboard
with ``register_dashboard`` in its ``AppConfig.ready()``.

A panel's ``build`` sees only what the user may see: it narrows its records with
``guanxi.core.access.restrict`` like any selector.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Filters:
    """What the user chose above the panels; a panel uses those that apply to it."""

    date_from: date
    date_to: date
    team_id: int | None = None
    region: str = ""  # a province code of guanxi.lib.regions


@dataclass
class Table:
    """A panel's figures: ``rows`` hold plain values (numbers stay numbers for the
    export); ``links`` drill down from a row to the records behind it, ``cell_links``
    from one figure (per row, per column; None: no link) — the page makes the cell's
    text the link; ``classes`` give a CSS class per cell (e.g. a heat-map shade)."""

    columns: Sequence[str | Promise]
    rows: list[list[Any]]
    # per column: "text", "int", "number" (two decimals), "money" or "percent" (a share
    # 0–1 shown as a percentage); missing columns are text
    formats: Sequence[str] = ()
    links: list[str | None] = field(default_factory=list)
    classes: list[list[str]] = field(default_factory=list)
    cell_links: list[list[str | None]] = field(default_factory=list)
    chart: SafeString | None = None
    legend: dict[str, str] = field(default_factory=dict)  # series key → label
    empty: str | Promise = ""  # what to say when there are no rows


def display(value: Any, kind: str) -> str:
    """A cell as the page shows it (the export keeps the plain value)."""
    if value is None or value == "":
        return ""
    if kind == "percent":
        return f"{number_format(float(value) * 100, 0)} %"
    if kind == "int":
        return number_format(value, 0, force_grouping=True)
    if kind in ("number", "money"):
        return number_format(value, 2, force_grouping=True)
    return str(value)


def _cell_text(text: str, link: str | None) -> str:
    """The cell's text, as a link (escaped HTML) when the cell has one."""
    return format_html('<a href="{}">{}</a>', link, text) if link and text else text


def rendered_rows(table: Table) -> list[dict[str, Any]]:
    """Rows ready for the template: each cell's text (a link where the cell has one) and
    CSS class, and the row's link."""
    rows = []
    for index, row in enumerate(table.rows):
        classes = table.classes[index] if index < len(table.classes) else []
        links = table.cell_links[index] if index < len(table.cell_links) else []
        cells = [
            (
                _cell_text(
                    display(value, table.formats[col] if col < len(table.formats) else "text"),
                    links[col] if col < len(links) else None,
                ),
                classes[col] if col < len(classes) else "",
            )
            for col, value in enumerate(row)
        ]
        link = table.links[index] if index < len(table.links) else None
        rows.append({"cells": cells, "link": link})
    return rows


@dataclass(frozen=True)
class Panel:
    key: str
    title: str | Promise
    build: Callable[[Any, Filters], Table]
    description: str | Promise = ""
    # The filters the panel follows, so the page can say which do not apply to it.
    uses: tuple[str, ...] = ("period", "team", "region")


@dataclass(frozen=True)
class Dashboard:
    key: str
    title: str | Promise
    object_type: str  # the user needs "view" on it to open the dashboard, "export" to export
    panels: tuple[Panel, ...]
    description: str | Promise = ""

    def panel(self, key: str) -> Panel | None:
        return next((panel for panel in self.panels if panel.key == key), None)


_registry: dict[str, Dashboard] = {}


def register_dashboard(dashboard: Dashboard) -> None:
    keys = [panel.key for panel in dashboard.panels]
    if len(set(keys)) != len(keys):
        raise ValueError(f"dashboard {dashboard.key!r}: two panels share a key")
    _registry[dashboard.key] = dashboard


def get_dashboard(key: str) -> Dashboard | None:
    return _registry.get(key)


def dashboards() -> list[Dashboard]:
    return sorted(_registry.values(), key=lambda d: d.key)
