"""Benchmark: a 1,000,000-dossier one-stop export through the pipeline.

    .venv/bin/python bench/one_stop.py [--rows 1000000] [--keep DIR]

Writes a realistic CSV export (the system's columns, personal data included, ~5 % bad rows)
into a temporary folder and, in this one process, times:

(a) DuckDB's own `CREATE TABLE AS SELECT * FROM read_csv(...)` of the file: the baseline;
(b) the pipeline's one-stop path, stage by stage, with the functions the nightly flow's
    tasks call (archive, extract, validate with GX on every row, stage and load, rebuild
    the models, validate the facts, check the invariants, publish), without Prefect's
    orchestration around them;
(c) the route a user would write: pandas `read_csv` → GX on the pandas frame →
    `DataFrame.to_sql` through duckdb-engine (timed on a slice, extrapolated linearly).

(b) runs first; its peak RSS is sampled every 20 ms while it runs (/proc/self/status), so
no other route's memory counts; each stage line also shows the process's high-water mark.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Đặng", "Điểu"]
MIDDLES = ["Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thanh", "Đức", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hương", "Lan", "Long", "Minh", "Nam",
         "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]
# Seven kinds of bad rows, one row in twenty: the reader must reject each with its reason.
BAD_KINDS = ["unparseable_date", "unknown_status", "finished_before_received",
             "closed_without_date", "missing_dossier_code", "unknown_channel",
             "conflicting_duplicate"]


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def generate(path: Path, rows: int, first: int = 0) -> Path:
    """Write the export with DuckDB (a few seconds for a million rows): header first, UTF-8
    with BOM, comma-separated, as the province's system writes its CSV exports; its columns,
    desks and statuses are those of the demo's newest export. `first`: the number of the
    first dossier (several files of one run hold different dossiers)."""
    from baocao.demo.dossiers import HANDED, JUST_RECEIVED, OPEN_STATUSES, REFUSED
    from baocao.demo.exports import EXPORTS
    from baocao.demo.units import TOWN_DESK, commune_names
    from common.workdays import load_procedures

    procedures = load_procedures()
    codes, names, fields, days = (list(procedures[c]) for c in (
        "procedure_code", "procedure_name", "field", "working_days"))
    desks = [TOWN_DESK, *commune_names()]
    statuses_open = [*dict.fromkeys(OPEN_STATUSES), JUST_RECEIVED]
    columns = ", ".join(f'{field} as "{text}"' for text, field in EXPORTS[-1].columns)
    con = duckdb.connect()
    # A deterministic pseudo-random integer per dossier and purpose.
    con.execute("create macro h(i, k) as cast(hash(i, k) % 1000000007 as bigint)")
    body = path.with_suffix(".body")
    con.execute(f"""
    copy (
    with base as (
        select i,
               h(i, 1) % {len(codes)} as p,
               h(i, 2) % {len(desks)} as desk,
               h(i, 3) % 100 as fate,
               h(i, 4) % 3 as chan,
               timestamp '2021-09-01 07:00:00' + to_days(cast(h(i, 5) % 400 as integer))
                   + to_minutes(h(i, 18) % 600) as received_at,
               to_minutes(cast(h(i, 6) % (20 * 24 * 60) as bigint)) as took,
               case when i % 20 = 13 then (i // 20) % 7 else -1 end as bad
        from range({first}, {first + rows}) t(i)
    ), dossier as (
        select *, {_sql_list(codes)}[p + 1] as proc_code, {_sql_list(names)}[p + 1] as proc_name,
               {_sql_list(fields)}[p + 1] as field, {days}[p + 1] as days,
               case when fate < 80 then 'resolved' when fate < 82 then 'withdrawn'
                    when fate < 84 then 'not_received' else 'open' end as outcome,
               {_sql_list(FAMILIES)}[h(i, 7) % {len(FAMILIES)} + 1] || ' '
               || {_sql_list(MIDDLES)}[h(i, 8) % {len(MIDDLES)} + 1] || ' '
               || {_sql_list(GIVEN)}[h(i, 9) % {len(GIVEN)} + 1] as applicant
        from base
    ), export as (  -- one column per field of the demo's exports
        select i + 1 as stt,
               case when bad = 4 then ''
                    else '000.00.' || (15 + desk) || '.H10-' || strftime(received_at, '%y%m%d')
                         || '-' || lpad(cast(case when bad = 6 then i - 1 else i end as varchar),
                                        7, '0')
               end as code,
               proc_code, proc_name, field, {_sql_list(desks)}[desk + 1] as desk, applicant,
               '070' || lpad(cast(h(i, 10) % 1000000000 as varchar), 9, '0') as id_number,
               '09' || lpad(cast(h(i, 11) % 100000000 as varchar), 8, '0') as phone,
               lower(strip_accents(replace(applicant, ' ', ''))) || (h(i, 12) % 100)
                   || '@gmail.com' as email,
               'Tổ ' || (h(i, 13) % 12 + 1) || ', KP ' || (h(i, 14) % 6 + 1) as address,
               'Hồ sơ của ' || applicant as content,
               case when bad = 5 then 'Fax'
                    when chan = 0 then 'Trực tuyến' else 'Trực tiếp' end as channel,
               cast(2 + h(i, 15) % 3 as varchar) as level,
               case when bad = 0 then '31/02/2022 08:00'
                    else strftime(received_at, '%d/%m/%Y %H:%M:%S') end as received,
               strftime(received_at + to_days(cast(days * 7 // 5 as integer)), '%d/%m/%Y') as due,
               case when bad = 3 then null
                    when bad = 2 then strftime(received_at - interval 3 day, '%d/%m/%Y %H:%M')
                    when outcome in ('resolved', 'withdrawn')
                        then strftime(received_at + took, '%d/%m/%Y %H:%M') end as finished,
               case when outcome = 'resolved' and bad <> 3 and h(i, 16) % 2 = 0
                    then strftime(received_at + took + interval 1 day, '%d/%m/%Y %H:%M')
               end as handed,
               case when bad = 1 then 'Chờ phê duyệt'
                    when bad in (2, 3) or outcome = 'resolved' then '{HANDED}'
                    when outcome = 'withdrawn' then 'Công dân yêu cầu rút hồ sơ'
                    when outcome = 'not_received' then '{REFUSED}'
                    else {_sql_list(statuses_open)}[h(i, 17) % 4 + 1] end as status
        from dossier
    )
    select {columns} from export order by stt
    ) to '{body}' (header true, delimiter ',')""")
    with path.open("wb") as out, body.open("rb") as src:
        out.write("\ufeff".encode())
        while chunk := src.read(1 << 24):
            out.write(chunk)
    body.unlink()
    return path


def peak_rss_mb() -> float:
    """The process's high-water mark."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


class RssPeak:
    """The highest resident set size while a block runs, sampled every 20 ms."""

    def __enter__(self) -> RssPeak:
        self.start = self.peak = rss_mb()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._done.wait(0.02):
            self.peak = max(self.peak, rss_mb())

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


class Stages:
    """Times of the stages of one route, printed as they finish."""

    def __init__(self, title: str):
        self.times: dict[str, float] = {}
        print(title, flush=True)

    @contextmanager
    def stage(self, label: str):
        start = time.perf_counter()
        yield
        self.times[label] = time.perf_counter() - start
        print(f"  {label:<52} {self.times[label]:7.2f} s   peak RSS {peak_rss_mb():6.0f} MB",
              flush=True)

    def record(self, label: str, seconds: float) -> None:
        self.times[label] = seconds
        print(f"  {label:<52} {seconds:7.2f} s", flush=True)

    @property
    def total(self) -> float:
        return sum(self.times.values())


def baseline(export: Path, folder: Path) -> tuple[Stages, float]:
    """(a) DuckDB's own load of the file into a table of a database file, as the pipeline
    ends in one; and, for comparison only, into an in-memory database."""
    route = Stages("(a) DuckDB: CREATE TABLE AS SELECT * FROM read_csv(...)")
    database = folder / "baseline.duckdb"
    database.unlink(missing_ok=True)
    with route.stage("read_csv → table (database file, checkpointed)"):
        con = duckdb.connect(str(database))
        con.execute("create table raw as select * from read_csv(?)", [str(export)])
        con.execute("checkpoint")
        con.close()
    start = time.perf_counter()
    with duckdb.connect() as con:
        con.execute("create table raw as select * from read_csv(?)", [str(export)])
    in_memory = time.perf_counter() - start
    print(f"  (read_csv → table in an in-memory database: {in_memory:.2f} s)", flush=True)
    return route, in_memory


def pipeline(export: Path, folder: Path) -> tuple[Stages, dict[str, int]]:
    """(b) The pipeline's one-stop path, in the order of the nightly flow's tasks: the same
    functions, then the one load sequence (`load.sequence.load_and_publish`) timed step by
    step."""
    import pandas as pd

    from common.clock import local_now
    from common.datafolder import DataPaths
    from expectations import data_docs
    from expectations.gx_suites import suite_params, validate
    from expectations.staged import validate_batch
    from extract.inbox import extract_file
    from load import archive as raw_archive
    from load import sequence
    from transform.batch import build_batch

    shutil.rmtree(folder / "data", ignore_errors=True)
    paths = DataPaths.of(folder / "data", inbox=export.parent)
    route = Stages("(b) pipeline: the nightly flow's one-stop path")
    run_id = "bench"
    now = local_now()
    with route.stage("archive: sha256 and copy into the raw archive"):
        file = raw_archive.archive(export, paths, raw_archive.sha256_of(export), now)
    with route.stage("extract: read, drop personal data, rules (SQL)"):
        result = extract_file(file, paths.archived(file.archive_path))
    with route.stage("GX start-up (context and suites, once a run)"):
        sample = result.extract.dossiers.head(1)
        validate(sample, "one_stop_export", suite_params(pd.Timestamp(now) + pd.Timedelta(
            days=1)))
    with route.stage("validate: GX one_stop_export on every row"):
        batch = validate_batch(build_batch([result]), pd.Timestamp(now))
    run = {"run_id": run_id, "flow": "bench", "trigger": "manual", "parameters": {},
           "started_at": now, "files_seen": 1}
    summary = sequence.load_and_publish(paths, run, batch, step=route.stage)
    with route.stage("data docs of the run's findings"):
        data_docs.build(paths, run_id)
    return route, {k: summary[k] for k in ("rows_loaded", "rows_rejected")}


def flow(export: Path, folder: Path) -> Stages:
    """(b) again, as the real `nightly` Prefect flow runs it (tasks, results passed between
    them), on a temporary Prefect server started first and not timed."""
    import os

    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    from prefect.testing.utilities import prefect_test_harness

    from common.datafolder import DataPaths
    from flows.nightly import run_nightly

    shutil.rmtree(folder / "flow", ignore_errors=True)
    paths = DataPaths.of(folder / "flow", inbox=export.parent)
    route = Stages("(b') the real nightly flow on the same inbox")
    with (prefect_test_harness(server_startup_timeout=90),
          route.stage("run_nightly (server already started)")):
        summary = run_nightly(paths)
    assert summary["status"] == "succeeded", summary
    return route


def naive(export: Path, rows: int, slice_rows: int = 50_000) -> Stages:
    """(c) pandas read_csv → GX on the pandas frame → DataFrame.to_sql via duckdb-engine;
    to_sql timed on a slice and extrapolated linearly (a full run takes minutes)."""
    import pandas as pd
    import sqlalchemy

    from expectations.gx_suites import suite_params, validate

    route = Stages("(c) naive: pandas read_csv → GX on pandas → to_sql (duckdb-engine)")
    names = {"Mã hồ sơ": "dossier_code", "Đơn vị tiếp nhận": "unit_code",
             "Hình thức nộp": "channel", "Mức độ": "service_level",
             "Ngày tiếp nhận": "received_at", "Ngày hẹn trả": "due_date",
             "Ngày có kết quả": "closed_at", "Trạng thái": "outcome"}
    with route.stage("pandas read_csv (every column) and date parsing"):
        frame = pd.read_csv(export, dtype=str, encoding="utf-8-sig").rename(columns=names)
        formats = {"received_at": "%d/%m/%Y %H:%M:%S", "due_date": "%d/%m/%Y",
                   "closed_at": "%d/%m/%Y %H:%M"}  # one known format a column: the fast way
        for column, fmt in formats.items():
            frame[column] = pd.to_datetime(frame[column], format=fmt, errors="coerce")
    with route.stage("GX one_stop_export on the pandas frame"):
        validate(frame, "one_stop_export", suite_params(pd.Timestamp.now()))
    engine = sqlalchemy.create_engine("duckdb:///:memory:")
    start = time.perf_counter()
    frame.head(slice_rows).to_sql("stg_dossier", engine, index=False)
    route.record(f"to_sql: {slice_rows:,} rows timed, × {rows / slice_rows:g} (extrapolated)",
                 (time.perf_counter() - start) * rows / slice_rows)
    return route


def main() -> None:  # pragma: no cover - a benchmark
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="folder to keep the files in")
    parser.add_argument("--no-naive", action="store_true", help="skip route (c)")
    parser.add_argument("--flow", action="store_true",
                        help="also time the real nightly flow on the file")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_one_stop_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        run(folder, args)
    finally:
        if not args.keep:  # about 1.5 GB for a million rows
            shutil.rmtree(folder, ignore_errors=True)


def run(folder: Path, args: argparse.Namespace) -> None:  # pragma: no cover - a benchmark
    export = folder / "inbox" / "hoso_1cua.csv"
    export.parent.mkdir(exist_ok=True)
    print(f"generating {args.rows:,} dossiers in {export} …", flush=True)
    generate(export, args.rows)
    print(f"  {export.stat().st_size / 1e6:.0f} MB", flush=True)
    with RssPeak() as memory:  # (b) first, so that no other route's memory is counted
        b, counts = pipeline(export, folder)
    print(f"  rows loaded {counts['rows_loaded']:,}, rows rejected {counts['rows_rejected']:,};"
          f" RSS {memory.start:.0f} MB before, peak {memory.peak:.0f} MB during (b)")
    a, in_memory = baseline(export, folder)
    fixed = b.times["GX start-up (context and suites, once a run)"]
    print(f"(b)/(a) = {b.total:.2f} s / {a.total:.2f} s = {b.total / a.total:.2f}"
          f"  (without GX start-up: {(b.total - fixed) / a.total:.2f}; against the in-memory"
          f" load: {b.total / in_memory:.2f}); peak RSS of (b) {memory.peak:.0f} MB",
          flush=True)
    if args.flow:
        f = flow(export, folder)
        print(f"(b')/(a) = {f.total:.2f} s / {a.total:.2f} s = {f.total / a.total:.2f}"
              " (GX already started by (b) in this process)")
    if not args.no_naive:
        c = naive(export, args.rows)
        print(f"(c)/(b) = {c.total:.1f} s / {b.total:.2f} s = {c.total / b.total:.1f}")


if __name__ == "__main__":
    main()
