"""The nightly and backfill flows: inbox → archive → extract → validate → the one load
sequence (`load.sequence`) → Data Docs.

Both hold the data folder's writer lock for the whole run, mark their stage in
DATA_DIR/run/state.json, and on failure publish only a failure record: the published
warehouse keeps yesterday's figures. Tasks stay at batch grain; only the I/O tasks retry.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import Callable

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from common.area import use_area
from common.clock import local_now
from common.datafolder import DataPaths, private_file
from common.periods import month_range
from common.seeds import setting
from expectations import data_docs
from expectations.staged import validate_batch
from extract.inbox import FileResult, InboxFile, extract_file
from extract.one_stop_rows import Streaming
from load import archive as raw_archive
from load import inbox_hygiene, notify, purge, run_state, sequence, warehouse
from load.archive import Duplicate, InboxScan
from load.lock import writer_lock
from transform.batch import Batch, build_batch

CHUNK = 50  # files per extract task: enough to amortise a task's overhead
# Tasks pass rows and inbox paths between them: never written to Prefect's result storage
# (pickles under ~/.prefect/storage), whatever a profile's PREFECT_RESULTS_PERSIST_BY_DEFAULT.


@task(retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE, persist_result=False)
def archive_new_files(paths: DataPaths) -> InboxScan:
    """Archive every inbox file whose content the warehouse has not seen yet; files already
    loaded (same sha256) are skipped without being parsed, new names of them noted."""
    scan = raw_archive.scan_inbox(paths, warehouse.known_hashes(paths.warehouse), local_now())
    get_run_logger().info("inbox: %d files, %d new, %d duplicates of loaded files",
                          scan.files, len(scan.new), len(scan.duplicates))
    return scan


@task(retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE, persist_result=False)
def archived_files(paths: DataPaths, months: list[str], unit: str | None) -> InboxScan:
    """The archived files a backfill of these months (and unit) must read again."""
    files, purged = warehouse.files_for_backfill(paths.warehouse, months, unit)
    get_run_logger().info("backfill: %d archived files to read again", len(files))
    if purged:
        get_run_logger().warning("backfill: %d files it would read again were purged from the"
                                 " archive; their rows stay as loaded", len(purged))
    return InboxScan(files, [], len(files), purged=purged)


@task(cache_policy=NO_CACHE, persist_result=False)
def extract_chunk(files: list[InboxFile], paths: DataPaths) -> list[FileResult]:
    # On a Dask worker this process has served no data folder yet: without its area the
    # readers would know only the default town's units and reject every other reporter.
    use_area(paths.data_dir)
    streaming = Streaming(paths.streamed_rows)  # a very large export's rows go to disk
    results = [extract_file(f, paths.archived(f.archive_path), streaming) for f in files]
    get_run_logger().info(
        "extracted %d files: %d one-stop, %d workbooks, %d rejected", len(results),
        sum(r.kind == "one_stop" for r in results), sum(r.kind == "workbook" for r in results),
        sum(r.rejected for r in results))
    return results


@task(cache_policy=NO_CACHE, persist_result=False)
def validate(results: list[FileResult]) -> Batch:
    batch = validate_batch(build_batch(results), pd.Timestamp(local_now()))
    failed = batch.dq_results[~batch.dq_results["success"].astype(bool)] \
        if len(batch.dq_results) else batch.dq_results
    get_run_logger().info("validated: %d dossier rows, %d indicator rows, %d failed checks",
                          batch.dossier_rows, len(batch.indicators), len(failed))
    return batch


@task(cache_policy=NO_CACHE, persist_result=False)
def load_and_publish(batch: Batch, paths: DataPaths, run: dict[str, object],
                     duplicates: list[Duplicate], bulk_import: bool = False,
                     full_rebuild: bool = False) -> dict:
    summary = sequence.load_and_publish(paths, run, batch, duplicates=duplicates,
                                        bulk_import=bulk_import, full_rebuild=full_rebuild)
    get_run_logger().info("published %s", paths.warehouse)
    data_docs.build(paths, str(run["run_id"]))
    return summary


def _extract_all(files: list[InboxFile], paths: DataPaths, parallel: bool
                 ) -> list[FileResult]:
    """Every file read, in chunks: one after another in this process, or all submitted at
    once to the flow's task runner (a Dask cluster) when it runs them in parallel."""
    chunks = [files[start:start + CHUNK] for start in range(0, len(files), CHUNK)]
    if not parallel:
        return [r for chunk in chunks for r in extract_chunk(chunk, paths)]
    futures = [extract_chunk.submit(chunk, paths) for chunk in chunks]
    return [r for future in futures for r in future.result()]


def run_under_lock(paths: DataPaths, run: dict[str, object],
                   find_files: Callable[[], InboxScan], bulk_import: bool = False,
                   parallel: bool = False,
                   after_publish: Callable[[InboxScan], object] = lambda scan: None,
                   full_rebuild: bool = False) -> dict:
    """The steps both flows share, under the writer lock, with failures recorded (and
    alerted). `after_publish`: what to do with the scanned files once the run published;
    `full_rebuild`: rebuild every model from every row, even with nothing new."""
    run_id = str(run["run_id"])
    paths.ensure()  # owner-only before the first file is written: personal data
    with writer_lock(paths, run_id), _RunLog(paths, run_id), paths.publishing():
        raw_archive.remove_partial_copies(paths)
        shutil.rmtree(paths.streamed_rows, ignore_errors=True)  # a killed run's leftovers
        try:
            run_state.mark(paths, run_id, "archive")
            scan = find_files()
            if scan.purged:  # told to staff in the run's record; the run goes on
                run = {**run, "error": purge.unreadable_message(scan.purged)}
            files = scan.new
            if not files and paths.warehouse.exists() and not full_rebuild:
                # Nothing new: the published figures stand; only the run is recorded.
                summary = {**run, "files_seen": 0, "files_loaded": 0, "files_rejected": 0,
                           "rows_loaded": 0, "rows_rejected": 0, "status": "succeeded",
                           "finished_at": local_now()}
                warehouse.publish_run_record(paths, summary, scan.duplicates)
                after_publish(scan)
                run_state.mark(paths, run_id, "done")
                return summary
            run_state.mark(paths, run_id, "extract")
            results = _extract_all(files, paths, parallel)
            run_state.mark(paths, run_id, "validate")
            batch = validate(results)
            summary = load_and_publish(batch, paths, {**run, "files_seen": len(files)},
                                       scan.duplicates, bulk_import, full_rebuild)
        except Exception as exc:
            get_run_logger().error("run %s failed: %s", run_id, exc)
            try:
                warehouse.publish_run_record(paths, {**run, "status": "failed",
                                                     "finished_at": local_now(),
                                                     "error": f"{type(exc).__name__}: {exc}"})
                run_state.mark(paths, run_id, "failed")
            finally:  # alerted even when the failure cannot be recorded
                notify.run_failed(paths, run, exc)
            raise
        shutil.rmtree(paths.streamed_rows, ignore_errors=True)  # loaded: no longer needed
        after_publish(scan)
        run_state.mark(paths, run_id, "done")
        return summary


class _RunLog:
    """Engineers' log of one run in DATA_DIR/logs/, besides Prefect's own."""

    def __init__(self, paths: DataPaths, run_id: str):
        stamp = local_now().strftime("%Y%m%d-%H%M%S")
        self.handler = logging.FileHandler(
            private_file(paths.logs / f"run-{stamp}-{run_id[:8]}.log"))
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
            import_history: bool = False, parallel: bool = False,
            move_processed: bool | None = None, full_rebuild: bool = False) -> dict:
    """Load what is new in the inbox. `import_history`: the files are a bulk import of past
    reports, whose timeliness is judged by their own date lines, not by when they arrive.
    `parallel`: read the files as concurrent tasks of the flow's task runner (a Dask
    cluster: `run_nightly(dask=…)` or `workers=…`). `move_processed` (default: the
    setting): once published, move the files handled into the inbox's da-xu-ly/ and
    bi-tu-choi/. `full_rebuild`: every model from every row (a run rebuilds only what its
    files touch, unless the models or reference data changed)."""
    paths = DataPaths.of(data_dir, warehouse_path, inbox)
    use_area(paths.data_dir)
    if move_processed is None:
        move_processed = setting("move_processed").strip().lower() == "true"
    run = _start("nightly", trigger, {"data_dir": data_dir, "inbox": str(paths.inbox),
                                      "warehouse": str(paths.warehouse),
                                      "import_history": import_history,
                                      "move_processed": move_processed,
                                      "full_rebuild": full_rebuild})
    return run_under_lock(paths, run, lambda: archive_new_files(paths), import_history,
                          parallel, lambda scan: _tidy(paths, scan) if move_processed else None,
                          full_rebuild)


def _tidy(paths: DataPaths, scan: InboxScan) -> None:
    try:
        inbox_hygiene.move_processed(paths, scan.seen)
    except Exception:  # the run has published: tidying the inbox must not make it fail
        logging.getLogger(__name__).exception("moving the processed inbox files failed")


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


def run_nightly(paths: DataPaths, trigger: str = "manual", import_history: bool = False,
                dask: str | None = None, workers: int | None = None,
                move_processed: bool | None = None, full_rebuild: bool = False) -> dict:
    """The nightly flow, in this process. `dask`: the address of a Dask scheduler whose
    workers read the files (`tcp://host:8786`; they must see the data folder at the same
    path); `workers`: a local Dask cluster of that many worker processes. The warehouse is
    always built by this process: one DuckDB writer."""
    runner = dask_runner(dask, workers)
    flow_ = nightly.with_options(task_runner=runner) if runner else nightly
    return flow_(data_dir=str(paths.data_dir), warehouse_path=str(paths.warehouse),
                 inbox=str(paths.inbox), trigger=trigger, import_history=import_history,
                 parallel=runner is not None, move_processed=move_processed,
                 full_rebuild=full_rebuild)


def dask_runner(address: str | None, workers: int | None):
    """A DaskTaskRunner for a scheduler's address or a local cluster; None for neither."""
    if not address and not workers:
        return None
    from prefect_dask import DaskTaskRunner  # distributed is heavy: only when asked for

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": None})


def run_backfill(paths: DataPaths, period_from: str, period_to: str,
                 unit: str | None = None) -> dict:
    return backfill(period_from=period_from, period_to=period_to, unit=unit,
                    data_dir=str(paths.data_dir), warehouse_path=str(paths.warehouse))
