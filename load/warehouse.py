"""The DuckDB warehouse file: a working copy to build in, the records of files and runs,
and the atomic publish.

BI tools open the published file read-only. DuckDB allows one writer or many readers, so
the nightly job never writes to that file: it copies it to a working file, loads and
rebuilds there, checks it, checkpoints, and then renames the working file over the
published one (an atomic replace on the same file system). A reader sees yesterday's
warehouse or today's, never a mix, and a failed run leaves yesterday's in place.
"""

from __future__ import annotations

import csv
import json
import shutil
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from common.clock import local_now
from common.datafolder import DataPaths
from expectations.findings import DQ_COLUMNS
from extract.inbox import InboxFile
from load.models import create_tables
from transform.batch import Batch

RAW_DOSSIER = ["file_id", "row_number", "dossier_code", "unit_code", "procedure_code",
               "procedure_name", "field", "channel", "service_level", "online_eligible",
               "received_at", "due_date", "closed_at", "outcome"]
RAW_INDICATOR = ["file_id", "reporter", "unit_code", "period_code", "indicator_code",
                 "actual_month", "cumulative", "plan_value", "printed_rate", "source_sheet",
                 "source_cell", "row_number", "plan_cell", "cumulative_cell", "rate_cell"]
REJECTED_ROW = ["run_id", "file_id", "sheet", "row_number", "cell", "rule", "reason",
                "raw_row"]
# What warehouses built before the layered schemas held in `main`.
_LEGACY_RAW = {"stg_dossier": "raw.dossier_row", "stg_indicator": "raw.indicator_row"}
_LEGACY_INTERNAL = ("int_one_stop_daily", "int_period_month", "int_service_index_component",
                    "int_submission_deadline", "int_unit_rollup")
_LEGACY_MACROS = ("one_stop_figures", "one_stop_report", "one_window", "period_windows",
                  "one_stop_by_field")


def known_hashes(published: Path) -> set[str]:
    """Content hashes already recorded, read from the published warehouse."""
    if not published.exists():
        return set()
    with duckdb.connect(str(published), read_only=True) as con:
        try:
            return {h for (h,) in con.execute("select sha256 from etl_file").fetchall()}
        except duckdb.CatalogException:
            return set()


def open_working_copy(paths: DataPaths) -> duckdb.DuckDBPyConnection:
    """A private copy of the published warehouse to build into (a fresh one the first time).
    A working file left by a killed run is discarded: it was never published."""
    working = paths.working
    working.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (working, working.with_name(working.name + ".wal")):
        leftover.unlink(missing_ok=True)
    if paths.warehouse.exists():
        shutil.copyfile(paths.warehouse, working)
    con = duckdb.connect(str(working))
    create_tables(con)
    _migrate_legacy_layout(con)
    return con


def _migrate_legacy_layout(con: duckdb.DuckDBPyConnection) -> None:
    """Move the raw rows of a warehouse built before the layered schemas into `raw`, and
    drop what the models now build elsewhere, so `main` holds only the contract."""
    tables = {t for (t,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
    for old, new in _LEGACY_RAW.items():
        if old in tables:
            con.execute(f"insert into {new} by name select * from main.{old}")
            con.execute(f"drop table main.{old}")
    for old in _LEGACY_INTERNAL:
        if old in tables:
            con.execute(f"drop table main.{old}")
    for macro in _LEGACY_MACROS:
        con.execute(f"drop macro table if exists main.{macro}")
        con.execute(f"drop macro if exists main.{macro}")


def replace_table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register("_frame", frame)
    con.execute(f"create or replace table {name} as select * from _frame")
    con.unregister("_frame")


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    con.register("_frame", frame)
    columns = ", ".join(frame.columns)
    con.execute(f"insert into {table} ({columns}) select {columns} from _frame")
    con.unregister("_frame")


def record_batch(con: duckdb.DuckDBPyConnection, run_id: str, batch: Batch) -> dict[str, int]:
    """Insert the batch's files, raw rows, rejections and findings; returns counts.

    A file already recorded (a backfill reads it again from the archive) keeps its id and
    first sighting; what was staged or rejected from it before is replaced."""
    file_ids: dict[str, int] = {}
    for result in batch.results:
        f, ex = result.file, result.extract
        rejected_rows = sum(1 for p in result.problems if p.severity == "error" and p.row_number)
        values = {
            "kind": result.kind,
            "unit_code": getattr(ex, "unit_code", None),
            "reporter": getattr(ex, "reporter", None),
            "period_code": getattr(ex, "period_code", None),
            "report_date": getattr(ex, "report_date", None),
            "exported_at": (getattr(ex, "exported_at", None) or f.file_mtime)
            if result.kind == "one_stop" else None,
            "status": "rejected" if result.rejected else "loaded",
            "error": result.error,
            "rows_read": _rows_read(result) + (0 if ex is not None else rejected_rows),
        }
        known = con.execute("select file_id from etl_file where sha256 = ?",
                            [f.sha256]).fetchone()
        if known:
            file_id = known[0]
            for table in ("raw.dossier_row", "raw.indicator_row", "main.rejected_row"):
                con.execute(f"delete from {table} where file_id = ?", [file_id])
            con.execute(f"update etl_file set {', '.join(f'{k} = ?' for k in values)}"
                        " where file_id = ?", [*values.values(), file_id])
        else:
            file_id = con.execute(
                f"""insert into etl_file (path, archive_path, sha256, file_mtime, first_seen_at,
                        first_seen_run, {', '.join(values)})
                    values (?, ?, ?, ?, ?, ?, {', '.join('?' for _ in values)})
                    returning file_id""",
                [f.path, f.archive_path, f.sha256, f.file_mtime, f.first_seen_at, run_id,
                 *values.values()]).fetchone()[0]
        file_ids[f.sha256] = file_id

    def with_ids(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(file_id=frame["sha256"].map(file_ids)) if len(frame) else frame

    if len(batch.dossiers):
        insert_frame(con, "raw.dossier_row", with_ids(batch.dossiers)[RAW_DOSSIER])
    if len(batch.indicators):
        insert_frame(con, "raw.indicator_row", with_ids(batch.indicators)[RAW_INDICATOR])
    if len(batch.rejected_rows):
        insert_frame(con, "rejected_row",
                     with_ids(batch.rejected_rows).assign(run_id=run_id)[REJECTED_ROW])
    if len(batch.dq_results):
        insert_frame(con, "dq_result",
                     with_ids(batch.dq_results).assign(run_id=run_id)[DQ_COLUMNS])
    con.execute("""
        update etl_file set
            rows_loaded = coalesce((select count(*) from raw.dossier_row s
                                    where s.file_id = etl_file.file_id), 0)
                        + coalesce((select count(*) from raw.indicator_row s
                                    where s.file_id = etl_file.file_id), 0),
            rows_rejected = (select count(*) from rejected_row r
                             where r.file_id = etl_file.file_id)
        where file_id in (select unnest(?::integer[]))""", [list(file_ids.values())])
    return {
        "files_loaded": sum(not r.rejected for r in batch.results),
        "files_rejected": sum(r.rejected for r in batch.results),
        "rows_loaded": len(batch.dossiers) + len(batch.indicators),
        "rows_rejected": len(batch.rejected_rows),
    }


def _rows_read(result) -> int:
    ex = result.extract
    if ex is None:
        return 0
    return ex.rows_read if hasattr(ex, "rows_read") else len(ex.rows)


def record_superseded(con: duckdb.DuckDBPyConnection) -> None:
    """Mark each workbook the models found replaced by a newer one as superseded (and a
    former winner loaded again when its replacement went away)."""
    con.execute("""
        update etl_file set status = case when w.is_newest then 'loaded' else 'superseded' end
        from intermediate.int_workbook_winner w
        where etl_file.file_id = w.file_id""")


def record_findings(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    if len(frame):
        insert_frame(con, "dq_result", frame[DQ_COLUMNS])


def record_run(con: duckdb.DuckDBPyConnection, run: dict[str, object]) -> None:
    row = {**run, "parameters": json.dumps(run.get("parameters"), default=str)}
    con.execute("delete from etl_run where run_id = ?", [row["run_id"]])
    columns = list(row)
    con.execute(f"insert into etl_run ({', '.join(columns)}) values"
                f" ({', '.join('?' for _ in columns)})", [row[c] for c in columns])


def record_publish(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """meta_publish: one row telling dashboards how fresh the warehouse is."""
    con.execute("delete from meta_publish")
    con.execute("""
        insert into meta_publish
        select ?::timestamp, (select max(coalesce(exported_at, cast(report_date as timestamp),
                                                  file_mtime))
                              from etl_file where status = 'loaded'), ?""",
                [local_now(), run_id])


def files_for_backfill(published: Path, months: list[str], unit: str | None
                       ) -> list[InboxFile]:
    """Archived files to read again for these months: workbooks of those months (of the
    unit's reporters), one-stop exports holding dossiers open during them, and every
    rejected file (a fix may now let it load)."""
    if not published.exists():
        return []
    with duckdb.connect(str(published), read_only=True) as con:
        rows = con.execute("""
            with span as (
                select min(start_date) as first_day, max(end_date) as last_day
                from dim_period where period_code in (select unnest(?::varchar[]))
            )
            select f.path, f.sha256, f.archive_path, f.file_mtime, f.first_seen_at
            from etl_file f, span
            where (f.kind = 'workbook' and f.period_code in (select unnest(?::varchar[]))
                   and (?::varchar is null or f.unit_code = ?))
               or (f.kind = 'one_stop' and f.file_id in (
                      select s.file_id from raw.dossier_row s
                      where cast(s.received_at as date) <= span.last_day
                        and (s.closed_at is null
                             or cast(s.closed_at as date) >= span.first_day)
                        and (?::varchar is null or s.unit_code = ?)))
               or f.status = 'rejected'
            order by f.file_id""", [months, months, unit, unit, unit, unit]).fetchall()
    return [InboxFile(path=p, sha256=h, archive_path=a, file_mtime=m, first_seen_at=s)
            for p, h, a, m, s in rows]


def publish_run_record(paths: DataPaths, run: dict[str, object]) -> None:
    """Record a run that changes no figure (it failed, or found nothing new) in the
    published warehouse: the same copy → write → atomic replace as a loading run."""
    con = open_working_copy(paths)
    try:
        record_run(con, run)
    except Exception:
        con.close()
        raise
    publish(con, paths)


def publish(con: duckdb.DuckDBPyConnection, paths: DataPaths) -> None:
    """Checkpoint, close and atomically put the working file in place of the published one."""
    con.execute("checkpoint")
    con.close()
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    paths.working.replace(paths.warehouse)


def apply_column_comments(con: duckdb.DuckDBPyConnection) -> None:
    """English and Vietnamese comments on the contract's columns, for BI users."""
    text = resources.files("warehouse").joinpath("seeds", "column_comments.csv").read_text(
        encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        comment = f"{row['comment_en']} — {row['comment_vi']}".replace("'", "''")
        con.execute(f"comment on column {row['relation']}.{row['column']} is '{comment}'")
