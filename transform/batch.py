"""Extracted files → the rows to stage and the rows the readers rejected, as frames.

Everything is keyed by the file's sha256 until `load/` gives files their ids. Pure: no
validation here (that is `expectations.staged`), no I/O.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from extract.inbox import FileResult
from extract.one_stop_rows import SpilledRows
from extract.one_stop_vocabulary import DOSSIER_COLUMNS
from extract.workbook import staged_rows

REJECTED_COLUMNS = ["sha256", "sheet", "row_number", "cell", "rule", "reason", "raw_row"]


@dataclass(frozen=True)
class DossierPart:
    """The accepted rows of one very large export, left in its Parquet files; `rejected`:
    the row numbers validation rejected since."""

    sha256: str
    sheet: str
    rows: SpilledRows
    rejected: tuple[int, ...] = ()


@dataclass
class Batch:
    """The rows of a run's files. Prefect never sees one: tasks pass it as an opaque
    object inside the one task that loads it."""

    results: list[FileResult]
    dossiers: pd.DataFrame  # raw.dossier_row rows + sha256
    indicators: pd.DataFrame  # raw.indicator_row rows + sha256
    rejected_rows: pd.DataFrame  # REJECTED_COLUMNS
    dq_results: pd.DataFrame  # expectations.findings.FINDING_COLUMNS + sha256
    dossier_parts: list[DossierPart] = field(default_factory=list)  # streamed exports

    def with_rows(self, **frames: object) -> Batch:
        return replace(self, **frames)

    @property
    def dossier_rows(self) -> int:
        """Accepted dossier rows, held or streamed."""
        return len(self.dossiers) + sum(p.rows.count - len(p.rejected)
                                        for p in self.dossier_parts)


def empty_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def build_batch(results: list[FileResult]) -> Batch:
    """The staged rows of every file read, and the rows the readers rejected."""
    dossiers = _frames(results, "one_stop", lambda r: r.extract.dossiers.assign(
        sha256=_repeated(r.file.sha256, len(r.extract.dossiers)), sheet=r.extract.sheet,
        cell=None))
    indicators = staged_rows([(r.file.sha256, r.extract) for r in results
                              if r.kind == "workbook" and not r.rejected])
    rejected = [f for f in map(_problem_rows, results) if len(f)]
    parts = [DossierPart(r.file.sha256, r.extract.sheet, r.extract.spilled) for r in results
             if r.kind == "one_stop" and not r.rejected and r.extract.spilled is not None]
    return Batch(
        results=results, dossiers=dossiers, indicators=indicators,
        rejected_rows=pd.concat(rejected, ignore_index=True) if rejected
        else empty_frame(REJECTED_COLUMNS),
        dq_results=pd.DataFrame(), dossier_parts=parts)


def staged_dossiers(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns of raw.dossier_row (and the file's sha256) of validated dossier rows."""
    return frame[[*DOSSIER_COLUMNS, "sha256"]] if len(frame) else frame


def _repeated(value: str, length: int) -> pd.Categorical:
    """One value on every row, stored once (a million-row export maps it to its file id)."""
    return pd.Categorical.from_codes(np.zeros(length, dtype=np.int8), [value])


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
