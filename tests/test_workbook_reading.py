"""The report reader on what goes wrong or varies beyond the layout corpus: formulas saved
without values, error cells, several report sheets, how the period, the reporter and the
indicators are written, and legacy fonts in rejected rows."""

from __future__ import annotations

import io

import pytest

from extract.problems import FileRejected
from extract.workbook import read_workbook
from tests.builders import workbook_rows, write_xlsx
from tests.workbook_variants import (
    EXPECTED_ROWS,
    Grid,
    Layout,
    address,
    report_grid,
    tcvn3,
    write_xls,
)
from tests.workbook_variants import write_xlsx as write_grids

VAX = "Tiêm vắc xin phòng Covid-19 cho người từ 18 tuổi trở lên - mũi 1"
HOUSEHOLDS = ["Tổng số hộ dân cư", "hộ", None, None, 2905, None]


def read(path, name: str | None = None):
    return read_workbook(io.BytesIO(path.read_bytes()), name or path.name)


def template(tmp_path, period_line="Tháng 9 năm 2022", reporter_line="UBND PHƯỜNG LONG THỦY",
             rows=(HOUSEHOLDS,), date_line="Long Thủy, ngày 14 tháng 9 năm 2022",
             name="report.xlsx"):
    return write_xlsx(tmp_path / name, workbook_rows(reporter_line, period_line, list(rows),
                                                     date_line=date_line))


def test_a_formula_saved_without_its_value_rejects_its_row_with_the_cell(tmp_path):
    grid = report_grid(Layout(formulas=True))
    path = write_grids(tmp_path / "generated.xlsx", [grid], cache_formulas=False)
    result = read(path)
    cumulative_formulas = {address(*cell) for cell, (formula, _) in grid.formulas.items()
                           if not formula.startswith("=ROUND")}
    errors = [p for p in result.problems if p.severity == "error"]
    assert {p.cell for p in errors} == cumulative_formulas
    assert {p.rule for p in errors} == {"formula_without_value"}
    assert all("công thức" in p.message and p.cell in p.message for p in errors)
    # Lines whose lũy kế is typed (zero, '-') still load.
    assert result.rows["indicator_code"].tolist() == ["covid_f0_active", "new_poor_households"]


def test_error_cells_are_not_read_as_empty(tmp_path):
    path = template(tmp_path, rows=[
        [VAX, "người", 6210, 35, 6571, "#DIV/0!"],
        ["Số cơ sở được kiểm tra, giám sát vệ sinh an toàn thực phẩm", "cơ sở", None, 12,
         "#REF!", None],
        HOUSEHOLDS])
    result = read(path)
    found = {(p.rule, p.severity, p.cell) for p in result.problems}
    # A printed rate is only compared, never used: the row loads, with a warning.
    assert found == {("error_value", "warning", "G9"), ("error_value", "error", "F10")}
    assert "#REF!" in next(p.message for p in result.problems if p.cell == "F10")
    assert result.rows["indicator_code"].tolist() == ["vax_18_dose1", "households"]
    assert result.rows["printed_rate"].isna().tolist() == [True, True]


@pytest.mark.parametrize(("file_name", "sheet"), [("copies.xlsx", "T9"),
                                                  ("BC thang 8 - Long Thuy.xlsx", "T8")])
def test_of_several_monthly_sheets_the_report_is_the_named_or_latest_month(
        tmp_path, file_name, sheet):
    path = write_grids(tmp_path / file_name, [
        report_grid(Layout(month=8, sheet_name="T8")),
        report_grid(Layout(month=9, sheet_name="T9"))])
    result = read(path)
    assert (result.sheet, result.period_code) == (sheet, f"2022-M0{sheet[1]}")


@pytest.mark.parametrize("period_line", [
    "Tháng 9 năm 2022", "THÁNG 9 NĂM 2022", "tháng 09/2022", "T9/2022", "Kỳ báo cáo: T9/2022",
    "Kỳ báo cáo: tháng 9/2022", "(Từ ngày 15/8/2022 đến ngày 14/9/2022) Tháng 9 năm 2022",
    "BÁO CÁO KẾT QUẢ THÁNG 9 VÀ PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 10 NĂM 2022"])
def test_period_lines(tmp_path, period_line):
    path = template(tmp_path, period_line, date_line="Long Thủy, ngày 3 tháng 10 năm 2022")
    result = read(path)
    assert (result.period_code, str(result.report_date)) == ("2022-M09", "2022-10-03")


def test_the_file_name_is_the_fallback_for_period_and_reporter(tmp_path):
    path = template(tmp_path, period_line=None, reporter_line=None,
                    name="BC T09.2022 - Long Thuy.xlsx")
    result = read(path)
    assert (result.reporter, result.period_code) == ("ubnd_25217", "2022-M09")


def test_no_period_anywhere_rejects_the_file(tmp_path):
    with pytest.raises(FileRejected) as caught:
        read(template(tmp_path, period_line=None, name="BC thang 9 - Long Thuy.xlsx"))
    assert caught.value.problems[0].rule == "period_not_found"


def test_a_file_name_naming_another_reporter_rejects_the_file_with_both(tmp_path):
    path = template(tmp_path, reporter_line="UBND xã Phước Tín",
                    name="BC thang 9 - Long Thuy.xlsx")
    with pytest.raises(FileRejected) as caught:
        read(path)
    problem = caught.value.problems[0]
    assert problem.rule == "reporter_mismatch"
    assert "UBND xã Phước Tín" in problem.message and "UBND phường Long Thủy" in problem.message


def test_a_file_name_naming_another_year_rejects_the_file(tmp_path):
    path = template(tmp_path, name="BC T09.2021 - Long Thuy.xlsx")
    with pytest.raises(FileRejected) as caught:
        read(path)
    assert caught.value.problems[0].rule == "period_mismatch"
    assert "9/2022" in caught.value.problems[0].message
    assert "9/2021" in caught.value.problems[0].message


@pytest.mark.parametrize(("reporter_line", "reporter"), [
    ("UBND PHƯỜNG LONG THỦY", "ubnd_25217"),
    ("ỦY BAN NHÂN DÂN PHƯỜNG THÁC MƠ", "ubnd_25216"),
    ("UBND P. Sơn Giang", "ubnd_25237"),
    ("Đơn vị báo cáo: UBND xã Long Giang", "ubnd_25245"),
    ("Phòng Lao động - TB&XH thị xã", "ldtbxh_688"),
    ("TRUNG TÂM Y TẾ THỊ XÃ PHƯỚC LONG", "ttyt_688"),
    ("VĂN PHÒNG THỊ ỦY", "vptu_688"),
])
def test_reporter_lines(tmp_path, reporter_line, reporter):
    assert read(template(tmp_path, reporter_line=reporter_line)).reporter == reporter


def test_the_addressee_is_not_the_reporter(tmp_path):
    rows = workbook_rows("UBND xã Phước Tín", "Tháng 9 năm 2022", [HOUSEHOLDS])
    rows[:0] = [["Kính gửi: Phòng Lao động - Thương binh và Xã hội thị xã Phước Long"],
                ["Đơn vị nhận báo cáo: Trung tâm Y tế thị xã"]]
    assert read(write_xlsx(tmp_path / "r.xlsx", rows)).reporter == "ubnd_25249"


def test_units_are_resolved_as_of_the_period(tmp_path):
    """'Phường Phước Bình' was 25219 until the 2025 reorganisation merged it into 25220: in a
    data folder serving Đồng Nai, which holds both (Phước Long town's own folder stops at
    the reform)."""
    from common.area import Area, use_area, write_config

    write_config(tmp_path / "dongnai", Area("75"), "Tỉnh Đồng Nai")
    use_area(tmp_path / "dongnai")
    before = read(template(tmp_path, reporter_line="UBND PHƯỜNG PHƯỚC BÌNH",
                           period_line="Tháng 5 năm 2025",
                           date_line="Phước Bình, ngày 14 tháng 5 năm 2025"))
    after = read(template(tmp_path, reporter_line="UBND PHƯỜNG PHƯỚC BÌNH",
                          period_line="Tháng 8 năm 2025",
                          date_line="Phước Bình, ngày 14 tháng 8 năm 2025"))
    assert (before.unit_code, after.unit_code) == ("25219", "25220")


def test_a_unit_outside_the_home_area_is_not_a_reporter(tmp_path):
    with pytest.raises(FileRejected) as caught:
        read(template(tmp_path, reporter_line="UBND XÃ TÂN TIẾN"))
    assert caught.value.problems[0].rule == "reporter_not_found"


def test_numbers_and_no_figures(tmp_path):
    path = template(tmp_path, rows=[
        [VAX, "người", "6.210", "…", "6.571", "105,8%"],
        ["Trị giá quà Tết", "đồng", None, "-", "1.641.750.000 đồng", None],
        ["Số hộ nghèo hiện tại", "hộ", None, "...", "x", None],
        ["Số lao động được giải quyết việc làm", "người", "3.500", "42", "12 người", None]])
    result = read(path)
    got = result.rows.set_index("indicator_code")
    assert got.loc["vax_18_dose1", ["plan_value", "cumulative", "printed_rate"]].tolist() == [
        6210, 6571, 105.8]
    assert got.loc["vax_18_dose1", ["actual_month"]].isna().all()  # '…' is no figure
    assert got.loc["tet_gifts_value", ["actual_month", "cumulative"]].tolist() == [
        0, 1641750000]
    assert got.loc["poor_households", ["actual_month", "cumulative"]].isna().all()
    assert "jobs_created" not in got.index
    assert [(p.rule, p.cell) for p in result.problems] == [("not_a_number", "F12")]


def test_an_unmatched_legacy_font_row_is_reported_in_unicode(tmp_path):
    grid = report_grid(Layout(encode=tcvn3, font=".VnTime"))
    blank = max(r for r, _ in grid.cells) - 3  # between the table and the signatures
    grid.put(blank, 1, tcvn3("Số hộ được vay vốn sản xuất"), ".VnTime")
    grid.put(blank, 4, 7)
    result = read(write_xls(tmp_path / "legacy.xls", [grid]))
    (problem,) = result.problems
    assert (problem.rule, problem.cell) == ("unmatched_indicator", address(blank, 1))
    assert "Số hộ được vay vốn sản xuất" in problem.message
    assert [r[0] for r in EXPECTED_ROWS] == result.rows["indicator_code"].tolist()


def test_a_workbook_without_a_report_table_is_rejected(tmp_path):
    grid = Grid(name="Sheet1")
    grid.put(0, 0, "Danh sách cán bộ")
    with pytest.raises(FileRejected) as caught:
        read(write_grids(tmp_path / "other.xlsx", [grid]))
    assert caught.value.problems[0].rule == "header_not_found"
