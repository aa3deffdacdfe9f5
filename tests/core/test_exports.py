"""Exports open safely in a spreadsheet: resident text never runs as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from grassroots.core.exports import csv_bytes, neutralise, safe_row, write_csv, xlsx_bytes

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_leading_text_gets_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["路灯不亮", "a=b", "100", "", " =1", "<script>alert(1)</script>"])
def test_ordinary_text_is_written_as_is(text: str) -> None:
    assert neutralise(text) == text


def test_numbers_dates_and_booleans_stay_values() -> None:
    row = [-3, 2.5, Decimal("-1.5"), True, date(2026, 1, 2), None]

    assert safe_row(row) == [-3, 2.5, Decimal("-1.5"), True, date(2026, 1, 2), None]


def test_csv_cells_are_neutralised_and_read_back_as_written() -> None:
    out = io.StringIO(newline="")

    count = write_csv(out, ["subject", "n"], [["=1+1", 4], ["路灯", -1]])

    assert count == 2
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["subject", "n"],
        ["'=1+1", "4"],
        ["路灯", "-1"],
    ]


def test_csv_bytes_start_with_a_bom_for_excel() -> None:
    data = csv_bytes(["主题"], [["@cmd"]])

    assert data == "\ufeff主题\r\n'@cmd\r\n".encode()


def test_xlsx_has_no_formula_cells_and_keeps_the_text() -> None:
    at = datetime(2026, 3, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))

    data = xlsx_bytes(["subject", "n", "at"], [[t, -1, at] for t in HOSTILE], title="cases")

    sheet = load_workbook(io.BytesIO(data))["cases"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert [c.data_type for c in cells if c.column == 1] == ["s"] * len(HOSTILE)
    # XML reads a stored carriage return back as a line feed; the apostrophe is what matters.
    expected = ["'" + t.replace("\r", "\n") for t in HOSTILE]
    assert [c.value for c in cells if c.column == 1] == expected
    assert {c.value for c in cells if c.column == 2} == {-1}
    assert {c.value for c in cells if c.column == 3} == {datetime(2026, 3, 1, 9, 30)}


def test_xlsx_drops_control_characters_it_cannot_store() -> None:
    data = xlsx_bytes(["subject"], [["bell\x07 and nul\x00 ok"]])

    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet["A2"].value == "bell and nul ok"
