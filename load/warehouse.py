"""The DuckDB warehouse: schema, loading a batch in one transaction, rebuilding the models
and publishing atomically.

BI tools open the published file read-only. DuckDB allows one writer or many readers, so
the nightly job never writes to that file: it copies it to a working file, loads and
rebuilds there, checks the invariants, checkpoints, and then renames the working file over
the published one (an atomic replace on the same file system). A reader sees yesterday's
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

from expectations.runner import validate
from extract.inbox import InboxFile
from extract.reference import home_units
from load.archive import local_now
from transform import dimensions
from transform.seeds import seed_frame
from transform.staging import Batch, for_gx, suite_columns, suite_params

STAGING_DOSSIER = ["file_id", "row_number", "dossier_code", "unit_code", "procedure_code",
                   "procedure_name", "field", "channel", "service_level", "online_eligible",
                   "received_at", "due_date", "closed_at", "outcome"]
STAGING_INDICATOR = ["file_id", "reporter", "unit_code", "period_code", "indicator_code",
                     "actual_month", "cumulative", "plan_value", "printed_rate",
                     "source_sheet", "source_cell", "row_number", "plan_cell",
                     "cumulative_cell", "rate_cell"]


class InvariantBroken(RuntimeError):
    """The rebuilt warehouse is wrong; it must not be published."""


def models() -> list[tuple[str, str]]:
    folder = resources.files("warehouse").joinpath("models")
    return sorted((p.name, p.read_text(encoding="utf-8")) for p in folder.iterdir()
                  if p.name.endswith(".sql"))


def known_hashes(published: Path) -> set[str]:
    """Content hashes already recorded, read from the published warehouse."""
    if not published.exists():
        return set()
    with duckdb.connect(str(published), read_only=True) as con:
        try:
            return {h for (h,) in con.execute("select sha256 from etl_file").fetchall()}
        except duckdb.CatalogException:
            return set()


def open_working_copy(published: Path, working: Path) -> duckdb.DuckDBPyConnection:
    """A private copy of the published warehouse to build into (a fresh one the first time).
    A working file left by a killed run is discarded: it was never published."""
    working.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (working, working.with_name(working.name + ".wal")):
        leftover.unlink(missing_ok=True)
    if published.exists():
        shutil.copyfile(published, working)
    con = duckdb.connect(str(working))
    schema = dict(models())["00_schema.sql"]
    con.execute(schema)
    return con


def _replace_table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register("_frame", frame)
    con.execute(f"create or replace table {name} as select * from _frame")
    con.unregister("_frame")


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Dimensions and bridges, rebuilt from the seeds and `vietnamadminunits` every run."""
    units = home_units()
    for name, frame in {
        "dim_admin_unit": dimensions.dim_admin_unit(units),
        "int_unit_rollup": dimensions.unit_rollup(units),
        "dim_period": dimensions.dim_period(),
        "int_period_month": dimensions.period_months(),
        "dim_indicator": dimensions.dim_indicator(),
        "dim_ratio": dimensions.dim_ratio(),
        "dim_reporter": dimensions.dim_reporter(),
        "int_submission_deadline": dimensions.submission_deadlines(),
        "int_service_index_component": seed_frame("service_index.csv"),
    }.items():
        _replace_table(con, name, frame)


def record_batch(con: duckdb.DuckDBPyConnection, run_id: str, batch: Batch) -> dict[str, int]:
    """Insert the batch's files, staged rows, rejections and findings; returns counts.

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
            for table in ("stg_dossier", "stg_indicator", "rejected_row"):
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
        insert_frame(con, "stg_dossier", with_ids(batch.dossiers)[STAGING_DOSSIER])
    if len(batch.indicators):
        insert_frame(con, "stg_indicator", with_ids(batch.indicators)[STAGING_INDICATOR])
    if len(batch.rejected_rows):
        insert_frame(con, "rejected_row", with_ids(batch.rejected_rows).assign(run_id=run_id)[
            ["run_id", "file_id", "sheet", "row_number", "cell", "rule", "reason", "raw_row"]])
    if len(batch.dq_results):
        insert_frame(con, "dq_result", with_ids(batch.dq_results).assign(run_id=run_id)[
            ["run_id", "file_id", "suite", "expectation", "severity", "success", "observed",
             "unexpected_count", "message"]])
    con.execute("""
        update etl_file set
            rows_loaded = coalesce((select count(*) from stg_dossier s
                                    where s.file_id = etl_file.file_id), 0)
                        + coalesce((select count(*) from stg_indicator s
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


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    con.register("_frame", frame)
    columns = ", ".join(frame.columns)
    con.execute(f"insert into {table} ({columns}) select {columns} from _frame")
    con.unregister("_frame")


def build_models(con: duckdb.DuckDBPyConnection, run_id: str = "adhoc") -> None:
    """Rebuild every model in file-name order. Models that record findings read the run's
    id from the temp table `current_run`."""
    con.execute("create or replace temp table current_run as select ? as run_id", [run_id])
    for name, sql in models():
        if name != "00_schema.sql":
            con.execute(sql)
    apply_column_comments(con)


def validate_facts(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Run the fact tables' GX suites on the rebuilt facts; an error-severity failure stops
    the publish like a broken invariant."""
    params = suite_params(pd.Timestamp.now())
    failed = []
    for suite in ("fact_dossier", "fact_indicator"):
        frame = for_gx(_checked_columns(con, suite), suite)
        if frame.empty:
            continue
        for f in validate(frame, suite, params):
            con.execute("insert into dq_result values (?, null, ?, ?, ?, ?, ?, ?, ?)",
                        [run_id, suite, f.expectation, f.severity, f.success, f.observed,
                         f.unexpected_count, f.message or None])
            if f.severity == "error" and not f.success:
                failed.append(f"{suite}: {f.expectation}")
    if failed:
        raise InvariantBroken("; ".join(failed))


def _checked_columns(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """The columns of a fact table its suite checks, every row. Texts of few distinct values
    arrive as categories (DuckDB enums): a Python string per row and column would cost
    more than the checks."""
    checked = suite_columns(table)
    columns = []
    for name, data_type in con.execute("select column_name, data_type from duckdb_columns()"
                                       " where table_name = ?", [table]).fetchall():
        if name not in checked:
            continue
        values = con.execute(f"select distinct {name} from {table} where {name} is not null"
                             " limit 1001").fetchall() if data_type == "VARCHAR" else []
        if 0 < len(values) <= 1000:
            enum = ", ".join("'" + v.replace("'", "''") + "'" for (v,) in values)
            name = f"cast({name} as enum({enum})) as {name}"
        columns.append(name)
    return con.execute(f"select {', '.join(columns) or '*'} from {table}").df()


def check_invariants(con: duckdb.DuckDBPyConnection) -> None:
    """Broken invariants stop the publish: yesterday's warehouse stays in place."""
    checks = {
        "one-stop identity received_total = resolved_total + withdrawn + pending_total":
            "select count(*) from report_one_stop"
            " where received_total <> resolved_total + withdrawn + pending_total",
        "fact_dossier.dossier_code unique":
            "select count(*) - count(distinct dossier_code) from fact_dossier",
        "fact_indicator key unique":
            "select count(*) from (select 1 from fact_indicator"
            " group by reporter, period_code, indicator_code having count(*) > 1)",
        "fact_dossier.unit_key references dim_admin_unit":
            "select count(*) from fact_dossier where unit_key not in"
            " (select unit_key from dim_admin_unit)",
    }
    broken = [name for name, sql in checks.items() if con.execute(sql).fetchone()[0]]
    if broken:
        raise InvariantBroken("; ".join(broken))


def record_run(con: duckdb.DuckDBPyConnection, run: dict[str, object]) -> None:
    row = {**run, "parameters": json.dumps(run.get("parameters"), default=str)}
    con.execute("delete from etl_run where run_id = ?", [row["run_id"]])
    columns = list(row)
    con.execute(f"insert into etl_run ({', '.join(columns)}) values"
                f" ({', '.join('?' for _ in columns)})", [row[c] for c in columns])


def record_publish(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """meta_publish: one row telling dashboards how fresh the warehouse is."""
    con.execute("""
        create or replace table meta_publish as
        select ?::timestamp as published_at,
               (select max(coalesce(exported_at, cast(report_date as timestamp), file_mtime))
                from etl_file where status = 'loaded') as data_as_of,
               ? as run_id""", [local_now(), run_id])


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
                      select s.file_id from stg_dossier s
                      where cast(s.received_at as date) <= span.last_day
                        and (s.closed_at is null
                             or cast(s.closed_at as date) >= span.first_day)
                        and (?::varchar is null or s.unit_code = ?)))
               or f.status = 'rejected'
            order by f.file_id""", [months, months, unit, unit, unit, unit]).fetchall()
    return [InboxFile(path=p, sha256=h, archive_path=a, file_mtime=m, first_seen_at=s)
            for p, h, a, m, s in rows]


def publish_run_record(published: Path, working: Path, run: dict[str, object]) -> None:
    """Record a run that changes no figure (it failed, or found nothing new) in the
    published warehouse: the same copy → write → atomic replace as a loading run."""
    con = open_working_copy(published, working)
    try:
        record_run(con, run)
    except Exception:
        con.close()
        raise
    publish(con, working, published)


def publish(con: duckdb.DuckDBPyConnection, working: Path, published: Path) -> None:
    """Checkpoint, close and atomically put the working file in place of the published one."""
    con.execute("checkpoint")
    con.close()
    published.parent.mkdir(parents=True, exist_ok=True)
    working.replace(published)


def apply_column_comments(con: duckdb.DuckDBPyConnection) -> None:
    """English and Vietnamese comments on the contract's columns, for BI users."""
    text = resources.files("warehouse").joinpath("seeds", "column_comments.csv").read_text(
        encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        comment = f"{row['comment_en']} — {row['comment_vi']}".replace("'", "''")
        con.execute(f"comment on column {row['relation']}.{row['column']} is '{comment}'")
