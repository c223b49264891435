"""The Decision 766 inputs that some one-stop exports carry (fee, online payment,
digitisation at receipt, electronic result): read into fact_dossier as nullable flags and
counted into report_service_index by the real load sequence. The figures were counted by
hand from the rows below; an export without the columns gives nulls, never 0 points."""

from __future__ import annotations

import pytest

from baocao.demo.exports import write_csv
from tests.builders import ONE_STOP_HEADER, dossier
from tests.test_one_stop_variants import load

EXTRA = ["Có phí, lệ phí", "Hình thức thanh toán", "Số hóa thành phần hồ sơ", "Kết quả điện tử"]
# All received and closed within 2022-M09 (15/08 … 14/09/2022) at Long Thủy's desk.
# code, status, fee, payment, digitised at receipt, electronic result
ROWS = [
    ("S1", "Đã trả kết quả", "Có", "Trực tuyến", "Có", "Có"),
    ("S2", "Đã trả kết quả", "Có", "Tiền mặt", "Không", "Không"),
    ("S3", "Đang xử lý", "Có", "Trực tuyến", "x", ""),
    ("S4", "Đã có kết quả", "Không", "", "Có", "Có"),
    ("S5", "Trả lại hồ sơ", "", "", "Không", ""),
    ("S6", "Đã xử lý xong", "x", "Tiền mặt", "2", "1"),  # 2 files attached
]
# By hand: fee S1 S2 S3 S6 = 4, paid online S1 S3 = 2 → 2/4; received 6, digitised at
# receipt S1 S3 S4 S6 = 4 → 4/6; resolved S1 S2 S4 S6 = 4 (S5 withdrawn, S3 open),
# electronic result S1 S4 S6 = 3 → 3/4. Points: rate × 10, 11, 11 (full at 100 %).
EXPECTED = {"online_payment_rate": 0.5, "online_payment_points": 5.0,
            "digitised_receipt_rate": 4 / 6, "digitised_receipt_points": 11 * 4 / 6,
            "digitised_result_rate": 0.75, "digitised_result_points": 8.25}


def base(code: str, status: str) -> list[str]:
    closed = status != "Đang xử lý"
    return dossier(code, "20/08/2022 08:00", "30/08/2022",
                   "25/08/2022 10:00" if closed else "", status)


def service_index(con, unit: str = "25217", scope: str = "unit") -> dict:
    cursor = con.execute(
        "select * from report_service_index where period_code = '2022-M09'"
        " and unit_code = ? and scope = ?", [unit, scope])
    names = [c[0] for c in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def test_hand_counted_rates_and_points(tmp_path):
    export = write_csv(tmp_path / "with_766.csv", [
        [*ONE_STOP_HEADER, *EXTRA], *[[*base(code, status), *flags]
                                      for code, status, *flags in ROWS]])
    con = load(tmp_path, export)
    for scope, unit in [("unit", "25217"), ("area", "25217"), ("area", "688")]:
        row = service_index(con, unit, scope)
        for name, value in EXPECTED.items():
            assert row[name] == pytest.approx(value), (scope, unit, name)
        assert (row["online_payment_max_points"], row["digitised_receipt_max_points"],
                row["digitised_result_max_points"]) == (10, 11, 11)
    # The flags as read: a blank fee cell in a column the export has is a no, not unknown.
    assert con.execute("select dossier_code, has_fee, paid_online, digitised_receipt,"
                       " digitised_result from fact_dossier order by 1").fetchall() == [
        ("S1", True, True, True, True), ("S2", True, False, False, False),
        ("S3", True, True, True, False), ("S4", False, False, True, True),
        ("S5", False, False, False, False), ("S6", True, False, True, True)]
    # The town's own desk had no dossiers in the period: no rate and no points.
    assert service_index(con, "688")["digitised_receipt_points"] is None


def test_export_without_the_columns_gives_no_data_not_zero(tmp_path):
    export = write_csv(tmp_path / "without_766.csv", [
        ONE_STOP_HEADER, *[base(code, status) for code, status, *_ in ROWS]])
    con = load(tmp_path, export)
    row = service_index(con)
    assert row["progress_rate"] is not None  # the dossiers are there
    for name in EXPECTED:
        assert row[name] is None, name
    assert con.execute("select count(*) from fact_dossier where has_fee is not null"
                       " or paid_online is not null or digitised_receipt is not null"
                       " or digitised_result is not null").fetchone()[0] == 0
