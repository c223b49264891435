"""The accepted rows of a one-stop export, handed over whole or in bounded pieces.

An export of a day or a month (up to `stream_rows` accepted rows) becomes one frame. A
larger one (a province's year imported at once) is written in chunks of
`stream_chunk_rows` to Parquet files in a folder the caller gives (`DataPaths.spilled`),
which validation and the load read with DuckDB: memory then stays bounded however many rows
the export holds. The rows are the same either way (`tests/test_streaming.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from common.seeds import setting
from common.units import home_units
from common.workdays import fill_missing_due_dates
from extract.one_stop_vocabulary import DOSSIER_COLUMNS, OUTCOMES
from extract.problems import Problem
from extract.sql_literals import sql_text


@dataclass(frozen=True)
class Spill:
    """Where and beyond what a reader writes one file's accepted rows out instead of
    holding them."""

    folder: Path  # the file's own folder, emptied first
    above_rows: int
    chunk_rows: int


@dataclass(frozen=True)
class Streaming:
    """A run's streaming policy: a folder per file under `root`, the settings' limits
    unless given."""

    root: Path
    above_rows: int | None = None
    chunk_rows: int | None = None

    def for_file(self, sha256: str) -> Spill:
        return Spill(self.root / sha256,
                     self.above_rows or int(setting("stream_rows")),
                     self.chunk_rows or int(setting("stream_chunk_rows")))


@dataclass(frozen=True)
class SpilledRows:
    """Accepted rows written to `folder/part-*.parquet` (DOSSIER_COLUMNS, file order); the
    rows the reader rejected, `rejected` of them, to `folder/rejected.parquet` as
    rejected_row rows (row_number, cell, rule, reason, raw_row)."""

    folder: Path
    count: int
    rejected: int = 0

    @property
    def parquet(self) -> str:
        return str(self.folder / "part-*.parquet")

    @property
    def rejected_parquet(self) -> str:
        return str(self.folder / "rejected.parquet")


@dataclass
class Accepted:
    frame: pd.DataFrame  # the rows, or none of them when spilled
    spilled: SpilledRows | None
    warnings: list[Problem]
    newest_row_at: dt.datetime | None


def accepted_rows(con: duckdb.DuckDBPyConnection, sheet: str, spill: Spill | None
                  ) -> Accepted:
    """The rows of `staged` without a reason, in file order, due dates filled in."""
    query = _accepted_query(con)
    (count,) = con.execute("select count(*) from staged where reason is null").fetchone()
    if spill is None or count <= spill.above_rows:
        frame, computed = fill_missing_due_dates(con.execute(query).df())
        newest = frame[["received_at", "closed_at"]].max().max() if len(frame) else None
        return Accepted(frame, None, _warnings(_without_due_date(frame), computed, sheet),
                        None if pd.isna(newest) else newest.to_pydatetime())
    spill.folder.mkdir(parents=True, exist_ok=True)
    for old in spill.folder.glob("part-*.parquet"):
        old.unlink()
    writer = duckdb.connect()
    result = con.execute(query)
    computed = no_due = part = 0
    newest = None
    while True:
        chunk = result.fetch_df_chunk(max(1, spill.chunk_rows // 2048))
        if chunk.empty:
            break
        chunk, filled = fill_missing_due_dates(chunk)
        computed, no_due = computed + filled, no_due + _without_due_date(chunk)
        latest = chunk[["received_at", "closed_at"]].max().max()
        newest = latest if newest is None or (pd.notna(latest) and latest > newest) else newest
        writer.register("chunk", chunk)
        writer.execute(f"copy chunk to '{spill.folder / f'part-{part:05d}.parquet'}'"
                       " (format parquet)")
        writer.unregister("chunk")
        part += 1
    writer.close()
    return Accepted(pd.DataFrame(columns=DOSSIER_COLUMNS), SpilledRows(spill.folder, count),
                    _warnings(no_due, computed, sheet),
                    None if newest is None or pd.isna(newest) else newest.to_pydatetime())


def _accepted_query(con: duckdb.DuckDBPyConnection) -> str:
    """The accepted rows; columns of few distinct values as categories (a million-row
    export passes through GX and into DuckDB far faster so)."""
    home = sorted({u.unit_code for u in home_units()})
    enums = {"unit_code": home, "channel": ["online", "direct", "postal"],
             "service_level": ["2", "3", "4"], "outcome": OUTCOMES}
    for name in ("procedure_code", "procedure_name", "field"):
        enums[name] = [v for (v,) in con.execute(
            f"select distinct {name} from staged where reason is null and {name} is not null"
            " order by 1").fetchall()]
    for name, values in enums.items():
        con.execute(f"create type t_{name} as enum ({', '.join(map(sql_text, values))})")
    columns = ", ".join(f"cast({c} as t_{c}) as {c}" if c in enums else c
                        for c in DOSSIER_COLUMNS)
    return f"select {columns} from staged where reason is null order by row_number"


def _without_due_date(frame: pd.DataFrame) -> int:
    """Resolved or open dossiers still without a due date: counted on time, as systems do."""
    return int((frame["due_date"].isna() & (
        frame["outcome"].isna() | (frame["outcome"] == "resolved"))).sum())


def _warnings(no_due: int, computed: int, sheet: str) -> list[Problem]:
    warnings = []
    if computed:
        warnings.append(Problem(
            "computed_due_date", "warning",
            f"{computed} hồ sơ không có ngày hẹn trả: tính theo thời hạn giải quyết của thủ "
            "tục (ngày làm việc, trừ thứ Bảy, Chủ nhật và ngày nghỉ lễ).", sheet=sheet or None))
    if no_due:
        warnings.append(Problem(
            "missing_due_date", "warning",
            f"{no_due} hồ sơ không có ngày hẹn trả: tính là đúng hạn/trong hạn như "
            "hệ thống một cửa.", sheet=sheet or None))
    return warnings
