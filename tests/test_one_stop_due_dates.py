"""Due dates from the procedures' legal time limits, for exports without one."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pandas as pd

from common.workdays import due_days, load_procedures
from extract.one_stop import read_one_stop, read_one_stop_csv
from tests.builders import csv_bytes

D = dt.date


def test_working_days_skip_weekends_holidays_and_the_governments_swaps():
    cases = [  # received, working days, due: checked by hand on the 2022 and 2024 calendars
        (D(2022, 8, 26), 3, D(2022, 8, 31)),  # Friday: Mon 29, Tue 30, Wed 31
        (D(2022, 8, 31), 3, D(2022, 9, 7)),  # National Day off on Thu 1 and Fri 2/9/2022
        (D(2022, 1, 28), 1, D(2022, 2, 7)),  # Tết Nhâm Dần: off from Mon 31/1 to Fri 4/2
        (D(2024, 4, 26), 1, D(2024, 5, 2)),  # Mon 29/4 swapped off, 30/4 and 1/5 holidays
        (D(2024, 5, 3), 1, D(2024, 5, 4)),  # … and Saturday 4/5/2024 worked in exchange
        (D(2022, 9, 3), 0, D(2022, 9, 5)),  # a same-day procedure filed on a Saturday
        (D(2022, 9, 5), 0, D(2022, 9, 5)),
    ]
    received = np.array([c[0] for c in cases], dtype="datetime64[D]")
    limits = np.array([c[1] for c in cases])
    assert due_days(received, limits).tolist() == [c[2] for c in cases]


def test_export_without_due_dates_gets_them_from_the_procedure_catalog():
    data = csv_bytes([
        ["Mã hồ sơ", "Mã thủ tục", "Đơn vị tiếp nhận", "Hình thức nộp", "Ngày tiếp nhận",
         "Ngày có kết quả", "Trạng thái"],
        ["P1", "1.000894", "UBND phường Long Thủy", "Trực tiếp", "31/08/2022 09:00",
         "06/09/2022 10:00", "Đã trả kết quả"],
        ["P2", "2.000908", "UBND phường Long Thủy", "Trực tuyến", "03/09/2022 20:00", "",
         "Đang xử lý"],
        ["P3", "9.999999", "UBND phường Long Thủy", "Trực tiếp", "05/09/2022 08:00", "",
         "Đang xử lý"],
        ["P4", "1.000894", "UBND phường Long Thủy", "Trực tuyến", "05/09/2022 08:00", "",
         "Mới đăng ký"],
    ])
    result = read_one_stop(io.BytesIO(data), "khong_hen_tra.csv")
    due = {code: None if pd.isna(day) else day.date() for code, day in zip(
        result.dossiers["dossier_code"], result.dossiers["due_date"], strict=True)}
    assert due == {"P1": D(2022, 9, 7), "P2": D(2022, 9, 5), "P3": None, "P4": None}
    warnings = {p.rule: p.message for p in result.problems if p.severity == "warning"}
    assert warnings["computed_due_date"].startswith("2 hồ sơ không có ngày hẹn trả")
    assert warnings["missing_due_date"].startswith("1 hồ sơ không có ngày hẹn trả")


def test_computed_due_dates_equal_those_the_system_printed(demo_paths, tmp_path):
    """The demo's newest export without its due column: every dossier of a procedure with a
    time limit of a working day or more gets back the due date the system had printed."""
    original = demo_paths.inbox / "hoso_1cua_03-10-2022.csv"
    rows = list(csv.reader(original.read_text(encoding="utf-8-sig").splitlines()))
    column = rows[0].index("Ngày hẹn trả")
    stripped = tmp_path / "khong_han.csv"
    stripped.write_bytes(csv_bytes([r[:column] + r[column + 1:] for r in rows]))
    printed = read_one_stop_csv(original).dossiers.set_index("dossier_code")
    computed = read_one_stop_csv(stripped).dossiers.set_index("dossier_code")
    limits = load_procedures().set_index("procedure_code")["working_days"]
    timed = printed[printed["procedure_code"].astype(str).map(limits).ge(1)
                    & printed["outcome"].ne("not_received")].index
    assert len(timed) > 4000
    assert (computed.loc[timed, "due_date"] == printed.loc[timed, "due_date"]).all()
