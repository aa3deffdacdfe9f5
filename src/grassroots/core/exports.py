"""CSV and XLSX writing that is safe to open in a spreadsheet.

Residents write the subjects and descriptions that end up in exports. A cell that begins with
`=`, `+`, `-` or `@` (or a tab or carriage return, which some programs strip before reading the
rest as a formula) is run as a formula by Excel, LibreOffice and Numbers: "CSV injection". Every
export goes through these helpers, which prefix such text cells with `'` (the OWASP advice):
spreadsheets show the text as written and nothing runs. Numbers, dates and booleans are written
as values, never neutralised, so `-3` stays a negative number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# XLSX (XML 1.0) cannot hold these control characters; openpyxl raises on them.
_XML_ILLEGAL = {c: None for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))}


def neutralise(value: Any) -> Any:
    """The value to write in a cell: text that a spreadsheet would run gets a leading `'`."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | time):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def safe_row(row: Iterable[Any]) -> list[Any]:
    """One row with every cell neutralised."""
    return [neutralise(cell) for cell in row]


def write_csv(out: IO[str], header: Sequence[str], rows: Iterable[Iterable[Any]]) -> int:
    """Write `header` and `rows` as CSV to a text stream; returns the number of data rows.

    Open the stream with `newline=""` (the csv module writes its own line ends).
    """
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    count = 0
    for row in rows:
        writer.writerow(safe_row(row))
        count += 1
    return count


def csv_bytes(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """The whole CSV as UTF-8 with a byte-order mark, so that Excel reads Chinese correctly."""
    buffer = io.StringIO(newline="")
    write_csv(buffer, header, rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(value: Any) -> Any:
    cell = neutralise(value)
    if isinstance(cell, datetime) and cell.tzinfo is not None:
        cell = cell.replace(tzinfo=None)  # XLSX has no zones: the caller converts to local time
    if isinstance(cell, str):
        cell = cell.translate(_XML_ILLEGAL)
    return cell


def xlsx_bytes(
    header: Sequence[str], rows: Iterable[Iterable[Any]], *, title: str = "Sheet1"
) -> bytes:
    """A one-sheet workbook; text cells are neutralised and stored as strings, never formulas."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    sheet.append([_xlsx_cell(h) for h in header])
    for row in rows:
        sheet.append([_xlsx_cell(c) for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
