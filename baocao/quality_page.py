"""The data-quality page of one nightly run, for data staff: one self-contained HTML file
(no scripts, no outside resources) that lists, unit by unit, the rejected files and rows,
the rule violations, the cross-checks that failed, the outliers and the missing or late
reports, each with its file, sheet and cell. Also the short summary the CLI prints after
every run.

`fetch` reads the warehouse (read-only); `render` and `summary` are pure and only format.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
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
SEVERITY_LABELS = {"error": "Lỗi", "warning": "Cảnh báo"}
STATUS_LABELS = {"loaded": "đã nạp", "rejected": "bị từ chối", "missing": "chưa gửi"}


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


@dataclass
class Section:
    title: str
    items: list[Item] = field(default_factory=list)


@dataclass
class QualityData:
    run: dict[str, object]
    counts: dict[tuple[str, str], int]  # (suite, severity) → failing findings
    passed: dict[str, int]  # suite → expectations that passed
    rejected_files: int
    rejected_rows: int
    rates: list[dict[str, object]]  # the town's reporting rates by month
    sections: list[Section]


def fetch(con: duckdb.DuckDBPyConnection, run: str = "last") -> QualityData:
    """Everything the page shows for one run. 'last' is the newest run that checked the
    data: a run that found no new file leaves the warehouse, and its findings, as they were."""
    row = records(con, """
        select * from etl_run
        where run_id = ? or (? = 'last' and run_id = (
            select r.run_id from etl_run r where exists (
                select 1 from dq_result d where d.run_id = r.run_id)
            order by r.started_at desc limit 1))""", [run, run])
    if not row:
        raise LookupError(f"Không có lần chạy '{run}' trong kho số liệu.")
    run_row = row[0]
    run_id = run_row["run_id"]
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

    findings = records(con, """
        select d.*, f.reporter as file_reporter, f.period_code as file_period,
               regexp_extract(f.path, '[^/\\\\]+$') as file_name
        from dq_result d left join etl_file f using (file_id)
        where d.run_id = ? and not d.success""", [run_id])
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
            f["message"] or _gx_message(f, observed), _detail(observed)))
    passed = dict(con.execute(
        "select suite, count(*) from dq_result where run_id = ? and success group by suite",
        [run_id]).fetchall())

    rejected_files = records(con, """
        select reporter, period_code, regexp_extract(path, '[^/\\\\]+$') as file_name, error
        from etl_file where first_seen_run = ? and status = 'rejected'
        order by file_id""", [run_id])
    for r in rejected_files:
        of_reporter(r["reporter"]).items.append(Item(
            "rejected_file", "error", r["period_code"], r["file_name"], None, None,
            r["error"] or "Tệp bị từ chối."))
    rejected_rows = records(con, """
        select f.reporter, f.period_code, regexp_extract(f.path, '[^/\\\\]+$') as file_name,
               r.sheet, r.row_number, r.cell, r.reason
        from rejected_row r join etl_file f using (file_id)
        where r.run_id = ? order by r.file_id, r.row_number""", [run_id])
    for r in rejected_rows:
        of_reporter(r["reporter"]).items.append(Item(
            "rejected_row", "error", r["period_code"], r["file_name"], r["sheet"],
            r["cell"] or (f"dòng {r['row_number']}" if r["row_number"] else None),
            r["reason"]))
    rates = records(con, """
        select r.period_code, r.expected_reports, r.loaded_reports, r.on_time_reports,
               r.missing_reports, r.rejected_reports, r.reporting_rate, r.on_time_rate
        from report_submission_rate r join dim_period p using (period_code)
        join dim_admin_unit u using (unit_key)
        where p.period_type = 'month' and r.scope = 'area' and u.level = 'district'
        order by r.period_code""")
    return QualityData(run_row, dict(counts), passed, len(rejected_files), len(rejected_rows),
                       rates, [sections[k] for k in sorted(sections)])


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
    """The summary of a run just finished (of the last run that checked the data when this
    one found nothing new)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        checked = con.execute("select count(*) from dq_result where run_id = ?",
                              [run_id]).fetchone()[0]
        return summary(fetch(con, run_id if checked else "last"))


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
            items = sorted((i for i in section.items if i.category == category),
                           key=lambda i: (i.severity != "error", i.period or "", i.file or "",
                                          i.sheet or "", i.cell or ""))
            if not items:
                continue
            out.append(f"<p><b>{e(label)}</b> ({vn_int(len(items))})</p><table><tr>"
                       "<th>Mức độ</th><th>Kỳ</th><th>Tệp</th><th>Trang</th><th>Ô</th>"
                       "<th>Nội dung</th><th>Giá trị mong đợi</th></tr>")
            for i in items:
                out.append(
                    f"<tr><td class='{i.severity}'>{SEVERITY_LABELS[i.severity]}</td>"
                    f"<td>{e(vn_period(i.period))}</td><td>{e(i.file or '—')}</td>"
                    f"<td>{e(i.sheet or '—')}</td><td>{e(i.cell or '—')}</td>"
                    f"<td>{e(i.message)}</td><td>{e(i.detail)}</td></tr>")
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


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
            f"<td class='n'>{vn_pct(r['on_time_rate'], 1)}</td></tr>")
    out.append("</table>")
    return out
