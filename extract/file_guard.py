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
- zip (`.xlsx`, `.ods`): the kind of package, encrypted entries, the number of entries and
  their uncompressed sizes and compression ratios, archives nested in the workbook's parts,
  a DTD in any XML part, and how many rows and columns each sheet would make the reader
  build (cell references and repeat counts as the reader counts them: a lying
  `<dimension>` or a missing `r` attribute changes nothing);
- OLE compound file (`.xls`, password-protected OOXML): encryption, the kind of document,
  and the rows and columns the BIFF cell records reach;
- CSV/TXT: NUL bytes, a line longer than a limit, more columns than a limit.
The limits are settings (`warehouse/seeds/settings.csv`); see docs/hostile-files.md.
"""

from __future__ import annotations

import codecs
import itertools
import logging
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import BinaryIO

import olefile

from common.seeds import setting
from common.vn_format import vn_int
from extract.problems import Problem

log = logging.getLogger(__name__)

CSV_SUFFIXES = {".csv", ".txt"}
HEAD_BYTES = 8192  # enough for every signature and an HTML page's opening
CHUNK = 1 << 22  # what one read of a zip entry or a text file holds in memory
MB = 1 << 20
COLUMN_BYTES = 1 << 20  # how much of a CSV file its columns are counted in
# An XML part whose root element does not start within this many bytes has a prolog no
# office program writes: room to hide a DTD after a long comment.
PROLOG_BYTES = 1 << 16
# Entries smaller than this are not judged by their compression ratio: small, highly
# repetitive parts (styles, a sheet of empty rows) compress far and cost nothing.
RATIO_GRACE_BYTES = 1 << 20
# Where Excel keeps objects pasted into a sheet (a Word document, another workbook): zips
# of their own that no reader opens, held only to the size limits.
EMBEDDED = ("xl/embeddings/",)

RESEND = "Hãy xin đơn vị gửi lại tệp lưu trực tiếp từ Excel"


@dataclass(frozen=True)
class Limits:
    """What one file may cost; `warehouse/seeds/settings.csv` holds the values."""
    csv_mb: int
    workbook_mb: int
    zip_entries: int
    unzipped_mb: int
    entry_mb: int
    ratio: int
    sheet_rows: int
    sheet_columns: int
    cells: int
    line_kb: int
    csv_columns: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(*(int(setting(name)) for name in (
            "guard_max_csv_mb", "guard_max_workbook_mb", "guard_max_zip_entries",
            "guard_max_unzipped_mb", "guard_max_zip_entry_mb", "guard_max_compression_ratio",
            "guard_max_sheet_rows", "guard_max_sheet_columns", "guard_max_cells",
            "guard_max_csv_line_kb", "guard_max_csv_columns")))


class Refused(Exception):
    """A file no parser may see; `problem` says why, for staff."""

    def __init__(self, rule: str, message: str, detail: str):
        super().__init__(detail)
        self.problem = Problem(rule, "error", message)


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
_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Archives nested in a workbook's parts (gzip is not one: Office stores EMF pictures as
# gzip, `.emz`).
_ARCHIVES = (_ZIP, b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c")


def _foreign(head: bytes) -> str | None:
    for signature, what in _FOREIGN:
        if head.startswith(signature):
            return what
    return None


def _not_a_spreadsheet(what: str, suffix: str, advice: str = "") -> Refused:
    named = f" dù tên tệp có đuôi {suffix}" if suffix else ""
    return Refused(
        "not_a_spreadsheet",
        f"Tệp này là {what}, không phải bảng tính{named}. "
        + (advice or "Hãy gửi tệp Excel gốc (.xlsx, .xls) hoặc tệp .csv xuất từ hệ thống, "
                     "không chụp ảnh hay in ra PDF."),
        f"content is {what!r}, not a spreadsheet")


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
        raise _not_a_spreadsheet(what, suffix)
    is_text = suffix in CSV_SUFFIXES
    if head.startswith((_ZIP, _EMPTY_ZIP)):
        if not is_text:
            _too_large(size, limits.workbook_mb, "bảng tính")
        _zip(path, suffix, limits, is_text)
    elif head.startswith(_OLE):
        if not is_text:
            _too_large(size, limits.workbook_mb, "bảng tính")
        _ole(path, suffix, limits, is_text)
    elif not is_text and _is_html(head):
        _too_large(size, limits.workbook_mb, "bảng tính")
        _html(path, head, suffix)
    elif is_text:
        _too_large(size, limits.csv_mb, "tệp CSV")
        _text(path, head, limits)


def _too_large(size: int, limit_mb: int, kind: str) -> None:
    if size > limit_mb * MB:
        raise Refused(
            "too_large",
            f"Tệp quá lớn: {vn_int(size / MB)} MB, giới hạn cho {kind} là {vn_int(limit_mb)} "
            "MB. Hãy kiểm tra có gửi nhầm tệp không; nếu đúng tệp, hãy chia nhỏ (theo tháng, "
            "theo đơn vị) hoặc báo bộ phận kỹ thuật.",
            f"{size} bytes > {limit_mb} MB")


def _is_html(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", errors="ignore").encode()
    head = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<table"))


def _html(path: Path, head: bytes, suffix: str) -> None:
    """An HTML page is read as a table export (some systems' "Excel" is one); a page with
    no table at all is a web page saved by mistake (a webmail's login page)."""
    wide = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    marks = [m.encode("utf-16-le") if wide else m.encode() for m in ("<table", "<TABLE")]
    for chunk in _chunks(path, overlap=16):
        if any(mark in chunk for mark in marks):
            return
    raise _not_a_spreadsheet("một trang web (HTML) không có bảng số liệu", suffix)


def _chunks(path: Path, overlap: int = 0) -> Iterator[bytes]:
    """The file in pieces of CHUNK bytes, each starting with the last `overlap` bytes of
    the one before (so that a short mark is never cut in two)."""
    with path.open("rb") as handle:
        tail = b""
        while block := handle.read(CHUNK):
            yield tail + block
            tail = block[-overlap:] if overlap else b""


# ------------------------------------------------------------------ zip packages

_DAMAGED = ("Tệp bảng tính bị hỏng hoặc chưa tải về hết (tệp bị cắt cụt). Hãy tải lại tệp "
            "từ e-mail/Zalo và mở thử bằng Excel; nếu Excel cũng không mở được, xin đơn vị "
            "gửi lại.")
_PASSWORD = ("Tệp bảng tính được đặt mật khẩu nên không mở được. Hãy mở tệp bằng Excel, gỡ "
             "mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu → xoá "
             "mật khẩu → OK), lưu lại rồi gửi tệp không có mật khẩu.")


def _damaged(detail: str) -> Refused:
    return Refused("damaged_file", _DAMAGED, detail)


def _suspicious(what: str, detail: str) -> Refused:
    return Refused(
        "suspicious_archive",
        f"Tệp bảng tính có cấu trúc bất thường nên không được mở: {what}. Tệp lưu từ Excel "
        f"không bao giờ như vậy; tệp có thể bị hỏng hoặc bị cài bẫy. {RESEND}, và báo bộ "
        "phận kỹ thuật nếu tệp đến từ nguồn lạ.", detail)


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
    end = tail.rfind(_EMPTY_ZIP)
    if end < 0 or len(tail) - end < 22:
        raise _damaged("no end of central directory record")
    entries, directory = struct.unpack_from("<HI", tail, end + 10)
    return entries, directory


def _zip(path: Path, suffix: str, limits: Limits, is_text: bool) -> None:
    entries, directory = _directory_size(path)
    if entries > limits.zip_entries or directory > limits.zip_entries * 1024:
        raise _suspicious(f"có tới {vn_int(entries)} tệp thành phần (giới hạn "
                          f"{vn_int(limits.zip_entries)})",
                          f"{entries} entries, central directory {directory} bytes")
    try:
        with zipfile.ZipFile(path) as book:
            kind = _package_kind(book)
            if is_text:  # a workbook named .csv: the CSV reader says how to re-save it
                if kind in ("xlsx", "ods"):
                    return
                raise _not_a_spreadsheet(_PACKAGES[kind], suffix)
            if kind not in ("xlsx", "ods"):
                raise _not_a_spreadsheet(
                    _PACKAGES[kind], suffix,
                    "Nếu các tệp Excel nằm trong tệp nén, hãy giải nén rồi gửi từng tệp "
                    "Excel." if kind == "zip" else "")
            _entries(path, book, limits)
            (_xlsx if kind == "xlsx" else _ods)(path, book, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise _damaged(f"zip: {exc!r}") from exc


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
            raise Refused("password_protected", _PASSWORD, f"encrypted zip entry {info.filename}")
        if info.file_size > limits.entry_mb * MB:
            raise _suspicious(
                f"phần '{info.filename}' giải nén ra {vn_int(info.file_size / MB)} MB (giới "
                f"hạn {vn_int(limits.entry_mb)} MB mỗi phần)", f"{info.filename}: {info.file_size}"
                " bytes uncompressed")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_GRACE_BYTES and ratio > limits.ratio:
            raise _suspicious(
                f"phần '{info.filename}' nén với tỷ lệ {vn_int(ratio)}:1 (giới hạn "
                f"{vn_int(limits.ratio)}:1) — dấu hiệu của một 'bom nén'",
                f"{info.filename}: compression ratio {ratio:.0f}")
        total += info.file_size
        if total > limits.unzipped_mb * MB:
            raise _suspicious(f"giải nén ra hơn {vn_int(limits.unzipped_mb)} MB (giới hạn "
                              f"{vn_int(limits.unzipped_mb)} MB cho cả tệp)",
                              f"more than {total} bytes uncompressed")
        if info.file_size >= 4 and not info.filename.startswith(EMBEDDED):
            blocks = _inflate(path, info, limits)
            nested = next(blocks, b"").startswith(_ARCHIVES)
            blocks.close()
            if nested:
                raise _suspicious(f"phần '{info.filename}' là một tệp nén khác lồng bên "
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
        raise _suspicious(f"phần '{info.filename}' dùng một kiểu nén lạ",
                          f"{info.filename}: compression method {info.compress_type}")
    most = min(info.file_size, limits.entry_mb * MB)
    with path.open("rb") as handle:
        handle.seek(info.header_offset)
        header = handle.read(30)
        if len(header) < 30 or not header.startswith(_ZIP):
            raise _damaged(f"{info.filename}: no local file header")
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
                    raise _damaged(f"{info.filename}: cut short")
                left -= len(raw)
            else:
                break
            block = raw if inflater is None else inflater.decompress(raw, CHUNK)
            size += len(block)
            if size > most:
                raise _suspicious(
                    f"phần '{info.filename}' giải nén ra hơn {vn_int(limits.entry_mb)} MB "
                    "(giới hạn mỗi phần)" if most < info.file_size else
                    f"phần '{info.filename}' giải nén ra nhiều hơn kích thước nó tự khai "
                    f"({vn_int(info.file_size)} byte)",
                    f"{info.filename}: inflates past {most} bytes")
            crc = zlib.crc32(block, crc)
            if block:
                yield block
    if size != info.file_size or crc != info.CRC:
        raise _damaged(f"{info.filename}: {size} bytes, CRC {crc:08x}; declared "
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
            raise _unsafe(info.filename, f"no markup in {len(data)} bytes")
        piece, carry = data[:cut], data[cut:]
        if b"<!DOCTYPE" in piece or b"<!ENTITY" in piece:
            raise _unsafe(info.filename, "DTD after the prolog")
        if piece:
            yield piece


def _unsafe(part: str, detail: str) -> Refused:
    return Refused(
        "unsafe_xml",
        f"Tệp bảng tính chứa khai báo DTD/thực thể XML (<!DOCTYPE>, <!ENTITY>) hoặc mã XML lạ ở "
        f"phần '{part}'. Excel không bao giờ ghi như vậy; đây là dấu hiệu tệp bị cài bẫy nên "
        f"tệp không được mở. {RESEND} và báo bộ phận kỹ thuật.", f"{part}: {detail}")


_XML_DECLARATION_ENCODING = re.compile(r"""^<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)""")


def _prolog(head: bytes, part: str, complete: bool) -> None:
    """Refuses a DTD before the root element, and a part not in UTF-8 (which the scans of
    this module could not read, and no office program writes)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"<\x00", b"\x00<")):
        raise _unsafe(part, "UTF-16 XML")
    text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")
    declared = _XML_DECLARATION_ENCODING.match(text)
    if declared and declared.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise _unsafe(part, f"declared encoding {declared.group(1)!r}")
    position = 0
    while (position := text.find("<", position)) >= 0:
        if text.startswith("<?", position):
            end = text.find("?>", position)
        elif text.startswith("<!--", position):
            end = text.find("-->", position)
        elif text.startswith("<!", position):
            raise _unsafe(part, "DTD in the prolog")
        else:
            return  # the root element: no DTD can follow
        if end < 0:
            break
        position = end + 2
    if not complete:
        raise _unsafe(part, f"no root element in the first {PROLOG_BYTES} bytes")


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
            cells += _within(extent.rows, extent.columns, info.filename, limits)
            _cells_within(cells, limits)


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


def _within(rows: int, columns: int, part: str, limits: Limits) -> int:
    """A sheet's rows × columns as the reader builds them (a full grid from A1 to its
    farthest cell), refused past the limits; else its number of cells."""
    if rows > limits.sheet_rows or columns > limits.sheet_columns:
        raise Refused(
            "sheet_too_large",
            f"Trang tính (phần '{part}') kéo tới dòng {vn_int(rows)}, cột {vn_int(columns)}; "
            f"giới hạn là {vn_int(limits.sheet_rows)} dòng và {vn_int(limits.sheet_columns)} "
            "cột. Thường do có ô bị gõ hoặc định dạng ở rất xa bảng số liệu: hãy xoá các dòng, "
            "cột thừa ở cuối trang (hoặc chép bảng sang tệp mới), lưu rồi gửi lại.",
            f"{part}: {rows} rows x {columns} columns")
    return rows * columns


def _cells_within(cells: int, limits: Limits) -> None:
    if cells > limits.cells:
        raise Refused(
            "sheet_too_large",
            f"Các trang tính của tệp có tổng cộng {vn_int(cells)} ô (tính từ ô A1 tới ô xa "
            f"nhất), giới hạn là {vn_int(limits.cells)} ô. Hãy xoá các trang, dòng, cột "
            "thừa hoặc chia tệp, lưu rồi gửi lại.", f"{cells} cells in all sheets")


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
                        _cells_within(cells, limits)
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
                    _within(table.rows, table.columns, info.filename, limits)
                else:
                    table.empty_rows += table.row_repeat


# ------------------------------------------------------------------ OLE compound files

_FILEPASS, _BOF, _EOF = 0x002F, 0x0809, 0x000A
# BIFF records of cells with a value: the reader builds its grid up to the farthest.
_VALUE_RECORDS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x00D6, 0x0006, 0x0205, 0x00BD}
_MULRK = 0x00BD


def _ole(path: Path, suffix: str, limits: Limits, is_text: bool) -> None:
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                raise Refused("password_protected", _PASSWORD, "OOXML encrypted package")
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            if stream is None:
                what = ("văn bản Word (.doc)" if ole.exists("WordDocument") else
                        "bản trình chiếu PowerPoint (.ppt)" if ole.exists("PowerPoint Document")
                        else "một tệp Office không phải bảng tính")
                raise _not_a_spreadsheet(what, suffix)
            if is_text:  # an .xls named .csv: the CSV reader says how to re-save it
                return
            with ole.openstream(stream) as handle:
                _biff(handle, stream, limits)
    except Refused:
        raise
    except Exception as exc:  # olefile raises OSError, struct.error and others when cut short
        raise _damaged(f"OLE: {exc!r}") from exc


def _biff(handle: BinaryIO, stream: str, limits: Limits) -> None:
    """Walks the workbook's BIFF records: a FILEPASS record means the rest is encrypted;
    cell records give each sheet's reach."""
    data = handle.read()
    if len(data) < 4:
        raise _damaged(f"{stream} stream of {len(data)} bytes")
    # (rows, columns) of each substream open: a chart's sits inside its sheet's.
    open_streams: list[list[int]] = [[0, 0]]
    position, cells, sheet = 0, 0, 0
    unpack = struct.unpack_from
    while position + 4 <= len(data):
        kind, length = unpack("<HH", data, position)
        body = position + 4
        if kind == _FILEPASS:
            raise Refused("password_protected", _PASSWORD, "BIFF FILEPASS record")
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
                cells += _within(rows, columns, f"{stream}, trang thứ {sheet - 1}", limits)
                _cells_within(cells, limits)
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
        raise _csv(f"có dòng tới {vn_int(widest)} cột trở lên (giới hạn "
                   f"{vn_int(limits.csv_columns)} cột)", f"{widest} columns or more")
    _line_lengths(path, limits.line_kb * 1024)


def _csv(what: str, detail: str) -> Refused:
    return Refused(
        "csv_limits",
        f"Tệp CSV không đọc được: {what}. Tệp xuất từ hệ thống không như vậy; thường do tệp bị "
        "hỏng khi tải về hoặc không phải tệp xuất dữ liệu. Hãy xuất lại tệp từ hệ thống (hoặc "
        "mở bằng Excel, chọn Lưu thành (Save As) → CSV UTF-8) rồi gửi lại.", detail)


def _nul_bytes(path: Path) -> None:
    offset = 0
    for chunk in _chunks(path):
        found = chunk.find(b"\x00")
        if found >= 0:
            raise _csv(f"có byte rỗng (NUL) ở vị trí {vn_int(offset + found)}",
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
                raise _csv(f"dòng {vn_int(line)} dài hơn {vn_int(limit // 1024)} KB (giới "
                           "hạn cho một dòng)", f"line {line} longer than {limit} bytes")
            else:
                run += len(chunk) - start
                break
