"""Benchmark: 1,000 commune report workbooks, the naive route against the pipeline.

    .venv/bin/python bench/workbooks.py [--files 1000] [--keep DIR] [--no-naive]
                                        [--dask-workers N]

Writes realistic monthly report workbooks (the 7 communes and 3 town departments, 2021–2024,
each reporter with its own habits: `.xlsx` or old `.xls`, two-row headers, column-number
rows, numbers typed as text, one commune on TCVN3 fonts in 2021; beyond one file per
reporter and month, corrected resubmissions) into an inbox and, in this one process, times:

(a) the route a user would write: one Prefect task per file that reads it with
    `pandas.read_excel` (openpyxl for .xlsx, xlrd for .xls), extracts the rows with the same
    reader, validates them with one GX run and inserts them into DuckDB;
(b) the pipeline: the real `nightly` flow (archive, extract in tasks of 50 files, one GX
    run over all rows, load, rebuild, check, publish), then the same stages one by one,
    with the functions the flow's tasks call, to show what dominates.

With `--dask-workers N`, (d) the same nightly flow with its extract tasks on a local Dask
cluster of N worker processes (`baocao run --workers N`), the cluster's start included, on
a fresh data folder: the ratio (d)/(b) against the default runner.

Prefect's temporary server and GX's context are started before anything is timed.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from baocao.demo.grid import WRITERS
from baocao.demo.layouts import STANDARD_HEADER, Layout, Line, report_grid, tcvn3
from baocao.demo.template import SECTIONS
from common.catalog import load_catalog

YEARS = (2021, 2022, 2023, 2024)
TWO_ROWS = {"two_row_header": "Kết quả thực hiện",
            "header": {**STANDARD_HEADER, "unit": "ĐVT", "month": "Trong tháng"}}


@dataclass(frozen=True)
class Habits:
    reporter: str
    scope: str
    title: str  # the title block's reporter line
    place: str  # of the date line
    short: str  # in the file name
    suffix: str
    layout: dict


HABITS = [
    Habits("ubnd_25216", "commune", "UBND PHƯỜNG THÁC MƠ", "Thác Mơ", "Thac Mo", ".xlsx", {}),
    Habits("ubnd_25217", "commune", "UBND PHƯỜNG LONG THỦY", "Long Thủy", "Long Thuy", ".xlsx",
           {"numbers_as_text": True}),
    Habits("ubnd_25219", "commune", "UBND PHƯỜNG PHƯỚC BÌNH", "Phước Bình", "Phuoc Binh",
           ".xls", TWO_ROWS),
    Habits("ubnd_25220", "commune", "UBND PHƯỜNG LONG PHƯỚC", "Long Phước", "Long Phuoc",
           ".xls", {"number_row": tuple(f"({i})" for i in range(1, 9))}),
    Habits("ubnd_25237", "commune", "UBND PHƯỜNG SƠN GIANG", "Sơn Giang", "SonGiang", ".xlsx",
           {"period_line": "Kỳ báo cáo: T{m}/{y}"}),
    Habits("ubnd_25245", "commune", "UBND xã Long Giang", "Long Giang", "LongGiang", ".xls",
           {"money_suffix": True, "numbers_as_text": True, "sections": "letters"}),
    Habits("ubnd_25249", "commune", "UBND xã Phước Tín", "Phước Tín", "Phuoc Tin", ".xls",
           {"period_line": "tháng {m:02d}/{y}"}),
    Habits("ttyt_688", "town", "TRUNG TÂM Y TẾ THỊ XÃ PHƯỚC LONG", "Phước Long", "TTYT",
           ".xlsx", {}),
    Habits("ldtbxh_688", "town", "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Phước Long",
           "LDTBXH", ".xls", TWO_ROWS),
    Habits("vptu_688", "town", "VĂN PHÒNG THỊ ỦY PHƯỚC LONG", "Phước Long", "VP Thi uy",
           ".xlsx", {"numbers_as_text": True}),
]


def _year_of_figures(rng: random.Random, scope: str) -> list[list[Line]]:
    """Twelve months of consistent figures for one reporter: flows and running totals for
    `sum` indicators, levels for `last` ones, a yearly plan where the catalog has one."""
    catalog = load_catalog().indicators.values()
    indicators = [i for i in catalog if i.reporter_scope == scope]
    months: list[list[Line]] = [[] for _ in range(12)]
    for ind in indicators:
        money = ind.unit_vi == "đồng"
        scale = 5_000_000 if money else 1
        plan = rng.randint(300, 7000) if ind.has_plan else None
        total, level = 0, rng.randint(20, 3000)
        for m in range(12):
            if ind.aggregation == "sum":
                flow = rng.choice((0, rng.randint(1, 60))) * scale
                total += flow
                month, cumulative = flow, total
            else:
                level += rng.randint(0, 40)
                month, cumulative = rng.choice(("x", None, rng.randint(0, 40))), level
            rate = round(100 * cumulative / plan, 1) if plan else None
            months[m].append(Line(ind.code, ind.name_vi, ind.unit_vi, plan, month, cumulative,
                                  rate, SECTIONS[ind.domain]))
    return months


@dataclass(frozen=True)
class Report:
    habits: Habits
    year: int
    month: int
    lines: list[Line]
    day: int = 14
    correction: int = 0


def reports(count: int, seed: int = 20221014) -> list[Report]:
    """One report per reporter and month, then corrected resubmissions up to `count`."""
    rng = random.Random(seed)
    originals = []
    for habits in HABITS:
        for year in YEARS:
            for m, lines in enumerate(_year_of_figures(rng, habits.scope), start=1):
                originals.append(Report(habits, year, m, lines))
    originals.sort(key=lambda r: (r.year, r.month))  # as they arrive: month by month
    corrected = []
    while len(originals) + len(corrected) < count:
        first = rng.choice(originals)
        number = 1 + sum(r.habits == first.habits and (r.year, r.month) == (first.year,
                                                                           first.month)
                         for r in corrected)
        lines = list(first.lines)
        k = next(i for i, line in enumerate(lines) if isinstance(line.cumulative, int))
        lines[k] = replace(lines[k], cumulative=lines[k].cumulative + number)  # the typo fixed
        corrected.append(replace(first, lines=lines, day=15 + number, correction=number))
    return (originals + corrected)[:count]


def write_report(report: Report, inbox: Path) -> Path:
    h, m, y = report.habits, report.month, report.year
    legacy = h.reporter == "ubnd_25249" and y == 2021  # an old machine, an old template
    layout = Layout(month=m, year=y, reporter_line=h.title,
                    date_line=f"{h.place}, ngày {report.day} tháng {{m}} năm {{y}}",
                    encode=tcvn3 if legacy else None, font=".VnTime" if legacy else None,
                    **h.layout)
    name = f"BC T{m:02d}.{y} - {h.short}" + (f" (sua {report.correction})"
                                              if report.correction else "")
    return WRITERS[h.suffix](inbox / f"{name}{h.suffix}", [report_grid(layout, report.lines)])


# ------------------------------------------------------------------------ (a) naive


def naive_route(files: list[Path], db: Path) -> Callable[[], None]:
    import duckdb
    import pandas as pd
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE

    from expectations.gx_suites import suite_params, validate
    from extract.tabular import Sheet
    from extract.workbook import workbook_from_sheets

    params = suite_params(pd.Timestamp.now())
    con = duckdb.connect(str(db))
    con.execute("create table if not exists naive (reporter varchar, period_code varchar,"
                " indicator_code varchar, actual_month double, cumulative double)")

    @task(cache_policy=NO_CACHE)
    def one_file(path: Path) -> int:
        frames = pd.read_excel(path, sheet_name=None, header=None,
                               engine="openpyxl" if path.suffix == ".xlsx" else "xlrd")
        sheets = [Sheet(str(name), frame.astype(object).where(frame.notna(), None)
                        .values.tolist()) for name, frame in frames.items()]
        result = workbook_from_sheets(sheets, path.name, source=path)
        rows = result.rows.assign(reporter=result.reporter, unit_code=result.unit_code,
                                  period_code=result.period_code)
        validate(rows, "commune_workbook", params)
        con.register("rows", rows)
        con.execute("insert into naive select reporter, period_code, indicator_code,"
                    " actual_month, cumulative from rows")
        con.unregister("rows")
        return len(rows)

    @flow(name="naive-workbooks")
    def naive() -> None:
        for path in files:
            one_file(path)

    return naive


# ------------------------------------------------------------------------ (b) pipeline


def pipeline_stages(data_dir: Path, inbox: Path, times: dict[str, float]) -> Callable:
    """The nightly flow's stages one by one (the functions its tasks call), timed."""
    import datetime as dt

    from prefect import flow

    from common.datafolder import DataPaths
    from flows import nightly

    @flow(name="workbook-stages")
    def stages() -> dict:
        paths = DataPaths.of(data_dir, inbox=inbox)
        run = {"run_id": "bench-stages", "flow": "nightly", "trigger": "manual",
               "parameters": {}, "started_at": dt.datetime.now().replace(microsecond=0)}
        with timed("archive (sha256, copy)", times):
            files = nightly.archive_new_files.fn(paths).new
        with timed("extract (calamine + workbook reader)", times):
            results = []
            for start in range(0, len(files), nightly.CHUNK):
                results += nightly.extract_chunk.fn(files[start:start + nightly.CHUNK],
                                                    paths)
        with timed("validate (one GX run, split per file)", times):
            batch = nightly.validate.fn(results)
        with timed("load, rebuild, check, publish", times):
            summary = nightly.load_and_publish.fn(batch, paths,
                                                  {**run, "files_seen": len(files)}, [])
        return summary

    return stages


@contextmanager
def timed(label: str, times: dict[str, float]):
    start = time.perf_counter()
    yield
    times[label] = time.perf_counter() - start
    print(f"  {label:<46} {times[label]:8.3f} s", flush=True)


def main() -> None:  # pragma: no cover - a benchmark
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="folder to keep the files in")
    parser.add_argument("--no-naive", action="store_true", help="skip route (a)")
    parser.add_argument("--dask-workers", type=int,
                        help="also time the flow on a local Dask cluster of N workers")
    parser.add_argument("--profile", action="store_true",
                        help="profile the stage-by-stage run (cProfile, top functions)")
    args = parser.parse_args()
    # Prefect's per-task INFO lines would be a thousand lines of output; engineers' logs of
    # the run still go to DATA_DIR/logs.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    warnings.filterwarnings("ignore")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_workbooks_"))
    inbox = folder / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    print(f"writing {args.files:,} workbooks into {inbox} …", flush=True)
    files = [write_report(r, inbox) for r in reports(args.files)]
    kinds = {s: sum(f.suffix == s for f in files) for s in (".xlsx", ".xls")}
    print(f"  {kinds['.xlsx']} .xlsx, {kinds['.xls']} .xls, "
          f"{sum(f.stat().st_size for f in files) / 1e6:.1f} MB", flush=True)

    import pandas as pd
    from prefect import flow
    from prefect.testing.utilities import prefect_test_harness

    from common.datafolder import DataPaths
    from expectations.gx_suites import suite_params, validate
    from flows.nightly import run_nightly

    @flow(name="warm-up")
    def warm_up() -> None:
        validate(pd.DataFrame({"reporter": ["x"]}), "commune_workbook",
                 suite_params(pd.Timestamp.now()))

    times: dict[str, float] = {}
    with prefect_test_harness(server_startup_timeout=90):
        print("starting Prefect's temporary server and GX (not timed) …", flush=True)
        warm_up()
        if not args.no_naive:
            naive = naive_route(files, folder / "naive.duckdb")
            print("(a) naive route:", flush=True)
            with timed("(a) read_excel + GX + Prefect task, per file", times):
                naive()
        print("(b) pipeline:", flush=True)
        with timed("(b) nightly flow, end to end", times):
            summary = run_nightly(DataPaths.of(folder / "data", inbox=inbox))
        print(f"  loaded {summary['files_loaded']} files, rejected {summary['files_rejected']}"
              f", {summary['rows_loaded']} rows", flush=True)
        if args.dask_workers:
            print(f"(d) the nightly flow on a local Dask cluster of {args.dask_workers}"
                  " workers:", flush=True)
            with timed("(d) nightly flow, Dask runner", times):
                run_nightly(DataPaths.of(folder / "data-dask", inbox=inbox),
                            workers=args.dask_workers)
            d, b = times["(d) nightly flow, Dask runner"], times["(b) nightly flow, end to end"]
            print(f"  (d)/(b) = {d:.1f} s / {b:.1f} s = {d / b:.2f}", flush=True)
        print("(b) the same stages one by one (fresh data folder):", flush=True)
        stages = pipeline_stages(folder / "data-stages", inbox, times)
        if args.profile:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(stages)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        else:
            stages()
    n, b = len(files), times["(b) nightly flow, end to end"]
    print(f"\nper workbook: (b) {1000 * b / n:.2f} ms (goal ≤ 2 ms)")
    if not args.no_naive:
        a = times["(a) read_excel + GX + Prefect task, per file"]
        print(f"per workbook: (a) {1000 * a / n:.2f} ms; ratio (a)/(b) = {a / b:.1f}"
              " (goal ≥ 10)")


if __name__ == "__main__":
    main()
