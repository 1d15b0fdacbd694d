"""File downloads of tables: CSV (UTF-8 with a byte-order mark, so Excel reads Chinese;
streamed) and Excel (.xlsx, written row by row); in both, text a spreadsheet would run
as a formula is quoted."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def safe_cell(value: Any) -> str:
    """The cell's text; "=SUM(…)", "@cmd" and the like get a leading apostrophe so a
    spreadsheet shows them instead of running them (numbers such as -3 stay numbers)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_download(
    filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """An attachment named ``filename`` with the header row, then the rows."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([safe_cell(cell) for cell in header])
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _xlsx_cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return safe_cell(value)


def xlsx_download(
    filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet"
) -> HttpResponse:
    """The same table as an Excel workbook of one sheet; numbers stay numbers."""
    book = Workbook(write_only=True)
    page = book.create_sheet(title=sheet[:31] or "Sheet")
    page.append([safe_cell(cell) for cell in header])
    for row in rows:
        page.append([_xlsx_cell(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
