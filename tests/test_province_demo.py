"""The province demo: `baocao demo --area 75` writes a year of Đồng Nai's files across the
2025 reform, generated from the unit tree, configures the data folder, loads it by a real
nightly run and prints the province's 2025 report. Here on 10 of the 95 communes with their
predecessors, through the same command (the whole province takes a minute or more)."""

from __future__ import annotations

from collections import Counter

import pytest
from typer.testing import CliRunner

from baocao.cli import app
from common.area import read_area
from common.catalog import reporters_of
from common.text import fold
from common.units import area_units
from tests.conftest import PROVINCE_COMMUNES as COMMUNES

YEAR, H1, H2 = "2025-Y", "2025-H1", "2025-H2"
# The units below the one asked for, valid on a day (parameters: its code, the day twice).
BELOW = """
    with recursive below(unit_key, unit_code) as (
        select unit_key, unit_code from dim_admin_unit
        where parent_code = ? and intermediate.is_valid_on(valid_from, valid_to, ?)
        union all
        select u.unit_key, u.unit_code from dim_admin_unit u join below b
          on u.parent_code = b.unit_code
        where intermediate.is_valid_on(u.valid_from, u.valid_to, ?))
    """
ONE_STOP = ("carried_over", "received_new", "received_online", "received_total",
            "resolved_total", "resolved_late", "withdrawn", "pending_total")


def area_total(con, table: str, column: str, unit_key: int, period: str, **where) -> float:
    clauses = "".join(f" and {k} = '{v}'" for k, v in where.items())
    (value,) = con.execute(f"select {column} from {table} where unit_key = ? and"
                           f" period_code = ? and scope = 'area'{clauses}",
                           [unit_key, period]).fetchone()
    return value


def units_total(con, table: str, column: str, above: str, day: str, period: str,
                **where) -> float:
    """The `scope = 'unit'` rows of every unit below `above` valid on `day`, added up."""
    clauses = "".join(f" and r.{k} = '{v}'" for k, v in where.items())
    (value,) = con.execute(
        BELOW + f"select sum(r.{column}) from below join {table} r using (unit_key)"
        f" where r.period_code = ? and r.scope = 'unit'{clauses}",
        [above, day, day, period]).fetchone()
    return value


def test_the_command_configures_loads_and_prints_the_provinces_year(province):
    output, data_dir, _ = province
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN — TỈNH ĐỒNG NAI" in output
    assert "Kỳ báo cáo 2025-Y: từ ngày 15/12/2024 đến ngày 14/12/2025" in output
    assert "chưa có đủ số liệu" not in output  # the exports reach past 14/12/2025
    area = read_area(data_dir)
    assert area.code == "75"
    assert [(d.name_vi, d.title_synonyms) for d in area.departments] == [
        ("Sở Y tế tỉnh Đồng Nai", ("Sở Y tế",)), ("Sở Nội vụ tỉnh Đồng Nai", ("Sở Nội vụ",))]


def test_each_reporter_sends_the_months_its_unit_exists(province):
    _, data_dir, con = province
    reporters = reporters_of(read_area(data_dir))
    sent = con.execute("select reporter, list(period_code order by period_code) from etl_file"
                       " where kind = 'workbook' and status = 'loaded' group by all").fetchall()
    legacy = {r for r, _ in sent if reporters[r].valid_to}
    new = {r for r, _ in sent if reporters[r].scope == "commune" and not reporters[r].valid_to}
    assert len(new) >= COMMUNES - 1 and len(legacy) > len(new)  # 1–6 predecessors each
    for reporter, months in sent:
        assert months == ([f"2025-M{m:02d}" for m in range(1, 7)] if reporter in legacy
                          else [f"2025-M{m:02d}" for m in range(7, 13)]), reporter
    # The only files refused are those of communes the reader cannot tell from another by
    # name (two legacy "Xã Tân Thành"; "Xã Lộc Thạnh" and "Xã Lộc Thành" fold alike).
    assert {e for (e,) in con.execute("select distinct error from etl_file"
                                      " where status = 'rejected'").fetchall()} <= {
        "Không xác định được đơn vị báo cáo (ví dụ 'UBND phường Long Thủy') ở phần đầu báo cáo"
        " hoặc tên tệp."}


def test_every_predecessor_of_a_reporting_commune_reports_until_june(province):
    """The inbox comes from the unit tree: a 2025 commune's predecessors are the legacy
    communes whose default successor it is, and each sends its first half-year (unless the
    reader cannot tell its name from another's)."""
    _, _, con = province
    legacy = [u for u in area_units("75") if u.level == "commune" and u.valid_to]
    names = Counter(fold(u.unit_name) for u in legacy)
    sent = {r for (r,) in con.execute("select distinct reporter from etl_file"
                                      " where kind = 'workbook' and status = 'loaded'").fetchall()}
    new = {r.removeprefix("ubnd_").removesuffix("_2025") for r in sent if r.endswith("_2025")}
    expected = {f"ubnd_{u.unit_code}" for u in legacy
                if u.successor_code in new and names[fold(u.unit_name)] == 1}
    assert expected and expected <= sent


def test_stocks_run_on_across_the_reform(province):
    """A 2025 commune's households in M07 are its predecessors' in June, grown by a month
    (where all its predecessors' June reports were loaded)."""
    _, _, con = province
    rows = con.execute("""
        with households as (
            select u.unit_code, u.successor_code, u.valid_to is not null as legacy,
                   f.period_code, f.actual_value
            from fact_indicator f join dim_admin_unit u using (unit_key)
            where f.indicator_code = 'households'),
        predecessors as (
            select successor_code as unit_code, count(*) as n from dim_admin_unit
            where level = 'commune' and valid_to is not null group by all)
        select n.unit_code, n.actual_value, sum(o.actual_value)
        from households n join households o on o.successor_code = n.unit_code
        join predecessors p on p.unit_code = n.unit_code
        where not n.legacy and n.period_code = '2025-M07' and o.legacy
          and o.period_code = '2025-M06'
        group by n.unit_code, n.actual_value, p.n having count(*) = p.n""").fetchall()
    assert len(rows) >= COMMUNES // 2
    for unit, july, june in rows:
        assert june <= july <= june * 1.002, unit


@pytest.mark.parametrize("table, column, where", [
    ("report_indicator", "actual_value", {"indicator_code": "jobs_created"}),  # `sum`
    ("report_indicator", "actual_value", {"indicator_code": "households"}),  # `last`
    *[("report_one_stop", column, {}) for column in ONE_STOP]])
def test_the_province_is_the_sum_of_its_communes(province, table, column, where):
    _, _, con = province
    year = area_total(con, table, column, 752025, YEAR, **where)
    assert year and year == units_total(con, table, column, "75", "2025-12-14", YEAR, **where)
    # 2025-H1: the legacy provinces Bình Phước (70) and Đồng Nai (75), whose communes roll
    # up into the 2025 province.
    first_half = sum(area_total(con, table, column, key, H1, **where) for key in (700000, 750000))
    assert first_half and first_half == sum(
        units_total(con, table, column, code, "2025-06-14", H1, **where) for code in ("70", "75"))


@pytest.mark.parametrize("table, column, where", [
    ("report_indicator", "actual_value", {"indicator_code": "jobs_created"}),
    *[("report_one_stop", column, {}) for column in ("received_new", "resolved_total",
                                                     "resolved_late", "withdrawn")]])
def test_a_flow_of_the_year_is_the_legacy_half_and_the_2025_half(province, table, column,
                                                                 where):
    _, _, con = province
    legacy = sum(area_total(con, table, column, key, H1, **where) for key in (700000, 750000))
    assert area_total(con, table, column, 752025, YEAR, **where) == legacy + area_total(
        con, table, column, 752025, H2, **where)


def test_a_legacy_commune_is_expected_until_it_ceased_to_exist(province):
    _, _, con = province
    after = con.execute("""
        select count(*) from report_submission s join dim_reporter r using (reporter)
        where r.scope = 'commune' and r.valid_to is not null
          and s.period_code > '2025-M06'""").fetchone()[0]
    assert after == 0
    months = {m for (m,) in con.execute("""
        select distinct s.period_code from report_submission s join dim_reporter r
        using (reporter) where r.valid_to is not null""").fetchall()}
    assert months == {f"2025-M{m:02d}" for m in range(1, 7)}


def test_dossiers_received_before_the_reform_are_closed_by_the_successor(province):
    _, _, con = province
    crossing = con.execute("""
        select count(*) from fact_dossier f join dim_admin_unit u using (unit_key)
        where u.level = 'commune' and u.valid_to is not null
          and f.closed_at >= date '2025-07-01'""").fetchone()[0]
    assert crossing > 0
    # and no legacy desk receives after it ceased to exist
    assert con.execute("""
        select count(*) from fact_dossier f join dim_admin_unit u using (unit_key)
        where u.valid_to is not null and f.received_at >= date '2025-07-01'""").fetchone()[0] == 0


def test_an_area_that_is_not_a_2025_province_is_refused(tmp_path):
    result = CliRunner().invoke(app, ["demo", "--area", "688", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "chỉ có cho một tỉnh sau 01/7/2025" in result.output
    assert not any(tmp_path.iterdir())
