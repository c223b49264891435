"""The one load sequence: a validated batch into the working copy, models rebuilt, checks,
invariants, then the atomic publish. The nightly and backfill flows, the benchmarks and the
tests all call `load_and_publish`; nothing else writes the warehouse's figures."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import duckdb

from common.clock import local_now
from common.datafolder import DataPaths
from expectations.checks import warehouse_findings
from expectations.facts import validate_facts
from expectations.findings import findings_frame
from expectations.invariants import check_invariants
from load import closing, incremental, run_state, warehouse
from load.archive import Duplicate
from load.models import build_models
from load.seeds import load_seeds
from transform.batch import Batch

log = logging.getLogger(__name__)
# A step's name → a context around it (the benchmarks time each step with one).
Steps = Callable[[str], AbstractContextManager]


def _untimed(_: str) -> AbstractContextManager:
    return nullcontext()


def rebuild_models(con: duckdb.DuckDBPyConnection, run_id: str = "",
                   incremental_allowed: bool = False) -> bool:
    """Reference data and the models, from what the warehouse holds: every row, or, when
    allowed and possible, only the rows the run's changed files touch (load.incremental).
    Returns whether the build was incremental."""
    load_seeds(con)
    if incremental_allowed:
        is_incremental = incremental.prepare(con, run_id)
    else:
        incremental.mark_full(con, run_id)
        is_incremental = False
    build_models(con, is_incremental)
    warehouse.record_file_fates(con)
    warehouse.apply_comments(con)
    return is_incremental


def build(con: duckdb.DuckDBPyConnection, run_id: str, batch: Batch | None = None,
          rules_file: Path | None = None, step: Steps = _untimed, bulk_import: bool = False,
          full_rebuild: bool = False) -> dict[str, int]:
    """Inside an open transaction: record the batch, rebuild the models (only what the
    batch touches, unless `full_rebuild` or load.incremental says every row), run the checks
    and the invariants. Raises (and the caller rolls back) when the result must not be
    published."""
    with step("stage: record files, raw rows, rejections"):
        incremental.start(con)
        counts = warehouse.record_batch(con, run_id, batch, bulk_import) \
            if batch is not None else {}
    with step("models: seeds, scope, staging, intermediate, marts, reports"):
        is_incremental = rebuild_models(con, run_id, incremental_allowed=not full_rebuild)
    with step("validate facts: GX fact suites on the rebuilt rows"):
        findings = validate_facts(con, changed_only=is_incremental)
    with step("quality: rules, cross-checks, completeness, outliers"):
        findings += warehouse_findings(con, rules_file)
        warehouse.record_findings(con, findings_frame(findings, run_id))
    with step("restatements: closed figures this run changed"):
        closing.record_restatements(con, run_id)
    with step("invariants"):
        check_invariants(con)
    return counts


def load_and_publish(paths: DataPaths, run: dict[str, object], batch: Batch,
                     rules_file: Path | None = None, step: Steps = _untimed,
                     duplicates: Sequence[Duplicate] = (), bulk_import: bool = False,
                     full_rebuild: bool = False) -> dict[str, object]:
    """One transaction: stage, rebuild, check; then publish the file atomically. Returns the
    run's summary as recorded in etl_run. `bulk_import`: the batch is old reports imported
    late (`baocao run --import-history`); `full_rebuild`: every model from every row."""
    run_id = str(run["run_id"])
    run_state.mark(paths, run_id, "load")
    with step("open the working copy"):
        con = warehouse.open_working_copy(paths)
    try:
        con.execute("begin")
        counts = build(con, run_id, batch, rules_file, step, bulk_import, full_rebuild)
        with step("record the run, commit"):
            summary = {**run, **counts, "status": "succeeded", "finished_at": local_now()}
            warehouse.record_run(con, summary)
            warehouse.record_duplicates(con, run_id, duplicates)
            warehouse.record_publish(con, run_id)
            con.execute("commit")
    except Exception:
        con.close()
        raise
    run_state.mark(paths, run_id, "publish")
    with step("publish: checkpoint and atomic rename"):
        warehouse.publish(con, paths)
    log.info("published %s: %s", paths.warehouse, counts)
    return summary
