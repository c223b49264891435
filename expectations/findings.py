"""What a check found, in one shape for every check: GX suites on staged rows and fact
tables, validation rules, cross-checks, completeness and outliers. Each finding becomes one
`dq_result` row; `observed` names what data staff must look at (unit, reporter, period,
file, sheet, cell, values, expected range) and never holds personal data.

`records` reads query rows as dicts, as the checks and the pages that show them do.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

# The columns of dq_result after the run and the file: the one list every writer uses.
FINDING_COLUMNS = ["suite", "expectation", "severity", "success", "observed",
                   "unexpected_count", "message"]
DQ_COLUMNS = ["run_id", "file_id", *FINDING_COLUMNS]


@dataclass
class Finding:
    suite: str
    expectation: str  # e.g. 'expect_column_values_to_be_in_set(channel)', 'dose2_le_dose1'
    severity: str  # 'error' or 'warning'
    success: bool
    observed: dict
    message: str | None = None
    file_id: int | None = None
    unexpected_count: int = 0
    # GX on a frame: the frame's index labels of the unexpected rows, to locate them.
    rows: list[int] = field(default_factory=list)


def findings_frame(findings: list[Finding], run_id: str) -> pd.DataFrame:
    """dq_result rows of a run's findings."""
    return pd.DataFrame([{
        "run_id": run_id, "file_id": f.file_id, "suite": f.suite,
        "expectation": f.expectation, "severity": f.severity, "success": f.success,
        "observed": as_json(f.observed), "unexpected_count": f.unexpected_count,
        "message": f.message or None,
    } for f in findings], columns=DQ_COLUMNS).astype({"file_id": "Int64"})


def as_json(observed: dict) -> str:
    return json.dumps(observed, ensure_ascii=False, default=str)


def outcome(suite: str, expectation: str, severity: str, failures: list[Finding],
            evaluated: int, **observed: object) -> list[Finding]:
    """The failures (each saying how many cases were evaluated), or one success row."""
    if failures:
        for failure in failures:
            failure.observed["evaluated"] = evaluated
        return failures
    return [Finding(suite, expectation, severity, True, {"evaluated": evaluated, **observed})]


def per_indicator(suite: str, check: str, severity: str, rows: list[dict],
                   failure: Callable[[dict], Finding | None]) -> list[Finding]:
    """One expectation per indicator, `check(code)`: its rows' failures or a success row."""
    findings = []
    for code in dict.fromkeys(r["indicator_code"] for r in rows):
        mine = [r for r in rows if r["indicator_code"] == code]
        failures = [f for f in map(failure, mine) if f is not None]
        findings += outcome(suite, f"{check}({code})", severity, failures, len(mine))
    return findings


def plain(value: object) -> object:
    """JSON-friendly figures: 6100.0 → 6100, NaN → None."""
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else round(value, 6)
    return value


def records(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None
            ) -> list[dict]:
    """Rows of a query as dicts."""
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
