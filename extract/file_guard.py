"""Files refused before any parser sees them: what a file really is, and whether opening it
would cost the night.

Files come from e-mail and Zalo: some are not spreadsheets at all (a PDF, a photo, a Word
document renamed `.xlsx`), some cannot be opened (a password, a download cut short), some
are traps. A parser told to read them either fails with an English message staff cannot act
on, or, worse, does what the file asks: python-calamine turns one cell written at the far
corner of a sheet, or a sheet XML that unzips from 1 MB to 800 MB, into gigabytes of
memory, and an XML parser that honours a DTD resolves external entities or expands entity
bombs. So `refusal` looks at the bytes first, with no parser and streaming, and says in
Vietnamese what the file is and what to do; the engineers' log gets the details.

What it checks, in order: empty; what the first bytes say the file is (foreign formats by
their signature); size; then by container:
- zip (`.xlsx`, `.ods`): `extract.package_guard`;
- OLE compound file (`.xls`, password-protected OOXML): encryption, the kind of document,
  and the rows and columns the BIFF cell records reach;
- HTML (some systems' "Excel" export): that it holds a table;
- CSV/TXT: NUL bytes, more columns than a limit, a line longer than a limit.
The limits and the reasons are in `extract.refusals`; see docs/hostile-files.md.
"""

from __future__ import annotations

import codecs
import logging
import re
import struct
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import BinaryIO

import olefile

from common.vn_format import vn_int
from extract import package_guard
from extract.problems import Problem
from extract.refusals import (
    CHUNK,
    PASSWORD,
    Limits,
    Refused,
    cells_within,
    csv_limits,
    damaged,
    not_a_spreadsheet,
    size_within,
    within,
)
from extract.tabular import CSV_SUFFIXES

log = logging.getLogger(__name__)

HEAD_BYTES = 8192  # enough for every signature and an HTML page's opening
COLUMN_BYTES = 1 << 20  # how much of a CSV file its columns are counted in


def refusal(path: Path, name: str, limits: Limits | None = None) -> Problem | None:
    """Why the file at `path` (received as `name`) must not be parsed, or None."""
    try:
        _check(path, PurePath(name).suffix.lower(), limits or Limits.from_settings())
    except Refused as refused:
        log.warning("refused %s: %s (%s)", name, refused.problem.rule, refused)
        return refused.problem
    return None


# ------------------------------------------------------------------ what the file is

# Signatures of formats staff send by mistake: (first bytes, what it is in Vietnamese).
_FOREIGN = [
    (b"%PDF", "tài liệu PDF"),
    (b"\x89PNG\r\n\x1a\n", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"GIF87a", "ảnh GIF"),
    (b"GIF89a", "ảnh GIF"),
    (b"Rar!\x1a\x07", "tệp nén RAR"),
    (b"7z\xbc\xaf\x27\x1c", "tệp nén 7z"),
    (b"\x1f\x8b", "tệp nén GZIP"),
    (b"{\\rtf", "văn bản RTF (Word)"),
]
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _foreign(head: bytes) -> str | None:
    for signature, what in _FOREIGN:
        if head.startswith(signature):
            return what
    return None


def _check(path: Path, suffix: str, limits: Limits) -> None:
    size = path.stat().st_size
    if size == 0:
        raise Refused("empty_file",
                      "Tệp rỗng (0 byte): tệp chưa tải về hết hoặc bị lỗi khi gửi qua e-mail/"
                      "Zalo. Hãy tải lại tệp, mở thử bằng Excel; nếu vẫn rỗng, xin đơn vị gửi "
                      "lại.", "empty file")
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    what = _foreign(head)
    if what is not None:
        raise not_a_spreadsheet(what, suffix)
    is_text = suffix in CSV_SUFFIXES
    if head.startswith(package_guard.SIGNATURES):
        if not is_text:
            size_within(size, limits.workbook_mb, "bảng tính")
        package_guard.check_package(path, suffix, limits, is_text)
    elif head.startswith(_OLE):
        if not is_text:
            size_within(size, limits.workbook_mb, "bảng tính")
        _ole(path, suffix, limits, is_text)
    elif not is_text and _is_html(head):
        size_within(size, limits.workbook_mb, "bảng tính")
        _html(path, head, suffix)
    elif is_text:
        size_within(size, limits.csv_mb, "tệp CSV")
        _text(path, head, limits)


def _is_html(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", errors="ignore").encode()
    head = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<table"))


def _html(path: Path, head: bytes, suffix: str) -> None:
    """An HTML page is read as a table export (some systems' "Excel" is one); a page with
    no table at all is a web page saved by mistake (a webmail's login page)."""
    table = _TABLE
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        nul = b"\x00"
        pairs = [nul + letter for letter in _TABLE_LETTERS] \
            if head.startswith(codecs.BOM_UTF16_BE) else [letter + nul for letter in
                                                         _TABLE_LETTERS]
        table = re.compile(b"".join(pairs))
    for chunk in _chunks(path, overlap=16):
        if table.search(chunk):
            return
    raise not_a_spreadsheet("một trang web (HTML) không có bảng số liệu", suffix)


_TABLE = re.compile(rb"<table", re.IGNORECASE)
_TABLE_LETTERS = [b"<", b"[tT]", b"[aA]", b"[bB]", b"[lL]", b"[eE]"]


def _chunks(path: Path, overlap: int = 0) -> Iterator[bytes]:
    """The file in pieces of CHUNK bytes, each starting with the last `overlap` bytes of
    the one before (so that a short mark is never cut in two)."""
    with path.open("rb") as handle:
        tail = b""
        while block := handle.read(CHUNK):
            yield tail + block
            tail = block[-overlap:] if overlap else b""


# ------------------------------------------------------------------ OLE compound files

_FILEPASS, _BOF, _EOF = 0x002F, 0x0809, 0x000A
# BIFF records of cells with a value: the reader builds its grid up to the farthest.
_VALUE_RECORDS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x00D6, 0x0006, 0x0205, 0x00BD}
_MULRK = 0x00BD


def _ole(path: Path, suffix: str, limits: Limits, is_text: bool) -> None:
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                raise Refused("password_protected", PASSWORD, "OOXML encrypted package")
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            if stream is None:
                what = ("văn bản Word (.doc)" if ole.exists("WordDocument") else
                        "bản trình chiếu PowerPoint (.ppt)" if ole.exists("PowerPoint Document")
                        else "một tệp Office không phải bảng tính")
                raise not_a_spreadsheet(what, suffix)
            if is_text:  # an .xls named .csv: the CSV reader says how to re-save it
                return
            with ole.openstream(stream) as handle:
                _biff(handle, stream, limits)
    except Refused:
        raise
    except Exception as exc:  # olefile raises OSError, struct.error and others when cut short
        raise damaged(f"OLE: {exc!r}") from exc


def _biff(handle: BinaryIO, stream: str, limits: Limits) -> None:
    """Walks the workbook's BIFF records: a FILEPASS record means the rest is encrypted;
    cell records give each sheet's reach."""
    data = handle.read()
    if len(data) < 4:
        raise damaged(f"{stream} stream of {len(data)} bytes")
    # (rows, columns) of each substream open: a chart's sits inside its sheet's.
    open_streams: list[list[int]] = [[0, 0]]
    position, cells, sheet = 0, 0, 0
    unpack = struct.unpack_from
    while position + 4 <= len(data):
        kind, length = unpack("<HH", data, position)
        body = position + 4
        if kind == _FILEPASS:
            raise Refused("password_protected", PASSWORD, "BIFF FILEPASS record")
        if kind in _VALUE_RECORDS and length >= 4:
            row, column = unpack("<HH", data, body)
            if kind == _MULRK and length >= 6:
                (column,) = unpack("<H", data, body + length - 2)
            reach = open_streams[-1]
            reach[0], reach[1] = max(reach[0], row + 1), max(reach[1], column + 1)
        elif kind == _BOF:
            open_streams.append([0, 0])
            sheet += 1
        elif kind == _EOF and len(open_streams) > 1:
            rows, columns = open_streams.pop()
            if rows:
                cells += within(rows, columns, f"{stream}, trang thứ {sheet - 1}", limits)
                cells_within(cells, limits)
        position = body + length


# ------------------------------------------------------------------ CSV and text

# Control bytes no text file holds (tab, line breaks, form feed and DOS's end-of-file mark
# aside), NUL apart: a file with many is no text at all. A text with NUL bytes is one cut
# or padded by a failed download or copy.
_CONTROLS = re.compile(rb"[\x01-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")


def _text(path: Path, head: bytes, limits: Limits) -> None:
    if len(_CONTROLS.findall(head)) > len(head) // 100:
        return  # no text: the CSV reader, which reads only the head, says how to re-save
    if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # else NUL is text
        _nul_bytes(path)
    # Columns of the first lines, by their separators (a line cut at the end of what is
    # read has at least as many): a header row of ten million columns is refused as that.
    with path.open("rb") as handle:
        lines = handle.read(COLUMN_BYTES).split(b"\n")
    widest = max(line.count(mark) for line in lines for mark in (b",", b";", b"\t")) + 1
    if widest > limits.csv_columns:
        raise csv_limits(f"có dòng tới {vn_int(widest)} cột trở lên (giới hạn "
                         f"{vn_int(limits.csv_columns)} cột)", f"{widest} columns or more")
    _line_lengths(path, limits.line_kb * 1024)


def _nul_bytes(path: Path) -> None:
    offset = 0
    for chunk in _chunks(path):
        found = chunk.find(b"\x00")
        if found >= 0:
            raise csv_limits(f"có byte rỗng (NUL) ở vị trí {vn_int(offset + found)}",
                             f"NUL byte at offset {offset + found}")
        offset += len(chunk)


def _line_lengths(path: Path, limit: int) -> None:
    """Refuses a line longer than `limit` bytes, looking at one line break per `limit`
    bytes: the last break within reach of the current line's start begins the line to
    check next, so a file is crossed in steps of about `limit`, not line by line."""
    run, line = 0, 1  # bytes of the current line seen so far, its number
    for chunk in _chunks(path):
        start = 0
        while True:
            reach = start + limit - run + 1  # the line's break must come before this
            found = chunk.rfind(b"\n", start, reach)
            if found >= 0:
                line += chunk.count(b"\n", start, found + 1)
                start, run = found + 1, 0
            elif reach <= len(chunk):
                raise csv_limits(f"dòng {vn_int(line)} dài hơn {vn_int(limit // 1024)} KB "
                                 "(giới hạn cho một dòng)",
                                 f"line {line} longer than {limit} bytes")
            else:
                run += len(chunk) - start
                break
