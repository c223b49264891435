"""A monthly report workbook (báo cáo tháng) → who reported, for which month, what values.

Every commune edits the template, so nothing about the layout is assumed: the report sheet
is the one whose content matches the catalog, the header row is searched for in the first
20 rows (one or two rows high, columns in any order, with the synonyms staff use), and the
rows under it are matched to the catalog by folded text. The reporter and period come from
the title block, the file name only as a fallback. Legacy-font text is converted first
(`extract.legacy_text`). Every cell that cannot be read is reported with its address; one
bad row never rejects the file.

`source` (the file's bytes or path) is opened again only for what python-calamine does not
tell: fonts of legacy text, and formulas or errors that it reads as empty cells.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path, PurePath
from typing import BinaryIO

import numpy as np
import pandas as pd
from defusedxml import DefusedXmlException, ElementTree

from common.catalog import Catalog, load_catalog
from common.text import fold
from common.vn_parse import NotANumber, parse_vn_number
from extract import legacy_text
from extract.headers import cell_address
from extract.problems import FileRejected, Problem
from extract.tabular import Sheet, read_sheets
from extract.title_block import (
    FILENAME_PERIOD,
    date_line,
    fold_cell,
    period_in_content,
    report_period,
    reporter_of,
    title_lines,
    title_texts,
)

HEADERS: dict[str, list[str]] = {
    "stt": ["STT", "TT", "Số TT"],
    "indicator": ["Chỉ tiêu", "Nội dung", "Nội dung chỉ tiêu", "Tên chỉ tiêu"],
    "unit": ["Đơn vị tính", "ĐVT"],
    "plan": ["Kế hoạch", "KH", "Kế hoạch năm", "Chỉ tiêu kế hoạch", "Đối tượng"],
    "actual_month": ["Thực hiện trong tháng", "Trong tháng", "Thực hiện tháng", "TH tháng",
                     "Kết quả trong tháng"],
    "cumulative": ["Lũy kế", "Lũy kế từ đầu năm", "Lũy kế đến nay", "Cộng dồn"],
    "rate": ["Tỷ lệ", "Tỷ lệ %", "Tỷ lệ (%)", "Đạt %", "Đạt (%)"],
}
# A header cell matches a synonym, or starts with one ('Kế hoạch năm 2022', 'Lũy kế đến
# 14/9/2022'); the longest synonym wins ('Chỉ tiêu kế hoạch' is a plan, not the indicator).
_HEADER_KEYS = {fold(text): field for field, texts in HEADERS.items() for text in texts}
VALUE_FIELDS = ("actual_month", "cumulative", "plan", "rate")
ROW_COLUMNS = ["indicator_code", "actual_month", "cumulative", "plan_value", "printed_rate",
               "row_number", "source_cell", "plan_cell", "cumulative_cell", "rate_cell"]
HEADER_ROWS = 20

_ROMAN = re.compile(r"^[IVXLC]+$")
_SECTION_LETTER = re.compile(r"^[A-Z]$")
_SIGNATURE = re.compile(r"^(nguoi lap bieu|tm |kt |chu tich|pho chu tich|thu truong|"
                        r"giam doc|truong phong|noi nhan|chanh van phong)")
_TOTAL = re.compile(r"^(tong cong|cong|tong so|tong)( |$)")
_COLUMN_NUMBER = re.compile(r"^([a-z]?\d{1,3}|[a-z])( ([a-z]?\d{1,3}|[a-z]))*$")
_ENUMERATOR = re.compile(r"^((\d{1,2} )+|[a-h] )")
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")

Source = bytes | Path | None
# Sheet names staff give drafts and old copies, folded.
_DRAFT = re.compile(r"\b(nhap|draft|ban nhap|cu|copy|ban sao|tam|test|thu)\b")


class IndicatorRows:
    """A workbook's accepted indicator rows: code → the rest of ROW_COLUMNS, in sheet order.
    A plain object on purpose: Prefect walks every list, dict and dataclass passed between
    tasks item by item, which for a thousand files' rows costs more than reading them."""

    __slots__ = ("by_code",)

    def __init__(self, by_code: dict[str, tuple]):
        self.by_code = by_code

    def __len__(self) -> int:
        return len(self.by_code)


@dataclass
class WorkbookExtract:
    reporter: str
    unit_code: str
    period_code: str  # a month, e.g. '2022-M09'
    report_date: dt.date | None  # the date line of the title block
    sheet: str
    records: IndicatorRows
    problems: list[Problem]

    @cached_property
    def rows(self) -> pd.DataFrame:
        """ROW_COLUMNS, one row per accepted indicator row."""
        return _frame([self], ROW_COLUMNS)

    @property
    def rows_read(self) -> int:
        return len(self.records)


STAGED_CONSTANTS = ["reporter", "unit_code", "period_code", "source_sheet", "sheet"]


def staged_rows(extracts: list[tuple[str, WorkbookExtract]]) -> pd.DataFrame:
    """The rows of many workbooks as one frame to stage and validate: ROW_COLUMNS, the
    file's sha256, its reporter, unit and period, and the sheet and cell of each value.
    Built once per batch: a frame per file would cost more than reading the file."""
    extracts = [(sha, ex) for sha, ex in extracts if len(ex.records)]
    if not extracts:
        return pd.DataFrame()
    frame = _frame([ex for _, ex in extracts], [*ROW_COLUMNS, *STAGED_CONSTANTS, "sha256"],
                   lambda ex: (ex.reporter, ex.unit_code, ex.period_code, ex.sheet, ex.sheet),
                   [sha for sha, _ in extracts])
    return frame.assign(cell=frame["source_cell"])


def read_workbook(fileobj: BinaryIO, filename: str, catalog: Catalog | None = None
                  ) -> WorkbookExtract:
    data = fileobj.read()
    return workbook_from_sheets(read_sheets(io.BytesIO(data)), filename, catalog, source=data)


# --------------------------------------------------------------------------- text keys
# Workbooks repeat the same few hundred texts: their keys are cached across files.



@lru_cache(maxsize=8192)
def _header_field(value: object) -> str | None:
    words = fold_cell(value).split(" ")
    for end in range(len(words), 0, -1):
        field = _HEADER_KEYS.get(" ".join(words[:end]))
        if field:
            return field
    return None


@lru_cache(maxsize=65536, typed=True)
def _indicator_keys(text: object) -> tuple[str, ...]:
    """The folded text, then without a leading enumerator ('1.', 'a)') and without a
    trailing note in brackets ('(người)'), in the order they are tried."""
    key = fold_cell(text)
    keys = [key, _ENUMERATOR.sub("", key)]
    if isinstance(text, str) and _TRAILING_NOTE.search(text):
        bare = fold_cell(_TRAILING_NOTE.sub("", text))
        keys += [bare, _ENUMERATOR.sub("", bare)]
    return tuple(dict.fromkeys(k for k in keys if k))


def _catalog_code(index: dict[str, str], text: object) -> str | None:
    for key in _indicator_keys(text):
        code = index.get(key)
        if code:
            return code
    return None


# --------------------------------------------------------------------------- layout

@dataclass(frozen=True)
class _Header:
    top: int  # 0-based row of the header's first row (the title block is above it)
    bottom: int  # its last row: data start below
    columns: dict[str, int]  # field → 0-based column


def _row_fields(row: list[object]) -> dict[int, str]:
    return {c: f for c, cell in enumerate(row) if isinstance(cell, str)
            and (f := _header_field(cell))}


def _find_header(rows: list[list[object]]) -> _Header | None:
    """The first row among the first 20 that, alone or with the row under it (a two-row
    header: 'Kết quả thực hiện' over 'Trong tháng' | 'Lũy kế'), names the indicator column
    and the month's or the cumulative value."""
    fields = [_row_fields(row) for row in rows[:HEADER_ROWS + 1]]
    for top in range(min(HEADER_ROWS, len(rows))):
        upper = fields[top]
        if not upper:
            continue
        lower = fields[top + 1] if top + 1 < len(fields) else {}
        # The lower row continues the header only if it holds nothing but header texts.
        texts = [c for c in rows[top + 1] if c not in (None, "")] if lower else []
        two_rows = bool(lower) and len(texts) == len(lower)
        columns: dict[str, int] = {}
        for part in ((lower, upper) if two_rows else (upper,)):
            for col, field in sorted(part.items()):
                if field not in columns and col not in columns.values():
                    columns[field] = col
        if "indicator" in columns and {"actual_month", "cumulative"} & columns.keys():
            return _Header(top, top + 1 if two_rows else top, columns)
    return None


def _sheet_header(sheet: Sheet) -> _Header | None:
    found = _find_header(sheet.rows)
    if found is None and legacy_text.has_legacy_marks(sheet.rows[:HEADER_ROWS]):
        for encoding in ("tcvn3", "vni"):  # a trial reading; fonts decide later
            found = _find_header(legacy_text.convert_guessed(sheet.rows[:HEADER_ROWS + 1],
                                                            encoding))
            if found:
                break
    return found


def looks_like_workbook(sheets: list[Sheet]) -> bool:
    return any(_sheet_header(s) for s in sheets)


def _matched_rows(rows: list[list[object]], header: _Header, index: dict[str, str]) -> int:
    col = header.columns["indicator"]
    return sum(1 for row in rows[header.bottom + 1:]
               if col < len(row) and row[col] and _catalog_code(index, row[col]))


def _is_column_numbers(row: list[object]) -> bool:
    """The `1 2 3 …` / `(1) (2)` / `A B C 1 2` / `(4)=(3)/(2)` row under a header."""
    cells = [fold_cell(c) for c in row if c not in (None, "")]
    return len(cells) >= 3 and all(_COLUMN_NUMBER.match(c) for c in cells)


# --------------------------------------------------------------------------- the file

def workbook_from_sheets(sheets: list[Sheet], filename: str, catalog: Catalog | None = None,
                         source: Source = None) -> WorkbookExtract:
    catalog = catalog or load_catalog()
    candidates = []  # (sheet, header, problems of converting its legacy text)
    for sheet in sheets:
        header = _sheet_header(sheet)
        if header is None:
            continue
        problems: list[Problem] = []
        if legacy_text.has_legacy_marks(sheet.rows):
            rows, problems = _to_unicode(sheet, source)
            sheet = Sheet(sheet.name, rows)
            header = _find_header(rows) or header
        candidates.append((sheet, header, problems))
    if not candidates:
        raise FileRejected([Problem(
            "header_not_found", "error",
            "Không tìm thấy dòng tiêu đề của bảng số liệu (cần cột 'Chỉ tiêu' và 'Thực hiện "
            "trong tháng' hoặc 'Lũy kế') trong 20 dòng đầu của trang tính nào.")])
    index = catalog.index
    sheet, header, problems = _report_sheet(candidates, index, filename) \
        if len(candidates) > 1 else candidates[0]
    return _extract(sheet, header, filename, catalog, index, source, problems)


def _report_sheet(candidates: list[tuple[Sheet, _Header, list[Problem]]],
                  index: dict[str, str], filename: str
                  ) -> tuple[Sheet, _Header, list[Problem]]:
    """Of several sheets with a table (a list of indicators, last months' copies, a draft),
    the report: one with catalog indicators and not named as a draft; of those, the month
    the file name gives, else the latest month. Two that remain alike (same month, neither a
    draft) are an ambiguity for staff to settle: the file is rejected naming both."""
    named = FILENAME_PERIOD.search(fold_cell(PurePath(filename).stem))

    def rank(candidate: tuple[Sheet, _Header, list[Problem]]) -> tuple:
        sheet, header, _ = candidate
        matched = _matched_rows(sheet.rows, header, index)
        period = period_in_content(title_lines(sheet.rows[:header.top])) or (0, 0)
        return (matched > 0, not _DRAFT.search(fold_cell(sheet.name)),
                bool(named) and period[1] == int(named.group(1)), period)

    ranked = sorted(candidates, key=rank, reverse=True)
    if rank(ranked[0]) == rank(ranked[1]):
        first, second = ranked[0][0].name, ranked[1][0].name
        raise FileRejected([Problem(
            "ambiguous_sheet", "error",
            f"Tệp có hai trang tính cùng giống báo cáo của cùng một tháng: '{first}' và "
            f"'{second}'. Hãy xoá trang nháp (hoặc đặt tên trang đó có chữ 'Nháp') rồi gửi "
            "lại.", sheet=first)])
    chosen = ranked[0]
    drafts = [c[0].name for c in ranked[1:] if _DRAFT.search(fold_cell(c[0].name))]
    if drafts:
        chosen[2].append(Problem(
            "draft_sheet_ignored", "warning",
            f"Đã đọc trang '{chosen[0].name}'; bỏ qua trang nháp "
            + ", ".join(f"'{d}'" for d in drafts) + ".", sheet=chosen[0].name))
    return chosen


def _to_unicode(sheet: Sheet, source: Source) -> tuple[list[list[object]], list[Problem]]:
    data = source.read_bytes() if isinstance(source, Path) else source
    fonts = legacy_text.cell_fonts(data, sheet.name) if data else None
    return legacy_text.to_unicode(sheet.rows, fonts, sheet.name)


def _extract(sheet: Sheet, header: _Header, filename: str, catalog: Catalog,
             index: dict[str, str], source: Source, problems: list[Problem]
             ) -> WorkbookExtract:
    rows, name, columns = sheet.rows, sheet.name, header.columns
    texts = title_texts(rows[:header.top])
    title = [key for key, _ in texts]
    report_date = date_line(title)
    period_code = report_period(title, filename, name)
    reporter = reporter_of(texts, filename, name, period_code)
    blank = _UnreadCells(source, name)
    records: dict[str, tuple] = {}  # indicator code → the rest of ROW_COLUMNS
    col_of = columns.get
    text_col, stt_col = columns["indicator"], col_of("stt")
    value_cols = [(field, col_of(field)) for field in VALUE_FIELDS]
    for number in range(header.bottom + 1, len(rows)):
        row = rows[number]
        width = len(row)
        text = row[text_col] if text_col < width else None
        code = _catalog_code(index, text) if text not in (None, "") else None
        if code is None:
            if any(isinstance(c, str) and _SIGNATURE.match(fold_cell(c)) for c in row):
                break  # the signature block ends the table
            stt = row[stt_col] if stt_col is not None and stt_col < width else None
            if _reportable(row, columns, text, stt):
                problems.append(Problem(
                    "unmatched_indicator", "error",
                    f"Chỉ tiêu không có trong danh mục: '{text}'", sheet=name,
                    row_number=number + 1, cell=_address(number, text_col),
                    raw={"indicator": str(text)}))
            continue
        indicator = catalog.indicators[code]
        if indicator.reporter_scope != reporter.scope:
            problems.append(Problem(
                "out_of_scope", "warning",
                f"Chỉ tiêu '{indicator.name_vi}' do cấp "
                f"{'xã' if indicator.reporter_scope == 'commune' else 'thị xã'} báo cáo: "
                "dòng này không được tính để tránh trùng.", sheet=name,
                row_number=number + 1, cell=_address(number, text_col)))
            continue
        values, row_problems = _values(row, number, value_cols, indicator.name_vi, name, blank)
        if row_problems:
            problems += row_problems
            if any(p.severity == "error" for p in row_problems):
                continue
        actual_month, cumulative, plan, rate = values
        if indicator.aggregation == "last":
            value_col = col_of("cumulative") if cumulative is not None else col_of("actual_month")
        else:
            value_col = col_of("actual_month") if actual_month is not None \
                else col_of("cumulative")
        source_cell = _address(number, text_col if value_col is None else value_col)
        if code in records:
            problems.append(Problem(
                "duplicate_indicator", "error",
                f"Chỉ tiêu '{indicator.name_vi}' xuất hiện hai lần; chỉ lấy dòng đầu tiên.",
                sheet=name, row_number=number + 1, cell=source_cell))
            continue
        records[code] = (actual_month, cumulative, plan, rate, number + 1, source_cell,
                         *(None if col is None else _address(number, col)
                           for col in (col_of("plan"), col_of("cumulative"), col_of("rate"))))
    return WorkbookExtract(
        reporter=reporter.reporter, unit_code=reporter.unit_code, period_code=period_code,
        report_date=report_date, sheet=name, records=IndicatorRows(records),
        problems=problems)


def _frame(extracts: list[WorkbookExtract], names: list[str],
           constants: Callable[[WorkbookExtract], tuple] | None = None,
           keys: list[str] | None = None) -> pd.DataFrame:
    """One frame, column by column, from the rows of one or more workbooks, with the
    per-file `constants(extract)` and `keys` repeated over each file's rows."""
    parts = [ex.records.by_code for ex in extracts]
    codes = [code for part in parts for code in part]
    values = [v for part in parts for v in part.values()]
    columns = list(zip(*values, strict=True)) or [()] * (len(ROW_COLUMNS) - 1)
    data = [codes, *(np.array([np.nan if v is None else v for v in column], dtype="float64")
                     for column in columns[:4]),
            np.array(columns[4], dtype="int64"), *(list(c) for c in columns[5:])]
    if constants:
        counts = [len(part) for part in parts]
        per_file = list(zip(*(constants(ex) for ex in extracts), strict=True))
        data += [np.repeat(np.array(c, dtype=object), counts) for c in per_file]
        data.append(np.repeat(np.array(keys, dtype=object), counts))
    return pd.DataFrame(dict(zip(names, data, strict=True)))


def _reportable(row: list[object], columns: dict[str, int], text: object, stt: object
                ) -> bool:
    """An unmatched row that carries figures and is not a section, total or the row of
    column numbers: an indicator the catalog does not know, to be reported."""
    has_values = any(
        columns.get(f) is not None and columns[f] < len(row) and row[columns[f]] not in (None, "")
        for f in ("actual_month", "cumulative", "plan"))
    if not has_values or text in (None, "") or _TOTAL.match(fold_cell(text)):
        return False
    section = isinstance(stt, str) and (_ROMAN.match(stt.strip()) or
                                        _SECTION_LETTER.match(stt.strip()))
    return not section and not _is_column_numbers(row)


def _values(row: list[object], number: int, value_cols: list[tuple[str, int | None]],
            indicator_name: str, sheet: str, blank: _UnreadCells
            ) -> tuple[list[float | None], list[Problem]]:
    """The row's figures (VALUE_FIELDS order). A cell that is not a number rejects the row
    (error); a printed rate is only ever compared, so an unreadable one is a warning."""
    values: list[float | None] = []
    problems = []
    width = len(row)
    for field, col in value_cols:
        raw = row[col] if col is not None and col < width else None
        if col is None:
            values.append(None)
            continue
        if type(raw) is float or type(raw) is int:  # a number cell: the common case
            values.append(None if raw != raw else float(raw))
            continue
        severity = "warning" if field == "rate" else "error"
        address = _address(number, col)
        about = f"Ô {address} ({HEADERS[field][0]}) của chỉ tiêu '{indicator_name}'"
        problem = None
        if raw in (None, "") and (unread := blank.why(address)):
            problem = Problem(unread[0], severity, f"{about} {unread[1]}", sheet=sheet,
                              row_number=number + 1, cell=address,
                              raw={"indicator": indicator_name})
        else:
            try:
                values.append(_number(raw))
                continue
            except NotANumber:
                problem = Problem("not_a_number", severity,
                                  f"{about} không phải là số: '{raw}'", sheet=sheet,
                                  row_number=number + 1, cell=address,
                                  raw={"indicator": indicator_name, field: str(raw)})
        values.append(None)
        problems.append(problem)
        if severity == "error":
            break
    return values, problems


@lru_cache(maxsize=65536, typed=True)
def _number(raw: object) -> float | None:
    """A figure typed as text ('6.210', '105,8%', '-'), as a float; the same texts recur
    in every file."""
    value = parse_vn_number(raw)
    return None if value is None else float(value)


_address = lru_cache(maxsize=65536)(cell_address)


class _UnreadCells:
    """Cells python-calamine reads as empty although they are not: a formula saved without
    its value (files written by programs, not by Excel) or an error value (`#DIV/0!`).
    Only `.xlsx` keeps such cells apart; the sheet's XML is read the first time a blank
    value cell is looked up."""

    _CELL = re.compile(rb'<(?:\w+:)?c r="([A-Z]+[0-9]+)"([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)',
                       re.S)
    _VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")

    def __init__(self, source: Source, sheet: str):
        self.source, self.sheet = source, sheet
        self._cells: dict[str, tuple[str, str]] | None = None

    def why(self, address: str) -> tuple[str, str] | None:
        if self._cells is None:
            self._cells = self._scan()
        return self._cells.get(address)

    def _scan(self) -> dict[str, tuple[str, str]]:
        data = self.source.read_bytes() if isinstance(self.source, Path) else self.source
        if not data or not data.startswith(b"PK"):
            return {}
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                xml = book.read(_xlsx_sheet_part(book, self.sheet))
        except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, DefusedXmlException):
            return {}  # an .ods, or a sheet we cannot locate: nothing more to learn
        if b"<f" not in xml and b't="e"' not in xml:
            return {}  # no formula, no error: every blank cell is blank
        found = {}
        for ref, attrs, body in self._CELL.findall(xml):
            body = body or b""
            value = self._VALUE.search(body)
            if b't="e"' in attrs:
                error = value.group(1).decode() if value else "#N/A"
                found[ref.decode()] = ("error_value", f"chứa lỗi {error} thay vì số.")
            elif b"<f" in body and not (value and value.group(1).strip()) \
                    and b't="str"' not in attrs:
                found[ref.decode()] = (
                    "formula_without_value", "chứa công thức chưa được tính (tệp lưu không kèm"
                    " giá trị). Hãy mở tệp bằng Excel, lưu lại rồi gửi lại.")
        return found


def _xlsx_sheet_part(book: zipfile.ZipFile, sheet: str) -> str:
    """The zip member holding a sheet's cells, from the workbook's relationships (or the
    only worksheet there is)."""
    sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
    if len(sheets) == 1:
        return sheets[0]
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rel_id = next((s.get(f"{{{ns['r']}}}id") for s in
                   workbook.iterfind("m:sheets/m:sheet", ns) if s.get("name") == sheet), None)
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in rels.iterfind("p:Relationship", ns)
                   if r.get("Id") == rel_id), None)
    if target is None:
        raise KeyError(sheet)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
