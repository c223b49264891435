"""Spreadsheet and CSV files as plain rows of cells.

Every reader starts here: `.xlsx`, `.xls` and `.ods` through python-calamine (fast, and it
keeps cached formula values and date cells), HTML tables saved under an `.xls` name (some
systems' "Excel" export is that) through lxml, CSV with its encoding (`extract.text_encoding`)
and delimiter detected from the bytes, since systems and Excel versions differ and staff
cannot be asked which. Rows keep their absolute position so that problems can name the real
cell.

Large CSV exports are not read here row by row: `read_csv_head` reads only the first rows
(to find the header) and says how DuckDB can read the rest (`extract/one_stop.py`);
`bulk_readable` gives DuckDB, which reads only UTF-8 and UTF-16, a UTF-8 copy of a file
saved in another encoding.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import mmap
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

import lxml.html
from python_calamine import CalamineWorkbook

from extract.text_encoding import (
    HEAD_BYTES,
    UTF8,
    Reading,
    UnreadableFile,
    decode,
    detect,
    utf8_copy,
)

log = logging.getLogger(__name__)

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]  # rows[0] is spreadsheet row 1, cells[0] is column A


def read_sheets(fileobj: BinaryIO) -> list[Sheet]:
    """All sheets of a workbook, cells as Python values (str, float, int, datetime, …).
    An HTML page under a spreadsheet's name is read as one sheet of text cells."""
    data = fileobj.read()
    if is_html(data):
        return [read_html_rows(data)]
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        log.warning("calamine cannot open the workbook: %r", exc)
        raise UnreadableFile(
            "tệp bảng tính bị hỏng hoặc không đúng định dạng (.xlsx, .xls, .ods). Mở tệp "
            "bằng Excel, chọn Lưu thành (Save As) → Excel Workbook (*.xlsx), lưu rồi chép tệp "
            "mới vào hộp thư.") from exc
    sheets = []
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        sheets.append(Sheet(name=name, rows=[list(row) for row in rows]))
    return sheets


def decode_text(data: bytes) -> str:
    """Text of an HTML export if it is UTF-16 or UTF-8, BOM or not; a page in another
    encoding says which in its <meta charset>, which lxml follows."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("trang HTML không phải UTF-8 hay UTF-16") from exc


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab, whichever splits the first lines most consistently."""
    sample = "\n".join(text.splitlines()[:30])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return max(",;\t", key=sample.count)


def read_csv_rows(fileobj: BinaryIO) -> Sheet:
    """A CSV file as one sheet of text cells, in whichever encoding it was saved."""
    data = fileobj.read()
    reading, _ = detect(data[:HEAD_BYTES], complete=len(data) <= HEAD_BYTES)
    text = decode(data, reading)
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text))
    return Sheet(name="", rows=[list(row) for row in reader])


def is_html(data: bytes) -> bool:
    """An HTML table export, whatever its name says: recognised by its first bytes."""
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", errors="ignore").encode()
    head = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    return head.startswith(b"<") and (b"<table" in head or b"<html" in head
                                       or b"<!doctype html" in head)


_TEXT_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "caption")


def read_html_rows(data: bytes) -> Sheet:
    """Every table row of the page, in order, as text cells (a cell spanning columns keeps
    the columns after it in place); headings and paragraphs outside tables (the title block:
    system, window, export date) as one-cell rows."""
    try:
        root = lxml.html.document_fromstring(decode_text(data).lstrip("\ufeff"))
    except UnreadableFile:  # a legacy code page: lxml follows the page's <meta charset>
        root = lxml.html.document_fromstring(data)
    rows: list[list[object]] = []
    for element in root.iter("tr", *_TEXT_BLOCKS):
        if element.tag == "tr":
            row: list[object] = []
            for cell in element.iterchildren("td", "th"):
                row.append(_cell_text(cell))
                row += [None] * (int(cell.get("colspan", "1") or 1) - 1)
            rows.append(row)
        elif not any(a.tag == "table" for a in element.iterancestors()):
            rows.append([_cell_text(element)])
    return Sheet(name="", rows=rows)


def _cell_text(element) -> str | None:
    text = " ".join(element.text_content().split())
    return text or None


@dataclass
class CsvHead:
    """The first rows of a CSV file and what a bulk reader needs to read the rest."""
    sheet: Sheet  # the first records, as text cells
    delimiter: str
    encoding: str | None  # 'utf-8' or 'utf-16' (little-endian, BOM) for DuckDB; else None
    lines_read: list[int]  # physical lines up to and including each record (quoted
    # fields may hold line breaks)
    reading: Reading  # how the file's bytes become text


def read_csv_head(path: Path, max_rows: int = 20, max_bytes: int = HEAD_BYTES) -> CsvHead:
    with path.open("rb") as handle:
        data = handle.read(max_bytes)
        whole = not handle.read(1)
    reading, text = detect(data, complete=whole)
    if reading.bulk is None:
        log.info("%s: read as %s", path.name, reading.name)
    if not whole:  # the last line may be cut short
        text = text[:text.rfind("\n") + 1]
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows, lines_read = [], []
    for row in reader:
        rows.append(row)
        lines_read.append(reader.line_num)
        if len(rows) == max_rows:
            break
    return CsvHead(Sheet("", rows), delimiter, reading.bulk, lines_read, reading)


@contextmanager
def bulk_readable(path: Path, head: CsvHead) -> Iterator[tuple[Path, CsvHead]]:
    """The file and its head as a bulk reader that knows only UTF-8 and UTF-16 can read
    them: the file itself, or for another encoding a temporary UTF-8 copy with the same
    lines, so that rows keep the numbers they have in the original."""
    if head.encoding is not None or not head.reading.by_lines:
        yield path, head
        return
    with utf8_copy(path, head.reading) as copy:
        yield copy, replace(head, encoding=UTF8.bulk, reading=UTF8)


def has_blank_line_after(path: Path, lines: int, encoding: str) -> bool:
    """Whether an empty line follows the first `lines` lines, before the end of the file.
    Bulk CSV readers skip empty lines; spreadsheet row numbers count them."""
    newline, carriage_return = (text.encode(encoding).removeprefix(codecs.BOM_UTF16_LE)
                                for text in ("\n", "\r"))
    blank_line = re.compile(re.escape(newline) + b"(?:" + re.escape(carriage_return) + b")?"
                            + re.escape(newline))
    if path.stat().st_size == 0:
        return False
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0,
                                              access=mmap.ACCESS_READ) as view:
        start = -1
        for _ in range(lines):
            start = view.find(newline, start + 1)
            if start < 0:
                return False
        end = len(view)
        while end > start and view[end - 1] in b"\r\n\x00":
            end -= 1
        return blank_line.search(view, start, end) is not None
