"""The official form II.06a written from the demo warehouse, read back with openpyxl."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from typer.testing import CliRunner

from baocao import form06a
from baocao.cli import app

# The form's columns (3)…(13) as report_one_stop figures.
FORM_COLUMNS = [("received_total",), ("received_online",), ("received_direct", "received_postal"),
                ("carried_over",), ("resolved_total",), ("resolved_early",),
                ("resolved_on_time",), ("resolved_late",), ("pending_total",),
                ("pending_within_due",), ("pending_overdue",)]


def one_stop(con, period: str, unit: str = "688", scope: str = "area") -> dict:
    cursor = con.execute("select * from report_one_stop where period_code = ? and unit_code = ?"
                         " and scope = ?", [period, unit, scope])
    return dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))


def read_form(path):
    sheet = load_workbook(path).active
    return [[c for c in row] for row in sheet.iter_rows(values_only=True)]


def expected_totals(row: dict, withdrawn_as_on_time: bool = False) -> list[int]:
    values = [sum(row[name] for name in names) for names in FORM_COLUMNS]
    if withdrawn_as_on_time:
        values[4] += row["withdrawn"]
        values[6] += row["withdrawn"]
    return values


def test_form_totals_equal_report_one_stop(demo_db, tmp_path):
    form = form06a.fetch(demo_db, "688", "2022-9M")
    rows = read_form(form06a.write(form, tmp_path / "II06a.xlsx"))
    assert rows[0][12] == "Biểu số II.06a/VPCP/KSTT"
    lines = [r[0] for r in rows[1:5]]
    assert lines[1] == "Kỳ báo cáo: từ ngày 15/12/2021 đến ngày 14/09/2022 (2022-9M)"
    assert lines[2].startswith("Đơn vị báo cáo: Thị xã Phước Long")
    numbers = next(i for i, r in enumerate(rows) if r[0] == "(1)")
    assert rows[numbers] == [f"({n})" for n in range(1, 14)]
    total = next(r for r in rows if r[1] == "Tổng cộng")
    reference = one_stop(demo_db, "2022-9M")
    assert total[2:] == expected_totals(reference)
    assert total[2:4] == [21473, 5670]
    fields = rows[numbers + 1:rows.index(total)]
    assert [r[0] for r in fields] == [str(n) for n in range(1, len(fields) + 1)]
    assert [sum(r[c] for r in fields) for c in range(2, 13)] == total[2:]
    footnote = next(r[0] for r in rows[rows.index(total) + 1:] if r[0])
    assert footnote.startswith("(*) Cột (3) gồm 2 hồ sơ rút/trả lại")
    # The form's own identity holds once the footnoted withdrawn dossiers are added back.
    assert total[2] == total[6] + total[10] + reference["withdrawn"]


def test_withdrawn_folded_into_on_time_for_a_date_range(demo_db, tmp_path):
    first, last = dt.date(2022, 7, 1), dt.date(2022, 9, 30)
    form = form06a.fetch(demo_db, "688", first_day=first, last_day=last, scope="unit",
                         withdrawn_as_on_time=True)
    rows = read_form(form06a.write(form, tmp_path / "II06a_thi_xa.xlsx"))
    assert rows[2][0] == "Kỳ báo cáo: từ ngày 01/07/2022 đến ngày 30/09/2022"
    assert rows[3][0] == "Đơn vị báo cáo: Thị xã Phước Long (bộ phận một cửa của đơn vị)"
    total = next(r for r in rows if r[1] == "Tổng cộng")
    cursor = demo_db.execute("select * from one_stop_between(?, ?) where unit_code = '688'"
                             " and scope = 'unit'", [first, last])
    reference = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
    assert reference["withdrawn"] == 3
    assert total[2:] == expected_totals(reference, withdrawn_as_on_time=True)
    assert total[2] == total[6] + total[10]  # nothing left out
    assert rows[rows.index(total) + 2][0] == (
        '(*) 3 hồ sơ rút/trả lại (công dân rút hồ sơ, trả lại, từ chối, dừng xử lý) được tính'
        ' vào cột (7) và cột (9) "Trả đúng thời hạn".')


def test_cli_writes_the_form(demo_paths, tmp_path):
    out = tmp_path / "bieu.xlsx"
    done = CliRunner().invoke(app, ["form-06a", "--period", "2022-Q3", "--unit", "688",
                                    "--out", str(out), "--data-dir", str(demo_paths.data_dir)])
    assert done.exit_code == 0, done.output
    assert "Đã ghi Biểu số II.06a/VPCP/KSTT của Thị xã Phước Long" in done.output
    total = next(r for r in read_form(out) if r[1] == "Tổng cộng")
    assert total[2] > 0
    wrong = CliRunner().invoke(app, ["form-06a", "--period", "2022-Q9", "--out", str(out),
                                     "--data-dir", str(demo_paths.data_dir)])
    assert wrong.exit_code == 2 and "Không có kỳ báo cáo '2022-Q9'" in wrong.output
