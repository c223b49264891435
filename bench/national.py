"""Benchmark: a national stand-in, the 34 provinces of 2025 and the national roll-up.

    .venv/bin/python bench/national.py [--dossiers 20000000] [--provinces 34]
                                       [--dask-workers 2] [--phases GWEKRQ] [--keep DIR]

The nation runs as docs/scale.md says: one data folder (one warehouse, one writer) per
province, here run one after another on this machine as a night's schedule would, and one
national roll-up (`baocao national`) that reads the published province files read-only.
In one run of this script:

(G) for each 2025 province, the province demo's inbox (`write_province_inbox`): the monthly
    workbook of every legacy commune for M01–M06 and of every 2025 commune for M07–M12, of
    two departments, and four quarterly one-stop exports; every export's dossiers copied
    under new codes (`-1`, `-2`, … appended) so that the nation holds about `--dossiers`;
(W) night 1, each province: `baocao run` over its workbooks only, each a fresh process, all
    against one Prefect server started here (as `baocao serve` keeps one): time, and the
    process's own peak RSS (`os.wait4`);
(E) night 2, each province: its four exports, into the warehouse of night 1;
(K) with `--dask-workers N`: night 1 again in fresh folders with `--workers N` (a local
    Dask cluster each run, its start included): the ratio (K)/(W);
(R) `baocao national` over the published province warehouses: the roll-up file;
(Q) each report relation asked for one unit and period at a time from a fresh read-only
    connection, to the roll-up and to the largest province's file (units and periods drawn
    at random from the relation's rows): the slowest and the median answer (goal ≤ 0.5 s).
Prints the totals, the peak RSS (goal ≤ 4 GB) and the ratio (K)/(W). The phases can be run
separately on a kept folder (`--keep DIR --phases RQ`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import duckdb
import psutil

BIN = Path(sys.executable).parent
PORT = 4317
ENV = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING", "DO_NOT_TRACK": "1",
       "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
       "PREFECT_API_URL": f"http://127.0.0.1:{PORT}/api"}
CODE_COLUMNS = ("Mã hồ sơ", "Số hồ sơ")
REPORTS = ("report_one_stop", "report_one_stop_by_field", "report_service_index",
           "report_indicator", "report_indicator_ratio", "report_submission_rate")


def provinces_2025() -> list[str]:
    """The 34 provinces of 2025 (vietnamadminunits' table)."""
    from common.units import query

    return [r["code"] for r in query(
        "select distinct provinceCode as code from admin_units order by 1")]


def generate(root: Path, codes: list[str], dossiers: int) -> dict[str, dict]:
    """(G): every province's inbox; returns per province its workbook and dossier counts."""
    from baocao.demo.province import prepare_data_folder, write_province_inbox
    from common.datafolder import DataPaths

    made: dict[str, dict] = {}
    start = time.perf_counter()
    for n, code in enumerate(codes, 1):
        paths = DataPaths.of(root / code)
        prepare_data_folder(paths, code)
        written = write_province_inbox(root / code / "incoming", area=code)
        exports = root / code / "exports"
        exports.mkdir()
        for path in written:
            if path.suffix == ".csv":
                path.rename(exports / path.name)
        made[code] = {"workbooks": sum(p.suffix != ".csv" for p in written),
                      "demo_dossiers": _dossiers(exports)}
        print(f"  (G) {n}/{len(codes)} province {code}: {made[code]['workbooks']} workbooks,"
              f" {made[code]['demo_dossiers']:,} dossiers ({time.perf_counter() - start:.0f} s)",
              flush=True)
    copies = max(1, round(dossiers / sum(m["demo_dossiers"] for m in made.values())))
    for code in codes:
        made[code]["dossiers"] = multiply(root / code / "exports", copies)
    print(f"  (G) exports: each dossier {copies} times, "
          f"{sum(m['dossiers'] for m in made.values()):,} dossiers in all "
          f"({time.perf_counter() - start:.0f} s)", flush=True)
    return made


def _code_column(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    names = [row[0] for row in con.execute(
        f"describe select * from read_csv('{path}', all_varchar = true)").fetchall()]
    return next(n for n in names if n in CODE_COLUMNS)


def _dossiers(folder: Path) -> int:
    con = duckdb.connect()
    codes = " union ".join(
        f"""select "{_code_column(con, p)}" as code from read_csv('{p}', all_varchar = true)"""
        for p in sorted(folder.glob("*.csv")))
    return con.execute(f"select count(distinct code) from ({codes})").fetchone()[0]


def multiply(folder: Path, copies: int) -> int:
    """Each export rewritten with every row `copies` times, copy k's dossier code ending
    in `-k`: the same dossiers across the four exports stay the same dossiers. The file's
    name and modification time (its arrival) are kept."""
    con = duckdb.connect()
    for path in sorted(folder.glob("*.csv")):
        stat = path.stat()
        code = _code_column(con, path)
        bigger = path.with_suffix(".part")
        con.execute(f"""
            copy (select t.* replace (case when c.k = 0 then t."{code}"
                                          else t."{code}" || '-' || c.k end as "{code}")
                  from read_csv('{path}', all_varchar = true) t, range({copies}) c(k)
                  order by c.k)
            to '{bigger}' (header true, delimiter ',')""")
        bigger.replace(path)
        os.utime(path, (stat.st_atime, stat.st_mtime))
    return _dossiers(folder)


class PrefectServer:
    """One Prefect server for every run of the benchmark, as `baocao serve` keeps one."""

    def __init__(self, home: Path):
        self.home = home

    def __enter__(self) -> PrefectServer:
        env = {**ENV, "PREFECT_HOME": str(self.home)}
        env.pop("PREFECT_API_URL")
        self.log = open(self.home.parent / "prefect-server.log", "w")
        self.process = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port",
             str(PORT)], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(180):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/health", timeout=1)
                return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("the Prefect server did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait()
        self.log.close()


# `baocao run` with its own high-water mark written at exit: a forked child's getrusage
# maximum would carry this (generating) process's peak over the exec.
WRAPPED = """
import atexit, sys
def peak(path=sys.argv[1]):
    with open('/proc/self/status') as status:
        line = next(line for line in status if line.startswith('VmHWM:'))
    with open(path, 'w') as out:
        out.write(line.split()[1])
atexit.register(peak)
sys.argv = ['baocao', *sys.argv[2:]]
from baocao.cli import app
app()
"""


def tree_rss_mb(process: psutil.Process) -> float:
    """Resident memory of a process and its descendants (a Dask cluster's workers)."""
    total = 0
    with contextlib.suppress(psutil.Error):  # it may end between two calls
        for p in [process, *process.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
    return total / 2**20


def baocao_run(data_dir: Path, inbox: Path, extra: list[str]) -> tuple[float, float, float,
                                                                         str]:
    """`baocao run` in a fresh process: seconds, its peak RSS (MB), the peak of it and its
    descendants together (sampled every 0.2 s), its output."""
    log = data_dir / f"run-{inbox.name}{'-'.join(extra)}.log"
    hwm = data_dir / "run-peak.kb"
    tree = 0.0
    with open(log, "w") as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", WRAPPED, str(hwm), "run", "--data-dir", str(data_dir),
             "--inbox", str(inbox), *extra], env=ENV, stdout=out, stderr=subprocess.STDOUT)
        watched = psutil.Process(process.pid)
        while process.poll() is None:
            tree = max(tree, tree_rss_mb(watched))
            time.sleep(0.2)
        seconds = time.perf_counter() - start
    text = log.read_text(encoding="utf-8", errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"baocao run failed in {data_dir}:\n{text[-3000:]}")
    peak = int(hwm.read_text()) / 1024
    return seconds, peak, max(tree, peak), text


def night(root: Path, codes: list[str], label: str, inbox_name: str, folder: str,
          extra: list[str]) -> dict[str, tuple[float, float, float]]:
    """One night over every province: (seconds, peak MB, with descendants MB) each."""
    results = {}
    start = time.perf_counter()
    for n, code in enumerate(codes, 1):
        data_dir = root / code if folder == "" else root / folder / code
        if folder:
            data_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy(root / code / "baocao.toml", data_dir / "baocao.toml")
        seconds, peak, tree, text = baocao_run(data_dir, root / code / inbox_name, extra)
        results[code] = (seconds, peak, tree)
        done = next((line for line in text.splitlines() if line.startswith("Xong.")), "")
        print(f"  ({label}) {n}/{len(codes)} province {code}: {seconds:.1f} s, peak "
              f"{peak:,.0f} MB (with its workers {tree:,.0f} MB) — {done[:100]} "
              f"({time.perf_counter() - start:.0f} s)", flush=True)
    return results


def rollup(root: Path, codes: list[str]) -> tuple[float, Path]:
    out = root / "national.duckdb"
    start = time.perf_counter()
    subprocess.run([str(BIN / "baocao"), "national", "--out", str(out),
                    *[str(root / code) for code in codes]], check=True, env=ENV)
    return time.perf_counter() - start, out


def questions(warehouse: Path, count: int) -> list[tuple[str, str, str]]:
    """Report relation × unit × period: every relation, provinces, 2025 communes and legacy
    communes that have rows, every period type."""
    rng = random.Random(7)
    con = duckdb.connect(str(warehouse), read_only=True)
    asked = []
    for relation in REPORTS:
        pairs = con.execute(f"""
            select distinct unit_code, period_code from {relation}
            using sample reservoir(2000 rows) repeatable (7)""").fetchall()
        asked += [(relation, *pair) for pair in rng.sample(pairs, min(count, len(pairs)))]
    con.close()
    return asked


def ask(warehouse: Path, asked: list[tuple[str, str, str]]) -> list[tuple[float, int, str]]:
    """Each question from a fresh read-only connection, as a BI tool opens one."""
    times = []
    for relation, unit, period in asked:
        start = time.perf_counter()
        con = duckdb.connect(str(warehouse), read_only=True)
        rows = con.execute(f"select * from {relation} where unit_code = ? and period_code = ?",
                           [unit, period]).fetchall()
        con.close()
        times.append((time.perf_counter() - start, len(rows), f"{relation} {unit} {period}"))
    return times


def main() -> None:  # pragma: no cover - a benchmark
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=20_000_000)
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--dask-workers", type=int, default=0)
    parser.add_argument("--phases", default="GWEKRQ")
    parser.add_argument("--questions", type=int, default=40, help="per report relation")
    parser.add_argument("--keep", type=Path, help="work here and keep it (else a temp dir)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench_national_"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        run(root, args)
    finally:
        if not args.keep:  # ≈ 30 GB at the default size
            shutil.rmtree(root, ignore_errors=True)


def run(root: Path, args: argparse.Namespace) -> None:  # pragma: no cover - a benchmark
    codes = provinces_2025()[:args.provinces]
    record = root / "bench.json"
    figures = json.loads(record.read_text()) if record.exists() else {}
    print(f"national stand-in in {root}: {len(codes)} provinces; load average "
          f"{os.getloadavg()}", flush=True)
    if "G" in args.phases:
        figures["made"] = made = generate(root, codes, args.dossiers)
        record.write_text(json.dumps(figures, indent=1))
        print(f"(G) {sum(m['workbooks'] for m in made.values()):,} workbooks, "
              f"{sum(m['dossiers'] for m in made.values()):,} dossiers", flush=True)
    nights = {"W": ("incoming", "", []), "E": ("exports", "", []),
              "K": ("incoming", "dask", ["--workers", str(args.dask_workers)])}
    if any(p in args.phases for p in "WEK"):
        with PrefectServer(root / "prefect"):
            for phase, (inbox, folder, extra) in nights.items():
                if phase in args.phases and (phase != "K" or args.dask_workers):
                    figures[phase] = night(root, codes, phase, inbox, folder, extra)
                    record.write_text(json.dumps(figures, indent=1))
    for phase in (p for p in "WEK" if p in figures):
        runs = figures[phase].values()
        print(f"({phase}) {sum(r[0] for r in runs):,.1f} s in all, slowest province "
              f"{max(r[0] for r in runs):.1f} s, peak RSS {max(r[1] for r in runs):,.0f} MB, "
              f"with its workers {max(r[2] for r in runs):,.0f} MB (goal ≤ 4 GB)", flush=True)
    if "W" in figures and "K" in figures:
        w, k = (sum(r[0] for r in figures[p].values()) for p in "WK")
        print(f"(K)/(W) = {k / w:.2f} (2 cores: the workers share them with the flow)")
    if "R" in args.phases:
        seconds, out = rollup(root, codes)
        figures["R"] = seconds
        print(f"(R) roll-up {out} in {seconds:.1f} s ({out.stat().st_size / 2**20:.0f} MB)",
              flush=True)
    if "Q" in args.phases:
        largest = max(codes, key=lambda c: (root / c / "warehouse.duckdb").stat().st_size)
        for label, warehouse in (("roll-up", root / "national.duckdb"),
                                 (f"province {largest}", root / largest / "warehouse.duckdb")):
            times = ask(warehouse, questions(warehouse, args.questions))
            slowest = max(times)
            figures[f"Q {label}"] = {
                "asked": len(times), "median": statistics.median(t for t, *_ in times),
                "slowest": slowest[0], "slowest_question": slowest[2]}
            print(f"(Q) {label}: {len(times)} questions, each from a fresh read-only "
                  f"connection: median {statistics.median(t for t, *_ in times) * 1000:.0f} ms,"
                  f" slowest {slowest[0] * 1000:.0f} ms ({slowest[2]}, {slowest[1]} rows) "
                  "(goal ≤ 500 ms)", flush=True)
    record.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
