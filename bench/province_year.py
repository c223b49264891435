"""Benchmark: a province's year built in one nightly run, against DuckDB's raw load.

    .venv/bin/python bench/province_year.py [--area 75] [--dossiers 2000000] [--keep DIR]

In one run of this script:
- the province demo's inbox for `--area` (`write_province_inbox`: the monthly workbooks of
  every legacy commune M01–M06 and every 2025 commune M07–M12, two departments, four
  quarterly one-stop exports), each export's dossiers copied under new codes so that the
  year holds about `--dossiers` (bench/national.py's `multiply`); not timed;
(a) DuckDB's own `create table … as select * from read_csv(…)` of each export into one
    database file: the baseline, plus 2 ms a workbook (the issue's allowance);
(b) `baocao run` over the whole inbox into a fresh data folder, in a fresh process against
    a running Prefect server (as `baocao serve` keeps one): archive, read, validate, load,
    full build, checks, publish; its peak RSS (VmHWM at exit).
Prints (b)/(a) (goal ≤ 2) and the peak (goal ≤ 2 GB).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
from national import PrefectServer, _dossiers, baocao_run, multiply


def raw_load(exports: list[Path], database: Path) -> float:
    """(a): each export read by DuckDB into a table of a database file."""
    start = time.perf_counter()
    con = duckdb.connect(str(database))
    for n, path in enumerate(exports):
        con.execute(f"create table export_{n} as select * from read_csv('{path}')")
    con.close()
    return time.perf_counter() - start


def main() -> None:  # pragma: no cover - a benchmark
    from baocao.demo.province import prepare_data_folder, write_province_inbox
    from common.datafolder import DataPaths

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--area", default="75")
    parser.add_argument("--dossiers", type=int, default=2_000_000)
    parser.add_argument("--keep", type=Path, help="work here and keep it (else a temp dir)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench_province_year_"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        inbox, data = root / "inbox", root / "data"
        prepare_data_folder(DataPaths.of(data), args.area)
        written = write_province_inbox(inbox, area=args.area)
        workbooks = sum(p.suffix != ".csv" for p in written)
        copies = max(1, round(args.dossiers / _dossiers(inbox)))
        dossiers = multiply(inbox, copies)
        exports = sorted(inbox.glob("*.csv"))
        size = sum(p.stat().st_size for p in exports) / 2**20
        print(f"province {args.area}: {workbooks:,} workbooks, {dossiers:,} dossiers in "
              f"{len(exports)} exports ({size:,.0f} MB); load average {os.getloadavg()}",
              flush=True)
        raw = raw_load(exports, root / "raw.duckdb")
        allowance = 0.002 * workbooks
        print(f"(a) DuckDB read_csv of the exports into a database file: {raw:.2f} s, "
              f"+ 2 ms × {workbooks:,} workbooks = {raw + allowance:.2f} s", flush=True)
        with PrefectServer(root / "prefect"):
            seconds, peak, _, text = baocao_run(data, inbox, [])
        done = next((line for line in text.splitlines() if line.startswith("Xong.")), "")
        print(f"(b) baocao run, whole year: {seconds:.2f} s, peak RSS {peak:,.0f} MB "
              f"(goal ≤ 2 GB)\n    {done}")
        print(f"(b)/(a) = {seconds / (raw + allowance):.2f} (goal ≤ 2); load average "
              f"{os.getloadavg()}")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
