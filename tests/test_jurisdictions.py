"""Any jurisdiction: a data folder configured for Đồng Nai (75) after the 2025 reform, with
workbooks of two legacy communes before July and of their successor ward after it, and an
export spanning the reform — through the real nightly flow."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from typer.testing import CliRunner

from baocao.cli import app
from common.area import Area, read_area, use_area
from common.datafolder import DataPaths
from common.units import resolve_unit
from tests.builders import dossier, workbook_rows, write_one_stop_csv, write_xlsx

HOUSEHOLDS = "Tổng số hộ dân cư"  # a `last` indicator: a stock
JOBS = "Số lao động được giải quyết việc làm"  # a `sum` indicator: a flow
# (council line, place, month, households, jobs): two legacy communes before the reform,
# then the ward they merged into (with Sơn Giang and Phước Tín) after it.
REPORTS = [("UBND PHƯỜNG THÁC MƠ", "Thác Mơ", 5, 2100, 11),
           ("UBND PHƯỜNG THÁC MƠ", "Thác Mơ", 6, 2110, 12),
           ("UBND PHƯỜNG LONG THỦY", "Long Thủy", 5, 2900, 21),
           ("UBND PHƯỜNG LONG THỦY", "Long Thủy", 6, 2920, 22),
           ("UBND PHƯỜNG PHƯỚC LONG", "Phước Long", 8, 2950, 31),
           ("UBND PHƯỜNG PHƯỚC LONG", "Phước Long", 9, 2953, 32)]


@pytest.fixture(scope="module")
def dong_nai(tmp_path_factory):
    from flows.nightly import run_nightly

    paths = DataPaths.of(tmp_path_factory.mktemp("dongnai") / "data")
    assert CliRunner().invoke(app, ["init", "--area", "75", "--data-dir",
                                    str(paths.data_dir)]).exit_code == 0
    paths.inbox.mkdir(parents=True)
    for council, place, month, households, jobs in REPORTS:
        write_xlsx(paths.inbox / f"BC thang {month} - {place}.xlsx", workbook_rows(
            council, f"Tháng {month} năm 2025",
            [[HOUSEHOLDS, "hộ", None, None, households, None],
             [JOBS, "người", None, jobs, jobs, None]],
            date_line=f"{place}, ngày 14 tháng {month} năm 2025"))
    write_one_stop_csv(paths.inbox / "hoso_01-10-2025.csv", [
        # received by a legacy commune in June, closed by its successor in August
        dossier("DN-1", "10/06/2025 08:00", "20/06/2025", "20/08/2025 10:00",
                "Đã trả kết quả", unit="UBND phường Long Thủy"),
        dossier("DN-2", "05/08/2025 08:00", "15/08/2025", "12/08/2025 10:00",
                "Đã trả kết quả", unit="UBND phường Phước Long")])
    assert run_nightly(paths)["status"] == "succeeded"
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        yield con


def value(con, table: str, column: str, unit: str, period: str, **where) -> object:
    clauses = " ".join(f"and {k} = '{v}'" for k, v in where.items())
    row = con.execute(f"select {column} from {table} u where unit_code = ? and period_code = ?"
                      f" and scope = 'area' {clauses}", [unit, period]).fetchone()
    return row and row[0]


def test_a_successor_continues_its_predecessors_series(dong_nai):
    jobs = value(dong_nai, "report_indicator", "actual_value", "25217", "2025-9M",
                 indicator_code="jobs_created")
    households = value(dong_nai, "report_indicator", "actual_value", "25217", "2025-9M",
                       indicator_code="households")
    assert jobs == 11 + 12 + 21 + 22 + 31 + 32  # every month's flow, before and after
    assert households == 2953  # its own September stock, not its predecessors' plus its own


def test_a_dossier_received_before_the_reform_and_closed_after_it_counts_once(dong_nai):
    # 2025-M08 runs 15/07–14/08: DN-1 is carried over into the successor, DN-2 received and
    # resolved in it; DN-1 is resolved on 20/08, in 2025-M09.
    august, september = dong_nai.execute(
        "select carried_over, received_new, resolved_total, pending_total from report_one_stop"
        " where unit_code = '25217' and period_code in ('2025-M08', '2025-M09')"
        " and scope = 'unit' order by period_code").fetchall()
    assert (august, september) == ((1, 1, 1, 1), (1, 0, 1, 0))
    nine = dong_nai.execute(
        "select received_total, resolved_total from report_one_stop where unit_code = '75'"
        " and period_code = '2025-9M' and scope = 'area' and unit_key = 752025").fetchone()
    assert nine == (2, 2)


def test_a_legacy_district_reports_up_to_the_reform_only(dong_nai):
    periods = {p for (p,) in dong_nai.execute(
        "select distinct period_code from report_indicator where unit_code = '688'"
        " and period_code like '2025-%'").fetchall()}
    assert "2025-H1" in periods and not periods & {"2025-H2", "2025-Y", "2025-9M"}


def test_a_legacy_commune_is_not_missing_after_it_ceased_to_exist(dong_nai):
    months = {p for (p,) in dong_nai.execute(
        "select period_code from report_submission where reporter = 'ubnd_25216'").fetchall()}
    assert "2025-M06" in months and "2025-M08" not in months
    assert dong_nai.execute(
        "select status from report_submission where reporter = 'ubnd_25217_2025'"
        " and period_code = '2025-M08'").fetchone() == ("loaded",)


def test_the_area_holds_both_generations(dong_nai):
    levels = dict(dong_nai.execute(
        "select (valid_from is null) as legacy, count(*) from dim_admin_unit"
        " where level = 'commune' group by all").fetchall())
    assert levels == {True: 270, False: 95}


def test_the_same_name_means_the_unit_of_its_day(tmp_path):
    use_area(tmp_path)  # no configuration: Phước Long town
    assert read_area(tmp_path) == Area("688", read_area(tmp_path).departments)
    CliRunner().invoke(app, ["init", "--area", "75", "--data-dir", str(tmp_path)])
    use_area(tmp_path)
    before, after = dt.date(2025, 5, 14), dt.date(2025, 9, 14)
    assert resolve_unit("UBND phường Phước Bình", before) == "25219"
    assert resolve_unit("UBND phường Phước Bình", after) == "25220"
    assert resolve_unit("Xã Long Phước", before) == "26413"  # elsewhere in Đồng Nai
    assert resolve_unit("Phường Long Phước", before) == "25220"
    assert resolve_unit("Long Phước", before) is None  # two units: neither is guessed


def test_an_unknown_area_is_refused_in_vietnamese(tmp_path):
    result = CliRunner().invoke(app, ["init", "--area", "99999", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "Mã địa bàn '99999' không có trong danh mục" in result.output
    assert not (tmp_path / "baocao.toml").exists()
