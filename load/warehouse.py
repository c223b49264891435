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
import logging
import shutil
from collections.abc import Collection, Sequence
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from common.clock import local_now
from common.datafolder import DataPaths
from common.seeds import setting
from expectations.findings import DQ_COLUMNS
from extract.inbox import InboxFile
from load.archive import Duplicate
from load.models import create_tables
from transform.batch import Batch

log = logging.getLogger(__name__)
RAW_DOSSIER = ["file_id", "row_number", "dossier_code", "unit_code", "procedure_code",
               "procedure_name", "field", "channel", "service_level", "online_eligible",
               "received_at", "due_date", "closed_at", "outcome", "has_fee", "paid_online",
               "digitised_receipt", "digitised_result"]
RAW_INDICATOR = ["file_id", "reporter", "unit_code", "period_code", "indicator_code",
                 "actual_month", "cumulative", "plan_value", "printed_rate", "source_sheet",
                 "source_cell", "row_number", "plan_cell", "cumulative_cell", "rate_cell"]
REJECTED_ROW = ["run_id", "file_id", "sheet", "row_number", "cell", "rule", "reason",
                "raw_row"]
# What warehouses built before the layered schemas held in `main`.
# Relations only the national roll-up (load.national) holds: a province file has no comment
# to miss for them.
ROLLUP_ONLY = ("rollup_source",)
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
    # Beyond this, DuckDB spills to a folder beside the working file: the build's memory
    # stays bounded however many rows the warehouse holds.
    con.execute(f"set memory_limit = '{setting('warehouse_memory_limit')}'")
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


def record_batch(con: duckdb.DuckDBPyConnection, run_id: str, batch: Batch,
                 bulk_import: bool = False) -> dict[str, int]:
    """Insert the batch's files, raw rows, rejections and findings; returns counts.
    `bulk_import`: the run imports old reports (their timeliness is judged by date line).

    A file already recorded (a backfill reads it again from the archive) keeps its id and
    first sighting; what was staged or rejected from it before is replaced."""
    file_ids = _record_files(con, run_id, batch, bulk_import)

    def with_ids(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(file_id=frame["sha256"].map(file_ids)) if len(frame) else frame

    if len(batch.dossiers):
        insert_frame(con, "raw.dossier_row", with_ids(batch.dossiers)[RAW_DOSSIER])
    for part in batch.dossier_parts:  # streamed: DuckDB reads the Parquet files as it goes
        columns = ", ".join(RAW_DOSSIER[1:])
        con.execute(f"""
            insert into raw.dossier_row ({', '.join(RAW_DOSSIER)})
            select ?, {columns} from read_parquet('{part.rows.parquet}')
            where row_number not in (select unnest(?::integer[]))""",
                    [file_ids[part.sha256], list(part.rejected)])
        if part.rows.rejected:  # what the reader rejected, as it wrote it
            con.execute(f"""
                insert into rejected_row ({', '.join(REJECTED_ROW)})
                select ?, ?, nullif(?, ''), row_number, cell, rule, reason, raw_row
                from read_parquet('{part.rows.rejected_parquet}')""",
                        [run_id, file_ids[part.sha256], part.sheet])
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
    # what an incremental build of the models starts from (load.incremental)
    con.execute("insert into scope.changed_file select unnest(?::integer[])",
                [list(file_ids.values())])
    return {
        "files_loaded": sum(not r.rejected for r in batch.results),
        "files_rejected": sum(r.rejected for r in batch.results),
        "rows_loaded": batch.dossier_rows + len(batch.indicators),
        "rows_rejected": len(batch.rejected_rows)
        + sum(p.rows.rejected for p in batch.dossier_parts),
    }


# What a read tells of a file, updated when a backfill reads it again.
_FILE_FACTS = ["kind", "unit_code", "reporter", "period_code", "report_date", "exported_at",
               "exported_at_source", "status", "error", "rows_read"]
# What its first sighting tells, kept.
_FIRST_SIGHT = ["path", "archive_path", "sha256", "file_mtime", "first_seen_at",
                "first_seen_run", "bulk_import"]


def _record_files(con: duckdb.DuckDBPyConnection, run_id: str, batch: Batch,
                  bulk_import: bool) -> dict[str, int]:
    """etl_file rows for the batch's files in set-based statements (a run of thousands of
    workbooks pays one insert, not one per file); sha256 → file_id.

    A file recorded before that could not be read again (its archived copy damaged or
    gone) keeps its record and rows: a backfill must never lose what it cannot re-read."""
    hashes = [r.file.sha256 for r in batch.results]
    recorded = {h for (h,) in con.execute(
        "select sha256 from etl_file where sha256 in (select unnest(?::varchar[]))",
        [hashes]).fetchall()}
    lost = [r for r in batch.results if r.file.sha256 in recorded and r.rejected
            and any(p.rule == "unreadable_file" for p in r.problems)]
    if lost:
        log.warning("kept the records of %d files whose archived copy cannot be read: %s",
                    len(lost), ", ".join(r.file.path for r in lost[:10]))
    files = pd.DataFrame([{
        "path": r.file.path, "archive_path": r.file.archive_path, "sha256": r.file.sha256,
        "file_mtime": r.file.file_mtime, "first_seen_at": r.file.first_seen_at,
        "first_seen_run": run_id, "bulk_import": bulk_import, "kind": r.kind,
        "unit_code": getattr(r.extract, "unit_code", None),
        "reporter": getattr(r.extract, "reporter", None),
        "period_code": getattr(r.extract, "period_code", None),
        "report_date": getattr(r.extract, "report_date", None),
        "exported_at": getattr(r.extract, "exported_at", None),
        "exported_at_source": getattr(r.extract, "exported_at_source", None),
        "status": "rejected" if r.rejected else "loaded", "error": r.error,
        "rows_read": _rows_read(r) + (0 if r.extract is not None else sum(
            1 for p in r.problems if p.severity == "error" and p.row_number)),
    } for r in batch.results if not any(r is gone for gone in lost)],
        columns=[*_FIRST_SIGHT, *_FILE_FACTS])
    if files.empty:
        return {}
    con.register("_files", files)
    try:
        # Read again by a backfill: the file keeps its id and first sighting; what was
        # staged or rejected from it before is replaced.
        con.execute("""
            create or replace temp table _known as
            select e.file_id from etl_file e join _files f using (sha256)""")
        for table in ("raw.dossier_row", "raw.indicator_row", "main.rejected_row"):
            con.execute(f"delete from {table} where file_id in (select file_id from _known)")
        con.execute(f"""
            update etl_file set {', '.join(f'{c} = f.{c}' for c in _FILE_FACTS)}
            from _files f where etl_file.sha256 = f.sha256""")
        columns = ", ".join([*_FIRST_SIGHT, *_FILE_FACTS])
        con.execute(f"""
            insert into etl_file ({columns})
            select {columns} from _files
            where sha256 not in (select sha256 from etl_file)""")
        return dict(con.execute("select sha256, file_id from etl_file"
                                " where sha256 in (select sha256 from _files)").fetchall())
    finally:
        con.unregister("_files")


def _rows_read(result) -> int:
    ex = result.extract
    if ex is None:
        return 0
    return ex.rows_read if hasattr(ex, "rows_read") else len(ex.rows)


def record_duplicates(con: duckdb.DuckDBPyConnection, run_id: str,
                      duplicates: Sequence[Duplicate]) -> None:
    if duplicates:
        con.executemany("insert into etl_duplicate values (?, ?, ?)",
                        [[run_id, d.path, d.sha256] for d in duplicates])


def record_file_fates(con: duckdb.DuckDBPyConnection) -> None:
    """What the models decided about each file, in its record: a workbook replaced by a
    newer one is superseded (a former winner is loaded again when its replacement went
    away), and when a report counts as received, by which rule."""
    con.execute("""
        update etl_file set status = case when w.is_newest then 'loaded' else 'superseded' end
        from intermediate.int_workbook_winner w
        where etl_file.file_id = w.file_id""")
    con.execute("""
        update etl_file set received_at = r.received_at, received_rule = r.received_rule
        from intermediate.int_workbook_received r
        where etl_file.file_id = r.file_id""")


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
        select ?::timestamp,
               (select max(coalesce(f.exported_at, cast(f.report_date as timestamp),
                                    cast(p.end_date as timestamp)))
                from etl_file f left join dim_period p using (period_code)
                where f.status = 'loaded'), ?""", [local_now(), run_id])


def files_for_backfill(published: Path, months: list[str], unit: str | None
                       ) -> tuple[list[InboxFile], list[str]]:
    """Archived files to read again for these months: workbooks of those months (of the
    unit's reporters), one-stop exports holding dossiers open during them, and every
    rejected file (a fix may now let it load). Also the paths of those whose copy was
    purged (`baocao purge`): they cannot be read again, and their rows stay as loaded."""
    if not published.exists():
        return [], []
    with duckdb.connect(str(published), read_only=True) as con:
        # A warehouse no run has opened since `purged_at` was added has purged nothing.
        purged_at = "f.purged_at" if con.execute(
            "select count(*) from duckdb_columns() where schema_name = 'main' and"
            " table_name = 'etl_file' and column_name = 'purged_at'").fetchone()[0] else "null"
        rows = con.execute(f"""
            with span as (
                select min(start_date) as first_day, max(end_date) as last_day
                from dim_period where period_code in (select unnest(?::varchar[]))
            )
            select f.path, f.sha256, f.archive_path, f.file_mtime, f.first_seen_at,
                   {purged_at} is not null as purged
            from etl_file f, span
            where f.archive_path <> ''  -- never copied: nothing archived to read again
              and ((f.kind = 'workbook' and f.period_code in (select unnest(?::varchar[]))
                    and (?::varchar is null or f.unit_code = ?))
               or (f.kind = 'one_stop' and f.file_id in (
                      select s.file_id from raw.dossier_row s
                      where cast(s.received_at as date) <= span.last_day
                        and (s.closed_at is null
                             or cast(s.closed_at as date) >= span.first_day)
                        and (?::varchar is null or s.unit_code = ?)))
               or f.status = 'rejected')
            order by f.file_id""", [months, months, unit, unit, unit, unit]).fetchall()
    return ([InboxFile(path=p, sha256=h, archive_path=a, file_mtime=m, first_seen_at=s)
             for p, h, a, m, s, purged in rows if not purged],
            [p for p, *_, purged in rows if purged])


def publish_run_record(paths: DataPaths, run: dict[str, object],
                       duplicates: Sequence[Duplicate] = ()) -> None:
    """Record a run that changes no figure (it failed, or found nothing new) in the
    published warehouse: the same copy → write → atomic replace as a loading run."""
    con = open_working_copy(paths)
    try:
        record_run(con, run)
        record_duplicates(con, str(run["run_id"]), duplicates)
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


def apply_comments(con: duckdb.DuckDBPyConnection,
                   relations: Collection[str] | None = None) -> None:
    """Comments "English — Tiếng Việt" on the contract's tables, table macros and columns in
    `main` (seeds table_comments.csv and column_comments.csv), for BI users: duckdb_tables(),
    duckdb_functions() and duckdb_columns() show them. `relations`: only those (the national
    roll-up's); by default every relation a province warehouse has (not `ROLLUP_ONLY`).

    A comment on a relation or column that `main` does not hold is skipped with a warning:
    a failing COMMENT would abort the run's transaction, and a comment may be written before
    the column it describes lands."""

    def seed(name: str) -> list[dict[str, str]]:
        text = resources.files("warehouse").joinpath("seeds", name).read_text(encoding="utf-8")
        return list(csv.DictReader(text.splitlines()))

    def literal(row: dict[str, str]) -> str:  # COMMENT takes no bound parameter
        return "'" + f"{row['comment_en']} — {row['comment_vi']}".replace("'", "''") + "'"

    kinds = dict(con.execute("""
        select table_name, 'table' from duckdb_tables() where schema_name = 'main'
        union all
        select view_name, 'view' from duckdb_views()
        where schema_name = 'main' and not internal
        union all
        select function_name, 'macro table' from duckdb_functions()
        where schema_name = 'main' and function_type = 'table_macro' and not internal
        """).fetchall())
    columns = set(con.execute("""
        select table_name, column_name from duckdb_columns()
        where schema_name = 'main' and not internal""").fetchall())
    def wanted(row: dict[str, str]) -> bool:
        return (row["relation"] in relations if relations is not None
                else row["relation"] not in ROLLUP_ONLY)

    absent = []
    for row in filter(wanted, seed("table_comments.csv")):
        relation = row["relation"]
        if relation in kinds:
            con.execute(f'comment on {kinds[relation]} main."{relation}" is {literal(row)}')
        else:
            absent.append(relation)
    for row in filter(wanted, seed("column_comments.csv")):
        relation, column = row["relation"], row["column"]
        if (relation, column) in columns:
            con.execute(f'comment on column main."{relation}"."{column}" is {literal(row)}')
        else:
            absent.append(f"{relation}.{column}")
    if absent:
        logging.getLogger(__name__).warning(
            "comments skipped, no such relation or column in main: %s", ", ".join(absent))
