"""What each list exports: the same records as the list (its filters, narrowed to what
the user may export) and the same columns (the ones chosen on the list, or all).

A module's list registers an ``ExportSpec``; the writers turn rows into CSV (UTF-8 with
a byte-order mark, so Excel opens Chinese correctly) or XLSX. In both, every text cell
(headers included: custom field labels are typed by users) goes through
``lib.downloads.safe_cell``, so text a spreadsheet would run as a formula ("=…", "+…",
"-…", "@…") is shown instead; numbers, dates and numeric text such as an E.164 phone
number (+8613812345678) are written unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from guanxi.core import custom_fields
from guanxi.core.models import CustomField
from guanxi.lib.downloads import safe_cell

BATCH = 2000


@dataclass(frozen=True)
class Column:
    key: str
    header: str | Promise
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class ExportSpec:
    key: str  # the object type, "customers.contact"
    label: str | Promise
    rows: Callable[[Any, Any], QuerySet[Any]]  # (user, query params) -> records
    columns: Sequence[Column]  # every optional column, in list order
    fixed: Sequence[str] = ("id", "name")  # always exported


_registry: dict[str, ExportSpec] = {}


def register_export(spec: ExportSpec) -> None:
    _registry[spec.key] = spec


def export_spec(key: str) -> ExportSpec | None:
    return _registry.get(key)


def export_specs() -> list[ExportSpec]:
    return sorted(_registry.values(), key=lambda s: s.key)


def _custom_value(field: CustomField) -> Callable[[Any], Any]:
    def value(obj: Any) -> Any:
        return custom_fields.display_value(field, (obj.custom_fields or {}).get(field.key))

    return value


def chosen_columns(spec: ExportSpec, params: Any) -> list[Column]:
    """The fixed columns, then those chosen on the list (``columns=``) or all of them;
    custom fields come last as ``cf_<key>`` columns."""
    fields = custom_fields.definitions(spec.key)
    custom = [
        Column(custom_fields.PREFIX + f.key, f.display_label, _custom_value(f)) for f in fields
    ]
    every = [*spec.columns, *custom]
    wanted = set(params.getlist("columns")) if hasattr(params, "getlist") else set()
    return [c for c in every if c.key in spec.fixed or not wanted or c.key in wanted]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, Promise):
        return str(value)
    return value


def _safe(value: Any) -> Any:
    """Numbers and dates as they are; anything else as text a spreadsheet will not run."""
    if isinstance(value, int | float | Decimal | date | time | timedelta) and not isinstance(
        value, bool
    ):
        return value
    return safe_cell(value)


def iter_rows(records: QuerySet[Any], columns: Sequence[Column]) -> Iterator[list[Any]]:
    for record in records.iterator(chunk_size=BATCH):
        yield [_cell(column.value(record)) for column in columns]


def write_csv(rows: Iterable[list[Any]], columns: Sequence[Column]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(c.header) for c in columns])
    for row in rows:
        writer.writerow([_safe(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(rows: Iterable[list[Any]], columns: Sequence[Column], title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Export")
    sheet.append([safe_cell(c.header) for c in columns])
    for row in rows:
        sheet.append([_safe(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
