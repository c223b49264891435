"""The data-quality page, for data staff: one self-contained HTML file (no scripts, no
outside resources) that lists, unit by unit, the rejected files and rows, the rule
violations, the cross-checks that failed, the outliers and the missing or late reports,
each with its file, sheet and cell. Also the short summary the CLI prints after every run.

A page covers a window of runs: the checks of the whole warehouse as the newest run of the
window that checked data left them, the problems of the files read by the window's runs
(only the run that reads a file checks its rows), and every file still rejected, whatever
run first saw it. A problem repeated on many rows is one line with its count and its first
places, so that the page stays small.

`fetch` reads the warehouse (read-only); `render` and `summary` are pure and only format.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import duckdb

from common.vn_format import vn_date, vn_datetime, vn_int, vn_number, vn_pct, vn_period
from expectations.findings import records

SUITE_LABELS = {
    "one_stop_export": "Kiểm tra tệp một cửa",
    "commune_workbook": "Kiểm tra báo cáo tháng",
    "fact_dossier": "Kiểm tra bảng hồ sơ",
    "fact_indicator": "Kiểm tra bảng chỉ tiêu",
    "validation_rules": "Quy tắc kiểm tra",
    "cross_checks": "Đối chiếu số liệu",
    "outliers": "Giá trị bất thường",
    "completeness": "Báo cáo thiếu, bị từ chối hoặc nộp muộn",
}
# Suites checked on a file's rows when a run reads it; the others check the whole warehouse
# again in every run that checks data.
FILE_SUITES = ("one_stop_export", "commune_workbook")
_IN_FILE_SUITES = "in (" + ", ".join(f"'{s}'" for s in FILE_SUITES) + ")"
SEVERITY_LABELS = {"error": "Lỗi", "warning": "Cảnh báo"}
STATUS_LABELS = {"loaded": "đã nạp", "rejected": "bị từ chối", "missing": "chưa gửi"}
KIND_LABELS = {"workbook": "báo cáo tháng", "one_stop": "danh sách hồ sơ một cửa",
               "unknown": "không nhận ra"}
PLACES_ON_PAGE = 20  # places listed for a repeated problem; the rest are counted


@dataclass
class Item:
    """One thing to look at, located."""

    category: str  # a SUITE_LABELS key, or 'rejected_file' / 'rejected_row'
    severity: str
    period: str | None
    file: str | None
    sheet: str | None
    cell: str | None
    message: str
    detail: str = ""  # e.g. the expected range
    rule: str | None = None  # the expectation or reader rule: with the message, what repeats
    row: int | None = None  # the row in the file, when known

    @property
    def order(self) -> tuple:
        """Errors first, then by period, file, sheet and row (as a number: 9 before 10)."""
        row, column = _cell_order(self.cell)
        return (self.severity != "error", self.period or "", self.file or "", self.sheet or "",
                self.row if self.row is not None else row, len(column), column)

    @property
    def repeats(self) -> tuple:
        """Items alike in all but their place, shown as one line."""
        return (self.category, self.severity, self.rule, self.period, self.file, self.sheet,
                self.message, self.detail)


def _cell_order(cell: str | None) -> tuple[int, str]:
    """(row, column letters) of 'F10' or 'dòng 10'; (0, '') when there is no place."""
    match = re.fullmatch(r"([A-Z]*)(\d+)", (cell or "").removeprefix("dòng ").strip())
    return (int(match.group(2)), match.group(1)) if match else (0, "")


def grouped(items: Sequence[Item]) -> list[list[Item]]:
    """Items in page order, those alike in all but their place together (in row order)."""
    groups: dict[tuple, list[Item]] = {}
    for item in sorted(items, key=lambda i: i.order):
        groups.setdefault(item.repeats, []).append(item)
    return list(groups.values())


def places(cells: Sequence[str | None], rows: Sequence[int | None], limit: int) -> str:
    """Where a repeated problem is: its first `limit` cells (or rows) and how many more:
    'H2, H3, H4, … và 10.388 ô khác', 'dòng 2, 3, 4, … và 10.388 dòng khác'."""
    if all(cells):
        shown, word = ", ".join(cells[:limit]), "ô"
    elif all(r is not None for r in rows):
        shown, word = "dòng " + ", ".join(map(str, rows[:limit])), "dòng"
    else:
        labels = [c or (f"dòng {r}" if r is not None else "—") for c, r in zip(cells, rows,
                                                                                strict=True)]
        shown, word = ", ".join(labels[:limit]), "chỗ"
    more = len(cells) - limit
    return shown + (f", … và {vn_int(more)} {word} khác" if more > 0 else "")


def times(count: int, rows: Sequence[int | None]) -> str:
    """'ở 10.391 dòng' when each is a row of the file, '12 lần' otherwise."""
    return (f"ở {vn_int(count)} dòng" if all(r is not None for r in rows)
            else f"{vn_int(count)} lần")


@dataclass
class Section:
    title: str
    items: list[Item] = field(default_factory=list)


@dataclass
class QualityData:
    run: dict[str, object]
    window: list[dict[str, object]]  # the runs that checked data shown, newest first
    counts: dict[tuple[str, str], int]  # (suite, severity) → failing findings
    passed: dict[str, int]  # suite → expectations that passed
    rejected_files: int
    rejected_rows: int
    rates: list[dict[str, object]]  # the town's reporting rates by month
    sections: list[Section]


_FILE_NAME = "regexp_extract({}, '[^/\\\\]+$')"


def fetch(con: duckdb.DuckDBPyConnection, run: str = "last", runs: int = 1) -> QualityData:
    """Everything the page shows, up to one run: 'last' is the newest run that checked the
    data (a run that found no new file leaves the warehouse, and its findings, as they
    were). The window is the `runs` runs that checked data, up to that one."""
    row = records(con, """
        select * from etl_run
        where run_id = ? or (? = 'last' and run_id = (
            select r.run_id from etl_run r where exists (
                select 1 from dq_result d where d.run_id = r.run_id)
            order by r.started_at desc limit 1))""", [run, run])
    if not row:
        raise LookupError(f"Không có lần chạy '{run}' trong kho số liệu.")
    run_row = row[0]
    window = records(con, """
        select run_id, started_at from etl_run r
        where started_at <= ? and exists (select 1 from dq_result d where d.run_id = r.run_id)
        order by started_at desc limit ?""", [run_row["started_at"], runs])
    window_ids = [w["run_id"] for w in window]
    reporters = dict(con.execute("select reporter, name_vi from dim_reporter").fetchall())
    order = {r: f"{i:03d}" for i, r in enumerate(reporters)}  # the seed's order
    units = records(con, "select unit_code, unit_name, valid_from, valid_to, level"
                          " from dim_admin_unit")
    ends = dict(con.execute("select period_code, end_date from dim_period").fetchall())

    def unit_title(code: str | None, period: str | None, scope: str | None) -> str:
        day = ends.get(period) or dt.date.today()
        for u in units:
            if u["unit_code"] == code and (u["valid_from"] or dt.date.min) <= day <= (
                    u["valid_to"] or dt.date.max):
                return u["unit_name"] + (" (toàn địa bàn)" if scope == "area"
                                         and u["level"] != "commune" else "")
        return code or "Không gắn với đơn vị nào"

    sections: dict[str, Section] = {}

    def section(key: str, title: str) -> Section:
        return sections.setdefault(key, Section(title))

    def of_reporter(reporter: str | None) -> Section:
        if not reporter:
            return section("3", "Không gắn với đơn vị nào")
        return section(f"1 {order.get(reporter)} {reporter}", reporters.get(reporter, reporter))

    # The warehouse-wide suites of the window's newest run; a file suite's findings from
    # the newest run of the window that read the file, unless a correction replaced it.
    shown = f"""
        with shown as (
            select d.*, f.reporter as file_reporter, f.period_code as file_period,
                   {_FILE_NAME.format('f.path')} as file_name, f.status as file_status
            from dq_result d join etl_run r using (run_id)
            left join etl_file f using (file_id)
            where d.run_id in (select unnest(?::varchar[]))
              and (d.suite {_IN_FILE_SUITES} or d.run_id = ?)
            qualify d.suite not {_IN_FILE_SUITES}
                 or r.started_at = max(r.started_at) over (partition by d.file_id, d.suite)
        )
        select * from shown
        where not (suite {_IN_FILE_SUITES} and coalesce(file_status, '') = 'superseded')"""
    newest = window_ids[0] if window_ids else None
    findings = records(con, shown + " and not success", [window_ids, newest])
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for f in findings:
        counts[(f["suite"], f["severity"])] += 1
        observed = json.loads(f["observed"]) if f["observed"] else {}
        reporter = observed.get("reporter") or f["file_reporter"]
        period = observed.get("period") or f["file_period"]
        if reporter or not observed.get("unit"):
            target = of_reporter(reporter)
        else:
            target = section(f"2 {observed['unit']} {observed.get('scope')}",
                             unit_title(observed["unit"], period, observed.get("scope")))
        target.items.append(Item(
            f["suite"], f["severity"], period, observed.get("file") or f["file_name"],
            observed.get("sheet"), observed.get("cell"),
            f["message"] or _gx_message(f, observed), _detail(observed), f["expectation"]))
    passed = dict(con.execute(f"select suite, count(*) from ({shown} and success) group by"
                              " suite", [window_ids, newest]).fetchall())

    rejected_files = records(con, f"""
        select f.reporter, f.period_code, {_FILE_NAME.format('f.path')} as file_name, f.error,
               f.first_seen_at, f.first_seen_run
        from etl_file f join etl_run r on r.run_id = f.first_seen_run
        where f.status = 'rejected' and r.started_at <= ?
        order by f.file_id""", [run_row["started_at"]])
    for r in rejected_files:
        message = r["error"] or "Tệp bị từ chối."
        if r["first_seen_run"] not in window_ids:
            message += (f" (tệp nhận lúc {vn_datetime(r['first_seen_at'])}, đến nay vẫn bị từ"
                        " chối)")
        of_reporter(r["reporter"]).items.append(Item(
            "rejected_file", "error", r["period_code"], r["file_name"], None, None, message))
    rejected_rows = records(con, f"""
        select f.reporter, f.period_code, {_FILE_NAME.format('f.path')} as file_name,
               r.sheet, r.row_number, r.cell, r.rule, r.reason
        from rejected_row r join etl_file f using (file_id)
        where r.run_id in (select unnest(?::varchar[])) and f.status <> 'superseded'""",
                            [window_ids])
    for r in rejected_rows:
        of_reporter(r["reporter"]).items.append(Item(
            "rejected_row", "error", r["period_code"], r["file_name"], r["sheet"],
            r["cell"] or (f"dòng {r['row_number']}" if r["row_number"] else None),
            r["reason"], rule=r["rule"], row=r["row_number"]))
    rates = records(con, """
        select r.period_code, r.expected_reports, r.loaded_reports, r.on_time_reports,
               r.missing_reports, r.rejected_reports, r.reporting_rate, r.on_time_reporting_rate
        from report_submission_rate r join dim_period p using (period_code)
        join dim_admin_unit u using (unit_key)
        where p.period_type = 'month' and r.scope = 'area' and u.level = 'district'
        order by r.period_code""")
    return QualityData(run_row, window, dict(counts), passed, len(rejected_files),
                       len(rejected_rows), rates, [sections[k] for k in sorted(sections)])


def _gx_message(finding: dict, observed: dict) -> str:
    """A GX expectation that failed on a file: which one and how many rows."""
    sample = observed.get("sample_unexpected")
    return (f"Không đạt kiểm tra {finding['expectation']}: {vn_int(finding['unexpected_count'])}"
            f" dòng" + (f" (ví dụ: {', '.join(map(str, sample))})" if sample else "") + ".")


def _detail(observed: dict) -> str:
    expected = observed.get("expected") or {}
    low, high = expected.get("min"), expected.get("max")
    if low is not None and high is not None:
        return vn_number(low) if low == high else f"{vn_number(low)} – {vn_number(high)}"
    if high is not None:
        return f"≤ {vn_number(high)}"
    if low is not None:
        return f"≥ {vn_number(low)}"
    if expected.get("received_by"):
        return f"hạn {vn_date(dt.date.fromisoformat(str(expected['received_by'])))}"
    return ""


def run_summary(warehouse: Path, run_id: str) -> str:
    """The summary of a run just finished (the checks of the last run that checked the
    data, when this one found nothing new)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return summary(fetch(con, run_id))


def summary(data: QualityData) -> str:
    """The few lines the CLI prints after a run."""
    errors = sum(n for (_, severity), n in data.counts.items() if severity == "error")
    warnings = sum(n for (_, severity), n in data.counts.items() if severity == "warning")
    parts = []
    for suite, label in SUITE_LABELS.items():
        found = [f"{vn_int(data.counts[(suite, s)])} {SEVERITY_LABELS[s].lower()}"
                 for s in ("error", "warning") if data.counts.get((suite, s))]
        if found:
            parts.append(f"{label.lower()}: {', '.join(found)}")
    text = (f"Kiểm tra chất lượng số liệu: {vn_int(errors)} lỗi, {vn_int(warnings)} cảnh báo"
            + (f" ({'; '.join(parts)})" if parts else "") + ".")
    if data.rejected_files or data.rejected_rows:
        text += (f" Tệp bị từ chối: {vn_int(data.rejected_files)}, dòng bị loại: "
                 f"{vn_int(data.rejected_rows)}.")
    return text + " Xem chi tiết: baocao quality --run last"


_STYLE = """
body{font-family:"Times New Roman",serif;margin:2em auto;max-width:72em;color:#222}
h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:1px solid #999;margin-top:2em}
h3{font-size:1.1em;margin-top:1.5em}table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eee}td.n{text-align:right}.error{color:#a00;font-weight:bold}
.warning{color:#a60}.ok{color:#070}
"""
_CATEGORIES = [
    ("rejected_file", "Tệp bị từ chối"),
    ("rejected_row", "Dòng bị loại"),
    ("validation_rules", "Vi phạm quy tắc kiểm tra"),
    ("cross_checks", "Đối chiếu số liệu không khớp"),
    ("outliers", "Giá trị bất thường"),
    ("completeness", "Báo cáo thiếu, bị từ chối hoặc nộp muộn"),
    ("one_stop_export", "Kiểm tra tệp một cửa (Great Expectations)"),
    ("commune_workbook", "Kiểm tra báo cáo tháng (Great Expectations)"),
    ("fact_dossier", "Kiểm tra bảng hồ sơ (Great Expectations)"),
    ("fact_indicator", "Kiểm tra bảng chỉ tiêu (Great Expectations)"),
]


def render(data: QualityData) -> str:
    """The page as one HTML document."""
    run = data.run
    def e(text: str) -> str:
        return escape(text, quote=False)

    out = [
        "<!DOCTYPE html>", '<html lang="vi"><head><meta charset="utf-8">',
        f"<title>Chất lượng số liệu — lần chạy {e(vn_datetime(run['started_at']))}</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Chất lượng số liệu kho báo cáo thị xã Phước Long</h1>",
        f"<p>Lần chạy <code>{e(str(run['run_id']))}</code>: bắt đầu "
        f"{e(vn_datetime(run['started_at']))}, kết thúc {e(vn_datetime(run['finished_at']))}"
        f"; tệp mới {vn_int(run['files_seen'])}, nạp {vn_int(run['files_loaded'])}, từ chối "
        f"{vn_int(run['files_rejected'])}; dòng nạp {vn_int(run['rows_loaded'])}, dòng bị "
        f"loại {vn_int(run['rows_rejected'])}.</p>",
        f"<p>{e(_window_text(data.window))}</p>",
        f"<p>{e(summary(data).rsplit(' Xem chi tiết', 1)[0])}</p>",
        "<h2>Tóm tắt các nhóm kiểm tra</h2><table><tr><th>Nhóm kiểm tra</th><th>Lỗi</th>"
        "<th>Cảnh báo</th><th>Đạt</th></tr>",
    ]
    for suite, label in SUITE_LABELS.items():
        out.append(f"<tr><td>{e(label)}</td>"
                   f"<td class='n error'>{vn_int(data.counts.get((suite, 'error'), 0))}</td>"
                   f"<td class='n warning'>{vn_int(data.counts.get((suite, 'warning'), 0))}"
                   f"</td><td class='n ok'>{vn_int(data.passed.get(suite, 0))}</td></tr>")
    out.append("</table>")
    out += _rates_table(data.rates)
    out.append("<h2>Theo đơn vị</h2>")
    if not data.sections:
        out.append("<p class='ok'>Không có vấn đề nào cần xem.</p>")
    for section in data.sections:
        out.append(f"<h3>{e(section.title)}</h3>")
        for category, label in _CATEGORIES:
            items = [i for i in section.items if i.category == category]
            if not items:
                continue
            out.append(f"<p><b>{e(label)}</b> ({vn_int(len(items))})</p><table><tr>"
                       "<th>Mức độ</th><th>Kỳ</th><th>Tệp</th><th>Trang</th><th>Ô</th>"
                       "<th>Nội dung</th><th>Giá trị mong đợi</th></tr>")
            for group in grouped(items):
                i, rows = group[0], [g.row for g in group]
                cell, message = i.cell or "—", i.message
                if len(group) > 1:
                    cell = places([g.cell for g in group], rows, PLACES_ON_PAGE)
                    message += f" ({times(len(group), rows)})"
                out.append(
                    f"<tr><td class='{i.severity}'>{SEVERITY_LABELS[i.severity]}</td>"
                    f"<td>{e(vn_period(i.period))}</td><td>{e(i.file or '—')}</td>"
                    f"<td>{e(i.sheet or '—')}</td><td>{e(cell)}</td>"
                    f"<td>{e(message)}</td><td>{e(i.detail)}</td></tr>")
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def _window_text(window: list[dict[str, object]]) -> str:
    if not window:
        return "Chưa có lần chạy nào kiểm tra số liệu; chỉ có các tệp còn bị từ chối."
    runs = ", ".join(f"{vn_datetime(w['started_at'])} (mã {str(w['run_id'])[:8]})"
                     for w in window)
    return (f"Kiểm tra toàn kho của lần chạy {vn_datetime(window[0]['started_at'])}; tệp và "
            f"dòng bị loại của {vn_int(len(window))} lần chạy có kiểm tra số liệu: {runs}; "
            "cùng mọi tệp đến nay vẫn bị từ chối.")


def _rates_table(rates: list[dict[str, object]]) -> list[str]:
    if not rates:
        return []
    out = ["<h2>Tỷ lệ báo cáo của thị xã theo tháng</h2><table><tr><th>Tháng</th>"
           "<th>Phải gửi</th><th>Đã nạp</th><th>Đúng hạn</th><th>Chưa gửi</th>"
           "<th>Bị từ chối</th><th>Tỷ lệ báo cáo</th><th>Tỷ lệ đúng hạn</th></tr>"]
    for r in rates:
        out.append(
            f"<tr><td>{escape(vn_period(str(r['period_code'])), quote=False)}</td>"
            + "".join(f"<td class='n'>{vn_int(r[k])}</td>" for k in (
                "expected_reports", "loaded_reports", "on_time_reports", "missing_reports",
                "rejected_reports"))
            + f"<td class='n'>{vn_pct(r['reporting_rate'], 1)}</td>"
            f"<td class='n'>{vn_pct(r['on_time_reporting_rate'], 1)}</td></tr>")
    out.append("</table>")
    return out
