"""The nightly flow: inbox → archive → extract → validate → load in one transaction →
rebuild reports → atomic publish."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from baocao.paths import DataPaths
from extract.inbox import FileResult, InboxFile, extract_file
from load import archive as raw_archive
from load import warehouse
from transform.staging import Batch, build_batch

CHUNK = 50  # files per extract task: enough to amortise a task's overhead


@task(retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def archive_new_files(paths: DataPaths) -> list[InboxFile]:
    """Archive every inbox file whose content the warehouse has not seen yet."""
    logger = get_run_logger()
    known = warehouse.known_hashes(paths.warehouse)
    seen_at = raw_archive.local_now()
    new: dict[str, InboxFile] = {}
    candidates = raw_archive.inbox_files(paths.inbox)
    for path in candidates:
        digest = raw_archive.sha256_of(path)
        if digest not in known and digest not in new:
            new[digest] = raw_archive.archive(path, paths.archive, digest, seen_at)
    logger.info("inbox: %d files, %d new", len(candidates), len(new))
    return list(new.values())


@task(cache_policy=NO_CACHE)
def extract_chunk(files: list[InboxFile]) -> list[FileResult]:
    results = [extract_file(f) for f in files]
    get_run_logger().info(
        "extracted %d files: %d one-stop, %d workbooks, %d rejected", len(results),
        sum(r.kind == "one_stop" for r in results), sum(r.kind == "workbook" for r in results),
        sum(r.rejected for r in results))
    return results


@task(cache_policy=NO_CACHE)
def validate_batch(results: list[FileResult]) -> Batch:
    batch = build_batch(results, pd.Timestamp(raw_archive.local_now()))
    failed = batch.dq_results[~batch.dq_results["success"].astype(bool)] \
        if len(batch.dq_results) else batch.dq_results
    get_run_logger().info("validated: %d dossier rows, %d indicator rows, %d failed checks",
                          len(batch.dossiers), len(batch.indicators), len(failed))
    return batch


@task(cache_policy=NO_CACHE)
def load_and_publish(batch: Batch, paths: DataPaths, run: dict[str, object]) -> dict:
    """One transaction: record, stage, rebuild, check; then publish the file atomically."""
    logger = get_run_logger()
    con = warehouse.open_working_copy(paths.warehouse, paths.working)
    try:
        con.execute("begin")
        counts = warehouse.record_batch(con, str(run["run_id"]), batch)
        warehouse.load_reference(con)
        warehouse.build_models(con, str(run["run_id"]))
        warehouse.validate_facts(con, str(run["run_id"]))
        warehouse.check_invariants(con)
        summary = {**run, **counts, "status": "succeeded",
                   "finished_at": raw_archive.local_now()}
        warehouse.record_run(con, summary)
        con.execute("commit")
    except Exception:
        con.close()
        raise
    warehouse.publish(con, paths.working, paths.warehouse)
    logger.info("published %s: %s", paths.warehouse, counts)
    return summary


@flow(name="nightly", log_prints=False)
def nightly(data_dir: str = "data", warehouse_path: str | None = None,
            inbox: str | None = None, trigger: str = "manual") -> dict:
    paths = DataPaths.of(data_dir, warehouse_path, inbox)
    run = {"run_id": str(flow_run.get_id() or dt.datetime.now().isoformat()), "flow": "nightly",
           "trigger": trigger, "parameters": {"data_dir": data_dir, "inbox": str(paths.inbox),
                                              "warehouse": str(paths.warehouse)},
           "started_at": raw_archive.local_now()}
    files = archive_new_files(paths)
    results: list[FileResult] = []
    for start in range(0, len(files), CHUNK):
        results += extract_chunk(files[start:start + CHUNK])
    batch = validate_batch(results)
    return load_and_publish(batch, paths, {**run, "files_seen": len(files)})


def run_nightly(paths: DataPaths, trigger: str = "manual") -> dict:
    return nightly(data_dir=str(paths.data_dir), warehouse_path=str(paths.warehouse),
                   inbox=str(paths.inbox), trigger=trigger)



