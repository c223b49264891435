"""A monthly report workbook (báo cáo tháng) → who reported, for which month, what values.

The reporter and period come from the title block, the file name only as a fallback. The
header row is searched for, indicator rows are matched to the catalog by folded text, and
every cell that is not a number is reported with its address; one bad row never rejects
the file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

import pandas as pd

from extract.numbers import NotANumber, parse_vn_number
from extract.problems import FileRejected, Problem
from extract.reference import Catalog, load_catalog, load_reporters, resolve_unit
from extract.tabular import Sheet, read_sheets
from extract.text import cell_address, find_header_row, fold, synonym_index
from transform.periods import month_code

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
HEADER_INDEX = synonym_index(HEADERS)
VALUE_FIELDS = ("actual_month", "cumulative", "plan", "rate")
ROW_COLUMNS = ["indicator_code", "actual_month", "cumulative", "plan_value", "printed_rate",
               "row_number", "source_cell"]

_ROMAN = re.compile(r"^[ivxlc]+$")
_SIGNATURE = re.compile(r"^(nguoi lap bieu|tm |kt |chu tich|pho chu tich|thu truong|"
                        r"giam doc|truong phong|noi nhan)")
_TOTAL = re.compile(r"^(tong cong|cong|tong so)$")
_DATE_LINE = re.compile(r"ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})")
_PERIOD_PATTERNS = [
    re.compile(r"thang (\d{1,2}) nam (\d{4})"),
    re.compile(r"thang (\d{1,2}) (\d{4})"),
    re.compile(r"\bt ?(\d{1,2}) (\d{4})\b"),
]
_FILENAME_PERIOD = re.compile(r"(?:thang|\bt)\s*(\d{1,2})(?:\s+(\d{4}))?\b")


@dataclass
class WorkbookExtract:
    reporter: str
    unit_code: str
    period_code: str  # a month, e.g. '2022-M09'
    report_date: dt.date | None  # the date line of the title block
    sheet: str
    rows: pd.DataFrame  # ROW_COLUMNS, one row per accepted indicator row
    problems: list[Problem]


def read_workbook(fileobj: BinaryIO, filename: str, catalog: Catalog | None = None
                  ) -> WorkbookExtract:
    return workbook_from_sheets(read_sheets(fileobj), filename, catalog)


def _header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    found = find_header_row(sheet.rows, HEADER_INDEX, {"indicator"})
    return found if found and ({"actual_month", "cumulative"} & found[1].keys()) else None


def looks_like_workbook(sheets: list[Sheet]) -> bool:
    return any(_header(s) for s in sheets)


def workbook_from_sheets(sheets: list[Sheet], filename: str, catalog: Catalog | None = None
                         ) -> WorkbookExtract:
    catalog = catalog or load_catalog()
    for sheet in sheets:
        found = _header(sheet)
        if found:
            return _extract(sheet.name, sheet.rows, *found, filename, catalog)
    raise FileRejected([Problem(
        "header_not_found", "error",
        "Không tìm thấy dòng tiêu đề của bảng số liệu (cần cột 'Chỉ tiêu' và 'Thực hiện "
        "trong tháng' hoặc 'Lũy kế') trong 20 dòng đầu của trang tính nào.")])


def _extract(sheet: str, rows: list[list[object]], header_row: int, mapping: dict[str, int],
             filename: str, catalog: Catalog) -> WorkbookExtract:
    title = [fold(c) for row in rows[:header_row] for c in row if isinstance(c, str) and c]
    report_date = _report_date(title)
    period_code = _period(title, filename, sheet)
    reporter = _reporter(title, sheet, period_code)
    problems: list[Problem] = []
    records = []
    index = catalog.index
    for number in range(header_row + 1, len(rows)):
        row = rows[number]

        def cell(field: str, row: list[object] = row) -> object:
            col = mapping.get(field)
            return row[col] if col is not None and col < len(row) else None

        text = fold(cell("indicator"))
        if _SIGNATURE.match(text) or any(
                _SIGNATURE.match(fold(c)) for c in row if isinstance(c, str)):
            break
        stt = fold(cell("stt"))
        if not text or _ROMAN.match(stt) or _TOTAL.match(text) or _is_column_numbers(row):
            continue
        code = index.get(text)
        if code is None:
            if _has_values(row, mapping):
                problems.append(Problem(
                    "unmatched_indicator", "error",
                    f"Chỉ tiêu không có trong danh mục: '{cell('indicator')}'", sheet=sheet,
                    row_number=number + 1, cell=cell_address(number, mapping["indicator"]),
                    raw={"indicator": str(cell("indicator"))}))
            continue
        indicator = catalog.indicators[code]
        if indicator.reporter_scope != reporter.scope:
            problems.append(Problem(
                "out_of_scope", "warning",
                f"Chỉ tiêu '{indicator.name_vi}' do cấp "
                f"{'xã' if indicator.reporter_scope == 'commune' else 'thị xã'} báo cáo: "
                "dòng này không được tính để tránh trùng.", sheet=sheet,
                row_number=number + 1, cell=cell_address(number, mapping["indicator"])))
            continue
        values, bad = {}, None
        for field in VALUE_FIELDS:
            if field not in mapping:
                values[field] = None
                continue
            try:
                values[field] = parse_vn_number(cell(field))
            except NotANumber:
                bad = field
                problems.append(Problem(
                    "not_a_number", "error",
                    f"Ô {cell_address(number, mapping[field])} ({HEADERS[field][0]}) của chỉ "
                    f"tiêu '{indicator.name_vi}' không phải là số: '{cell(field)}'",
                    sheet=sheet, row_number=number + 1,
                    cell=cell_address(number, mapping[field]),
                    raw={"indicator": str(cell("indicator")), field: str(cell(field))}))
                break
        if bad:
            continue
        value_field = "cumulative" if indicator.aggregation == "last" else "actual_month"
        if values[value_field] is None:
            value_field = "actual_month" if value_field == "cumulative" else "cumulative"
        source = mapping.get(value_field, mapping["indicator"])
        records.append({
            "indicator_code": code,
            "actual_month": values["actual_month"],
            "cumulative": values["cumulative"],
            "plan_value": values["plan"],
            "printed_rate": values["rate"],
            "row_number": number + 1,
            "source_cell": cell_address(number, source),
        })
    frame = pd.DataFrame.from_records(records, columns=ROW_COLUMNS)
    for column in ("actual_month", "cumulative", "plan_value", "printed_rate"):
        frame[column] = pd.to_numeric(frame[column].map(
            lambda v: None if v is None else float(v)), errors="raise").astype("float64")
    duplicated = frame["indicator_code"].duplicated(keep="first")
    for _, dup in frame[duplicated].iterrows():
        problems.append(Problem(
            "duplicate_indicator", "error",
            f"Chỉ tiêu '{catalog.indicators[dup.indicator_code].name_vi}' xuất hiện hai lần; "
            "chỉ lấy dòng đầu tiên.", sheet=sheet, row_number=int(dup.row_number),
            cell=dup.source_cell))
    return WorkbookExtract(
        reporter=reporter.reporter, unit_code=reporter.unit_code, period_code=period_code,
        report_date=report_date, sheet=sheet, rows=frame[~duplicated].reset_index(drop=True),
        problems=problems)


def _is_column_numbers(row: list[object]) -> bool:
    """The `1 2 3 …` / `(1) (2)` / `A B C` row under a header."""
    cells = [fold(c) for c in row if c not in (None, "")]
    return len(cells) >= 3 and all(re.fullmatch(r"\d{1,2}|[a-h]", c) for c in cells)


def _has_values(row: list[object], mapping: dict[str, int]) -> bool:
    return any(
        mapping.get(f) is not None and mapping[f] < len(row) and row[mapping[f]] not in (None, "")
        for f in ("actual_month", "cumulative", "plan"))


def _report_date(title: list[str]) -> dt.date | None:
    for text in title:
        match = _DATE_LINE.search(text)
        if match:
            day, month, year = map(int, match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def _period(title: list[str], filename: str, sheet: str) -> str:
    content = None
    for text in title:
        if _DATE_LINE.search(text):
            continue
        for pattern in _PERIOD_PATTERNS:
            match = pattern.search(text)
            if match and 1 <= int(match.group(1)) <= 12:
                content = (int(match.group(2)), int(match.group(1)))
                break
        if content:
            break
    from_name = _FILENAME_PERIOD.search(fold(PurePath(filename).stem))
    name_month = int(from_name.group(1)) if from_name and 1 <= int(from_name.group(1)) <= 12 \
        else None
    name_year = int(from_name.group(2)) if from_name and from_name.group(2) else None
    if content and name_month and (content[1] != name_month or
                                   (name_year and content[0] != name_year)):
        raise FileRejected([Problem(
            "period_mismatch", "error",
            f"Kỳ báo cáo trong tệp là tháng {content[1]}/{content[0]} nhưng tên tệp ghi "
            f"tháng {name_month}{'/' + str(name_year) if name_year else ''}.", sheet=sheet)])
    if content:
        return month_code(*content)
    if name_month and name_year:
        return month_code(name_year, name_month)
    raise FileRejected([Problem(
        "period_not_found", "error",
        "Không đọc được kỳ báo cáo (ví dụ 'Tháng 9 năm 2022') ở phần đầu báo cáo hoặc tên tệp.",
        sheet=sheet)])


def _reporter(title: list[str], sheet: str, period_code: str):
    reporters = load_reporters()
    last_day = dt.date(int(period_code[:4]), int(period_code[-2:]), 14)
    by_unit = {r.unit_code: r for r in reporters.values() if r.scope == "commune"}
    for text in title:
        for reporter in reporters.values():
            if reporter.scope != "town":
                continue
            names = sorted((fold(n) for n in (reporter.name_vi, *reporter.title_synonyms)),
                           key=len, reverse=True)
            if any(text == n or text.startswith(n + " ") for n in names):
                return reporter
        if text.startswith(("ubnd ", "uy ban nhan dan ")):
            code = resolve_unit(text, last_day)
            if code in by_unit:
                return by_unit[code]
    raise FileRejected([Problem(
        "reporter_not_found", "error",
        "Không xác định được đơn vị báo cáo (ví dụ 'UBND phường Long Thủy') ở phần đầu báo cáo.",
        sheet=sheet)])
