"""Closing a period (as DHIS2 approves and locks data): the published figures of a unit
and period are frozen as sent in `main.report_closed`; every later run that changes one
records the change in `main.report_restatement`, with the files that brought it. The
figures themselves are never locked: a correction still reaches the reports, and the
restatement tells staff that what was sent differs from what the warehouse now says."""

from __future__ import annotations

import getpass

import duckdb

from common.clock import local_now
from common.datafolder import DataPaths
from load import warehouse
from load.lock import writer_lock

# The one-stop figures are report_one_stop's numeric columns; these are keys, not figures.
_KEYS = ("unit_key", "unit_code", "unit_name", "period_code", "scope", "period_type",
         "complete")
_NUMERIC = ("BIGINT", "INTEGER", "DOUBLE", "DECIMAL", "HUGEINT", "FLOAT")
# Two values of a figure count as the same below this difference (rates are doubles).
_TOLERANCE = 1e-9


def figures_sql(con: duckdb.DuckDBPyConnection) -> str:
    """A query of every published figure: unit_code, period_code, scope, figure, value."""
    columns = [name for name, kind in con.execute(
        "select column_name, data_type from duckdb_columns()"
        " where schema_name = 'main' and table_name = 'report_one_stop'"
        " order by column_index").fetchall()
        if name not in _KEYS and kind.startswith(_NUMERIC)]
    one_stop = " union all ".join(
        f"select unit_code, period_code, scope, '{c}' as figure, cast({c} as double) as value"
        " from main.report_one_stop" for c in columns)
    return (f"{one_stop} union all select unit_code, period_code, scope, indicator_code,"
            " cast(actual_value as double) from main.report_indicator")


def close_period(paths: DataPaths, period: str, unit: str | None) -> int:
    """Freeze the published figures of `period` (of `unit`, or of every unit) as they stand,
    replacing an earlier close of the same figures; returns how many were frozen. Same
    working copy → atomic publish under the writer lock as a run."""
    if not paths.warehouse.exists():
        raise LookupError(f"Chưa có kho số liệu tại {paths.warehouse}.")
    closed_at, closed_by = local_now(), getpass.getuser()
    with writer_lock(paths, f"close {period}"):
        con = warehouse.open_working_copy(paths)
        try:
            con.execute("begin")
            con.execute(f"""create temp table closing as
                select * from ({figures_sql(con)})
                where period_code = $period and ($unit is null or unit_code = $unit)""",
                        {"period": period, "unit": unit})
            count = con.execute("select count(*) from closing").fetchone()[0]
            if not count:
                raise LookupError(f"Kỳ {period} chưa có số liệu nào đã công bố"
                                  + (f" của đơn vị {unit}." if unit else "."))
            con.execute("""delete from main.report_closed where (unit_code, period_code,
                           scope, figure) in (select (unit_code, period_code, scope, figure)
                                              from closing)""")
            con.execute("insert into main.report_closed select unit_code, period_code, scope,"
                        " figure, value, ?, ? from closing", [closed_at, closed_by])
            con.execute("commit")
        except Exception:
            con.close()
            raise
        warehouse.publish(con, paths)
    return count


def record_restatements(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """After the models: each closed figure this run changed (it differs from what was sent
    and from what an earlier restatement already recorded), with the files of this run
    that belong to the unit or a unit under it and to a month of the period."""
    con.execute(f"""
        insert into main.report_restatement
        with current as ({figures_sql(con)}),
        changed as (
            select c.unit_code, c.period_code, c.scope, c.figure, c.closed_value,
                   n.value as current_value, c.closed_at
            from main.report_closed c
            left join current n using (unit_code, period_code, scope, figure)
            where not {_same('c.closed_value', 'n.value')}
              and not exists (
                  select 1 from main.report_restatement r
                  where (r.unit_code, r.period_code, r.scope, r.figure)
                        = (c.unit_code, c.period_code, c.scope, c.figure)
                    and r.closed_at = c.closed_at
                    and {_same('r.current_value', 'n.value')})
        ),
        run_file as (  -- this run's files, by the unit they report for and their month
            select f.path, coalesce(f.unit_code, d.unit_code) as unit_code, f.period_code
            from etl_file f left join main.dim_reporter d using (reporter)
            where f.first_seen_run = $run and f.status = 'loaded'
        ),
        under as (  -- unit code → the unit codes it covers (itself and below)
            select distinct report.unit_code as report_code, fact.unit_code as fact_code
            from intermediate.int_unit_rollup m
            join main.dim_admin_unit report on report.unit_key = m.report_unit_key
            join main.dim_admin_unit fact on fact.unit_key = m.fact_unit_key
            where m.scope = 'area'
        )
        select c.unit_code, c.period_code, c.scope, c.figure, c.closed_value, c.current_value,
               c.closed_at, $run,
               (select list(distinct regexp_extract(f.path, '[^/\\\\]+$') order by 1)
                from run_file f
                join under u on u.report_code = c.unit_code and u.fact_code = f.unit_code
                join intermediate.int_period_month p
                  on p.period_code = c.period_code and p.month_code = f.period_code)
        from changed c""", {"run": run_id})


def _same(a: str, b: str) -> str:
    return (f"(({a} is null and {b} is null)"
            f" or coalesce(abs({a} - {b}) < {_TOLERANCE}, false))")


def closed_figures(con: duckdb.DuckDBPyConnection, period: str, unit: str
                   ) -> list[tuple[str, str, float | None, object, str]]:
    """The figures of a closed period as sent: (scope, figure, closed_value, closed_at,
    closed_by), area first. LookupError (Vietnamese) when the period was never closed."""
    rows = con.execute("""
        select scope, figure, closed_value, closed_at, closed_by from main.report_closed
        where period_code = ? and unit_code = ? order by scope, figure""",
                       [period, unit]).fetchall()
    if not rows:
        raise LookupError(f"Kỳ {period} của đơn vị {unit} chưa được chốt (baocao close).")
    return rows
