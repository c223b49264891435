"""Exports of the report views (`report_*` of schema `main`) for staff who work in Excel.

`fetch` reads one view for a period (a unit, a scope) from the warehouse; `write` lays it
out as `.xlsx` (a title row with the unit, the period and how fresh the data are; Vietnamese
headings, the short part of each column's comment, the whole comment as the heading's
note; numbers as numbers with display formats) or `.csv` (headings, then plain values, for
other tools).

Text is always written as text, never as a formula: a unit or field name arrives from files
that anyone can write, and one beginning with '=', '+', '-', '@', a tab or a carriage
return would run as a formula in Excel (CSV injection, OWASP). In `.xlsx` such a cell is a
string cell; in `.csv` it gets a leading apostrophe. `put` is the one way this package
writes a spreadsheet cell (`baocao.form06a` too).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from baocao.arguments import BadArgument
from baocao.report import unit_in_area
from common.vn_format import vn_date, vn_datetime, vn_period

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SCOPE_WORDS = {"area": "toàn địa bàn (đơn vị và các đơn vị trực thuộc)",
               "unit": "riêng đơn vị"}
# Codes the views hold in English, as staff read them.
_VALUE_WORDS = {
    "scope": {"area": "toàn địa bàn", "unit": "riêng đơn vị"},
    "period_type": {"month": "tháng", "quarter": "quý", "half": "6 tháng",
                    "nine_months": "9 tháng", "year": "năm"},
    "status": {"loaded": "đã nạp", "rejected": "bị từ chối", "missing": "chưa gửi"},
    "received_rule": {"first_seen": "lần đầu hệ thống thấy tệp",
                      "date_line": "ngày ghi trên báo cáo", "unknown": "không xác định"},
}
_HIDDEN = {"unit_key"}  # a surrogate key: nothing for staff, and unit_code says the unit
# Display formats, stored in Excel's invariant notation: Excel shows them with the
# machine's separators, so '#,##0' reads 21.473 and '0.0#%' 98,8% on a Vietnamese Windows.
_FORMATS = {"int": "#,##0", "whole": "#,##0", "number": "#,##0.00", "rate": "0.0#%",
            "date": "dd/mm/yyyy", "datetime": "dd/mm/yyyy hh:mm"}


@dataclass
class Column:
    name: str
    heading: str  # "Số hồ sơ kỳ trước chuyển sang"
    meaning: str  # the whole Vietnamese comment
    kind: str  # int, whole (a double holding whole numbers), number, rate, date,
    #            datetime, text


@dataclass
class Export:
    view: str
    title: str  # the view's Vietnamese name
    unit_name: str | None  # None: every unit of the area
    scope: str
    period_code: str
    start_date: dt.date
    end_date: dt.date
    data_as_of: dt.datetime | None
    published_at: dt.datetime | None
    columns: list[Column]
    rows: list[list[object]]

    @property
    def heading_lines(self) -> list[str]:
        unit = self.unit_name or "tất cả đơn vị của địa bàn"
        lines = [f"{self.title} — {unit}, {SCOPE_WORDS[self.scope]} — "
                 f"{vn_period(self.period_code)} (từ ngày {vn_date(self.start_date)} đến ngày "
                 f"{vn_date(self.end_date)})",
                 f"Số liệu đến ngày {vn_date(self.data_as_of)}; kho số liệu công bố lúc "
                 f"{vn_datetime(self.published_at)}."]
        names = [c.name for c in self.columns]
        if "complete" in names and any(r[names.index("complete")] == "không"
                                       for r in self.rows):
            lines[1] += " Có dòng chưa đủ số liệu của cả kỳ (cột \"Đủ số liệu\": không)."
        return lines


def views(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The report views of `main` (relations named report_* by unit and period; not the
    records of closed periods and restatements) and their comments."""
    return dict(con.execute(
        r"""select table_name, comment from duckdb_tables()
            where schema_name = 'main' and table_name like 'report\_%' escape '\'
              and table_name in (select table_name from duckdb_columns()
                                 where schema_name = 'main' and column_name = 'unit_key')
            union all
            select view_name, comment from duckdb_views()
            where schema_name = 'main' and not internal and view_name like 'report\_%' escape '\'
            order by 1""").fetchall())


def view_name(text: str | None, known: list[str]) -> str:
    """A report relation, named in full or without 'report_' ('one_stop')."""
    if not text:
        raise BadArgument(f"VIEW: Cần tên bảng báo cáo, một trong: {', '.join(known)}.")
    name = text.strip().lower()
    for candidate in (name, f"report_{name}"):
        if candidate in known:
            return candidate
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6) or difflib.get_close_matches(
        f"report_{name}", known, n=1, cutoff=0.6)
    raise BadArgument(f"VIEW: Không có bảng báo cáo '{text}'"
                      + (f"; có phải '{close[0]}'?" if close else
                         f"; các bảng có: {', '.join(known)}."))


def fetch(con: duckdb.DuckDBPyConnection, view: str, period_code: str,
          unit_code: str | None = None, scope: str = "area") -> Export:
    """LookupError (in Vietnamese) for a period, unit or view without rows: an export
    never pretends with an empty table."""
    known = views(con)
    if view not in known:
        raise LookupError(f"Không có bảng báo cáo '{view}' trong kho số liệu.")
    period = con.execute("select start_date, end_date from dim_period where period_code = ?",
                         [period_code]).fetchone()
    if period is None:
        raise LookupError(f"Không có kỳ báo cáo '{period_code}'.")
    unit_name = unit_in_area(con, unit_code, period[1]).name if unit_code else None
    columns = _columns(con, view)
    names = [c.name for c in columns]
    all_names = [n for (n,) in con.execute(
        "select column_name from duckdb_columns() where schema_name = 'main' and"
        " table_name = ?", [view]).fetchall()]
    if "scope" in all_names:  # one row per unit and scope of the period
        where = "v.period_code = $period and v.scope = $scope"
        if unit_code:
            where += " and v.unit_code = $unit"
    else:  # monthly rows: the months of the period, of the units the scope counts
        where = ("v.period_code in (select m.period_code from dim_period m, dim_period p"
                 " where p.period_code = $period and m.period_type = 'month'"
                 " and m.start_date >= p.start_date and m.end_date <= p.end_date)")
        if unit_code:
            where += """ and v.unit_key in (
                select r.fact_unit_key from intermediate.int_unit_rollup r
                join dim_admin_unit u on u.unit_key = r.report_unit_key
                join dim_period p on p.period_code = $period
                where r.scope = $scope and u.unit_code = $unit
                  and p.end_date between r.valid_from and r.valid_to)"""
    # only units whose figures are all in this data folder (not the province above a town)
    where += " and v.unit_key in (select unit_key from dim_admin_unit where in_area)"
    params = {"period": period_code, "scope": scope, "unit": unit_code}
    params = {k: v for k, v in params.items() if f"${k}" in where}
    select = ", ".join(f'v."{n}"' for n in names)
    rows = con.execute(f'select {select} from main."{view}" v where {where} order by all',
                       params).fetchall()
    if not rows:
        raise LookupError(
            f"Bảng {view} không có dòng nào cho {vn_period(period_code)}"
            + (f", đơn vị '{unit_code}'" if unit_code else "") + f", {SCOPE_WORDS[scope]}.")
    table = [[_word(c.name, v) for c, v in zip(columns, row, strict=True)] for row in rows]
    for i, column in enumerate(columns):
        if column.kind == "number" and all(
                r[i] is None or float(r[i]).is_integer() for r in table):
            column.kind = "whole"
    published_at, data_as_of = con.execute(
        "select published_at, data_as_of from meta_publish").fetchone() or (None, None)
    return Export(view, _short(_vietnamese(known[view], view), ";:"), unit_name, scope,
                  period_code, period[0], period[1], data_as_of, published_at, columns, table)


def _columns(con: duckdb.DuckDBPyConnection, view: str) -> list[Column]:
    columns, seen = [], set()
    for name, data_type, comment in con.execute(
            "select column_name, data_type, comment from duckdb_columns()"
            " where schema_name = 'main' and table_name = ? order by column_index",
            [view]).fetchall():
        if name in _HIDDEN:
            continue
        meaning = _vietnamese(comment, name)
        heading = _short(meaning, ":=(")
        if heading in seen:  # two columns of one short name: tell them apart in full
            heading = meaning
        seen.add(heading)
        columns.append(Column(name, heading, meaning, _kind(name, data_type)))
    return columns


def _vietnamese(comment: str | None, otherwise: str) -> str:
    """The Vietnamese part of a comment 'English — Tiếng Việt'."""
    return comment.split(" — ", 1)[1].strip() if comment and " — " in comment else otherwise


def _short(text: str, stops: str) -> str:
    """The name before its explanation: 'Số hồ sơ kỳ trước chuyển sang: tiếp nhận …' →
    'Số hồ sơ kỳ trước chuyển sang'."""
    cut = min([i for i in (text.find(s) for s in stops) if i > 0] or [len(text)])
    return text[:cut].strip()


def _kind(name: str, data_type: str) -> str:
    if data_type in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT"):
        return "int"
    if data_type in ("DOUBLE", "FLOAT", "REAL") or data_type.startswith("DECIMAL"):
        return "rate" if "rate" in name.split("_") else "number"  # fractions from 0 to 1
    if data_type == "DATE":
        return "date"
    if data_type.startswith("TIMESTAMP"):
        return "datetime"
    return "text"


def _word(column: str, value: object) -> object:
    if isinstance(value, bool):
        return "có" if value else "không"
    return _VALUE_WORDS.get(column, {}).get(value, value) if isinstance(value, str) else value


# ---------------------------------------------------------------- writing

def put(sheet, row: int, column: int, value: object):
    """Write one cell; text stays text even when it looks like a formula."""
    cell = sheet.cell(row, column)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl would otherwise store '=…' as a formula
    return cell


def csv_text(value: str) -> str:
    """A text field of a CSV file, with OWASP's leading apostrophe where a spreadsheet
    would read a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write(table: Export, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        _write_csv(table, path)
    else:
        _write_xlsx(table, path)
    return path


def _write_xlsx(table: Export, path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = table.view[:31]
    title, freshness = table.heading_lines
    put(sheet, 1, 1, title).font = Font(bold=True, size=13)
    put(sheet, 2, 1, freshness).font = Font(italic=True)
    header = 4
    for col, column in enumerate(table.columns, start=1):
        cell = put(sheet, header, col, column.heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if column.meaning != column.heading:
            cell.comment = Comment(column.meaning, "baocao", width=320, height=120)
        width = 14 if column.kind != "text" else max(
            [len(str(r[col - 1])) for r in table.rows if r[col - 1] is not None] or [10])
        sheet.column_dimensions[get_column_letter(col)].width = min(max(width, 12), 45)
    for offset, values in enumerate(table.rows, start=1):
        for col, (column, value) in enumerate(zip(table.columns, values, strict=True),
                                              start=1):
            cell = put(sheet, header + offset, col, value)
            if column.kind in _FORMATS and value is not None:
                cell.number_format = _FORMATS[column.kind]
    last = get_column_letter(len(table.columns))
    sheet.freeze_panes = f"A{header + 1}"
    sheet.auto_filter.ref = f"A{header}:{last}{header + len(table.rows)}"
    book.save(path)


def _write_csv(table: Export, path: Path) -> None:
    """Headings, then one line per row: numbers plain (21473, 0.988), days as
    yyyy-mm-dd, so that any tool reads them; UTF-8 with a BOM so that Excel does too."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([csv_text(c.heading) for c in table.columns])
        for values in table.rows:
            writer.writerow([_csv_value(v) for v in values])


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return csv_text(value) if isinstance(value, str) else value
