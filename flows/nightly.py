"""The nightly and backfill flows: inbox → archive → extract → validate → the one load
sequence (`load.sequence`) → Data Docs.

Both hold the data folder's writer lock for the whole run, mark their stage in
DATA_DIR/run/state.json, and on failure publish only a failure record: the published
warehouse keeps yesterday's figures. Tasks stay at batch grain; only the I/O tasks retry.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from common.area import use_area
from common.clock import local_now
from common.datafolder import DataPaths
from common.periods import month_range
from expectations import data_docs
from expectations.staged import validate_batch
from extract.inbox import FileResult, InboxFile, extract_file
from load import archive as raw_archive
from load import run_state, sequence, warehouse
from load.archive import Duplicate, InboxScan
from load.lock import writer_lock
from transform.batch import Batch, build_batch

CHUNK = 50  # files per extract task: enough to amortise a task's overhead


@task(retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def archive_new_files(paths: DataPaths) -> InboxScan:
    """Archive every inbox file whose content the warehouse has not seen yet; files already
    loaded (same sha256) are skipped without being parsed, new names of them noted."""
    scan = raw_archive.scan_inbox(paths, warehouse.known_hashes(paths.warehouse), local_now())
    get_run_logger().info("inbox: %d files, %d new, %d duplicates of loaded files",
                          scan.files, len(scan.new), len(scan.duplicates))
    return scan


@task(retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def archived_files(paths: DataPaths, months: list[str], unit: str | None) -> InboxScan:
    """The archived files a backfill of these months (and unit) must read again."""
    files = warehouse.files_for_backfill(paths.warehouse, months, unit)
    get_run_logger().info("backfill: %d archived files to read again", len(files))
    return InboxScan(files, [], len(files))


@task(cache_policy=NO_CACHE)
def extract_chunk(files: list[InboxFile], paths: DataPaths) -> list[FileResult]:
    results = [extract_file(f, paths.archived(f.archive_path)) for f in files]
    get_run_logger().info(
        "extracted %d files: %d one-stop, %d workbooks, %d rejected", len(results),
        sum(r.kind == "one_stop" for r in results), sum(r.kind == "workbook" for r in results),
        sum(r.rejected for r in results))
    return results


@task(cache_policy=NO_CACHE)
def validate(results: list[FileResult]) -> Batch:
    batch = validate_batch(build_batch(results), pd.Timestamp(local_now()))
    failed = batch.dq_results[~batch.dq_results["success"].astype(bool)] \
        if len(batch.dq_results) else batch.dq_results
    get_run_logger().info("validated: %d dossier rows, %d indicator rows, %d failed checks",
                          len(batch.dossiers), len(batch.indicators), len(failed))
    return batch


@task(cache_policy=NO_CACHE)
def load_and_publish(batch: Batch, paths: DataPaths, run: dict[str, object],
                     duplicates: list[Duplicate], bulk_import: bool = False) -> dict:
    summary = sequence.load_and_publish(paths, run, batch, duplicates=duplicates,
                                        bulk_import=bulk_import)
    get_run_logger().info("published %s", paths.warehouse)
    data_docs.build(paths, str(run["run_id"]))
    return summary


def run_under_lock(paths: DataPaths, run: dict[str, object],
                   find_files: Callable[[], InboxScan], bulk_import: bool = False) -> dict:
    """The steps both flows share, under the writer lock, with failures recorded."""
    run_id = str(run["run_id"])
    with writer_lock(paths, run_id), _RunLog(paths, run_id):
        raw_archive.remove_partial_copies(paths)
        try:
            run_state.mark(paths, run_id, "archive")
            scan = find_files()
            files = scan.new
            if not files and paths.warehouse.exists():
                # Nothing new: the published figures stand; only the run is recorded.
                summary = {**run, "files_seen": 0, "files_loaded": 0, "files_rejected": 0,
                           "rows_loaded": 0, "rows_rejected": 0, "status": "succeeded",
                           "finished_at": local_now()}
                warehouse.publish_run_record(paths, summary, scan.duplicates)
                run_state.mark(paths, run_id, "done")
                return summary
            run_state.mark(paths, run_id, "extract")
            results: list[FileResult] = []
            for start in range(0, len(files), CHUNK):
                results += extract_chunk(files[start:start + CHUNK], paths)
            run_state.mark(paths, run_id, "validate")
            batch = validate(results)
            summary = load_and_publish(batch, paths, {**run, "files_seen": len(files)},
                                       scan.duplicates, bulk_import)
        except Exception as exc:
            get_run_logger().error("run %s failed: %s", run_id, exc)
            warehouse.publish_run_record(paths, {**run, "status": "failed",
                                                 "finished_at": local_now(),
                                                 "error": f"{type(exc).__name__}: {exc}"})
            run_state.mark(paths, run_id, "failed")
            raise
        run_state.mark(paths, run_id, "done")
        return summary


class _RunLog:
    """Engineers' log of one run in DATA_DIR/logs/, besides Prefect's own."""

    def __init__(self, paths: DataPaths, run_id: str):
        paths.logs.mkdir(parents=True, exist_ok=True)
        stamp = local_now().strftime("%Y%m%d-%H%M%S")
        self.handler = logging.FileHandler(paths.logs / f"run-{stamp}-{run_id[:8]}.log")
        self.handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        self.loggers = [logging.getLogger("prefect.flow_runs"),
                        logging.getLogger("prefect.task_runs"),
                        logging.getLogger("load")]

    def __enter__(self):
        # The console may be quiet (WARNING) for data staff; the file always gets INFO. The
        # loggers must pass INFO on, so the console handlers keep the level that was in force.
        quiet = min(logger.getEffectiveLevel() for logger in self.loggers)
        self.consoles = [h for h in logging.getLogger().handlers
                         if isinstance(h, logging.StreamHandler)
                         and not isinstance(h, logging.FileHandler)]
        self.saved = ([logger.level for logger in self.loggers],
                      [h.level for h in self.consoles])
        for handler in self.consoles:
            handler.setLevel(max(handler.level, quiet))
        for logger in self.loggers:
            logger.addHandler(self.handler)
            logger.setLevel(logging.INFO)
        self.handler.setLevel(logging.INFO)

    def __exit__(self, *exc):
        logger_levels, console_levels = self.saved
        for logger, level in zip(self.loggers, logger_levels, strict=True):
            logger.removeHandler(self.handler)
            logger.setLevel(level)
        for handler, level in zip(self.consoles, console_levels, strict=True):
            handler.setLevel(level)
        self.handler.close()


def _start(flow_name: str, trigger: str, parameters: dict) -> dict[str, object]:
    return {"run_id": str(flow_run.get_id() or dt.datetime.now().isoformat()),
            "flow": flow_name, "trigger": trigger, "parameters": parameters,
            "started_at": local_now()}


@flow(name="nightly", log_prints=False)
def nightly(data_dir: str = "data", warehouse_path: str | None = None,
            inbox: str | None = None, trigger: str = "manual",
            import_history: bool = False) -> dict:
    """Load what is new in the inbox. `import_history`: the files are a bulk import of past
    reports, whose timeliness is judged by their own date lines, not by when they arrive."""
    paths = DataPaths.of(data_dir, warehouse_path, inbox)
    use_area(paths.data_dir)
    run = _start("nightly", trigger, {"data_dir": data_dir, "inbox": str(paths.inbox),
                                      "warehouse": str(paths.warehouse),
                                      "import_history": import_history})
    return run_under_lock(paths, run, lambda: archive_new_files(paths), import_history)


@flow(name="backfill", log_prints=False)
def backfill(period_from: str, period_to: str, unit: str | None = None,
             data_dir: str = "data", warehouse_path: str | None = None) -> dict:
    """Read the archived files of these months again (after a parser or catalog fix, or a
    correction) and rebuild; the result equals a fresh build from the same files."""
    paths = DataPaths.of(data_dir, warehouse_path)
    use_area(paths.data_dir)
    months = month_range(period_from, period_to)
    run = _start("backfill", "backfill", {"from": period_from, "to": period_to, "unit": unit,
                                          "data_dir": data_dir})
    return run_under_lock(paths, run, lambda: archived_files(paths, months, unit))


def run_nightly(paths: DataPaths, trigger: str = "manual", import_history: bool = False
                ) -> dict:
    return nightly(data_dir=str(paths.data_dir), warehouse_path=str(paths.warehouse),
                   inbox=str(paths.inbox), trigger=trigger, import_history=import_history)


def run_backfill(paths: DataPaths, period_from: str, period_to: str,
                 unit: str | None = None) -> dict:
    return backfill(period_from=period_from, period_to=period_to, unit=unit,
                    data_dir=str(paths.data_dir), warehouse_path=str(paths.warehouse))
