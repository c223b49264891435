"""The national roll-up (`baocao national`): the report relations of two provinces' published
warehouses (Đồng Nai on 10 communes, Cao Bằng on 2, each loaded by a real nightly run) in
one file, each province's rows exactly as its own warehouse has them; two data folders that
report on the same units are refused."""

from __future__ import annotations

import re

import duckdb
import pytest
from typer.testing import CliRunner

from baocao.cli import app
from load.national import DIMENSIONS, REPORTS, RollupProblem, build_national


@pytest.fixture(scope="module")
def rollup(province, small_province, tmp_path_factory):
    _, dong_nai, _ = province
    out = tmp_path_factory.mktemp("national") / "toan-quoc.duckdb"
    result = CliRunner().invoke(app, ["national", str(dong_nai), str(small_province.data_dir),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(out), read_only=True)
    for alias, folder in (("dn", dong_nai), ("cb", small_province.data_dir)):
        con.execute(f"attach '{folder / 'warehouse.duckdb'}' as {alias} (read_only)")
    yield result.output, con
    con.close()


@pytest.mark.parametrize("relation", REPORTS)
def test_each_provinces_rows_are_its_own_warehouses(rollup, relation):
    _, con = rollup
    for alias in ("dn", "cb"):
        own = con.execute(f"select * from {alias}.main.{relation} order by all").fetchall()
        rolled = con.execute(f"""
            select * from main.{relation} where unit_key in
              (select unit_key from {alias}.main.dim_admin_unit where in_area)
            order by all""").fetchall()
        assert rolled == own and len(own) > 0
    (total,) = con.execute(f"select count(*) from main.{relation}").fetchone()
    (dn,), (cb,) = (con.execute(f"select count(*) from {a}.main.{relation}").fetchone()
                    for a in ("dn", "cb"))
    assert total == dn + cb  # nothing else, nothing twice


def test_the_provinces_area_rows_sit_side_by_side(rollup):
    output, con = rollup
    rows = con.execute("""
        select unit_code, unit_name, received_total from main.report_one_stop
        where period_code = '2025-Y' and scope = 'area' and unit_code in ('75', '04')
        order by unit_code""").fetchall()
    own = [con.execute(f"""select unit_code, unit_name, received_total
                           from {a}.main.report_one_stop where period_code = '2025-Y'
                           and scope = 'area' and unit_code = '{code}'""").fetchone()
           for a, code in (("cb", "04"), ("dn", "75"))]
    assert rows == own
    assert [r[1] for r in rows] == ["Tỉnh Cao Bằng", "Tỉnh Đồng Nai"]
    assert rows[0][2] > 0 and rows[1][2] > rows[0][2]
    assert "Đã ghi" in output and "report_one_stop" in output


def test_dimensions_hold_each_key_once_with_the_reporting_provinces_version(rollup):
    _, con = rollup
    for name, key in DIMENSIONS.items():
        (rows, keys) = con.execute(f"select count(*), count(distinct {key}) from main.{name}"
                                   ).fetchone()
        assert rows == keys > 0
    in_area = con.execute("""
        select count(*) from main.dim_admin_unit
        where in_area and unit_key in (select unit_key from dn.main.dim_admin_unit
                                       where in_area
                                       union all
                                       select unit_key from cb.main.dim_admin_unit
                                       where in_area)""").fetchone()[0]
    (expected,) = con.execute("""
        select (select count(*) from dn.main.dim_admin_unit where in_area)
             + (select count(*) from cb.main.dim_admin_unit where in_area)""").fetchone()
    assert in_area == expected
    sources = con.execute("select warehouse, run_id is not null from main.rollup_source "
                          "order by warehouse").fetchall()
    assert len(sources) == 2 and all(ok for _, ok in sources)
    # English — Tiếng Việt on every relation and column, as in the province files
    comments = con.execute("""
        select table_name, comment from duckdb_tables() where database_name = current_database()
        union all
        select table_name || '.' || column_name, comment from duckdb_columns()
        where database_name = current_database()""").fetchall()
    assert len(comments) > 150
    assert [name for name, comment in comments if " — " not in (comment or "")] == []


def test_two_data_folders_reporting_on_the_same_units_are_refused(province, demo_paths,
                                                                 tmp_path):
    # Phước Long town (688) lies in Đồng Nai since 2025: its communes are in both areas.
    _, dong_nai, _ = province
    out = tmp_path / "toan-quoc.duckdb"
    with pytest.raises(RollupProblem, match="thuộc địa bàn của hai kho số liệu") as refused:
        build_national([demo_paths.data_dir, dong_nai], out)
    assert re.search(r"(Phường|Xã) .+ \(mã \d{5}\).+Số đơn vị như vậy: \d+\.$", str(refused.value))
    assert not out.exists() and not list(tmp_path.iterdir())


def test_a_folder_without_a_published_warehouse_is_named(tmp_path):
    result = CliRunner().invoke(app, ["national", str(tmp_path), "--out",
                                      str(tmp_path / "n.duckdb")])
    assert result.exit_code == 1
    assert f"Không có kho số liệu đã công bố tại {tmp_path / 'warehouse.duckdb'}" in \
        result.output.replace("\n", "")
