"""A very large export's rows are streamed (written in chunks to Parquet, validated and
loaded from there by DuckDB) instead of held in one frame; the warehouse is the same.

The demo's newest export (3 October 2022), three of its rows broken (an unknown status, a
31 February, no dossier code: the reader rejects them), is loaded twice into fresh data
folders, each validated as on 29 September (so the suite rejects the dossiers received
after it, which the reader accepted): held (validated by GX on the frame) and streamed in
chunks of 2,048 rows (validated by the suite's SQL over the Parquet files, the reader's
rejections written there too). Raw rows, rejected rows, findings, file records, facts and
reports must be equal."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from common.clock import local_now
from common.datafolder import DataPaths
from expectations.staged import validate_batch
from extract.inbox import extract_file
from extract.one_stop_rows import Streaming
from load import archive as raw_archive
from load import sequence
from transform.batch import Batch, build_batch

EXPORT = "hoso_1cua_03-10-2022.csv"
VALIDATED_ON = pd.Timestamp("2022-09-29 12:00")
COMPARED = {  # table → columns that differ by run only
    "raw.dossier_row": (), "main.rejected_row": ("run_id",), "main.dq_result": ("run_id",),
    "main.fact_dossier": ("load_id", "source_file"), "main.report_one_stop": (),
    "main.report_service_index": (), "main.etl_file": ("first_seen_run", "path",
                                                       "archive_path", "first_seen_at"),
}


def with_broken_rows(source: Path, target: Path) -> None:
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    for row, (column, value) in zip(rows[50:53], [
            ("Trạng thái", "Chờ phê duyệt"), ("Ngày tiếp nhận", "31/02/2022 08:00"),
            ("Mã hồ sơ", "")], strict=True):
        row[header.index(column)] = value
    target.parent.mkdir()
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def load(export: Path, data: Path, streaming: Streaming | None) -> Batch:
    paths = DataPaths.of(data, inbox=export.parent)
    now = local_now()
    file = raw_archive.archive(export, paths, raw_archive.sha256_of(export), now)
    batch = validate_batch(build_batch([extract_file(
        file, paths.archived(file.archive_path), streaming)]), VALIDATED_ON)
    run = {"run_id": f"run-{data.name}", "flow": "test", "trigger": "manual",
           "parameters": {}, "started_at": now, "files_seen": 1}
    sequence.load_and_publish(paths, run, batch)
    return batch


@pytest.fixture(scope="module")
def two_loads(demo_paths, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("streaming")
    export = tmp / "inbox" / EXPORT
    with_broken_rows(demo_paths.inbox / EXPORT, export)
    held = load(export, tmp / "held", None)
    streamed = load(export, tmp / "streamed",
                    Streaming(tmp / "streamed" / "work" / "rows", above_rows=2_000,
                              chunk_rows=2_048))
    return tmp, held, streamed


def test_streamed_rows_went_through_parquet_in_chunks(two_loads):
    _, held, streamed = two_loads
    held_rejected = held.rejected_rows["rule"].str.startswith("gx:").sum()
    by_reader = sorted(held.rejected_rows.loc[~held.rejected_rows["rule"].str.startswith(
        "gx:"), "rule"])
    assert by_reader == ["missing_dossier_code", "unknown_status", "unparseable_date"]
    assert held.dossier_parts == [] and len(held.dossiers) > 9_000 and held_rejected > 0
    (part,) = streamed.dossier_parts
    assert len(streamed.dossiers) == 0
    assert part.rows.count == len(held.dossiers) + held_rejected
    assert len(list(part.rows.folder.glob("part-*.parquet"))) == -(-part.rows.count // 2048)
    assert len(part.rejected) == held_rejected  # received after 29/9: the suite, in SQL
    assert part.rows.rejected == 3  # by the reader, written to Parquet, not held
    assert streamed.dossier_rows == len(held.dossiers)


def test_streamed_load_equals_held_load(two_loads):
    tmp, _, _ = two_loads
    con = duckdb.connect()
    con.execute(f"attach '{tmp / 'held' / 'warehouse.duckdb'}' as held (read_only)")
    con.execute(f"attach '{tmp / 'streamed' / 'warehouse.duckdb'}' as streamed (read_only)")
    for table, volatile in COMPARED.items():
        exclude = f" exclude ({', '.join(volatile)})" if volatile else ""
        rows = {name: con.execute(f"select *{exclude} from {name}.{table} order by all"
                                  ).fetchall() for name in ("held", "streamed")}
        assert rows["held"] == rows["streamed"], table
        assert rows["held"], table
    assert con.execute("select count(*) from streamed.main.rejected_row"
                       " where rule like 'gx:%'").fetchone()[0] > 0
    assert con.execute("select count(*) from streamed.main.rejected_row"
                       " where rule not like 'gx:%' and raw_row like '%\"status\": %'"
                       ).fetchone()[0] == 3
