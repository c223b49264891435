"""Completeness and timeliness of the monthly reports: every expected report missing or
rejected, and every report received after its deadline (`report_submission`)."""

from __future__ import annotations

import duckdb

from common.vn_format import vn_date, vn_datetime, vn_period
from expectations.findings import Finding, outcome, records
from expectations.places import Names

COMPLETENESS_SUITE = "completeness"


SUBMISSION_SQL = """
select s.unit_key, s.unit_code, s.reporter, s.period_code, s.status, s.files,
       s.first_received_at, s.received_rule, s.deadline, s.on_time,
       f1.file_id, regexp_extract(f1.path, '[^/\\\\]+$') as file_name, f1.error
from report_submission s
left join (
    select reporter, period_code, arg_min(file_id, first_seen_at) as file_id,
           arg_min(path, first_seen_at) as path,
           arg_min(error, first_seen_at) filter (where status = 'rejected') as error
    from etl_file where kind = 'workbook' group by all
) f1 using (reporter, period_code)
order by s.period_code, s.reporter"""


def _received(r: dict) -> str:
    """When the report counted as received, and by which rule (int_workbook_received)."""
    if r["received_rule"] == "date_line":
        return (f"ký ngày {vn_date(r['first_received_at'])} (báo cáo nạp sau hạn lâu: tính "
                "theo ngày ký)")
    return f"nhận lúc {vn_datetime(r['first_received_at'])}"


def completeness_findings(con: duckdb.DuckDBPyConnection, names: Names) -> list[Finding]:
    rows = records(con, SUBMISSION_SQL)

    def observed(r: dict) -> dict:
        return {"unit": r["unit_code"], "reporter": r["reporter"], "period": r["period_code"],
                "file": r["file_name"], "status": r["status"], "files": r["files"],
                "first_received_at": r["first_received_at"],
                "received_rule": r["received_rule"], "deadline": r["deadline"],
                "expected": {"status": "loaded", "received_by": r["deadline"]}}

    received = [Finding(
        COMPLETENESS_SUITE, "report_received", "warning", False, observed(r),
        f"{names.reporters.get(r['reporter'], r['reporter'])} "
        + (f"chưa gửi báo cáo {vn_period(r['period_code'])} (hạn "
           f"{vn_date(r['deadline'])})." if r["status"] == "missing" else
           f"đã gửi báo cáo {vn_period(r['period_code'])} nhưng tệp '{r['file_name']}' bị "
           f"từ chối: {r['error']}"),
        r["file_id"], unexpected_count=1) for r in rows if r["status"] != "loaded"]
    late = [Finding(
        COMPLETENESS_SUITE, "report_on_time", "warning", False, observed(r),
        f"{names.reporters.get(r['reporter'], r['reporter'])} gửi báo cáo "
        f"{vn_period(r['period_code'])} muộn: {_received(r)}"
        f", hạn {vn_date(r['deadline'])} (tệp '{r['file_name']}').",
        r["file_id"], unexpected_count=1) for r in rows if r["on_time"] is False]
    return [*outcome(COMPLETENESS_SUITE, "report_received", "warning", received, len(rows)),
            *outcome(COMPLETENESS_SUITE, "report_on_time", "warning", late,
                      sum(r["on_time"] is not None for r in rows))]
