"""Operations: incremental runs, supersession, backfill, failure records, the writer lock,
readers during a publish, and SIGKILL at several stages. Each test works on a copy of the
session's demo data folder (warehouse + archive), i.e. "yesterday"."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from common.datafolder import DataPaths
from flows.nightly import run_backfill, run_nightly
from load import run_state, sequence
from load.lock import WriterBusy, writer_lock

PUBLIC = ["fact_dossier", "fact_indicator", "report_one_stop", "report_indicator",
          "report_indicator_ratio", "report_submission"]
VOLATILE = {"load_id", "source_file"}  # which run/inbox path first brought a row


def snapshot(warehouse: Path, tables=PUBLIC) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        out = {}
        for table in tables:
            columns = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_name = ?"
                " order by ordinal_position", [table]).fetchall() if c not in VOLATILE]
            out[table] = con.execute(
                f"select {', '.join(columns)} from {table} order by all").fetchall()
        return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def yesterday(demo_paths, tmp_path) -> DataPaths:
    """A copy of the demo data folder: published warehouse and raw archive, empty inbox."""
    data = tmp_path / "data"
    shutil.copytree(demo_paths.data_dir, data, ignore=shutil.ignore_patterns("inbox", "work"))
    (data / "inbox").mkdir()
    return DataPaths.of(data)


def corrected_workbook(demo_paths: DataPaths, inbox: Path) -> tuple[Path, float]:
    """Phước Tín's M05 report sent again with a later date line and 7 more jobs created."""
    source = next(demo_paths.inbox.glob("bao cao T05.2022 Phuoc Tin.xlsx"))
    book = load_workbook(source)
    sheet = book.active
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and "ngày" in cell.value and "tháng 5" in cell.value:
                cell.value = "Phước Tín, ngày 20 tháng 5 năm 2022"
            if isinstance(cell.value, str) and cell.value.startswith(
                    "Số lao động được giải quyết việc làm"):
                month_cell = sheet.cell(row=cell.row, column=5)
                old = month_cell.value
                month_cell.value = float(str(old).replace(".", "")) + 7
    target = inbox / "bao cao T05.2022 Phuoc Tin (sua).xlsx"
    book.save(target)
    return target, 7.0


def jobs_created(warehouse: Path) -> float:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select actual_value from report_indicator where unit_code = '688' and scope ="
            " 'area' and period_code = '2022-9M' and indicator_code = 'jobs_created'"
        ).fetchone()[0]


def test_same_inbox_twice_loads_nothing_and_changes_no_table(demo_paths, yesterday):
    before = snapshot(yesterday.warehouse)
    summary = run_nightly(DataPaths.of(yesterday.data_dir, inbox=demo_paths.inbox))
    assert (summary["files_seen"], summary["rows_loaded"]) == (0, 0)
    assert snapshot(yesterday.warehouse) == before


def test_changed_file_supersedes_its_predecessor(demo_paths, yesterday):
    before = jobs_created(yesterday.warehouse)
    corrected_workbook(demo_paths, yesterday.inbox)
    summary = run_nightly(yesterday)
    assert summary["files_loaded"] == 1
    assert jobs_created(yesterday.warehouse) == before + 7
    with duckdb.connect(str(yesterday.warehouse), read_only=True) as con:
        statuses = con.execute(
            "select status, path like '%(sua)%' from etl_file where reporter = 'ubnd_25249'"
            " and period_code = '2022-M05' order by file_id").fetchall()
    assert statuses == [("superseded", False), ("loaded", True)]


def test_backfill_from_archive_equals_fresh_build(demo_db, yesterday):
    fresh = snapshot(yesterday.warehouse)
    with duckdb.connect(str(yesterday.warehouse)) as con:  # an earlier, faulty load of M05
        con.execute("delete from raw.indicator_row where period_code = '2022-M05'")
        sequence.rebuild_models(con)
    assert snapshot(yesterday.warehouse) != fresh
    summary = run_backfill(yesterday, "2022-M05", "2022-M05")
    assert summary["files_seen"] >= 10  # M05 workbooks and the exports covering May
    assert snapshot(yesterday.warehouse) == fresh
    with duckdb.connect(str(yesterday.warehouse), read_only=True) as con:
        assert con.execute("select trigger, status from etl_run order by started_at desc"
                           " limit 1").fetchone() == ("backfill", "succeeded")


def test_failed_run_publishes_only_the_failure(yesterday):
    """A run that cannot load (here a warehouse whose raw rows lost a column, as a bad
    migration would leave it; an unreadable file only rejects itself) fails as a whole."""
    with duckdb.connect(str(yesterday.warehouse)) as con:
        con.execute("alter table raw.dossier_row drop column outcome")
    before = snapshot(yesterday.warehouse)
    with pytest.raises(duckdb.BinderException):
        run_backfill(yesterday, "2022-M09", "2022-M09")
    assert snapshot(yesterday.warehouse) == before
    with duckdb.connect(str(yesterday.warehouse), read_only=True) as con:
        status, error = con.execute("select status, error from etl_run order by started_at"
                                    " desc limit 1").fetchone()
    assert status == "failed" and "BinderException" in error
    assert run_state.read(yesterday)["stage"] == "failed"


def test_writer_lock_keeps_a_second_writer_out(yesterday):
    with writer_lock(yesterday, "someone-else"), pytest.raises(WriterBusy) as caught:
        run_nightly(yesterday)
    assert "someone-else" in str(caught.value)


def _subprocess_env() -> dict[str, str]:
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(),
            "PREFECT_LOGGING_LEVEL": "WARNING"}


def _restamp_exports(demo_paths: DataPaths, inbox: Path) -> None:
    """The demo's four exports again with new bytes (one trailing empty line) and the same
    modification times: new files to the pipeline, the same dossiers."""
    for source in demo_paths.inbox.iterdir():
        if source.suffix == ".csv":
            target = inbox / f"again {source.name}"
            target.write_bytes(source.read_bytes() + b"\r\n")
            os.utime(target, (source.stat().st_atime, source.stat().st_mtime))


RUN_SCRIPT = textwrap.dedent("""
    import sys
    from common.datafolder import DataPaths
    from flows.nightly import run_nightly
    run_nightly(DataPaths.of(sys.argv[1]))
""")


def test_sigkill_at_any_stage_leaves_the_published_file_unchanged(demo_paths, yesterday):
    _restamp_exports(demo_paths, yesterday.inbox)
    published = sha256(yesterday.warehouse)
    for stage in ("extract", "load", "publish"):
        yesterday.run_state.unlink(missing_ok=True)
        process = subprocess.Popen([sys.executable, "-c", RUN_SCRIPT, str(yesterday.data_dir)],
                                   env=_subprocess_env())
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            state = run_state.read(yesterday)
            if state and state["stage"] == stage:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
        assert process.wait(timeout=30) == -signal.SIGKILL, f"not killed at {stage}"
        assert sha256(yesterday.warehouse) == published, f"published file changed at {stage}"
    summary = run_nightly(yesterday)  # starts clean: stale working file, no lock left
    assert summary["status"] == "succeeded" and summary["files_seen"] == 2
    assert snapshot(yesterday.warehouse, PUBLIC[1:]) == snapshot(demo_paths.warehouse,
                                                                 PUBLIC[1:])


READER_SCRIPT = textwrap.dedent("""
    import json, sys, time
    import duckdb
    answers, failures, stop = [], [], time.monotonic() + float(sys.argv[2])
    while time.monotonic() < stop:
        try:
            con = duckdb.connect(sys.argv[1], read_only=True)
            answers.append(con.execute(
                "select received_total, resolved_total, pending_total, withdrawn"
                " from report_one_stop where unit_code = '688' and period_code = '2022-M05'"
                " and scope = 'area'").fetchone())
            con.close()
        except Exception as exc:
            failures.append(repr(exc))
    print(json.dumps({"answers": answers, "failures": failures}))
""")


def test_readers_during_a_publish_see_old_or_new_never_a_mix(demo_paths, yesterday):
    """A reader opens a fresh read-only connection per query while the nightly run
    publishes an export that adds a dossier in May."""
    old = snapshot(yesterday.warehouse, ["report_one_stop"])
    rows = [["STT", "Mã hồ sơ", "Đơn vị tiếp nhận", "Hình thức nộp", "Mức độ",
             "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Trạng thái"],
            ["1", "000.99.99.H10-220505-9999", "UBND phường Long Thủy", "Trực tiếp", "2",
             "05/05/2022 08:00", "10/05/2022", "09/05/2022 09:00", "Đã trả kết quả"]]
    (yesterday.inbox / "bo sung.csv").write_text(
        "\n".join(",".join(r) for r in rows), encoding="utf-8")
    reader = subprocess.Popen([sys.executable, "-c", READER_SCRIPT, str(yesterday.warehouse),
                               "25"], stdout=subprocess.PIPE, text=True)
    time.sleep(3)
    run_nightly(yesterday)
    result = json.loads(reader.communicate(timeout=60)[0])
    assert result["failures"] == []
    answers = {tuple(a) for a in result["answers"]}
    before = next(r for r in old["report_one_stop"] if r[1] == "688" and r[3] == "2022-M05"
                  and r[4] == "area")
    old_answer = (before[10], before[11], before[16], before[15])
    new_answer = (old_answer[0] + 1, old_answer[1] + 1, old_answer[2], old_answer[3])
    assert answers == {old_answer, new_answer}


def test_a_backfill_never_loses_rows_it_cannot_read_again(yesterday):
    """An archived export deleted by hand (not purged): the backfill cannot read it, and
    keeps what was loaded from it rather than rejecting it after the fact."""
    before = snapshot(yesterday.warehouse)
    for archived in (yesterday.data_dir / "archive").glob("*/*.csv"):
        archived.unlink()
    summary = run_backfill(yesterday, "2022-M09", "2022-M09")
    assert summary["status"] == "succeeded"
    assert snapshot(yesterday.warehouse) == before
