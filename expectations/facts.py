"""The fact tables' GX suites, on the rebuilt facts: an error-severity failure stops the
publish like a broken invariant."""

from __future__ import annotations

import duckdb
import pandas as pd

from expectations.findings import Finding
from expectations.gx_suites import for_gx, suite_columns, suite_params, validate

FACT_SUITES = ("fact_dossier", "fact_indicator")


class InvariantBroken(RuntimeError):
    """The rebuilt warehouse is wrong; it must not be published."""


def validate_facts(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    """Every fact row through its suite; raises InvariantBroken after an error failure,
    otherwise returns the findings."""
    params = suite_params(pd.Timestamp.now())
    findings = []
    for suite in FACT_SUITES:
        frame = for_gx(_checked_columns(con, suite), suite)
        if not frame.empty:
            findings += validate(frame, suite, params)
    failed = [f"{f.suite}: {f.expectation}" for f in findings
              if f.severity == "error" and not f.success]
    if failed:
        raise InvariantBroken("; ".join(failed))
    return findings


def _checked_columns(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """The columns of a fact table its suite checks, every row. Texts of few distinct values
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
    return con.execute(f"select {', '.join(columns) or '*'} from main.{table}").df()
