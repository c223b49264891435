"""Benchmark: one day's new export into a province-year warehouse, incremental against full.

    .venv/bin/python bench/province_day.py [--rows 2000000] [--keep DIR]

In one process run:
(F) a province-year built from its export: `--rows` dossiers received over 400 days
    (bench/one_stop.py's generator: the system's columns, personal data, 5 % bad rows),
    archived, read, validated and loaded by the pipeline's functions and the one load
    sequence: the full build of that year;
(D) the next day's export (the dossiers received in the last 14 days, their states moved
    on, plus the day's new receipts) loaded into it: the nightly's incremental build;
(D') the same day's export loaded into a copy of the year's warehouse with every model
    rebuilt from every row (`full_rebuild`), then compared with (D) table by table.
Prints (D)/(F) (goal ≤ 0.1) and (D)/(D'). Then each report view is asked for one unit and
period at a time from a fresh read-only connection, as a BI tool does (goal ≤ 0.5 s).
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
from one_stop import RssPeak, Stages, generate

DAY = "06/10/2022"  # the day after the generator's last receipts


def day_export(year: Path, target: Path) -> int:
    """The next day's export: every dossier received in the last 14 days, half of those
    still open now resolved that day, and 5,000 new receipts of that day."""
    from baocao.demo.dossiers import HANDED, JUST_RECEIVED, OPEN_STATUSES

    open_list = ", ".join(f"'{s}'" for s in {*OPEN_STATUSES, JUST_RECEIVED})
    con = duckdb.connect()
    con.execute(f"""
        create table recent as
        select * from read_csv('{year}', all_varchar = true)
        where try_strptime("Ngày tiếp nhận", '%d/%m/%Y %H:%M:%S') >= timestamp '2022-09-22'""")
    body = target.with_suffix(".body")
    con.execute(f"""
        copy (
            select * replace (
                case when "Trạng thái" in ({open_list}) and hash("Mã hồ sơ") % 2 = 0
                     then '{HANDED}' else "Trạng thái" end as "Trạng thái",
                case when "Trạng thái" in ({open_list}) and hash("Mã hồ sơ") % 2 = 0
                     then '{DAY} 10:00' else "Ngày có kết quả" end as "Ngày có kết quả")
            from recent
            union all
            (select * replace (
                replace("Mã hồ sơ", '.H10-', '.H10-N') as "Mã hồ sơ",
                '{DAY} 08:00:00' as "Ngày tiếp nhận",
                null as "Ngày có kết quả", null as "Ngày trả",
                '{JUST_RECEIVED}' as "Trạng thái")
             from recent where "Mã hồ sơ" is not null limit 5000)
        ) to '{body}' (header true, delimiter ',')""")
    rows = con.execute("select count(*) from read_csv(?, all_varchar = true)",
                       [str(body)]).fetchone()[0]
    with target.open("wb") as out, body.open("rb") as src:
        out.write("\ufeff".encode())
        out.write(src.read())
    body.unlink()
    return rows


def load_files(exports: list[Path], data: Path, route: Stages, full_rebuild: bool = False
               ) -> dict[str, object]:
    """The nightly flow's functions on these files, then the one load sequence."""
    import pandas as pd

    from common.clock import local_now
    from common.datafolder import DataPaths
    from expectations.staged import validate_batch
    from extract.inbox import extract_file
    from load import archive as raw_archive
    from load import sequence
    from transform.batch import build_batch

    paths = DataPaths.of(data, inbox=exports[0].parent)
    now = local_now()
    with route.stage("archive"):
        files = [raw_archive.archive(e, paths, raw_archive.sha256_of(e), now) for e in exports]
    with route.stage("extract"):
        results = [extract_file(f, paths.archived(f.archive_path)) for f in files]
    with route.stage("validate (GX or its SQL twin beyond gx_row_limit)"):
        batch = validate_batch(build_batch(results), pd.Timestamp(now))
    run = {"run_id": f"bench-{time.time_ns()}", "flow": "bench", "trigger": "manual",
           "parameters": {}, "started_at": now, "files_seen": len(exports)}
    return sequence.load_and_publish(paths, run, batch, step=route.stage,
                                     full_rebuild=full_rebuild)


def differences(a: Path, b: Path) -> dict[str, tuple[int, int]]:
    con = duckdb.connect()
    con.execute(f"attach '{a}' as a (read_only)")
    con.execute(f"attach '{b}' as b (read_only)")
    tables = [f"{s}.{t}" for s, t in con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'a'"
        " and schema_name in ('main', 'intermediate') and table_name not in"
        " ('etl_run', 'dq_result', 'meta_publish', 'etl_duplicate', 'report_restatement',"
        "  'etl_file', 'rejected_row')").fetchall()]
    found = {}
    for table in tables:
        counts = tuple(con.execute(
            f"select count(*) from (select * exclude (load_id) from {x}.{table} except all"
            f" select * exclude (load_id) from {y}.{table})" if table.startswith(
                ("main.fact_", "intermediate.int_dossier")) else
            f"select count(*) from (select * from {x}.{table} except all"
            f" select * from {y}.{table})").fetchone()[0] for x, y in (("a", "b"), ("b", "a")))
        if any(counts):
            found[table] = counts
    return found


REPORT_VIEWS = ("report_one_stop", "report_one_stop_by_field", "report_service_index",
                "report_indicator", "report_indicator_ratio", "report_submission_rate")


def report_latency(warehouse: Path, asks: int = 20) -> None:
    """Each report view for `asks` (unit, period) pairs, and the one-stop macro for an
    arbitrary window, each from a fresh read-only connection."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        pairs = con.execute(f"""
            select unit_code, period_code from main.report_one_stop
            using sample reservoir({asks} rows) repeatable (7)""").fetchall()
    slowest = {}
    for view in (*REPORT_VIEWS, "one_stop_between"):
        times = []
        for unit, period in pairs:
            start = time.perf_counter()
            with duckdb.connect(str(warehouse), read_only=True) as con:
                if view == "one_stop_between":
                    con.execute("select * from main.one_stop_between(date '2022-03-07',"
                                " date '2022-08-19') where unit_code = ?", [unit]).fetchall()
                else:
                    con.execute(f"select * from main.{view} where unit_code = ?"
                                " and period_code = ?", [unit, period]).fetchall()
            times.append(time.perf_counter() - start)
        slowest[view] = max(times)
        print(f"  {view:<28} median {sorted(times)[len(times) // 2] * 1000:6.1f} ms,"
              f" slowest {max(times) * 1000:6.1f} ms ({len(times)} asks)")
    print(f"report views from a fresh read-only connection: slowest"
          f" {max(slowest.values()) * 1000:.0f} ms (goal ≤ 500 ms)")


def run(folder: Path, rows: int) -> None:  # pragma: no cover - a benchmark
    logging.basicConfig(format="    %(message)s")
    logging.getLogger("load.models").setLevel(logging.DEBUG)  # each model's build time
    year_inbox, day_inbox = folder / "year", folder / "day"
    year_inbox.mkdir(), day_inbox.mkdir()
    year = generate(year_inbox / "hoso_1cua_05-10-2022.csv", rows)
    day = day_inbox / "hoso_1cua_06-10-2022.csv"
    print(f"year export: {rows:,} dossiers, {year.stat().st_size / 1e6:.0f} MB;"
          f" day export: {day_export(year, day):,} rows", flush=True)

    full_year = Stages("(F) full build of the year from its export")
    with RssPeak() as memory:
        summary = load_files([year], folder / "data", full_year)
    print(f"  rows loaded {summary['rows_loaded']:,}; peak RSS {memory.peak:.0f} MB",
          flush=True)
    shutil.copytree(folder / "data", folder / "data_full")

    incremental = Stages("(D) the next day's export, incremental build")
    load_files([day], folder / "data", incremental)
    full_day = Stages("(D') the same day's export, every model rebuilt")
    load_files([day], folder / "data_full", full_day, full_rebuild=True)

    print(f"(D)/(F)  = {incremental.total:.2f} s / {full_year.total:.2f} s"
          f" = {incremental.total / full_year.total:.3f}  (goal ≤ 0.1)")
    print(f"(D)/(D') = {incremental.total:.2f} s / {full_day.total:.2f} s"
          f" = {incremental.total / full_day.total:.2f}")
    found = differences(folder / "data" / "warehouse.duckdb",
                        folder / "data_full" / "warehouse.duckdb")
    print("(D) equals (D') in every model table" if not found else f"DIFFERENT: {found}")
    report_latency(folder / "data" / "warehouse.duckdb")


def main() -> None:  # pragma: no cover - a benchmark
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--keep", type=Path, help="folder to keep the files in")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_province_day_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        run(folder, args.rows)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
