"""Extracted files + validation findings → the rows to stage, reject and record.

Everything is keyed by the file's sha256 until `load/` gives files their ids. One GX run
validates the rows of all files of a kind together; its findings are split back to files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from expectations.runner import Finding, suite_config, validate
from extract.inbox import FileResult
from extract.one_stop import DOSSIER_COLUMNS
from extract.reference import home_units, load_catalog
from extract.workbook import staged_rows

REJECTED_COLUMNS = ["sha256", "sheet", "row_number", "cell", "rule", "reason", "raw_row"]
DQ_COLUMNS = ["sha256", "suite", "expectation", "severity", "success", "observed",
              "unexpected_count", "message"]


@dataclass
class Batch:
    results: list[FileResult]
    dossiers: pd.DataFrame  # stg_dossier rows + sha256
    indicators: pd.DataFrame  # stg_indicator rows + sha256
    rejected_rows: pd.DataFrame  # REJECTED_COLUMNS
    dq_results: pd.DataFrame  # DQ_COLUMNS


def suite_params(latest: pd.Timestamp) -> dict[str, object]:
    return {
        "home_unit_codes": sorted({u.unit_code for u in home_units()}),
        "indicator_codes": sorted(load_catalog().indicators),
        "earliest_date": "2015-01-01",
        "latest_date": latest.isoformat(),
    }


def build_batch(results: list[FileResult], now: pd.Timestamp) -> Batch:
    params = suite_params(now + pd.Timedelta(days=1))
    rejected = [_problem_rows(r) for r in results]
    dq: list[pd.DataFrame] = []
    dossiers = _frames(results, "one_stop", lambda r: r.extract.dossiers.assign(
        sha256=_repeated(r.file.sha256, len(r.extract.dossiers)), sheet=r.extract.sheet,
        cell=None))
    indicators = staged_rows([(r.file.sha256, r.extract) for r in results
                              if r.kind == "workbook" and not r.rejected])
    dossiers, bad_d, dq_d = _validated(dossiers, "one_stop_export", params)
    indicators, bad_i, dq_i = _validated(indicators, "commune_workbook", params)
    rejected += [bad_d, bad_i]
    dq += [dq_d, dq_i]
    return Batch(
        results=results,
        dossiers=dossiers[[*DOSSIER_COLUMNS, "sha256"]] if len(dossiers) else dossiers,
        indicators=indicators,
        rejected_rows=pd.concat([r for r in rejected if len(r)] or [_empty(REJECTED_COLUMNS)],
                                ignore_index=True),
        dq_results=pd.concat([d for d in dq if len(d)] or [_empty(DQ_COLUMNS)],
                             ignore_index=True),
    )


def _repeated(value: str, length: int) -> pd.Categorical:
    """One value on every row, stored once (a million-row export maps it to its file id)."""
    return pd.Categorical.from_codes(np.zeros(length, dtype=np.int8), [value])


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _frames(results: list[FileResult], kind: str, frame_of) -> pd.DataFrame:
    frames = [frame_of(r) for r in results if r.kind == kind and not r.rejected]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _problem_rows(result: FileResult) -> pd.DataFrame:
    """Rows the readers rejected (row-level errors), with the raw row minus personal data."""
    rows = [{
        "sha256": result.file.sha256, "sheet": p.sheet, "row_number": p.row_number,
        "cell": p.cell, "rule": p.rule, "reason": p.message,
        "raw_row": json.dumps(p.raw, ensure_ascii=False, default=str) if p.raw else None,
    } for p in result.problems if p.severity == "error" and p.row_number is not None]
    return pd.DataFrame(rows, columns=REJECTED_COLUMNS)


def _validated(frame: pd.DataFrame, suite: str, params: dict[str, object]
               ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Validate all files' rows at once; drop rows failing error expectations."""
    if frame.empty:
        return frame, _empty(REJECTED_COLUMNS), _empty(DQ_COLUMNS)
    frame = frame.reset_index(drop=True)
    checked = frame[[c for c in frame.columns if c in suite_columns(suite)]]
    findings = validate(for_gx(checked, suite), suite, params)
    bad_rows: dict[int, str] = {}
    for finding in findings:
        if finding.severity == "error" and not finding.success:
            for row in finding.rows:
                bad_rows.setdefault(row, finding.expectation)
    rejected = frame.loc[sorted(bad_rows)]
    rejected_rows = pd.DataFrame({
        "sha256": rejected["sha256"], "sheet": rejected["sheet"],
        "row_number": rejected["row_number"], "cell": rejected["cell"],
        "rule": [f"gx:{bad_rows[i]}" for i in rejected.index],
        "reason": [f"Không đạt kiểm tra dữ liệu {bad_rows[i]}" for i in rejected.index],
        "raw_row": [json.dumps({k: str(v) for k, v in row.items() if pd.notna(v) and k not in
                                ("sha256", "sheet", "cell")}, ensure_ascii=False)
                    for _, row in rejected.iterrows()],
    }, columns=REJECTED_COLUMNS)
    return (frame.drop(index=list(bad_rows)).reset_index(drop=True), rejected_rows,
            _dq_per_file(frame, findings))


def suite_columns(suite: str) -> set[str]:
    """The columns a suite checks: GX is given every row of these and nothing else (it
    copies what it is given)."""
    return {name for item in suite_config(suite)["expectations"] for name in _columns_of(item)}


def _columns_of(expectation: dict) -> list[str]:
    return [name for key, value in expectation["kwargs"].items() if key.startswith("column")
            for name in (value if isinstance(value, list) else [value])]


def for_gx(frame: pd.DataFrame, suite: str) -> pd.DataFrame:
    """The same values in the forms GX checks fastest: timestamps in nanoseconds (other
    units it compares value by value in Python; values outside that range, years before
    1678 or after 2261, are clamped to its ends, still outside any window a suite allows),
    and texts whose uniqueness the suite checks as categories (GX recomputes the duplicate
    test for each metric; on a category's integer codes it is cheap)."""
    unique = {name for item in suite_config(suite)["expectations"] if "unique" in item["type"]
              for name in _columns_of(item)}
    return frame.assign(**{
        name: col.clip(pd.Timestamp.min, pd.Timestamp.max).astype("datetime64[ns]")
        if pd.api.types.is_datetime64_dtype(col) else _as_category(col)
        for name, col in frame.items() if pd.api.types.is_datetime64_dtype(col)
        or (name in unique and pd.api.types.is_string_dtype(col))})


def _as_category(column: pd.Series) -> pd.Categorical:
    """Categories in order of appearance: sorting a million texts costs more than the rest."""
    codes, values = pd.factorize(column)
    return pd.Categorical.from_codes(codes, values)


def _dq_per_file(frame: pd.DataFrame, findings: list[Finding]) -> pd.DataFrame:
    """One dq_result row per file and expectation, counting that file's unexpected rows."""
    files = frame["sha256"]
    every_file = files.unique()
    rows = []
    for finding in findings:
        unexpected = files.loc[finding.rows].value_counts() if finding.rows else pd.Series()
        for sha256 in every_file:
            count = int(unexpected.get(sha256, 0))
            table_level = not finding.rows and not finding.success
            rows.append({
                "sha256": sha256, "suite": finding.suite, "expectation": finding.expectation,
                # A `mostly` expectation can pass with some unexpected rows.
                "severity": finding.severity,
                "success": finding.success or (count == 0 and not table_level),
                "observed": finding.observed if (count or table_level) else None,
                "unexpected_count": count, "message": finding.message or None,
            })
    return pd.DataFrame(rows, columns=DQ_COLUMNS)
