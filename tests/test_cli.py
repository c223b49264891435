"""Every CLI command, run the way data staff run it (typer's runner, real files)."""

from __future__ import annotations

import re
import shutil

import duckdb
from typer.testing import CliRunner

from baocao.cli import app
from common.datafolder import DataPaths
from load.lock import writer_lock
from tests.broken_demo import MISSING, UNREADABLE, broken_run

runner = CliRunner()


def test_report_prints_the_vietnamese_report(demo_paths):
    result = runner.invoke(app, ["report", "--period", "2022-9M", "--unit", "688",
                                 "--data-dir", str(demo_paths.data_dir)])
    assert result.exit_code == 0, result.output
    assert "21.473" in result.output and "98,8%" in result.output


def test_report_unknown_period_is_a_clear_error(demo_paths):
    result = runner.invoke(app, ["report", "--period", "2022-M13",
                                 "--data-dir", str(demo_paths.data_dir)])
    assert result.exit_code == 2  # a usage error, told before the warehouse is opened
    assert "Không có kỳ báo cáo '2022-M13'" in result.output


def test_run_without_inbox_says_so(tmp_path):
    result = runner.invoke(app, ["run", "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 1
    assert "Không có thư mục tệp đến" in result.output


def test_run_backfill_and_status_on_a_copy_of_the_demo(demo_paths, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_paths.data_dir, data, ignore=shutil.ignore_patterns("work"))
    result = runner.invoke(app, ["run", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "Tệp mới: 0" in result.output
    result = runner.invoke(app, ["backfill", "--from", "2022-M09", "--to", "2022-M09",
                                 "--unit", "25217", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        triggers = [t for (t,) in con.execute(
            "select trigger from etl_run order by started_at").fetchall()]
    assert triggers == ["manual", "manual", "backfill"]
    result = runner.invoke(app, ["status", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "Các lần chạy gần nhất" in result.output and "thành công" in result.output
    assert "Tệp bị từ chối: 0" in result.output


def test_backfill_rejects_a_bad_range(tmp_path):
    result = runner.invoke(app, ["backfill", "--from", "2022-M09", "--to", "2022-M01",
                                 "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "Khoảng tháng không hợp lệ" in result.output


def test_a_second_writer_is_told_to_wait(demo_paths, tmp_path):
    data = tmp_path / "data"
    (data / "inbox").mkdir(parents=True)
    with writer_lock(DataPaths.of(data), "nightly-run"):
        result = runner.invoke(app, ["run", "--data-dir", str(data)])
    assert result.exit_code == 2
    assert "đang được một lần chạy khác ghi" in result.output


def test_status_speaks_in_names(tmp_path_factory):
    """Reporters and units by name, files by file name, and what became of each file."""
    broken = broken_run(tmp_path_factory)
    result = runner.invoke(app, ["status", "--data-dir", str(broken.data_dir)],
                           env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert MISSING == ("ubnd_25249", "2022-M06")
    assert "• UBND xã Phước Tín: chưa gửi tháng 06/2022" in out
    assert "ubnd_" not in out and str(broken.inbox) not in out
    assert "Tệp bị từ chối: 1" in out
    assert f"• {UNREADABLE} (" in out and f"{UNREADABLE} (không nhận ra): bị từ chối: " in out
    assert ("• BC thang 9 - Long Thuy.xlsx (UBND phường Long Thủy, tháng 09/2022): được thay "
            "bằng tệp BC thang 9 - Long Thuy (sua).xlsx (bản sửa)") in out
    assert re.search(r"\(UBND [^)]+, tháng \d\d/2022\): đã nạp \(\d+ dòng\)", out)
    assert "tệp khác: đã nạp" in out  # a first import: the loaded files are counted
