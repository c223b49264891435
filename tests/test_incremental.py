"""Incremental builds: a nightly run rebuilds only the rows its new files touch, and the
result equals a full rebuild of the same warehouse, table by table.

The demo inbox is loaded in two nights: first without Long Thủy's corrected September
report and without the newest one-stop export (3 October), then with them, the export
carrying corrections of older dossiers (channels of April receipts, due dates extended).
The second run is incremental; a copy of its warehouse rebuilt in full must hold the same
rows in every model table."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from common.datafolder import DataPaths
from flows.nightly import run_nightly
from load import sequence

HELD_BACK = ("BC thang 9 - Long Thuy (sua).xlsx", "hoso_1cua_03-10-2022.csv")
# Records of runs and findings differ by run; every other table of these schemas is built
# from the rows and must be equal.
BY_RUN = {"main.etl_run", "main.dq_result", "main.meta_publish", "main.etl_duplicate",
          "main.report_restatement"}


def model_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [f"{s}.{t}" for s, t in con.execute(
        "select schema_name, table_name from duckdb_tables()"
        " where database_name = current_database()"
        " and schema_name in ('main', 'intermediate') order by all").fetchall()
        if f"{s}.{t}" not in BY_RUN]


def corrected_export(source: Path, target: Path) -> None:
    """The newest export with the system's later corrections of older dossiers: 20 April
    receipts change channel, 15 open dossiers have their due date moved, 15 results of June
    are dated a day later."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    channel, received, due, status, result = (header.index(c) for c in (
        "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả", "Trạng thái", "Ngày có kết quả"))
    april = [r for r in body if r[received][3:10] == "04/2022"][:20]
    for row in april:
        row[channel] = "Trực tuyến" if row[channel] == "Trực tiếp" else "Trực tiếp"
    still_open = [r for r in body if r[status] == "Đang xử lý" and r[due]
                  and r[received][6:10] == "2022" and r[received][3:5] <= "08"][:15]
    for row in still_open:
        day, month, year = row[due].split("/")
        row[due] = f"{int(day) % 18 + 10:02d}/{month}/{year}"
    june_results = [r for r in body if r[result][3:10] == "06/2022"
                   and "10" <= r[result][:2] <= "20"][:15]
    for row in june_results:
        row[result] = f"{int(row[result][:2]) + 1:02d}{row[result][2:]}"
    assert (len(april), len(still_open), len(june_results)) == (20, 15, 15)
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *body])


def differences(a: Path, b: Path) -> dict[str, tuple[int, int]]:
    """Per table: rows only in a, rows only in b (as multisets)."""
    con = duckdb.connect()
    con.execute(f"attach '{a}' as a (read_only)")
    con.execute(f"attach '{b}' as b (read_only)")
    con.execute("use a")
    found = {}
    for table in model_tables(con):
        only_a, only_b = (con.execute(
            f"select count(*) from (select * from {x}.{table} except all"
            f" select * from {y}.{table})").fetchone()[0] for x, y in (("a", "b"), ("b", "a")))
        if only_a or only_b:
            found[table] = (only_a, only_b)
    con.close()
    return found


@pytest.fixture(scope="module")
def two_nights(demo_paths, tmp_path_factory) -> DataPaths:
    tmp = tmp_path_factory.mktemp("incremental")
    paths = DataPaths.of(tmp / "data")
    paths.inbox.mkdir(parents=True)
    for source in demo_paths.inbox.iterdir():
        if source.is_file() and source.name not in HELD_BACK:
            shutil.copy2(source, paths.inbox / source.name)
    assert run_nightly(paths)["status"] == "succeeded"
    shutil.copy2(demo_paths.inbox / HELD_BACK[0], paths.inbox / HELD_BACK[0])
    corrected_export(demo_paths.inbox / HELD_BACK[1], paths.inbox / HELD_BACK[1])
    summary = run_nightly(paths)
    assert (summary["status"], summary["files_loaded"]) == ("succeeded", 2)
    return paths


def test_second_night_is_incremental_and_touches_only_its_scope(two_nights):
    with duckdb.connect(str(two_nights.warehouse), read_only=True) as con:
        assert con.execute("select full_build from scope.run").fetchone() == (False,)
        periods, one_stop, indicator = con.execute(
            "select (select count(*) from main.dim_period),"
            " (select count(*) from scope.one_stop_period),"
            " (select count(*) from scope.indicator_period)").fetchone()
        # the new export reaches October and corrects April receipts: the periods ending
        # from April on change, the earlier ones stand; the workbook changes 2022-M09's
        assert 0 < one_stop < periods and 0 < indicator < periods
        assert con.execute("select min(from_day) from scope.one_stop_from").fetchone()[0] \
            .isoformat()[:7] == "2022-04"
        assert con.execute("select count(*) from scope.indicator_month").fetchone() == (4,)
        changed, total = con.execute(
            "select (select count(*) from scope.dossier), (select count(*) from"
            " main.fact_dossier)").fetchone()
        assert 0 < changed < total


def test_incremental_build_equals_full_rebuild(two_nights, tmp_path):
    full = tmp_path / "full.duckdb"
    shutil.copy2(two_nights.warehouse, full)
    with duckdb.connect(str(full)) as con:
        sequence.rebuild_models(con)
        assert con.execute("select full_build from scope.run").fetchone() == (True,)
    assert differences(two_nights.warehouse, full) == {}


def test_full_rebuild_on_request_with_nothing_new(two_nights, tmp_path):
    """`baocao run --full-rebuild` (after an upgrade, say) rebuilds every model even when
    the inbox has nothing new, and changes no figure."""
    before = tmp_path / "before.duckdb"
    shutil.copy2(two_nights.warehouse, before)
    summary = run_nightly(two_nights, full_rebuild=True)
    assert (summary["status"], summary["files_seen"]) == ("succeeded", 0)
    with duckdb.connect(str(two_nights.warehouse), read_only=True) as con:
        assert con.execute("select full_build from scope.run").fetchone() == (True,)
        assert con.execute("select count(*) from etl_run").fetchone() == (3,)
    assert differences(before, two_nights.warehouse) == {}
