"""The indicator catalog is data: a row added to a copy of indicators.csv (pointed to by
BAOCAO_CATALOG, no code changed) is read from workbooks by its name or synonyms and flows
into fact_indicator and report_indicator."""

from __future__ import annotations

import io
from importlib import resources

import duckdb
import pytest

from common.catalog import CATALOG_ENV, load_catalog
from common.datafolder import DataPaths
from extract.workbook import read_workbook
from tests.builders import workbook_rows, write_xlsx

NEW_ROW = ("dengue_cases,Số ca mắc sốt xuất huyết,Dengue fever cases,"
           "Số ca sốt xuất huyết | Ca mắc SXH,ca,sum,health,false,commune")


def report(month: int, name: str, flow: int, cumulative: int) -> list[list[object]]:
    return workbook_rows("UBND PHƯỜNG LONG THỦY", f"Tháng {month} năm 2022", [
        ["Tổng số hộ dân cư", "hộ", None, None, 2905, None],
        [name, "ca", None, flow, cumulative, None]],
        date_line=f"Long Thủy, ngày 14 tháng {month} năm 2022")


@pytest.fixture
def extended_catalog(tmp_path, monkeypatch):
    seed = resources.files("warehouse").joinpath("seeds", "indicators.csv").read_text("utf-8")
    copy = tmp_path / "indicators.csv"
    copy.write_text(seed.rstrip("\n") + "\n" + NEW_ROW + "\n", encoding="utf-8")
    monkeypatch.setenv(CATALOG_ENV, str(copy))
    load_catalog.cache_clear()
    yield copy
    monkeypatch.delenv(CATALOG_ENV)
    load_catalog.cache_clear()


def test_without_the_row_the_indicator_is_reported_as_unknown(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", report(9, "Số ca mắc sốt xuất huyết", 3, 17))
    result = read_workbook(io.BytesIO(path.read_bytes()), path.name)
    assert [(p.rule, p.cell) for p in result.problems] == [("unmatched_indicator", "B10")]


def test_an_added_indicator_flows_to_the_facts_and_reports(tmp_path, extended_catalog):
    from flows.nightly import run_nightly

    paths = DataPaths.of(tmp_path / "data")
    paths.inbox.mkdir(parents=True)
    write_xlsx(paths.inbox / "BC thang 8 - Long Thuy.xlsx",
               report(8, "Số ca mắc sốt xuất huyết", 5, 14))
    write_xlsx(paths.inbox / "BC thang 9 - Long Thuy.xlsx", report(9, "Ca mắc SXH", 3, 17))
    summary = run_nightly(paths)
    assert (summary["files_loaded"], summary["rows_rejected"]) == (2, 0)

    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        assert con.execute("select name_vi, unit_vi, aggregation from dim_indicator"
                           " where indicator_code = 'dengue_cases'").fetchall() == [
            ("Số ca mắc sốt xuất huyết", "ca", "sum")]
        facts = con.execute("select period_code, actual_value, source_cell from fact_indicator"
                            " where indicator_code = 'dengue_cases' order by period_code"
                            ).fetchall()
        reports = con.execute(
            "select unit_code, scope, period_code, actual_value from report_indicator"
            " where indicator_code = 'dengue_cases' and period_code in"
            " ('2022-M09', '2022-Q3') order by all").fetchall()
    assert facts == [("2022-M08", 5, "E10"), ("2022-M09", 3, "E10")]
    # A `sum` indicator: the quarter adds its months; the town's area takes its communes'.
    assert reports == [("25217", "area", "2022-M09", 3), ("25217", "area", "2022-Q3", 8),
                       ("25217", "unit", "2022-M09", 3), ("25217", "unit", "2022-Q3", 8),
                       ("688", "area", "2022-M09", 3), ("688", "area", "2022-Q3", 8),
                       ("70", "area", "2022-M09", 3), ("70", "area", "2022-Q3", 8)]
