"""Readers on tiny real files (xlsx via openpyxl, CSV bytes) passed as open files."""

from __future__ import annotations

import io

import pytest

from extract.one_stop import read_one_stop
from extract.problems import FileRejected
from extract.workbook import read_workbook
from tests.builders import ONE_STOP_HEADER, csv_bytes, dossier, workbook_rows, write_xlsx

VAX = "Tiêm vắc xin phòng Covid-19 cho người từ 18 tuổi trở lên - mũi 1"


def xlsx_bytes(tmp_path, rows) -> io.BytesIO:
    return io.BytesIO(write_xlsx(tmp_path / "w.xlsx", rows).read_bytes())


def test_workbook_reporter_period_and_values(tmp_path):
    rows = workbook_rows("UBND PHƯỜNG LONG THỦY", "Tháng 9 năm 2022", [
        [VAX, "người", "6.210", 35, "6.571", "105,8"],
        ["Số cơ sở được kiểm tra, giám sát vệ sinh an toàn thực phẩm", "cơ sở", None, "-",
         "12", None],
        ["Tổng số hộ dân cư", "hộ", None, None, "x", None],
    ])
    result = read_workbook(xlsx_bytes(tmp_path, rows), "BC thang 9 - Long Thuy.xlsx")
    assert (result.reporter, result.unit_code, result.period_code) == (
        "ubnd_25217", "25217", "2022-M09")
    assert str(result.report_date) == "2022-09-14"
    got = result.rows.set_index("indicator_code")
    assert got.loc["vax_18_dose1", ["plan_value", "actual_month", "cumulative"]].tolist() == [
        6210, 35, 6571]
    assert got.loc["vax_18_dose1", "source_cell"] == "F9"  # a `last` indicator: its lũy kế
    assert got.loc["food_safety_inspected", "actual_month"] == 0  # '-' is a real zero
    assert got.loc["food_safety_inspected", "source_cell"] == "E10"
    assert got.loc["households"].isna()[["actual_month", "cumulative"]].all()  # 'x': no figure
    assert result.problems == []


def test_workbook_bad_cells_are_located_and_the_rest_loads(tmp_path):
    rows = workbook_rows("UBND xã Phước Tín", "Kỳ báo cáo: T3/2022", [
        [VAX, "người", "6.210", "ba mươi", "6.571", None],
        ["Chỉ tiêu không có trong danh mục", "hộ", None, 5, None, None],
        ["Số hộ nghèo hiện tại", "hộ", None, None, 4, None],
        ["Số đợt tiêm mũi nhắc lại", "đợt", None, None, 11, None],
    ], date_line="Phước Tín, ngày 14 tháng 3 năm 2022")
    result = read_workbook(xlsx_bytes(tmp_path, rows), "bao cao T03.2022 Phuoc Tin.xlsx")
    assert (result.reporter, result.period_code) == ("ubnd_25249", "2022-M03")
    assert result.rows["indicator_code"].tolist() == ["poor_households"]
    found = {(p.rule, p.severity, p.cell) for p in result.problems}
    assert found == {("not_a_number", "error", "E9"), ("unmatched_indicator", "error", "B10"),
                     ("out_of_scope", "warning", "B12")}


def test_workbook_of_a_town_department(tmp_path):
    rows = workbook_rows("TRUNG TÂM Y TẾ THỊ XÃ PHƯỚC LONG", "tháng 09/2022",
                         [["Số đợt tiêm mũi nhắc lại", "đợt", None, 1, 11, None]])
    result = read_workbook(xlsx_bytes(tmp_path, rows), "TTYT bc thang 9.xlsx")
    assert (result.reporter, result.unit_code) == ("ttyt_688", "688")
    assert result.rows["cumulative"].tolist() == [11]


def test_workbook_period_disagreeing_with_file_name_is_rejected(tmp_path):
    rows = workbook_rows("UBND PHƯỜNG LONG THỦY", "Tháng 9 năm 2022", [[VAX, "người", 1, 1, 1]])
    with pytest.raises(FileRejected) as caught:
        read_workbook(xlsx_bytes(tmp_path, rows), "BC thang 8 - Long Thuy.xlsx")
    assert caught.value.problems[0].rule == "period_mismatch"
    assert "tháng 9/2022" in caught.value.problems[0].message
    assert "tháng 8" in caught.value.problems[0].message


def test_one_stop_drops_personal_data_and_rejects_bad_rows():
    data = csv_bytes([ONE_STOP_HEADER,
                      dossier("A1", "01/09/2022 08:00", "06/09/2022", "05/09/2022 10:00",
                              "Đã trả kết quả", applicant="Trần Thị Bích", id_number="0791"),
                      dossier("A2", "01/09/2022", "06/09/2022", "", "Đã có kết quả"),
                      dossier("A3", "31/02/2022", "06/09/2022"),
                      dossier("A4", "05/09/2022", "06/09/2022", "01/09/2022", "Đã có kết quả"),
                      dossier("A5", "05/09/2022", status="Chờ phê duyệt"),
                      dossier("A6", "05/09/2022", channel="Fax"),
                      dossier("", "05/09/2022"),
                      dossier("A8", "05/09/2022", unit="UBND xã Long Phước, huyện Khác")],
                     delimiter=";")
    result = read_one_stop(io.BytesIO(data), "export.csv")
    assert result.dossiers["dossier_code"].tolist() == ["A1"]
    row = result.dossiers.iloc[0]
    assert (row.unit_code, row.channel, row.outcome, str(row.closed_at)) == (
        "25217", "direct", "resolved", "2022-09-05 10:00:00")
    reasons = {p.row_number: (p.rule, p.cell) for p in result.problems}
    assert reasons == {3: ("closed_without_date", "L3"), 4: ("unparseable_date", "J4"),
                       5: ("finished_before_received", "L5"), 6: ("unknown_status", "M6"),
                       7: ("unknown_channel", "H7"), 8: ("missing_dossier_code", "B8"),
                       9: ("unknown_unit", "G9")}
    text = repr(result)
    assert "Trần Thị Bích" not in text and "Nguyễn Văn An" not in text and "0791" not in text


def test_one_stop_header_not_found_names_found_and_missing_columns():
    data = csv_bytes([["STT", "Mã hồ sơ", "Tên công dân"], ["1", "A1", "Nguyễn Văn An"]])
    with pytest.raises(FileRejected) as caught:
        read_one_stop(io.BytesIO(data), "x.csv")
    message = caught.value.problems[0].message
    assert "Ngày tiếp nhận" in message and "Trạng thái" in message and "Mã hồ sơ" in message
