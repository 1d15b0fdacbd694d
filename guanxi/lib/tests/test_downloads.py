"""CSV downloads: BOM, Chinese text intact, formulas defused, numbers kept."""

import csv
import io

from guanxi.lib.downloads import csv_download, safe_cell


def test_formulas_are_quoted_and_numbers_are_not():
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("+86 138") == "'+86 138"
    assert safe_cell("-3.5") == "-3.5"
    assert safe_cell(-2) == "-2"
    assert safe_cell(None) == ""
    assert safe_cell("北京") == "北京"


def test_the_download_is_an_attachment_with_a_bom_and_every_row():
    response = csv_download("x.csv", ["名称", "n"], [["张伟", 1], ["=1+1", -1]])
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(body[1:]))) == [
        ["名称", "n"],
        ["张伟", "1"],
        ["'=1+1", "-1"],
    ]


def test_the_excel_file_keeps_numbers_and_defuses_formulas():
    from io import BytesIO

    from openpyxl import load_workbook

    from guanxi.lib.downloads import xlsx_download

    response = xlsx_download("x.xlsx", ["名称", "n"], [["张伟", 1.5], ["=1+1", None]], sheet="表")
    assert response["Content-Disposition"] == 'attachment; filename="x.xlsx"'
    sheet = load_workbook(BytesIO(response.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["名称", "n"],
        ["张伟", 1.5],
        ["'=1+1", None],
    ]
