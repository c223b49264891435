"""Whether a build rebuilds every model or only the rows its files touch, and what they may
touch (schema `scope`, read by the scope models in `warehouse/models/scope/`).

A nightly run rebuilds only the dossiers, units × days, reporter × months and periods its
changed files (new, or read again by a backfill) may change: each incremental model states
in its header which of its rows those are, and `load.models` replaces just those rows. The
result equals a full rebuild (`tests/test_incremental.py` compares them table by table).
A build is full when there is no earlier build, when the models' SQL or the reference data
(seeds, catalog, unit tree, calendar, area settings) differ from the earlier build's, when
the data's horizon moved back (files went away), or when asked (`baocao run --full-rebuild`:
`load.sequence` then marks the build full without asking here).
"""

from __future__ import annotations

import hashlib
import logging

import duckdb

from load.models import SEEDS, models

log = logging.getLogger(__name__)


def start(con: duckdb.DuckDBPyConnection) -> None:
    """Before a run's files are recorded: no file has changed yet."""
    con.execute("delete from scope.changed_file")


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """What the models are built with besides the rows: their SQL and the loaded seeds."""
    digest = hashlib.sha256()
    for m in models():
        digest.update(m.sql.encode())
    for name in SEEDS:
        (content,) = con.execute(
            f"select md5(coalesce(string_agg(cast(t as varchar), '|' order by"
            f" cast(t as varchar)), '')) from seed.{name} t").fetchone()
        digest.update(content.encode())
    return digest.hexdigest()


def prepare(con: duckdb.DuckDBPyConnection, run_id: str) -> bool:
    """After the run's files and the seeds are recorded, before the models: True when this
    build may be incremental, having written its scope; False when it must be full."""
    current = fingerprint(con)
    reason = _full_build_reason(con, current)
    if reason:
        log.info("full rebuild of the models: %s", reason)
        mark_full(con, run_id, current)
        return False
    con.execute("delete from scope.run")
    con.execute("""
        insert into scope.run
        select ?, false, ?, one_stop_day, indicator_last_month
        from intermediate.int_data_horizon""", [run_id, current])
    con.execute("delete from scope.dossier_before")
    con.execute("""
        insert into scope.dossier_before by name
        select dossier_code, unit_key, field, channel, online_eligible, received_at, due_date,
               closed_at, outcome, has_fee, paid_online, digitised_receipt, digitised_result
        from main.fact_dossier
        where dossier_code in (select dossier_code from raw.dossier_row
                               where file_id in (select file_id from scope.changed_file))
           or source_file in (select path from main.etl_file
                              where file_id in (select file_id from scope.changed_file))""")
    con.execute("delete from scope.indicator_before")
    con.execute("""
        insert into scope.indicator_before
        select distinct reporter, period_code from main.fact_indicator
        where source_file in (select path from main.etl_file
                              where file_id in (select file_id from scope.changed_file))""")
    changed = con.execute("select count(*) from scope.changed_file").fetchone()[0]
    log.info("incremental build: %d changed files", changed)
    return True


def mark_full(con: duckdb.DuckDBPyConnection, run_id: str, current: str | None = None
              ) -> None:
    """This build rebuilds every model from all rows."""
    con.execute("delete from scope.run")
    con.execute("insert into scope.run values (?, true, ?, null, null)",
                [run_id, current or fingerprint(con)])
    con.execute("delete from scope.dossier_before")
    con.execute("delete from scope.indicator_before")


def _full_build_reason(con: duckdb.DuckDBPyConnection, current: str) -> str | None:
    previous = con.execute("select fingerprint from scope.run").fetchone()
    if previous is None:
        return "no earlier build"
    if previous[0] != current:
        return "models or reference data changed since the earlier build"
    moved_back = con.execute("""
        select h.one_stop_day > coalesce(o.day, date '0001-01-01')
            or h.indicator_last_month > coalesce(w.month, '')
        from intermediate.int_data_horizon h,
             (select max(cast(exported_at as date)) as day from staging.stg_file
              where kind = 'one_stop' and status = 'loaded') o,
             (select max(period_code) as month from staging.stg_file
              where kind = 'workbook' and status in ('loaded', 'superseded')) w""").fetchone()
    if moved_back and moved_back[0]:
        return "the data's horizon moved back (files went away)"
    return None
