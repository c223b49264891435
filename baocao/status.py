"""`baocao status`: the last runs, a run in progress, rejected files and missing reports."""

from __future__ import annotations

import duckdb
from rich.console import Console

from common.datafolder import DataPaths
from common.vn_format import vn_int
from load import run_state

RUN_STATUS_VI = {"succeeded": "thành công", "failed": "thất bại", "running": "đang chạy"}
STAGES_VI = {"archive": "lưu trữ tệp", "extract": "đọc tệp", "validate": "kiểm tra",
             "load": "nạp và dựng báo cáo", "publish": "công bố", "done": "xong",
             "failed": "thất bại"}


def _when(value) -> str:
    return value.strftime("%d/%m/%Y %H:%M") if value else "—"


def print_status(console: Console, paths: DataPaths, runs: int) -> None:
    state = run_state.read(paths)
    if state and state["stage"] not in ("done", "failed"):
        console.print(f"Đang chạy: lần chạy {state['run_id'][:8]}, bước "
                      f"{STAGES_VI.get(state['stage'], state['stage'])} (từ {state['at']}).")
    if not paths.warehouse.exists():
        console.print(f"Chưa có kho số liệu tại {paths.warehouse}.")
        return
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        console.print("[bold]Các lần chạy gần nhất[/bold]")
        for row in con.execute(
                "select started_at, flow, trigger, status, files_seen, files_loaded,"
                " files_rejected, rows_loaded, rows_rejected, error from etl_run"
                " order by started_at desc limit ?", [runs]).fetchall():
            console.print(
                f"  {_when(row[0])} · {row[1]} ({row[2]}) · {RUN_STATUS_VI.get(row[3], row[3])}"
                f" · tệp mới {vn_int(row[4])}, nạp {vn_int(row[5])}, từ chối {vn_int(row[6])}"
                f" · dòng nạp {vn_int(row[7])}, bị loại {vn_int(row[8])}"
                + (f" · lỗi: {row[9]}" if row[9] else ""), highlight=False)
        published = con.execute("select published_at, data_as_of from meta_publish").fetchone()
        if published:
            console.print(f"Công bố lúc {_when(published[0])}; số liệu mới nhất đến "
                          f"{_when(published[1])}.")
        rejected = con.execute(
            "select path, error from etl_file where status = 'rejected' order by file_id"
        ).fetchall()
        console.print(f"Tệp bị từ chối: {len(rejected)}")
        for path, error in rejected:
            console.print(f"  • {path}: {error}")
        missing = con.execute(
            "select period_code, reporter from report_submission where status <> 'loaded'"
            " order by period_code, reporter").fetchall()
        console.print(f"Báo cáo tháng còn thiếu hoặc bị từ chối: {len(missing)}")
        for period, reporter in missing:
            console.print(f"  • {period}: {reporter}")
