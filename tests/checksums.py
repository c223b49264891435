"""Checksums of the published relations of a warehouse, to prove that a change of code
changed no published figure: one sha256 per relation over its rows sorted, with what
legitimately differs from run to run left out (run ids, publish times, the folder a file
was read from)."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
from pathlib import Path

import duckdb

# Columns that name the run or the machine, not the data.
RUN_COLUMNS = {"run_id", "load_id", "first_seen_run", "first_seen_at", "published_at",
               "started_at", "finished_at", "archive_path", "file_id"}
PATH_COLUMNS = {"path", "source_file"}  # only the file's name is data
RELATIONS = ("dim_admin_unit", "dim_period", "dim_indicator", "dim_ratio", "dim_reporter",
             "fact_dossier", "fact_indicator", "report_one_stop", "report_one_stop_by_field",
             "report_service_index", "report_indicator", "report_indicator_ratio",
             "report_submission", "report_submission_rate", "meta_publish", "etl_file",
             "rejected_row", "dq_result")


def _plain(value: object) -> str:
    if isinstance(value, float):
        return "nan" if value != value else f"{value:.9g}"
    if isinstance(value, decimal.Decimal):
        return f"{float(value):.9g}"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return repr(value)


def relation_checksums(warehouse: Path, relations=RELATIONS) -> dict[str, str]:
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for name in relations:
            columns = [c for (c,) in con.execute(
                "select column_name from duckdb_columns() where table_name = ?"
                " order by column_index", [name]).fetchall() if c not in RUN_COLUMNS]
            shown = [f"regexp_extract({c}, '[^/\\\\]+$')" if c in PATH_COLUMNS else c
                     for c in columns]
            rows = con.execute(f"select {', '.join(shown)} from {name}").fetchall()
            lines = sorted("|".join(_plain(v) for v in row) for row in rows)
            digest = hashlib.sha256("\n".join([",".join(columns), *lines]).encode())
            out[name] = f"{len(rows)} {digest.hexdigest()}"
    return out


def read_checksums(path: Path) -> dict[str, str]:
    return dict(line.split(" ", 1) for line in path.read_text().splitlines() if line)


def write_checksums(path: Path, sums: dict[str, str]) -> None:
    path.write_text("".join(f"{k} {v}\n" for k, v in sums.items()))
