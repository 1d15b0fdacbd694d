"""Turn an uploaded file's bytes into a header and rows: CSV in any common encoding
and delimiter, or the first sheet of an XLSX workbook."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# UTF-8 with a BOM first (Excel's "CSV UTF-8"), then plain UTF-8, then GB18030, which
# is a superset of GBK and GB2312 (what Chinese Excel writes by default).
ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")
DELIMITERS = ",;\t|"
XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    """A file's header and its non-empty rows, each with its 1-based line in the file."""

    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""


def decode(content: bytes) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" and text.startswith("\ufeff"):
            continue
        return text, encoding
    raise ValidationError(
        {"file": _("The file is not text in UTF-8 or GBK; save it as CSV UTF-8.")}
    )


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _clean(values: Sequence[object]) -> list[str]:
    return ["" if v is None else str(v).strip() for v in values]


def _table(raw: Iterable[Sequence[object]], encoding: str, delimiter: str) -> Table:
    header: list[str] | None = None
    table = Table(headers=[], encoding=encoding, delimiter=delimiter)
    for line, values in enumerate(raw, start=1):
        cells = _clean(values)
        if not any(cells):
            continue
        if header is None:
            header = cells
            while header and not header[-1]:
                header.pop()
            if len(set(header)) != len(header) or not all(header):
                raise ValidationError(
                    {"file": _("Every column needs a name of its own in the first row.")}
                )
            table.headers = header
            continue
        if len(cells) > len(header) and any(cells[len(header) :]):
            raise ValidationError(
                {
                    "file": _("Row %(row)s has more cells than the header has columns.")
                    % {"row": line}
                }
            )
        table.rows.append((line, (cells + [""] * len(header))[: len(header)]))
    if header is None:
        raise ValidationError({"file": _("The file is empty.")})
    return table


def read_xlsx(content: bytes) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationError({"file": _("This Excel file cannot be read.")}) from exc
    try:
        sheet = book.worksheets[0]
        rows = ([_cell(v) for v in row] for row in sheet.iter_rows(values_only=True))
        return _table(rows, "", "")
    finally:
        book.close()


def _cell(value: object) -> object:
    """Excel dates come as datetimes and whole numbers (phone numbers) as floats."""
    if hasattr(value, "date") and hasattr(value, "hour"):
        return value.date().isoformat()  # type: ignore[attr-defined]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_table(content: bytes, filename: str = "") -> Table:
    """The header and rows of a CSV or XLSX file; ValidationError on ``file`` otherwise."""
    if content.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx(content)
    if b"\x00" in content[:4096]:
        raise ValidationError({"file": _("This is not a CSV or XLSX file.")})
    text, encoding = decode(content)
    delimiter = sniff_delimiter(text)
    try:
        return _table(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), encoding, delimiter
        )
    except csv.Error as exc:
        raise ValidationError(
            {"file": _("The CSV file is malformed: %(error)s") % {"error": exc}}
        ) from exc
