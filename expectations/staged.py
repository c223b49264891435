"""The GX suites of the sources on a batch's staged rows: rows failing an error-severity
expectation are moved to the rejected rows with the expectation's name; every expectation
gives one finding per file (`dq_result`), counting that file's unexpected rows.

One GX run validates the rows of all files of a kind together; its findings are split back
to files by their sha256.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

import duckdb
import pandas as pd

from common.seeds import setting
from expectations.findings import FINDING_COLUMNS, Finding, as_json
from expectations.gx_suites import for_gx, suite_columns, suite_params, validate
from expectations.suite_sql import validate_sql, validate_sql_parquet
from extract.problems import Problem, ProblemList
from transform.batch import (
    REJECTED_COLUMNS,
    Batch,
    DossierPart,
    empty_frame,
    staged_dossiers,
)

log = logging.getLogger(__name__)
STAGED_DQ_COLUMNS = ["sha256", *FINDING_COLUMNS]
SUITE_OF_KIND = {"one_stop": "one_stop_export", "workbook": "commune_workbook"}
# A file whose rows are mostly rejected is wrong as a whole (a renamed column, another
# system's codes): loading its few good rows as if all were well would hide that.
MOSTLY_REJECTED = 0.5


def validate_batch(batch: Batch, now: pd.Timestamp, engine: str = "auto") -> Batch:
    """The batch with its rows validated: failing rows rejected, findings recorded.

    `engine`: 'gx' validates every row with Great Expectations; 'sql' with the suites'
    SQL translation (`expectations.suite_sql`, the same findings, a fraction of the time
    and memory, no GX start-up); 'auto' uses GX up to `gx_row_limit` rows of a kind and
    SQL beyond (a bulk import of a province's year)."""
    params = suite_params(now + pd.Timedelta(days=1))
    dossiers, bad_d, dq_d = _validated(batch.dossiers, "one_stop_export", params, engine)
    indicators, bad_i, dq_i = _validated(batch.indicators, "commune_workbook", params, engine)
    parts, bad_p, dq_p = _validated_parts(batch.dossier_parts, params)
    rejected = [r for r in (batch.rejected_rows, bad_d, bad_i, *bad_p) if len(r)]
    all_rejected = pd.concat(rejected, ignore_index=True) if rejected else None
    dq = [d for d in (dq_d, dq_i, *dq_p, _rows_loaded(batch, all_rejected)) if len(d)]
    return batch.with_rows(
        dossiers=staged_dossiers(dossiers), indicators=indicators, dossier_parts=parts,
        rejected_rows=pd.concat(rejected, ignore_index=True) if rejected
        else empty_frame(REJECTED_COLUMNS),
        dq_results=pd.concat(dq, ignore_index=True) if dq else empty_frame(STAGED_DQ_COLUMNS))


def _rows_loaded(batch: Batch, rejected: pd.DataFrame | None) -> pd.DataFrame:
    """Per file read: the share of its rows that were rejected, an error above half; a file
    none of whose rows loads is rejected as a whole."""
    counts = rejected["sha256"].value_counts() if rejected is not None else pd.Series()
    streamed = {p.sha256: p.rows.rejected for p in batch.dossier_parts}  # by the reader
    rows = []
    for result in batch.results:
        ex = result.extract
        if result.rejected or ex is None:
            continue
        read = ex.rows_read if hasattr(ex, "rows_read") else len(ex.rows)
        bad = int(counts.get(result.file.sha256, 0)) + streamed.get(result.file.sha256, 0)
        failed = read > 0 and bad / read > MOSTLY_REJECTED
        if read > 0 and bad == read:  # nothing of it loads: the file is rejected, not "loaded"
            result.rejected = True
            result.problems = ProblemList([*result.problems, Problem(
                "all_rows_rejected", "error",
                f"Không dòng nào trong {read:,} dòng của tệp đọc được; xem lý do từng dòng "
                "(thường là một cột bị đổi tên hoặc sai định dạng).".replace(",", "."))])
        rows.append({
            "sha256": result.file.sha256, "suite": SUITE_OF_KIND[result.kind],
            "expectation": "most_rows_loaded", "severity": "error", "success": not failed,
            "observed": as_json({"rows_read": read, "rows_rejected": bad,
                                 "threshold": MOSTLY_REJECTED}),
            "unexpected_count": bad,
            "message": f"{bad:,} trên {read:,} dòng của tệp bị loại: hãy xem lý do của các "
                       "dòng bị loại (thường là một cột bị đổi tên hoặc sai định dạng) rồi "
                       "gửi lại tệp.".replace(",", ".") if failed else None,
        })
    return pd.DataFrame(rows, columns=STAGED_DQ_COLUMNS)


def _validated(frame: pd.DataFrame, suite: str, params: dict[str, object], engine: str
               ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Validate all files' rows at once; drop rows failing error expectations."""
    if frame.empty:
        return frame, empty_frame(REJECTED_COLUMNS), empty_frame(STAGED_DQ_COLUMNS)
    frame = frame.reset_index(drop=True)
    checked = frame[[c for c in frame.columns if c in suite_columns(suite)]]
    if engine == "auto":
        engine = "gx" if len(frame) <= int(setting("gx_row_limit")) else "sql"
        log.info("validating %d rows of %s with %s", len(frame), suite, engine)
    run = validate if engine == "gx" else validate_sql
    findings = run(for_gx(checked, suite), suite, params)
    bad_rows = _bad_rows(findings)
    return (frame.drop(index=list(bad_rows)).reset_index(drop=True),
            _rejected_frame(frame.loc[sorted(bad_rows)], bad_rows),
            _per_file(findings, frame["sha256"].unique(),
                      lambda rows: frame["sha256"].loc[rows].value_counts()))


def _validated_parts(parts: list[DossierPart], params: dict[str, object]
                     ) -> tuple[list[DossierPart], list[pd.DataFrame], list[pd.DataFrame]]:
    """Streamed exports, each validated where its rows lie (the suite as SQL over its
    Parquet files: GX's findings, bounded memory); the rows failing an error expectation
    are rejected, by row number."""
    validated, rejected, dq = [], [], []
    for part in parts:
        findings = validate_sql_parquet(part.rows.parquet, "one_stop_export", params)
        bad_rows = _bad_rows(findings)
        with duckdb.connect() as con:
            bad = con.execute(f"select * from read_parquet('{part.rows.parquet}')"
                              " where row_number in (select unnest(?::integer[]))"
                              " order by row_number", [sorted(bad_rows)]).df()
        bad = bad.assign(sha256=part.sha256, sheet=part.sheet, cell=None)
        rejected.append(_rejected_frame(bad.set_index("row_number", drop=False), bad_rows))
        dq.append(_per_file(findings, [part.sha256],
                            lambda rows, sha256=part.sha256: pd.Series({sha256: len(rows)})))
        validated.append(replace(part, rejected=tuple(sorted(bad_rows))))
    return validated, rejected, dq


def _bad_rows(findings: list[Finding]) -> dict[int, str]:
    """Each row failing an error-severity expectation → the first such expectation."""
    bad_rows: dict[int, str] = {}
    for finding in findings:
        if finding.severity == "error" and not finding.success:
            for row in finding.rows:
                bad_rows.setdefault(row, finding.expectation)
    return bad_rows


def _rejected_frame(rejected: pd.DataFrame, bad_rows: dict[int, str]) -> pd.DataFrame:
    """Rejected rows (indexed as `bad_rows` names them) as REJECTED_COLUMNS."""
    return pd.DataFrame({
        "sha256": rejected["sha256"], "sheet": rejected["sheet"],
        "row_number": rejected["row_number"], "cell": rejected["cell"],
        "rule": [f"gx:{bad_rows[i]}" for i in rejected.index],
        "reason": [f"Không đạt kiểm tra dữ liệu {bad_rows[i]}" for i in rejected.index],
        "raw_row": [json.dumps({k: str(v) for k, v in row.items() if pd.notna(v) and k not in
                                ("sha256", "sheet", "cell")}, ensure_ascii=False)
                    for _, row in rejected.iterrows()],
    }, columns=REJECTED_COLUMNS)


def _per_file(findings: list[Finding], every_file: Sequence[str],
              by_file: Callable[[list[int]], pd.Series]) -> pd.DataFrame:
    """One finding per file and expectation, counting that file's unexpected rows;
    `by_file(rows)`: how many of those rows each file has."""
    rows = []
    for finding in findings:
        unexpected = by_file(finding.rows) if finding.rows else pd.Series()
        observed = as_json(finding.observed)
        for sha256 in every_file:
            count = int(unexpected.get(sha256, 0))
            table_level = not finding.rows and not finding.success
            rows.append({
                "sha256": sha256, "suite": finding.suite, "expectation": finding.expectation,
                # A `mostly` expectation can pass with some unexpected rows.
                "severity": finding.severity,
                "success": finding.success or (count == 0 and not table_level),
                "observed": observed if (count or table_level) else None,
                "unexpected_count": count, "message": finding.message or None,
            })
    return pd.DataFrame(rows, columns=STAGED_DQ_COLUMNS)
