"""What data staff type on the command line is checked first: a bad period, month range,
day, scope, output file, unit or run is refused in Vietnamese with the value meant, exit
code 2 (a usage error), and nothing is run or written."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import duckdb
import pytest
from typer.testing import CliRunner

from baocao import arguments
from baocao.arguments import BadArgument
from baocao.cli import app

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, re.sub(r"\s+", " ", result.output)


def refused(validate, *args) -> str:
    with pytest.raises(BadArgument) as caught:
        validate(*args)
    return str(caught.value)


# ---------------------------------------------------------------- the checks themselves

@pytest.mark.parametrize("code", ["2022-M05", "2022-Q3", "2022-H1", "2022-9M", "2022-Y",
                                  " 2023-M12 "])
def test_period_codes_parse_period_knows_pass(code):
    assert arguments.period(code) == code.strip()


@pytest.mark.parametrize(("typed", "meant"), [
    ("2022-M5", "2022-M05"), ("2023-M1", "2023-M01"), ("2022-m05", "2022-M05"),
    ("2022M5", "2022-M05"), ("05/2022", "2022-M05"), ("T5/2022", "2022-M05"),
    ("tháng 5/2022", "2022-M05"), ("2022-05", "2022-M05"), ("Quý 3/2022", "2022-Q3"),
    ("2022-q3", "2022-Q3"), ("2022-h2", "2022-H2"), ("6 tháng đầu năm 2022", "2022-H1"),
    ("2022-9m", "2022-9M"), ("9T/2022", "2022-9M"), ("9 tháng năm 2022", "2022-9M"),
    ("2022", "2022-Y"), ("năm 2022", "2022-Y"), ("2O22-M05", "2022-M05"),
])
def test_a_mistyped_period_gets_the_code_meant(typed, meant):
    assert refused(arguments.period, typed) == (
        f"--period: Kỳ '{typed}' không hợp lệ; có phải '{meant}'?")


def test_a_period_that_does_not_exist_says_the_range():
    assert refused(arguments.period, "2022-M13") == (
        "--period: Không có kỳ báo cáo '2022-M13': tháng chỉ từ M01 đến M12.")
    assert "quý chỉ từ Q1 đến Q4" in refused(arguments.period, "2022-Q9")
    assert "cần dạng 2022-M05 (tháng)" in refused(arguments.period, "hôm qua")
    assert refused(arguments.period, None) == "--period: Cần --period, ví dụ --period 2022-9M."


def test_month_ranges():
    assert arguments.month_range("2022-M08", "2022-M09") == ["2022-M08", "2022-M09"]
    assert refused(arguments.month_range, "2022-Q3", "2022-Q3").split("\n") == [
        "--from: '2022-Q3' không phải là một tháng (cần dạng 2022-M05); có phải '2022-M07'?",
        "--to: '2022-Q3' không phải là một tháng (cần dạng 2022-M05); có phải '2022-M09'?"]
    assert refused(arguments.month_range, "2022-M09", "2022-M01") == (
        "--from/--to: Khoảng tháng không hợp lệ: tháng đầu 2022-M09 sau tháng cuối 2022-M01;"
        " có phải --from 2022-M01 --to 2022-M09?")


@pytest.mark.parametrize(("typed", "meant"), [
    ("2022-01-31", "31/01/2022"), ("01/13/2022", "13/01/2022"), ("1/1/22", "01/01/2022"),
    ("01.02.2022", "01/02/2022"), ("01/02/2022 08:00", "01/02/2022")])
def test_days_are_dd_mm_yyyy(typed, meant):
    assert arguments.day("5/1/2022", "--tu-ngay") == dt.date(2022, 1, 5)
    assert refused(arguments.day, typed, "--tu-ngay").endswith(f"; có phải '{meant}'?")


def test_day_ranges():
    assert arguments.day_range(None, "01/01/2022", "30/06/2022") == (
        dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    assert arguments.day_range("2022-Q3", None, None) == (None, None)
    assert "sau đến ngày" in refused(arguments.day_range, None, "30/06/2022", "01/01/2022")
    assert "không dùng cả hai" in refused(arguments.day_range, "2022-Q3", "01/01/2022", None)
    assert "Cần --period" in refused(arguments.day_range, None, "01/01/2022", None)
    assert refused(arguments.day_range, None, "31/02/2022", "01/03/2022") == (
        "--tu-ngay: Ngày '31/02/2022' không hợp lệ (cần dạng ngày/tháng/năm, ví dụ 15/12/2021).")


def test_scope_and_output_files(tmp_path):
    assert arguments.scope("unit") == "unit"
    assert refused(arguments.scope, "Area").endswith("; có phải 'area'?")
    assert "'foo' không hợp lệ: chọn 'area'" in refused(arguments.scope, "foo")
    assert arguments.output_file(tmp_path / "b.XLSX", (".xlsx",), "bảng Excel").name == "b.XLSX"
    assert refused(arguments.output_file, tmp_path / "b.csv", (".xlsx",), "bảng Excel"
                   ).endswith(f"có phải '{tmp_path / 'b.xlsx'}'?")
    assert "là một thư mục" in refused(arguments.output_file, tmp_path, (".xlsx",), "Excel")


UNITS = [("688", "Thị xã Phước Long"), ("25216", "Phường Thác Mơ"),
         ("25217", "Phường Long Thủy / Phường Phước Long")]


@pytest.mark.parametrize(("typed", "meant"), [
    ("Thác Mơ", "'25216' (Phường Thác Mơ)"), ("UBND phường thac mo", "'25216'"),
    ("ubnd_25216", "'25216'"), ("25126", "'25216'"), ("phuoc long", "'25217'"),
    ("Thac Moo", "'25216'")])
def test_a_unit_is_a_code_of_the_warehouse(typed, meant):
    assert arguments.unit("25217", UNITS) == "25217"
    message = refused(arguments.unit, typed, UNITS)
    assert message.startswith(f"--unit: Không có đơn vị mã '{typed}' trong kho số liệu; có phải")
    assert meant in message


def test_an_unknown_unit_lists_the_codes():
    assert refused(arguments.unit, "99999", UNITS) == (
        "--unit: Không có đơn vị mã '99999' trong kho số liệu. Các mã có: 688 (Thị xã Phước "
        "Long), 25216 (Phường Thác Mơ), 25217 (Phường Long Thủy / Phường Phước Long).")


def test_a_run_by_id_or_its_start():
    runs = [("4d6cb1ea-aaaa", dt.datetime(2022, 10, 3, 1, 30)),
            ("4d6cffff-bbbb", dt.datetime(2022, 10, 2, 1, 30))]
    assert arguments.run("last", runs) == "last"
    assert arguments.run("4d6cb1ea", runs) == "4d6cb1ea-aaaa"
    assert "khớp 2 lần chạy" in refused(arguments.run, "4d6c", runs)
    assert refused(arguments.run, "hôm qua", runs) == (
        "--run: Không có lần chạy 'hôm qua' trong kho số liệu; dùng 'last' hoặc một mã trong "
        "các lần chạy gần nhất: 4d6cb1ea (01:30 03/10/2022), 4d6cffff (01:30 02/10/2022).")


# ---------------------------------------------------------------- the commands

def test_report_refuses_a_mistyped_period(demo_paths):
    code, out = invoke("report", "--period", "2022-M5", "--data-dir", str(demo_paths.data_dir))
    assert code == 2
    assert "Kỳ '2022-M5' không hợp lệ; có phải '2022-M05'?" in out
    assert "BÁO CÁO" not in out
    code, out = invoke("report", "--period", "2022-M05", "--unit", "Thác Mơ",
                       "--data-dir", str(demo_paths.data_dir))
    assert code == 2 and "có phải '25216' (Phường Thác Mơ)?" in out
    code, out = invoke("report", "--data-dir", str(demo_paths.data_dir))
    assert code == 2 and "Cần --period, ví dụ --period 2022-9M." in out


def test_form_06a_tells_every_problem_and_writes_nothing(demo_paths, tmp_path):
    out_file = tmp_path / "x.csv"
    code, out = invoke("form-06a", "--period", "2022-9m", "--scope", "foo", "--unit", "99999",
                       "--out", str(out_file), "--data-dir", str(demo_paths.data_dir))
    assert code == 2
    assert "Kỳ '2022-9m' không hợp lệ; có phải '2022-9M'?" in out
    assert "Phạm vi 'foo' không hợp lệ: chọn 'area'" in out
    assert f"có đuôi '.csv' nhưng nội dung được ghi là bảng Excel (.xlsx); có phải " \
           f"'{tmp_path / 'x.xlsx'}'?" in out
    assert "Không có đơn vị mã '99999'" in out and "25216 (Phường Thác Mơ)" in out
    code, out = invoke("form-06a", "--tu-ngay", "30/06/2022", "--den-ngay", "2022-01-01",
                       "--out", str(tmp_path / "x.xlsx"), "--data-dir",
                       str(demo_paths.data_dir))
    assert code == 2 and "Ngày '2022-01-01' không hợp lệ" in out
    assert list(tmp_path.iterdir()) == []


def test_form_06a_takes_days_in_order(demo_paths, tmp_path):
    code, out = invoke("form-06a", "--tu-ngay", "30/06/2022", "--den-ngay", "01/01/2022",
                       "--out", str(tmp_path / "b.xlsx"), "--data-dir",
                       str(demo_paths.data_dir))
    assert code == 2
    assert "có phải --tu-ngay 01/01/2022 --den-ngay 30/06/2022?" in out
    code, out = invoke("form-06a", "--tu-ngay", "01/01/2022", "--den-ngay", "30/06/2022",
                       "--unit", "25216", "--scope", "unit", "--out", str(tmp_path / "b.xlsx"),
                       "--data-dir", str(demo_paths.data_dir))
    assert code == 0, out
    assert (tmp_path / "b.xlsx").is_file() and "Phường Thác Mơ" in out


def test_backfill_checks_months_and_unit_before_running(demo_paths, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(demo_paths.warehouse, data / "warehouse.duckdb")
    code, out = invoke("backfill", "--from", "2022-M1", "--to", "2022-M09", "--unit", "99999",
                       "--data-dir", str(data))
    assert code == 2
    assert "Kỳ '2022-M1' không hợp lệ; có phải '2022-M01'?" in out
    assert "Không có đơn vị mã '99999' trong kho số liệu" in out
    code, out = invoke("backfill", "--from", "2022-M09", "--to", "2022-M09", "--unit",
                       "Long Thủy", "--data-dir", str(data))
    assert code == 2 and "có phải '25217'" in out
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from etl_run where trigger = 'backfill'"
                           ).fetchone() == (0,)
    assert sorted(p.name for p in data.iterdir()) == ["warehouse.duckdb"]


def test_quality_and_status_check_their_options(demo_paths, tmp_path):
    data = str(demo_paths.data_dir)
    code, out = invoke("quality", "--runs", "0", "--out", str(tmp_path / "q.csv"),
                       "--run", "hôm qua", "--data-dir", data)
    assert code == 2
    assert "--runs: Cần một số từ 1 trở lên (đã nhập 0)." in out
    assert "có phải '" in out and "q.html'?" in out
    assert "Không có lần chạy 'hôm qua' trong kho số liệu" in out
    with duckdb.connect(str(demo_paths.warehouse), read_only=True) as con:
        (run_id,) = con.execute("select run_id from etl_run limit 1").fetchone()
    code, out = invoke("quality", "--run", run_id[:8], "--out", str(tmp_path / "q.html"),
                       "--data-dir", data)
    assert code == 0, out
    assert (tmp_path / "q.html").is_file() and run_id in (tmp_path / "q.html").read_text()
    code, out = invoke("status", "--runs", "0", "--data-dir", data)
    assert code == 2 and "--runs: Cần một số từ 1 trở lên" in out
