"""Files handled the way an office handles them — copied, re-saved, renamed, edited, sent
twice, unreadable — through the real nightly flow: the figures stay right and every file's
fate is said."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from common.datafolder import DataPaths
from extract.export_age import date_in_file_name, export_age
from extract.inbox import InboxFile, extract_file
from tests.builders import ONE_STOP_HEADER, csv_bytes, dossier, workbook_rows, write_xlsx
from tests.checksums import relation_checksums

FOOD = "Số cơ sở được kiểm tra, giám sát vệ sinh an toàn thực phẩm"
REPORTS = ("dim_admin_unit", "dim_period", "dim_indicator", "fact_dossier", "fact_indicator",
           "report_one_stop", "report_one_stop_by_field", "report_service_index",
           "report_indicator", "report_indicator_ratio", "report_submission",
           "report_submission_rate")


def run(paths: DataPaths) -> dict:
    from flows.nightly import run_nightly

    return run_nightly(paths)


def thac_mo(path: Path, food: int, period: str = "Tháng 5 năm 2022",
            date_line: str = "Thác Mơ, ngày 14 tháng 5 năm 2022") -> Path:
    return write_xlsx(path, workbook_rows("UBND PHƯỜNG THÁC MƠ", period,
                                          [[FOOD, "cơ sở", None, food, food, None]],
                                          date_line=date_line))


def files(paths: DataPaths) -> dict[str, tuple]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return {Path(p).name: (status, error) for p, status, error in con.execute(
            "select path, status, error from etl_file").fetchall()}


def test_a_copied_inbox_with_new_modification_times_gives_identical_reports(
        demo_paths, tmp_path):
    """Copied with plain `cp` (new mtimes), and the old exports made to look newest: the
    exports are dated by their content, the reports' timeliness by their date lines."""
    copy = DataPaths.of(tmp_path / "data")
    copy.inbox.mkdir(parents=True)
    now = time.time()
    for i, path in enumerate(sorted(demo_paths.inbox.iterdir(), reverse=True)):
        shutil.copyfile(path, copy.inbox / path.name)
        os.utime(copy.inbox / path.name, (now + i, now + i))
    assert run(copy)["status"] == "succeeded"
    assert relation_checksums(copy.warehouse, REPORTS) == relation_checksums(
        demo_paths.warehouse, REPORTS)
    with duckdb.connect(str(copy.warehouse), read_only=True) as con:
        assert con.execute("select data_as_of from meta_publish").fetchone() == (
            dt.datetime(2022, 10, 3),)
        assert dict(con.execute(
            "select regexp_extract(path, '[^/]+$'), exported_at_source from etl_file"
            " where kind = 'one_stop'").fetchall()) == {
            "DanhSachHoSo_05012022.xlsx": "title", "DS ho so mot cua T7.2022.xlsx": "title",
            "export_hoso_2022-04-05.csv": "file_name", "hoso_1cua_03-10-2022.csv": "file_name"}


def _unreadable(path: Path) -> None:
    """A file the process cannot read: no permission (as root, which reads anything, a link
    to a file whose reading fails with an I/O error)."""
    if os.geteuid() == 0:
        path.symlink_to("/proc/self/mem")
    else:
        path.write_bytes(b"x")
        path.chmod(0)


def test_an_unreadable_file_is_rejected_and_never_stops_the_night(tmp_path):
    paths = DataPaths.of(tmp_path / "data")
    paths.inbox.mkdir(parents=True)
    thac_mo(paths.inbox / "BC thang 5 - Thac Mo.xlsx", 12)
    _unreadable(paths.inbox / "BC thang 5 - Long Thuy.xlsx")
    summary = run(paths)
    assert (summary["status"], summary["files_loaded"], summary["files_rejected"]) == (
        "succeeded", 1, 1)
    fates = files(paths)
    assert fates["BC thang 5 - Thac Mo.xlsx"] == ("loaded", None)
    status, error = fates["BC thang 5 - Long Thuy.xlsx"]
    assert status == "rejected" and error.startswith("Không đọc được tệp")
    assert run(paths)["files_seen"] == 0  # recorded once, not retried every night unchanged


def test_a_file_sent_twice_under_another_name_is_recorded_as_a_duplicate(tmp_path):
    paths = DataPaths.of(tmp_path / "data")
    paths.inbox.mkdir(parents=True)
    first = thac_mo(paths.inbox / "BC thang 5 - Thac Mo.xlsx", 12)
    run(paths)
    shutil.copyfile(first, paths.inbox / "BC T5 Thac Mo (gui lai).xlsx")
    summary = run(paths)
    assert summary["files_seen"] == 0
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        assert con.execute(
            "select regexp_extract(d.path, '[^/]+$'), regexp_extract(f.path, '[^/]+$'),"
            " d.run_id = ? from etl_duplicate d join etl_file f using (sha256)",
            [summary["run_id"]]).fetchall() == [
            ("BC T5 Thac Mo (gui lai).xlsx", "BC thang 5 - Thac Mo.xlsx", True)]


def _two_sheets(path: Path, first: str, second: str) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, food in ((first, 999), (second, 12)):
        sheet = book.create_sheet(name)
        for row in workbook_rows("UBND PHƯỜNG THÁC MƠ", "Tháng 5 năm 2022",
                                 [[FOOD, "cơ sở", None, food, food, None]],
                                 date_line="Thác Mơ, ngày 14 tháng 5 năm 2022"):
            sheet.append(row)
    book.save(path)
    return path


def _read(path: Path):
    seen = dt.datetime(2022, 5, 15)
    return extract_file(InboxFile(str(path), "x", path.name, seen, seen), path)


def test_a_draft_sheet_before_the_report_is_not_read(tmp_path):
    result = _read(_two_sheets(tmp_path / "BC thang 5 - Thac Mo.xlsx", "Nhap", "BC"))
    assert not result.rejected
    assert result.extract.sheet == "BC"
    rows = result.extract.rows.set_index("indicator_code")
    assert rows.loc["food_safety_inspected", "actual_month"] == 12
    assert [p.rule for p in result.problems] == ["draft_sheet_ignored"]


def test_two_report_sheets_of_the_same_month_are_an_error_naming_both(tmp_path):
    result = _read(_two_sheets(tmp_path / "BC thang 5 - Thac Mo.xlsx", "T5", "BC"))
    assert result.rejected
    assert "'T5' và 'BC'" in result.error


def test_a_title_month_its_date_line_contradicts_is_rejected_with_both_readings(tmp_path):
    path = thac_mo(tmp_path / "bao cao.xlsx", 12, period="Tháng 11 năm 2022",
                   date_line="Thác Mơ, ngày 13 tháng 5 năm 2022")
    result = _read(path)
    assert result.rejected
    assert "tháng 11/2022" in result.error and "13/05/2022" in result.error


def _export(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.write_bytes(csv_bytes([header, *rows]))
    return path


def test_an_export_with_a_renamed_channel_column_is_rejected_naming_the_look_alike(tmp_path):
    paths = DataPaths.of(tmp_path / "data")
    paths.inbox.mkdir(parents=True)
    header = ["Phương thức nộp" if h == "Hình thức nộp" else h for h in ONE_STOP_HEADER]
    _export(paths.inbox / "hoso_03-10-2022.csv", header,
            [dossier(f"A{i}", "01/09/2022 08:00", "05/09/2022") for i in range(40)])
    summary = run(paths)
    assert (summary["files_rejected"], summary["rows_loaded"]) == (1, 0)
    status, error = files(paths)["hoso_03-10-2022.csv"]
    assert status == "rejected"
    assert "Thiếu cột 'Hình thức nộp'" in error
    assert "Cột 'Phương thức nộp' có phải là 'Hình thức nộp'?" in error


def test_a_renamed_due_date_column_is_said_not_silently_recomputed(tmp_path):
    header = ["Thời hạn giải quyết" if h == "Ngày hẹn trả" else h for h in ONE_STOP_HEADER]
    result = _read(_export(tmp_path / "hoso.csv", header,
                           [dossier("A1", "01/09/2022 08:00", "05/09/2022")]))
    warning = next(p for p in result.problems if p.rule == "missing_due_date_column")
    assert "Cột 'Thời hạn giải quyết' có phải là 'Ngày hẹn trả'?" in warning.message


def test_an_export_whose_rows_are_mostly_rejected_is_an_error_finding(tmp_path):
    paths = DataPaths.of(tmp_path / "data")
    paths.inbox.mkdir(parents=True)
    rows = [dossier(f"A{i}", "01/09/2022 08:00", "05/09/2022",
                    status="Đang xử lý" if i < 4 else "Trạng thái lạ") for i in range(10)]
    _export(paths.inbox / "hoso_03-10-2022.csv", ONE_STOP_HEADER, rows)
    summary = run(paths)
    assert (summary["rows_loaded"], summary["rows_rejected"]) == (4, 6)
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        assert con.execute(
            "select severity, success, unexpected_count from dq_result"
            " where expectation = 'most_rows_loaded'").fetchall() == [("error", False, 6)]


def test_an_export_is_dated_by_its_content_before_its_modification_time():
    mtime = dt.datetime(2026, 12, 1, 9)
    title = dt.datetime(2022, 7, 5, 7, 15)
    newest = dt.datetime(2022, 10, 2, 16, 40)
    assert export_age(title, newest, "x.csv", mtime) == (title, "title")
    assert export_age(None, newest, "hoso_1cua_03-10-2022.csv", mtime) == (
        dt.datetime(2022, 10, 3), "file_name")
    assert export_age(None, newest, "hoso_1cua_01-10-2022.csv", mtime) == (newest, "rows")
    assert export_age(None, None, "hoso.csv", mtime) == (mtime, "mtime")


@pytest.mark.parametrize(("name", "day"), [
    ("export_hoso_2022-04-05.csv", dt.date(2022, 4, 5)),
    ("DanhSachHoSo_05012022.xlsx", dt.date(2022, 1, 5)),
    ("hoso_1cua_03-10-2022.csv", dt.date(2022, 10, 3)),
    ("hoso 20221003.csv", dt.date(2022, 10, 3)),
    ("DS ho so mot cua T7.2022.xlsx", None),  # a month, not a day
    ("hoso_31-02-2022.csv", None),  # no such day
])
def test_a_date_in_a_file_name(name, day):
    assert date_in_file_name(name) == day
