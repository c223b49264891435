"""The source suites evaluated as set-based SQL in DuckDB, with Great Expectations'
semantics, for when GX itself costs too much: `baocao check` (importing GX alone takes
several seconds, the file's read under a millisecond) and batches beyond what GX validates
row by row in bounded memory (`expectations.staged`).

Only the expectation types the source suites use are known here; a suite using another one
must be validated by GX (`SqlUnsupported`). `tests/test_suite_sql.py` holds the two engines
to the same findings on the same frames.

GX's rules, reproduced: null values are "missing", never "unexpected", for map
expectations other than `not_be_null`; `mostly` is the share of non-missing values that
must pass; `partial_unexpected_list` holds the first 20 unexpected values in row order (the
findings keep 5); the unexpected rows are named by the frame's index.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from expectations.findings import Finding
from expectations.gx_suites import expectation_label, resolve, suite_config

_PARTIAL = 20  # GX's partial_unexpected_list length
_SAMPLE = 5  # what the findings keep of it (expectations.gx_suites.validate)


class SqlUnsupported(ValueError):
    """The suite uses an expectation type this module does not translate."""


def _literal(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return f"timestamp '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def _unexpected_sql(kind: str, column: str, kwargs: dict) -> str:
    """A predicate true for an unexpected (non-missing) value of `column`."""
    c = f'"{column}"'
    if kind == "expect_column_values_to_be_in_set":
        values = ", ".join(_literal(v) for v in kwargs["value_set"])
        return f"{c} not in ({values})" if values else "true"
    if kind == "expect_column_values_to_be_between":
        parts = []
        if kwargs.get("min_value") is not None:
            parts.append(f"{c} {'<=' if kwargs.get('strict_min') else '<'} "
                         f"{_literal(kwargs['min_value'])}")
        if kwargs.get("max_value") is not None:
            parts.append(f"{c} {'>=' if kwargs.get('strict_max') else '>'} "
                         f"{_literal(kwargs['max_value'])}")
        return " or ".join(parts) or "false"
    if kind == "expect_column_values_to_match_regex":
        return f"not regexp_matches(cast({c} as varchar), {_literal(kwargs['regex'])})"
    raise SqlUnsupported(kind)


def validate_sql(frame: pd.DataFrame, suite_name: str, params: dict[str, object]
                 ) -> list[Finding]:
    """The suite's findings on every row of `frame`, as `gx_suites.validate` gives them."""
    con = duckdb.connect()
    # Copy-on-write: the two columns added cost no copy of the frame's own.
    con.register("rows", frame.assign(_label=frame.index, _pos=np.arange(len(frame))))
    try:
        return _findings(con, suite_name, params, set(frame.columns),
                         lambda column, label: frame[column].loc[label])
    finally:
        con.close()


def validate_sql_parquet(parquet: str, suite_name: str, params: dict[str, object]
                         ) -> list[Finding]:
    """The suite's findings on rows left in Parquet files (a streamed export's, in file
    order): the same as on a frame of them, the unexpected rows named by `row_number`.
    DuckDB reads the files as it goes: memory does not grow with the rows."""
    con = duckdb.connect()
    con.execute("create view rows as select *, row_number as _label, row_number as _pos"
                f" from read_parquet('{parquet}')")
    types = dict(con.execute("select column_name, column_type from (describe rows)").fetchall())
    try:
        return _findings(con, suite_name, params, set(types),
                         lambda column, label: _null_as_pandas_holds(types[column]))
    finally:
        con.close()


def _null_as_pandas_holds(data_type: str) -> object:
    if data_type.startswith(("TIMESTAMP", "DATE")):
        return pd.NaT
    return np.nan if data_type in ("DOUBLE", "FLOAT") else None


def _findings(con: duckdb.DuckDBPyConnection, suite_name: str, params: dict[str, object],
              columns: set[str], null_at) -> list[Finding]:
    """The suite over the view or frame `rows` (with `_label`, the row's name, and `_pos`,
    its order); `null_at(column, label)`: a missing value as GX would list it."""
    (total,) = con.execute("select count(*) from rows").fetchone()
    findings = []
    for item in suite_config(suite_name)["expectations"]:
        kind = item["type"]
        kwargs = {k: resolve(v, params) for k, v in item["kwargs"].items()}
        severity = (item.get("meta") or {}).get("severity", "error")
        label = expectation_label(kind, kwargs)
        if kind == "expect_column_to_exist":
            findings.append(Finding(suite_name, label, severity,
                                    kwargs["column"] in columns, {}))
            continue
        column = kwargs["column"]
        if kind == "expect_column_values_to_not_be_null":
            where, missing = f'"{column}" is null', None
        else:
            where = f'"{column}" is not null and ({_unexpected_sql(kind, column, kwargs)})'
            (missing,) = con.execute(
                f'select count(*) from rows where "{column}" is null').fetchone()
        rows = con.execute(f"select _label, \"{column}\" from rows where {where}"
                           " order by _pos").fetchall()
        checked = total - (missing or 0)
        share = 1 - len(rows) / checked if checked else 1.0
        observed = {"element_count": total, "unexpected_count": len(rows)}
        if missing is not None:
            observed["missing_count"] = missing
        if rows:
            # A null as pandas holds it (None, nan, NaT), as GX lists it.
            shown = [null_at(column, i) if missing is None else _shown(v)
                     for i, v in rows[:_PARTIAL]]
            observed["sample_unexpected"] = [str(v) for v in shown][:_SAMPLE]
        findings.append(Finding(
            suite_name, label, severity, share >= kwargs.get("mostly", 1.0), observed,
            unexpected_count=len(rows), rows=[int(i) for i, _ in rows]))
    return findings


def _shown(value: object) -> object:
    """A value as GX lists it: timestamps as pandas prints them."""
    return pd.Timestamp(value) if hasattr(value, "isoformat") and not isinstance(
        value, str) else value
