"""`baocao status`, for data staff: the last runs and what became of each file they brought
in, a run in progress, the files still rejected and the monthly reports still missing, all
by the names staff know (reporters and units by name, files by file name).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import duckdb
from rich.console import Console
from rich.text import Text

from baocao.quality_page import KIND_LABELS, STATUS_LABELS
from common.clock import local_now
from common.datafolder import DataPaths
from common.seeds import setting
from common.vn_format import vn_datetime, vn_decimal, vn_int, vn_period
from expectations.findings import records
from load import notify, run_state

RUN_STATUS_VI = {"succeeded": "thành công", "failed": "thất bại", "running": "đang chạy"}
TRIGGERS_VI = {"schedule": "theo lịch", "manual": "chạy tay", "backfill": "nạp lại"}
STAGES_VI = {"archive": "lưu trữ tệp", "extract": "đọc tệp", "validate": "kiểm tra",
             "load": "nạp và dựng báo cáo", "publish": "công bố", "done": "xong",
             "failed": "thất bại"}
# What became of a file, in words, in the order listed; {other} is the file it gave way to.
FATES_VI = {"rejected": "bị từ chối: {error}",
            "superseded": "được thay bằng tệp {other} (bản sửa)",
            "duplicate": "trùng nội dung với tệp {other} (bỏ qua)", "loaded": "đã nạp"}
# Files of a run that need a look are all listed; of the others, the first few (a first
# import brings hundreds, a moved inbox makes every file a copy) and a count.
ALWAYS_LISTED = ("rejected", "superseded")
LISTED = 10
OTHERS_VI = {"duplicate": "trùng nội dung với tệp đã nạp (bỏ qua)", "loaded": "đã nạp"}
_NAME = "regexp_extract({}, '[^/\\\\]+$')"  # the file name of a recorded path


@dataclass
class FileFate:
    name: str
    about: str  # who reported and for which month, or what kind of file
    fate: str  # a FATES_VI key
    text: str  # the fate in words


class _Names:
    """Reporters and units by the names staff know them by."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.reporters = dict(con.execute("select reporter, name_vi from dim_reporter"
                                          ).fetchall())
        self.units = records(con, """
            select u.unit_code, u.unit_name, u.valid_from, u.valid_to
            from dim_admin_unit u order by u.valid_from nulls first""")
        self.ends = dict(con.execute("select period_code, end_date from dim_period").fetchall())

    def unit(self, code: str | None, period: str | None) -> str | None:
        """The unit's name on the period's last day (a code names two units across the
        2025 reorganisation), or its newest name."""
        versions = [u for u in self.units if u["unit_code"] == code]
        day = self.ends.get(period)
        valid = [u for u in versions if day and (u["valid_from"] is None or u["valid_from"]
                 <= day) and (u["valid_to"] is None or day <= u["valid_to"])]
        chosen = valid or versions[-1:]
        return chosen[0]["unit_name"] if chosen else None

    def about(self, f: dict) -> str:
        who = (self.reporters.get(f["reporter"]) or self.unit(f["unit_code"], f["period_code"])
               or KIND_LABELS.get(f["kind"], ""))
        return ", ".join(filter(None, [who, vn_period(f["period_code"])
                                       if f["period_code"] else None]))


def print_status(console: Console, paths: DataPaths, runs: int) -> None:
    state = run_state.read(paths)
    if state and state["stage"] not in ("done", "failed"):
        console.print(f"Đang chạy: lần chạy {state['run_id'][:8]}, bước "
                      f"{STAGES_VI.get(state['stage'], state['stage'])} (từ "
                      f"{vn_datetime(state['at'])}).", highlight=False)
    if not paths.warehouse.exists():
        console.print(f"Chưa có kho số liệu tại {paths.warehouse}.")
        return
    warning = alert(paths)
    if warning:
        console.print(Text(warning.vi, style="bold red"))
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        names = _Names(con)
        last = records(con, "select * from etl_run order by started_at desc limit ?", [runs])
        fates = _file_fates(con, [r["run_id"] for r in last], names)
        console.print("[bold]Các lần chạy gần nhất[/bold]")
        for run in last:
            trigger = TRIGGERS_VI.get(run["trigger"], run["trigger"])
            console.print(Text(
                f"  {vn_datetime(run['started_at'])} · {trigger} (mã {run['run_id'][:8]}) · "
                f"{RUN_STATUS_VI.get(run['status'], run['status'])}"
                f" · tệp mới {vn_int(run['files_seen'])}, nạp {vn_int(run['files_loaded'])},"
                f" từ chối {vn_int(run['files_rejected'])} · dòng nạp "
                f"{vn_int(run['rows_loaded'])}, bị loại {vn_int(run['rows_rejected'])}"
                + (f" · lỗi: {run['error']}" if run["error"] else "")))
            _print_fates(console, fates.get(run["run_id"], []))
        published = con.execute("select published_at, data_as_of from meta_publish").fetchone()
        if published:
            console.print(f"Công bố lúc {vn_datetime(published[0])}; số liệu mới nhất đến "
                          f"{vn_datetime(published[1])}.", highlight=False)
        _print_rejected(console, con, names)
        _print_missing(console, con, names)
        _print_restatements(console, con)


def _file_fates(con: duckdb.DuckDBPyConnection, run_ids: list[str], names: _Names
                ) -> dict[str, list[FileFate]]:
    """Each file the runs brought in, by run: loaded, rejected and why, replaced by which
    correction (a superseded workbook gives way to the loaded file of its reporter and
    month), or skipped as a copy of which file."""
    files = records(con, f"""
        select f.*, {_NAME.format('f.path')} as file_name,
               (select arg_max({_NAME.format('w.path')}, w.file_id) from etl_file w
                where f.status = 'superseded' and w.status = 'loaded'
                  and w.reporter = f.reporter and w.period_code = f.period_code) as other
        from etl_file f where f.first_seen_run in (select unnest(?::varchar[]))
        order by f.file_id""", [run_ids])
    by_run: dict[str, list[FileFate]] = defaultdict(list)
    for f in files + _duplicate_sightings(con, run_ids):
        fate = f.get("fate") or f["status"]
        rows = ""
        if fate == "loaded":
            rows = f" ({vn_int(f['rows_loaded'])} dòng" + (
                f"; {vn_int(f['rows_rejected'])} dòng bị loại" if f["rows_rejected"] else "")
            rows += ")"
        text = FATES_VI[fate].format(error=f.get("error") or "không rõ lý do",
                                     other=f.get("other") or "khác") + rows
        by_run[f["first_seen_run"]].append(FileFate(f["file_name"], names.about(f), fate, text))
    return by_run


def _duplicate_sightings(con: duckdb.DuckDBPyConnection, run_ids: list[str]) -> list[dict]:
    """The one place duplicates come from: files of these runs not read because their
    content was already loaded (sent twice, a renamed copy), with the file they copy.
    A warehouse published before `etl_duplicate` existed has none recorded."""
    if not con.execute("select count(*) from duckdb_tables() where schema_name = 'main'"
                       " and table_name = 'etl_duplicate'").fetchone()[0]:
        return []
    return records(con, f"""
        select 'duplicate' as fate, d.run_id as first_seen_run,
               {_NAME.format('d.path')} as file_name, {_NAME.format('f.path')} as other,
               f.kind, f.reporter, f.unit_code, f.period_code
        from etl_duplicate d join etl_file f using (sha256)
        where d.run_id in (select unnest(?::varchar[]))
        order by d.path""", [run_ids])


def _print_fates(console: Console, fates: list[FileFate]) -> None:
    for fate in FATES_VI:
        alike = [f for f in fates if f.fate == fate]
        listed = alike if fate in ALWAYS_LISTED else alike[:LISTED]
        for f in listed:
            about = f" ({f.about})" if f.about else ""
            style = "red" if f.fate == "rejected" else ""
            console.print(Text(f"    • {f.name}{about}: {f.text}", style=style))
        if len(alike) > len(listed):
            console.print(f"    • … và {vn_int(len(alike) - len(listed))} tệp khác: "
                          f"{OTHERS_VI[fate]}", highlight=False)


def _print_rejected(console: Console, con: duckdb.DuckDBPyConnection, names: _Names) -> None:
    rejected = records(con, f"""
        select *, {_NAME.format('path')} as file_name from etl_file
        where status = 'rejected' order by file_id""")
    console.print(f"Tệp bị từ chối: {vn_int(len(rejected))}", highlight=False)
    for f in rejected:
        about = names.about(f)
        console.print(Text(f"  • {f['file_name']} ({about + '; ' if about else ''}nhận lúc "
                           f"{vn_datetime(f['first_seen_at'])}): "
                           f"{f['error'] or 'không rõ lý do'}"))


def _print_missing(console: Console, con: duckdb.DuckDBPyConnection, names: _Names) -> None:
    """Monthly reports not loaded, by reporter (in the seed's order), month by month."""
    missing = con.execute(
        "select reporter, status, period_code from report_submission where status <> 'loaded'"
        " order by period_code").fetchall()
    console.print(f"Báo cáo tháng còn thiếu hoặc bị từ chối: {vn_int(len(missing))}",
                  highlight=False)
    by_reporter: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for reporter, status, period in missing:
        by_reporter[reporter][status].append(vn_period(period))
    order = list(names.reporters)
    for reporter in sorted(by_reporter, key=lambda r: order.index(r) if r in order
                           else len(order)):
        parts = [f"{STATUS_LABELS.get(status, status)} {', '.join(periods)}"
                 for status, periods in by_reporter[reporter].items()]
        console.print(Text(f"  • {names.reporters.get(reporter, reporter)}: {'; '.join(parts)}"))


@dataclass
class Alert:
    status: str  # 'failed': the newest run failed; 'missed': no nightly succeeded in time
    vi: str  # one line, for staff, cron and a monitoring system
    en: str  # for the engineers reading the webhook
    run_id: str | None  # the run concerned (the newest one)


def alert(paths: DataPaths, now: dt.datetime | None = None) -> Alert | None:
    """What `status` warns of and `status --check` exits 1 for: the newest run failed, or no
    nightly succeeded in the last `alert_after_hours` (setting) hours."""
    hours = int(setting("alert_after_hours"))
    since = (now or local_now()) - dt.timedelta(hours=hours)
    if not paths.warehouse.exists():
        return Alert("missed", f"baocao: CẢNH BÁO chưa có kho số liệu tại {paths.warehouse}: "
                     "luồng nightly chưa chạy thành công lần nào.",
                     "no warehouse yet: the nightly flow never succeeded", None)
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        newest = records(con, "select run_id, flow, status, started_at, error from etl_run"
                         " order by started_at desc limit 1")
        succeeded = con.execute("select max(started_at) from etl_run where flow = 'nightly'"
                                " and status = 'succeeded'").fetchone()[0]
    run_id = newest[0]["run_id"] if newest else None
    if newest and newest[0]["status"] == "failed":
        run = newest[0]
        return Alert("failed", f"baocao: CẢNH BÁO lần chạy gần nhất ({run['flow']}, mã "
                     f"{run['run_id'][:8]}, lúc {vn_datetime(run['started_at'])}) thất bại: "
                     f"{run['error'] or 'không rõ lỗi'}. Kho số liệu vẫn giữ số liệu công bố "
                     "trước đó.", f"the newest run ({run['flow']}) failed: {run['error']}",
                     run_id)
    if succeeded is None or succeeded < since:
        last = f"lần gần nhất lúc {vn_datetime(succeeded)}" if succeeded else "chưa có lần nào"
        return Alert("missed", f"baocao: CẢNH BÁO không có lần chạy nightly thành công nào "
                     f"trong {vn_int(hours)} giờ qua ({last}): lịch chạy có thể đã dừng.",
                     f"no nightly run succeeded in the last {hours} hours (last: "
                     f"{succeeded or 'never'})", run_id)
    return None


def check(console: Console, paths: DataPaths) -> int:
    """`status --check`: one line and exit code 1 when something is wrong, nothing and 0
    when all is well (cron mails only what is printed). A missed nightly is also sent to
    the webhook: a failed run sent its own alert when it failed."""
    found = alert(paths)
    if found is None:
        return 0
    console.print(found.vi, highlight=False, markup=False)
    if found.status == "missed":
        notify.alert(paths, found.run_id, found.status, found.vi, found.en)
    return 1


def _print_restatements(console: Console, con: duckdb.DuckDBPyConnection) -> None:
    """One line per closed figure a later run changed: what was sent, what it is now, which
    files changed it (a warehouse from before closing existed has none)."""
    if not con.execute("select count(*) from duckdb_tables() where schema_name = 'main'"
                       " and table_name = 'report_restatement'").fetchone()[0]:
        return
    rows = records(con, "select * from report_restatement"
                        " order by period_code, unit_code, scope, figure, run_id")
    if not rows:
        return
    console.print("[bold]Số liệu đã chốt bị thay đổi sau khi gửi[/bold]")
    for r in rows:
        scope = "toàn địa bàn" if r["scope"] == "area" else "riêng đơn vị"
        sent, now = map(_figure, (r["closed_value"], r["current_value"]))
        console.print(Text(
            f"  {r['unit_code']} · {vn_period(r['period_code'])} · {scope} · {r['figure']}: "
            f"đã gửi {sent}, nay {now} (lần chạy {r['run_id'][:8]}; tệp: "
            f"{', '.join(r['files']) if r['files'] else 'không xác định'})"))


def _figure(value: float | None) -> str:
    if value is None:
        return "trống"
    return vn_int(int(value)) if float(value).is_integer() else vn_decimal(value, 4)
