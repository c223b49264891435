"""The official form Biểu số II.06a/VPCP/KSTT (Circular 01/2020/TT-VPCP): "Tình hình, kết
quả giải quyết TTHC tại cơ quan, đơn vị trực tiếp giải quyết TTHC", one row per field.

`fetch` reads `report_one_stop_by_field` (a period) or `one_stop_by_field_between` (any
"từ ngày … đến ngày …") from the warehouse; `write` lays the form out with openpyxl. The
form has no column for withdrawn dossiers: by default they are left out of "đã giải quyết"
and footnoted; `withdrawn_as_on_time` folds them into "trả đúng thời hạn", as some
provinces do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import column_index_from_string, get_column_letter

from baocao.export import put
from common.text import fold
from common.vn_format import vn_date, vn_int

FORM_CODE = "Biểu số II.06a/VPCP/KSTT"
TITLE = ("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP "
         "GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH")
NO_FIELD = "Chưa xác định lĩnh vực"
# The form's numbered columns (3)…(13), after (1) STT and (2) Lĩnh vực giải quyết.
COLUMNS = ["received_total", "received_online", "received_direct_postal", "carried_over",
           "resolved_total", "resolved_early", "resolved_on_time", "resolved_late",
           "pending_total", "pending_within_due", "pending_overdue"]
_QUERY_COLUMNS = ("field, received_total, received_online, received_direct + received_postal"
                  " as received_direct_postal, carried_over, resolved_total, resolved_early,"
                  " resolved_on_time, resolved_late, pending_total, pending_within_due,"
                  " pending_overdue, withdrawn")


@dataclass
class Form06a:
    unit_name: str
    scope: str  # 'area': the unit and every unit below it; 'unit': its own desk
    first_day: dt.date
    last_day: dt.date
    period_code: str | None
    rows: list[tuple[str, dict[str, int]]]  # (field, COLUMNS → value), in the form's order
    totals: dict[str, int]
    withdrawn: int
    withdrawn_as_on_time: bool


def fetch(con: duckdb.DuckDBPyConnection, unit_code: str, period_code: str | None = None,
          first_day: dt.date | None = None, last_day: dt.date | None = None,
          scope: str = "area", withdrawn_as_on_time: bool = False) -> Form06a:
    """The form's figures for a period of dim_period, or for the days first_day…last_day."""
    if period_code is not None:
        period = con.execute("select start_date, end_date from dim_period"
                             " where period_code = ?", [period_code]).fetchone()
        if period is None:
            raise LookupError(f"Không có kỳ báo cáo '{period_code}'.")
        first_day, last_day = period
        source, params = ("report_one_stop_by_field where period_code = ? and",
                          [period_code])
    else:
        if first_day is None or last_day is None or first_day > last_day:
            raise LookupError("Cần kỳ báo cáo, hoặc từ ngày … đến ngày … (ngày đầu trước ngày"
                              " cuối).")
        source, params = "one_stop_by_field_between(?, ?) where", [first_day, last_day]
    unit = con.execute(
        "select unit_name from dim_admin_unit where unit_code = ? and ? between"
        " coalesce(valid_from, date '1900-01-01') and coalesce(valid_to, date '9999-12-31')",
        [unit_code, last_day]).fetchone()
    if unit is None:
        raise LookupError(f"Không có đơn vị '{unit_code}' vào ngày {vn_date(last_day)}.")
    cursor = con.execute(f"select {_QUERY_COLUMNS} from {source} unit_code = ? and scope = ?",
                         [*params, unit_code, scope])
    names = [d[0] for d in cursor.description]
    rows = []
    withdrawn = 0
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        withdrawn += row["withdrawn"]
        if withdrawn_as_on_time:
            row["resolved_total"] += row["withdrawn"]
            row["resolved_on_time"] += row["withdrawn"]
        rows.append((row["field"] or NO_FIELD, {c: row[c] for c in COLUMNS}))
    rows.sort(key=lambda r: (r[0] == NO_FIELD, fold(r[0])))
    totals = {c: sum(figures[c] for _, figures in rows) for c in COLUMNS}
    return Form06a(unit[0], scope, first_day, last_day, period_code, rows, totals, withdrawn,
                   withdrawn_as_on_time)


def footnote(form: Form06a) -> str | None:
    if not form.withdrawn:
        return None
    if form.withdrawn_as_on_time:
        return (f"(*) {vn_int(form.withdrawn)} hồ sơ rút/trả lại (công dân rút hồ sơ, trả lại, "
                "từ chối, dừng xử lý) được tính vào cột (7) và cột (9) \"Trả đúng thời hạn\".")
    return (f"(*) Cột (3) gồm {vn_int(form.withdrawn)} hồ sơ rút/trả lại (công dân rút hồ sơ,"
            " trả lại, từ chối, dừng xử lý): không tính vào số đã giải quyết (7) và đang giải"
            " quyết (11).")


_HEADER_CELLS = [  # (first cell, last cell, text) of the three header rows
    ("A", "A", "STT"), ("B", "B", "Lĩnh vực giải quyết"),
    ("C", "F", "Số hồ sơ nhận giải quyết"), ("G", "M", "Kết quả giải quyết"),
]
_HEADER_ROW2 = [("C", "C", "Tổng số"), ("D", "E", "Trong đó"), ("F", "F", "Từ kỳ trước"),
                ("G", "J", "Số hồ sơ đã giải quyết"), ("K", "M", "Số hồ sơ đang giải quyết")]
_HEADER_ROW3 = {"D": "Trực tuyến", "E": "Trực tiếp, dịch vụ bưu chính công ích",
                "G": "Tổng số", "H": "Trả trước hạn", "I": "Trả đúng thời hạn",
                "J": "Trả quá hạn", "K": "Tổng số", "L": "Trong hạn", "M": "Quá hạn"}
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def write(form: Form06a, path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "II.06a"
    bold, centre = Font(bold=True), Alignment(horizontal="center", vertical="center",
                                              wrap_text=True)
    code = put(sheet, 1, 13, FORM_CODE)
    code.alignment = Alignment(horizontal="right")
    code.font = bold
    scope_text = ("gồm bộ phận một cửa của đơn vị và các đơn vị trực thuộc"
                  if form.scope == "area" else "bộ phận một cửa của đơn vị")
    lines = [
        (TITLE, bold),
        (f"Kỳ báo cáo: từ ngày {vn_date(form.first_day)} đến ngày {vn_date(form.last_day)}"
         + (f" ({form.period_code})" if form.period_code else ""), None),
        (f"Đơn vị báo cáo: {form.unit_name} ({scope_text})", None),
        ("Đơn vị tính: Số hồ sơ TTHC", None),
    ]
    for number, (text, font) in enumerate(lines, start=2):
        sheet.merge_cells(f"A{number}:M{number}")
        cell = put(sheet, number, 1, text)  # the unit's name is in one of these lines
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        if font:
            cell.font = font
    top = len(lines) + 3  # one empty row above the header
    for first, last, text in _HEADER_CELLS:
        sheet.merge_cells(f"{first}{top}:{last}{top if first != last else top + 2}")
        put(sheet, top, column_index_from_string(first), text)
    for first, last, text in _HEADER_ROW2:
        bottom = top + 1 if first != last else top + 2
        sheet.merge_cells(f"{first}{top + 1}:{last}{bottom}")
        put(sheet, top + 1, column_index_from_string(first), text)
    for letter, text in _HEADER_ROW3.items():
        put(sheet, top + 2, column_index_from_string(letter), text)
    numbers_row = top + 3
    for col in range(1, 14):
        put(sheet, numbers_row, col, f"({col})")
    body = [(str(i), field, figures) for i, (field, figures) in enumerate(form.rows, start=1)]
    body.append(("", "Tổng cộng", form.totals))
    for offset, (number, field, figures) in enumerate(body, start=1):
        row = numbers_row + offset
        put(sheet, row, 1, number)
        put(sheet, row, 2, field)  # a field's name as the export wrote it: text, always
        for col, name in enumerate(COLUMNS, start=3):
            put(sheet, row, col, figures[name]).number_format = "#,##0"
    last_row = numbers_row + len(body)
    for row in sheet.iter_rows(min_row=top, max_row=last_row, max_col=13):
        for cell in row:
            cell.border = _BOX
            if cell.row <= numbers_row:
                cell.font, cell.alignment = bold, centre
    for cell in sheet[last_row]:
        cell.font = bold
    note = footnote(form)
    if note:
        put(sheet, last_row + 2, 1, note)
    sheet.column_dimensions["A"].width = 5
    sheet.column_dimensions["B"].width = 34
    for col in range(3, 14):
        sheet.column_dimensions[get_column_letter(col)].width = 12
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
