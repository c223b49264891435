"""Spreadsheet and CSV files as plain rows of cells.

Every reader starts here: `.xlsx`, `.xls` and `.ods` through python-calamine (fast, and it
keeps cached formula values and date cells), CSV with its encoding and delimiter detected
from the bytes, since systems and Excel versions differ and staff cannot be asked which.
Rows keep their absolute position so that problems can name the real cell.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from typing import BinaryIO

from python_calamine import CalamineWorkbook

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]  # rows[0] is spreadsheet row 1, cells[0] is column A


class UnreadableFile(ValueError):
    """The bytes are not a spreadsheet or CSV we can read."""


def read_sheets(fileobj: BinaryIO) -> list[Sheet]:
    """All sheets of a workbook, cells as Python values (str, float, int, datetime, …)."""
    try:
        book = CalamineWorkbook.from_filelike(fileobj)
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        raise UnreadableFile(str(exc)) from exc
    sheets = []
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        sheets.append(Sheet(name=name, rows=[list(row) for row in rows]))
    return sheets


def decode_text(data: bytes) -> str:
    """Text of a CSV export: UTF-16 (Excel's "Unicode text") or UTF-8, BOM or not."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"not UTF-8 or UTF-16 text: {exc}") from exc


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab, whichever splits the first lines most consistently."""
    sample = "\n".join(text.splitlines()[:30])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return max(",;\t", key=sample.count)


def read_csv_rows(fileobj: BinaryIO) -> Sheet:
    """A CSV file as one sheet of text cells."""
    text = decode_text(fileobj.read())
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text))
    return Sheet(name="", rows=[list(row) for row in reader])
