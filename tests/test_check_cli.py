"""`baocao check FILE` for data staff: what was read, every problem with its cell, exit
status 0 or 1, no warehouse."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from baocao.cli import app
from tests.builders import dossier, workbook_rows, write_one_stop_csv, write_xlsx
from tests.workbook_variants import Layout, address, report_grid, write_variant
from tests.workbook_variants import write_xlsx as write_grids

VAX = "Tiêm vắc xin phòng Covid-19 cho người từ 18 tuổi trở lên - mũi 1"


def check(path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", str(path)], env={"COLUMNS": "200"})
    return result.exit_code, re.sub(r"\s+", " ", result.output)


def test_a_good_workbook_prints_what_was_read(tmp_path):
    code, out = check(write_variant("two_row_header_xls", tmp_path))
    assert code == 0
    assert "UBND phường Long Thủy (mã đơn vị 25217)" in out
    assert "Kỳ báo cáo: tháng 09/2022; ngày báo cáo: 14/09/2022" in out
    assert "Các chỉ tiêu đọc được (10)" in out
    # Each indicator with its figures the Vietnamese way and the cell they came from.
    assert re.search(r"Tiêm vắc xin phòng Covid-19 cho người từ 18 tuổi trở lên - mũi 1 │ "
                     r"người │ 6\.210 │ 35 │ 6\.571 │ F10", out)
    assert re.search(r"Trị giá quà Tết │ đồng │ — │ 0 │ 1\.641\.750\.000 │ E16", out)
    assert "không có lỗi" in out
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_a_broken_workbook_names_the_cell_of_every_problem(tmp_path):
    path = write_xlsx(tmp_path / "BC thang 3 - Phuoc Tin.xlsx", workbook_rows(
        "UBND xã Phước Tín", "Kỳ báo cáo: T3/2022", [
            [VAX, "người", "6.210", "ba mươi", "6.571", None],
            ["Chỉ tiêu không có trong danh mục", "hộ", None, 5, None, None],
            ["Số hộ nghèo hiện tại", "hộ", None, None, 4, None],
            ["Số đợt tiêm mũi nhắc lại", "đợt", None, None, 11, None],
            ["Tổng số hộ dân cư", "hộ", None, None, -5, None]],
        date_line="Phước Tín, ngày 14 tháng 3 năm 2022"))
    code, out = check(path)
    assert code == 1
    problems = re.findall(r"│ (Lỗi|Cảnh báo) │ Sheet1 │ ([A-Z]+\d+) │", out)
    assert problems == [("Lỗi", "E9"), ("Lỗi", "B10"), ("Cảnh báo", "B12"), ("Lỗi", "F13")]
    assert "không phải là số: 'ba mươi'" in out
    assert "Chỉ tiêu không có trong danh mục: 'Chỉ tiêu không có trong danh mục'" in out
    assert "Các chỉ tiêu đọc được (1)" in out and "Số hộ nghèo hiện tại" in out
    assert "3 lỗi, 1 cảnh báo" in out


def test_formulas_without_values_are_located(tmp_path):
    grid = report_grid(Layout(formulas=True))
    path = write_grids(tmp_path / "xuat tu phan mem.xlsx", [grid], cache_formulas=False)
    code, out = check(path)
    assert code == 1
    cells = sorted(address(*c) for c, (f, _) in grid.formulas.items()
                   if not f.startswith("=ROUND"))
    assert sorted(re.findall(r"│ Lỗi │ BC │ ([A-Z]+\d+) │", out)) == cells


def test_a_rejected_workbook_says_why(tmp_path):
    path = write_xlsx(tmp_path / "BC thang 8 - Long Thuy.xlsx", workbook_rows(
        "UBND PHƯỜNG LONG THỦY", "Tháng 9 năm 2022", [[VAX, "người", 1, 1, 1]]))
    code, out = check(path)
    assert code == 1
    assert "Kỳ báo cáo trong tệp là tháng 9/2022 nhưng tên tệp ghi tháng 8" in out
    assert "tệp bị từ chối" in out


def test_a_one_stop_export_is_counted(tmp_path):
    path = write_one_stop_csv(tmp_path / "export.csv", [
        dossier("A1", "01/09/2022 08:00", "06/09/2022", "05/09/2022 10:00", "Đã trả kết quả"),
        dossier("A2", "31/02/2022", "06/09/2022")])
    code, out = check(path)
    assert code == 1
    assert "danh sách hồ sơ một cửa" in out and "Đọc được 1 hồ sơ" in out
    assert "Đọc được 1 hồ sơ." in out
    assert "│ Lỗi │ — │ J3 │ Ngày không đọc được" in out  # 31/02/2022, received date


def test_a_missing_file(tmp_path):
    code, out = check(tmp_path / "khong co.xlsx")
    assert (code, "Không có tệp" in out) == (1, True)


def test_a_problem_repeated_on_many_rows_is_one_line(tmp_path):
    """An export whose channel words the reader does not know: one line with the count and
    the first cells, in row order, not one line per row."""
    path = write_one_stop_csv(tmp_path / "kenh la.csv", [
        dossier(f"A{i}", "01/09/2022 08:00", "06/09/2022", channel="Tại quầy")
        for i in range(1, 121)] + [dossier("B1", "01/09/2022 08:00", "06/09/2022")])
    code, out = check(path)
    assert code == 1
    assert "Các vấn đề (120)" in out
    (line,) = re.findall(r"│ Lỗi │ — │ ([^│]+?) │ ([^│]+?) │", out)
    assert line == ("H2, H3, H4, H5, H6, … và 115 ô khác",
                    "Hình thức nộp không xác định (ở 120 dòng)")
    assert "Kết quả: 120 lỗi" in out
