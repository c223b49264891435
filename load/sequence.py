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
from load import closing, run_state, warehouse
from load.archive import Duplicate
from load.models import build_models
from load.seeds import load_seeds
from transform.batch import Batch

log = logging.getLogger(__name__)
# A step's name → a context around it (the benchmarks time each step with one).
Steps = Callable[[str], AbstractContextManager]


def _untimed(_: str) -> AbstractContextManager:
    return nullcontext()


def rebuild_models(con: duckdb.DuckDBPyConnection) -> None:
    """Reference data and every model, from what the warehouse holds."""
    load_seeds(con)
    build_models(con)
    warehouse.record_file_fates(con)
    warehouse.apply_comments(con)


def build(con: duckdb.DuckDBPyConnection, run_id: str, batch: Batch | None = None,
          rules_file: Path | None = None, step: Steps = _untimed, bulk_import: bool = False
          ) -> dict[str, int]:
    """Inside an open transaction: record the batch, rebuild every model, run the checks
    and the invariants. Raises (and the caller rolls back) when the result must not be
    published."""
    with step("stage: record files, raw rows, rejections"):
        counts = warehouse.record_batch(con, run_id, batch, bulk_import) \
            if batch is not None else {}
    with step("models: seeds, staging, intermediate, marts, reports"):
        rebuild_models(con)
    with step("validate facts: GX fact suites on every row"):
        findings = validate_facts(con)
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
                     duplicates: Sequence[Duplicate] = (), bulk_import: bool = False
                     ) -> dict[str, object]:
    """One transaction: stage, rebuild, check; then publish the file atomically. Returns the
    run's summary as recorded in etl_run. `bulk_import`: the batch is old reports imported
    late (`baocao run --import-history`)."""
    run_id = str(run["run_id"])
    run_state.mark(paths, run_id, "load")
    with step("open the working copy"):
        con = warehouse.open_working_copy(paths)
    try:
        con.execute("begin")
        counts = build(con, run_id, batch, rules_file, step, bulk_import)
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
