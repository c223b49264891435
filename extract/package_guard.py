"""Zip packages (`.xlsx`, `.ods`) before a reader opens them, for `extract.file_guard`:
the kind of package, encrypted entries, how many entries and how far they unzip (counted
on the real data, not on what the directory declares), archives nested in the workbook's
parts, a DTD in any XML part, and how many rows and columns each sheet would make the
reader build: cell references and repeat counts as python-calamine counts them, so that a
lying `<dimension>`, a cell at the far corner or cells without references change nothing.

Every XML part is streamed once, a few MB at a time; a piece always ends after a tag, so no
tag or reference is cut in two.
"""

from __future__ import annotations

import codecs
import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from common.vn_format import vn_int
from extract.refusals import (
    CHUNK,
    MB,
    PASSWORD,
    Limits,
    Refused,
    cells_within,
    damaged,
    not_a_spreadsheet,
    suspicious,
    unsafe,
    within,
)

SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first entry, an empty zip's end
_ZIP, _END = SIGNATURES
# Archives nested in a workbook's parts (gzip is not one: Office stores EMF pictures as
# gzip, `.emz`).
_ARCHIVES = (_ZIP, b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c")
# An XML part whose root element does not start within this many bytes has a prolog no
# office program writes: room to hide a DTD after a long comment.
PROLOG_BYTES = 1 << 16
# Entries smaller than this are not judged by their compression ratio: small, highly
# repetitive parts (styles, a sheet of empty rows) compress far and cost nothing.
RATIO_GRACE_BYTES = 1 << 20
# Where Excel keeps objects pasted into a sheet (a Word document, another workbook): zips
# of their own that no reader opens, held only to the size limits.
EMBEDDED = ("xl/embeddings/",)


def _directory_size(path: Path) -> tuple[int, int]:
    """Entries and central directory size the zip's end record declares, read before
    `zipfile` builds an object per entry (a forged directory of a million entries would
    cost hundreds of MB). A ZIP64 file declares 0xFFFF / 0xFFFFFFFF here: past any limit,
    which is right for a workbook."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - (1 << 16) - 22))
        tail = handle.read()
    end = tail.rfind(_END)
    if end < 0 or len(tail) - end < 22:
        raise damaged("no end of central directory record")
    entries, directory = struct.unpack_from("<HI", tail, end + 10)
    return entries, directory


def check_package(path: Path, suffix: str, limits: Limits, is_text: bool) -> None:
    """Refuses a zip that is not a workbook package, or one a reader must not open. A
    workbook named `.csv` (`is_text`) is left to the CSV reader, which says how to re-save
    it."""
    entries, directory = _directory_size(path)
    if entries > limits.zip_entries or directory > limits.zip_entries * 1024:
        raise suspicious(f"có tới {vn_int(entries)} tệp thành phần (giới hạn "
                         f"{vn_int(limits.zip_entries)})",
                         f"{entries} entries, central directory {directory} bytes")
    try:
        with zipfile.ZipFile(path) as book:
            kind = _package_kind(book)
            if is_text:
                if kind in ("xlsx", "ods"):
                    return
                raise not_a_spreadsheet(_PACKAGES[kind], suffix)
            if kind not in ("xlsx", "ods"):
                raise not_a_spreadsheet(
                    _PACKAGES[kind], suffix,
                    "Nếu các tệp Excel nằm trong tệp nén, hãy giải nén rồi gửi từng tệp "
                    "Excel." if kind == "zip" else "")
            _entries(path, book, limits)
            (_xlsx if kind == "xlsx" else _ods)(path, book, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise damaged(f"zip: {exc!r}") from exc


_PACKAGES = {
    "docx": "văn bản Word (.docx)",
    "pptx": "bản trình chiếu PowerPoint (.pptx)",
    "xlsb": "bảng tính Excel dạng nhị phân (.xlsb), định dạng chương trình chưa đọc được",
    "odt": "văn bản OpenDocument (.odt)",
    "odp": "bản trình chiếu OpenDocument (.odp)",
    "zip": "tệp nén ZIP",
}


def _package_kind(book: zipfile.ZipFile) -> str:
    names = set(book.namelist())
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "mimetype" in names and book.getinfo("mimetype").file_size < 256:
        mimetype = book.read("mimetype").strip()
        for kind, tail in (("ods", b".spreadsheet"), ("odt", b".text"),
                           ("odp", b".presentation")):
            if mimetype.startswith(b"application/vnd.oasis.opendocument") and \
                    mimetype.endswith(tail):
                return kind
    return "zip"


def _entries(path: Path, book: zipfile.ZipFile, limits: Limits) -> None:
    """Encryption, sizes and ratios as the directory declares them (`_inflate` holds the
    parts the readers read to them), and archives nested in the workbook's own parts."""
    total = 0
    for info in book.infolist():
        if info.flag_bits & 0x1:
            raise Refused("password_protected", PASSWORD, f"encrypted zip entry {info.filename}")
        if info.file_size > limits.entry_mb * MB:
            raise suspicious(
                f"phần '{info.filename}' giải nén ra {vn_int(info.file_size / MB)} MB (giới "
                f"hạn {vn_int(limits.entry_mb)} MB mỗi phần)", f"{info.filename}: {info.file_size}"
                " bytes uncompressed")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_GRACE_BYTES and ratio > limits.ratio:
            raise suspicious(
                f"phần '{info.filename}' nén với tỷ lệ {vn_int(ratio)}:1 (giới hạn "
                f"{vn_int(limits.ratio)}:1) — dấu hiệu của một 'bom nén'",
                f"{info.filename}: compression ratio {ratio:.0f}")
        total += info.file_size
        if total > limits.unzipped_mb * MB:
            raise suspicious(f"giải nén ra hơn {vn_int(limits.unzipped_mb)} MB (giới hạn "
                             f"{vn_int(limits.unzipped_mb)} MB cho cả tệp)",
                             f"more than {total} bytes uncompressed")
        if info.file_size >= 4 and not info.filename.startswith(EMBEDDED):
            blocks = _inflate(path, info, limits)
            nested = next(blocks, b"").startswith(_ARCHIVES)
            blocks.close()
            if nested:
                raise suspicious(f"phần '{info.filename}' là một tệp nén khác lồng bên "
                                 "trong", f"nested archive {info.filename}")


def _xml_parts(book: zipfile.ZipFile) -> Iterator[zipfile.ZipInfo]:
    return (info for info in book.infolist() if not info.filename.startswith(EMBEDDED)
            and info.filename.lower().endswith((".xml", ".rels", ".vml")))


def _inflate(path: Path, info: zipfile.ZipInfo, limits: Limits) -> Iterator[bytes]:
    """An entry's bytes as a reader gets them: its compressed span inflated to its end,
    however far that is. `zipfile` stops at the size the directory declares while the
    readers inflate what is there, so the real size is counted here, and an entry that
    inflates past its declared size or the limit is refused there and then."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise suspicious(f"phần '{info.filename}' dùng một kiểu nén lạ",
                         f"{info.filename}: compression method {info.compress_type}")
    most = min(info.file_size, limits.entry_mb * MB)
    with path.open("rb") as handle:
        handle.seek(info.header_offset)
        header = handle.read(30)
        if len(header) < 30 or not header.startswith(_ZIP):
            raise damaged(f"{info.filename}: no local file header")
        name_length, extra_length = struct.unpack_from("<HH", header, 26)
        handle.seek(info.header_offset + 30 + name_length + extra_length)
        inflater = zlib.decompressobj(-zlib.MAX_WBITS) \
            if info.compress_type == zipfile.ZIP_DEFLATED else None
        left, size, crc = info.compress_size, 0, 0
        while True:
            if inflater is not None and inflater.unconsumed_tail:
                raw = inflater.unconsumed_tail
            elif left > 0:
                raw = handle.read(min(left, CHUNK))
                if not raw:
                    raise damaged(f"{info.filename}: cut short")
                left -= len(raw)
            else:
                break
            block = raw if inflater is None else inflater.decompress(raw, CHUNK)
            size += len(block)
            if size > most:
                raise suspicious(
                    f"phần '{info.filename}' giải nén ra hơn {vn_int(limits.entry_mb)} MB "
                    "(giới hạn mỗi phần)" if most < info.file_size else
                    f"phần '{info.filename}' giải nén ra nhiều hơn kích thước nó tự khai "
                    f"({vn_int(info.file_size)} byte)",
                    f"{info.filename}: inflates past {most} bytes")
            crc = zlib.crc32(block, crc)
            if block:
                yield block
    if size != info.file_size or crc != info.CRC:
        raise damaged(f"{info.filename}: {size} bytes, CRC {crc:08x}; declared "
                      f"{info.file_size} bytes, CRC {info.CRC:08x}")


def _stream(path: Path, info: zipfile.ZipInfo, limits: Limits) -> Iterator[bytes]:
    """An XML part in pieces that end after a tag (no tag or reference is ever cut in
    two), its prolog checked first and every piece for markup that declares a DTD."""
    blocks = _inflate(path, info, limits)
    first = b""
    for block in blocks:
        first += block
        if len(first) >= PROLOG_BYTES:
            break
    _prolog(first[:PROLOG_BYTES], info.filename, complete=len(first) < PROLOG_BYTES)
    carry = b""
    for block in itertools.chain([first], blocks):
        data = carry + block
        cut = data.rfind(b">") + 1
        if cut == 0 and len(data) > CHUNK:  # a tag or text of megabytes: no office file
            raise unsafe(info.filename, f"no markup in {len(data)} bytes")
        piece, carry = data[:cut], data[cut:]
        if b"<!DOCTYPE" in piece or b"<!ENTITY" in piece:
            raise unsafe(info.filename, "DTD after the prolog")
        if piece:
            yield piece


_XML_DECLARATION_ENCODING = re.compile(r"""^<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)""")


def _prolog(head: bytes, part: str, complete: bool) -> None:
    """Refuses a DTD before the root element, and a part not in UTF-8 (which the scans of
    this module could not read, and no office program writes)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"<\x00", b"\x00<")):
        raise unsafe(part, "UTF-16 XML")
    text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")
    declared = _XML_DECLARATION_ENCODING.match(text)
    if declared and declared.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise unsafe(part, f"declared encoding {declared.group(1)!r}")
    position = 0
    while (position := text.find("<", position)) >= 0:
        if text.startswith("<?", position):
            end = text.find("?>", position)
        elif text.startswith("<!--", position):
            end = text.find("-->", position)
        elif text.startswith("<!", position):
            raise unsafe(part, "DTD in the prolog")
        else:
            return  # the root element: no DTD can follow
        if end < 0:
            break
        position = end + 2
    if not complete:
        raise unsafe(part, f"no root element in the first {PROLOG_BYTES} bytes")


# Column letters → number (A=1), for every reference the reader accepts (upper or lower
# case); filled on first use, so that a sheet's references are mapped at the speed of a dict.
class _Columns(dict):
    def __missing__(self, letters: bytes) -> int:
        number = 0
        for letter in letters.upper():
            number = number * 26 + letter - 64
        self[letters] = number
        return number


_COLUMN = _Columns()
# Fast path: in a piece where every cell tag opens with `<c r="`, cells sit where their
# references say; the largest row and column numbers are all the reader will build (a
# row's own `r` places only cells without one: an empty formatted row costs nothing).
_ROW_NUMBERS = re.compile(rb'c r="[A-Za-z]{1,3}(\d+)"')
_COLUMN_LETTERS = re.compile(rb'c r="([A-Za-z]+)\d')
# Slow path (any other piece): the tags the reader positions cells by, as it reads them:
# a cell without `r` goes after the one before it, a row without `r` after the one before.
_ATTRIBUTES = rb"""((?:[^>"']|"[^"]*"|'[^']*')*)"""
_XLSX_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])" + _ATTRIBUTES + rb">")
_REFERENCE = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]*)(\d*)["']""")


@dataclass
class _Extent:
    """How far a sheet reaches, as the reader counts: 0-based index of the next row and
    column for a cell without a reference, and the largest row and column any cell has."""
    row: int = 0
    column: int = 0
    rows: int = 0  # cells reach rows 1..rows
    columns: int = 0

    def cell(self, row: int, column: int) -> None:
        self.rows, self.columns = max(self.rows, row + 1), max(self.columns, column + 1)


def _xlsx(path: Path, book: zipfile.ZipFile, limits: Limits) -> None:
    cells = 0
    for info in _xml_parts(book):
        extent = _Extent()
        is_sheet = False
        for data in _stream(path, info, limits):
            is_sheet = is_sheet or b"sheetData" in data
            if is_sheet:
                _sheet_piece(data, extent)
        if is_sheet:
            cells += within(extent.rows, extent.columns, info.filename, limits)
            cells_within(cells, limits)


def _sheet_piece(data: bytes, extent: _Extent) -> None:
    canonical = (data.count(b"<c") == data.count(b'<c r="')
                 and data.count(b":c") == data.count(b':c r="') and b"'" not in data)
    if canonical:
        rows = _ROW_NUMBERS.findall(data)
        letters = _COLUMN_LETTERS.findall(data)
        if rows:
            extent.rows = max(extent.rows, max(map(int, rows)))
        if letters:
            if max(map(len, letters)) > 3:
                extent.columns = max(extent.columns, 26 ** 3 + 1)
            else:
                extent.columns = max(extent.columns, max(map(_COLUMN.__getitem__, letters)))
        # The next cell without a reference would go no further than this.
        extent.row, extent.column = max(extent.row, extent.rows), max(extent.column,
                                                                       extent.columns)
        return
    for closing, tag, attributes in _XLSX_TAG.findall(data):
        empty = attributes.rstrip().endswith(b"/")
        reference = _REFERENCE.search(attributes)
        if tag == b"row":
            if closing:
                extent.row, extent.column = extent.row + 1, 0
            elif not empty and reference and reference.group(2):
                extent.row = int(reference.group(2)) - 1
        elif not closing and not empty:  # the reader skips an empty <c/>
            if reference and reference.group(1) and reference.group(2):
                row, column = int(reference.group(2)) - 1, _COLUMN[reference.group(1)] - 1
                extent.column = column
            else:
                row, column = extent.row, extent.column
            extent.cell(row, column)
            extent.column += 1


# ODS: the reader expands `number-columns-repeated` of a cell with a value and
# `number-rows-repeated` of a row with one, and empty rows or cells before a filled one;
# empty runs at the end (LibreOffice writes a million empty rows there) cost nothing.
_ODS_TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])"
                      + _ATTRIBUTES + rb">")
_ODS_REPEAT = re.compile(rb"""table:number-(?:columns|rows)-repeated\s*=\s*["'](\d+)""")
_ODS_VALUE = re.compile(rb"(?:office:(?:value|string-value|date-value|time-value|"
                        rb"boolean-value|value-type)|table:formula)\s*=")


@dataclass
class _OdsTable:
    rows: int = 0  # rows up to the last filled one, repeats expanded
    columns: int = 0
    empty_rows: int = 0  # empty rows since the last filled one
    row_repeat: int = 1
    width: int = 0  # cells of the current row so far
    filled: int = 0  # cells of the current row up to its last filled one


def _ods(path: Path, book: zipfile.ZipFile, limits: Limits) -> None:
    cells = 0
    for info in _xml_parts(book):
        table = _OdsTable()
        for data in _stream(path, info, limits):
            if info.filename != "content.xml":  # the only part the reader takes cells from
                continue
            for closing, tag, attributes in _ODS_TAG.findall(data):
                if tag == b"table":
                    if closing:
                        cells += table.rows * table.columns
                        cells_within(cells, limits)
                        table = _OdsTable()
                    continue
                repeat = _ODS_REPEAT.search(attributes)
                count = int(repeat.group(1)) if repeat else 1
                if tag != b"table-row":  # a cell
                    if not closing:
                        table.width += count
                        if _ODS_VALUE.search(attributes):
                            table.filled = table.width
                elif not closing:
                    table.row_repeat, table.width, table.filled = count, 0, 0
                elif table.filled:
                    table.rows += table.empty_rows + table.row_repeat
                    table.columns = max(table.columns, table.filled)
                    table.empty_rows = 0
                    within(table.rows, table.columns, info.filename, limits)
                else:
                    table.empty_rows += table.row_repeat
