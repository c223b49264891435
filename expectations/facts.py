"""The fact tables' GX suites, on the rebuilt facts: an error-severity failure stops the
publish like a broken invariant."""

from __future__ import annotations

import logging

import duckdb
import pandas as pd

from common.seeds import setting
from expectations.findings import Finding
from expectations.gx_suites import for_gx, suite_columns, suite_params, validate

log = logging.getLogger(__name__)
FACT_SUITES = ("fact_dossier", "fact_indicator")
# The rows an incremental build replaced (load.incremental): the suites check only those.
_CHANGED_ROWS = {
    "fact_dossier": "dossier_code in (select dossier_code from scope.dossier)",
    "fact_indicator": "exists (select 1 from scope.indicator_month s"
                      " where s.reporter = t.reporter and s.period_code = t.period_code)",
}


class InvariantBroken(RuntimeError):
    """The rebuilt warehouse is wrong; it must not be published."""


def validate_facts(con: duckdb.DuckDBPyConnection, changed_only: bool = False
                   ) -> list[Finding]:
    """Every fact row through its suite (or, after an incremental build, every row it
    replaced: the others passed when they were built); beyond `gx_row_limit` rows (a full
    build of a province's year), a fixed random sample of that many, the keys and references
    of every row being checked in SQL by the invariants. Raises InvariantBroken after an
    error failure, otherwise returns the findings."""
    params = suite_params(pd.Timestamp.now())
    limit = int(setting("gx_row_limit"))
    findings = []
    for suite in FACT_SUITES:
        frame = for_gx(_checked_columns(con, suite, _CHANGED_ROWS[suite] if changed_only
                                        else "true", limit), suite)
        if not frame.empty:
            findings += validate(frame, suite, params)
    failed = [f"{f.suite}: {f.expectation}" for f in findings
              if f.severity == "error" and not f.success]
    if failed:
        raise InvariantBroken("; ".join(failed))
    return findings


def _checked_columns(con: duckdb.DuckDBPyConnection, table: str, rows: str, limit: int
                     ) -> pd.DataFrame:
    """The columns of a fact table its suite checks, on the rows (alias t) of the condition
    `rows`, at most `limit` of them (a repeatable random sample). Texts of few distinct values
    arrive as categories (DuckDB enums): a Python string per row and column would cost
    more than the checks."""
    checked = suite_columns(table)
    columns = []
    for name, data_type in con.execute(
            "select column_name, data_type from duckdb_columns()"
            " where schema_name = 'main' and table_name = ?", [table]).fetchall():
        if name not in checked:
            continue
        values = con.execute(f"select distinct {name} from main.{table}"
                             f" where {name} is not null limit 1001").fetchall() \
            if data_type == "VARCHAR" else []
        if 0 < len(values) <= 1000:
            enum = ", ".join("'" + v.replace("'", "''") + "'" for (v,) in values)
            name = f"cast({name} as enum({enum})) as {name}"
        columns.append(name)
    checked = f"select {', '.join(columns) or '*'} from main.{table} as t where {rows}"
    (count,) = con.execute(f"select count(*) from main.{table} as t where {rows}").fetchone()
    if count > limit:
        log.info("validating a sample of %d of %d rows of %s", limit, count, table)
        checked = f"select * from ({checked}) using sample reservoir({limit} rows)" \
                  " repeatable (20221014)"
    return con.execute(checked).df()
