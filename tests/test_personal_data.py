"""Personal data: what baocao creates is owner-only whatever the umask; the retention purge
deletes old one-stop exports from the archive, keeps what was loaded from them and records
it; a backfill that would need a purged file says so and goes on; Prefect's database and
result storage, the run logs and every file of the data folder outside the archive and the
inbox hold none of the applicants' names, ID numbers or phones."""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from baocao.cli import app
from common.datafolder import DataPaths
from flows.nightly import run_backfill, run_nightly
from load.inbox_hygiene import NOTE_FIRST_WORDS
from load.purge import default_before, purge_archive
from tests.builders import dossier, write_one_stop_csv
from tests.checksums import RELATIONS, relation_checksums
from tests.personal_data import fragments, personal_values

runner = CliRunner()
# What a purge or a backfill must leave as it was (dq_result gains each run's findings,
# etl_file the purge's record).
FIGURES = tuple(r for r in RELATIONS if r not in ("etl_file", "dq_result"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def yesterday(demo_paths, tmp_path) -> DataPaths:
    """A copy of the demo data folder (published warehouse, archive), an empty inbox."""
    data = tmp_path / "data"
    shutil.copytree(demo_paths.data_dir, data, ignore=shutil.ignore_patterns("inbox", "work"))
    (data / "inbox").mkdir()
    return DataPaths.of(data)


def test_what_baocao_creates_is_owner_only_whatever_the_umask(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_one_stop_csv(inbox / "moi.csv", [dossier("000.99.99.H10-221003-0001",
                                                   "03/10/2022 08:00", "10/10/2022")])
    paths = DataPaths.of(tmp_path / "srv" / "data", inbox=inbox)
    lax = os.umask(0o002)  # group- and world-readable by default: the modes must not follow
    try:
        assert run_nightly(paths)["status"] == "succeeded"
        folders = [paths.data_dir.parent, paths.data_dir, paths.archive, paths.working.parent,
                   paths.logs, paths.run_state.parent,
                   *(p for p in paths.archive.iterdir() if p.is_dir())]
        files = [paths.warehouse, paths.hash_index, *paths.logs.iterdir(),
                 *(p for p in paths.archive.rglob("*") if p.is_file())]
        assert len(files) >= 5
        assert {str(f): mode(f) for f in folders} == {str(f): 0o700 for f in folders}
        assert {str(f): mode(f) for f in files} == {str(f): 0o600 for f in files}

        paths.warehouse.chmod(0o640)  # the operator lets a BI account's group read it
        write_one_stop_csv(inbox / "them.csv", [dossier("000.99.99.H10-221003-0002",
                                                        "04/10/2022 08:00", "11/10/2022")])
        assert run_nightly(paths)["files_loaded"] == 1
        assert mode(paths.warehouse) == 0o640  # a new file, the permissions it was given
    finally:
        os.umask(lax)


def test_purge_deletes_old_exports_keeps_their_rows_and_records_it(demo_paths, yesterday):
    export = next(demo_paths.inbox.glob("*.csv"))
    for folder in (yesterday.processed, yesterday.rejected):  # copies a run moved aside
        folder.mkdir()
        shutil.copy(export, folder / export.name)
    note = yesterday.processed / f"{export.name}.txt"
    note.write_text(f"{NOTE_FIRST_WORDS}{export.name}\n")
    not_a_note = yesterday.rejected / f"{export.name}.txt"  # sent in, bearing a note's name
    not_a_note.write_text("a file staff sent")
    with duckdb.connect(str(yesterday.warehouse), read_only=True) as con:
        archived = dict(con.execute("select kind = 'one_stop', list(archive_path)"
                                    " from etl_file group by all").fetchall())
        dossier_rows = con.execute("select count(*) from raw.dossier_row").fetchone()[0]
    before = relation_checksums(yesterday.warehouse, FIGURES)

    result = runner.invoke(app, ["purge", "--before", "01/01/2023",
                                 "--data-dir", str(yesterday.data_dir)])
    assert result.exit_code == 0, result.output
    assert f"Đã xoá {len(archived[True])} tệp dữ liệu cá nhân" in result.output
    assert not any(yesterday.archived(a).exists() for a in archived[True])
    assert all(yesterday.archived(a).exists() for a in archived[False])
    assert relation_checksums(yesterday.warehouse, FIGURES) == before
    with duckdb.connect(str(yesterday.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.dossier_row").fetchone()[0] == dossier_rows
        assert dict(con.execute("select kind = 'one_stop', bool_and(purged_at is not null)"
                                " from etl_file group by all").fetchall()) == {
            True: True, False: False}
    assert not any(f.exists() for f in (yesterday.processed / export.name, note,
                                        yesterday.rejected / export.name))
    assert not_a_note.read_text() == "a file staff sent"

    again = runner.invoke(app, ["purge", "--before", "2023-01-01",
                                "--data-dir", str(yesterday.data_dir)])
    assert again.exit_code == 0 and "Đã xoá 0 tệp" in again.output


@pytest.mark.parametrize("day", ["31/02/2023", "2023-02-30", "01/01/2999", "2023/01/01"])
def test_purge_refuses_a_bad_or_future_day(yesterday, day):
    result = runner.invoke(app, ["purge", "--before", day, "--data-dir",
                                 str(yesterday.data_dir)])
    assert result.exit_code == 2 and "--before" in result.output
    assert all(a.exists() for a in yesterday.archive.glob("*/*.csv"))


def test_a_backfill_skips_a_purged_export_and_says_so(yesterday):
    purged = purge_archive(yesterday, default_before())  # a year's retention: all of 2022
    assert len(purged.files) >= 4
    before = relation_checksums(yesterday.warehouse, FIGURES)
    summary = run_backfill(yesterday, "2022-M05", "2022-M05")
    assert summary["status"] == "succeeded" and summary["files_seen"] >= 7  # the workbooks
    assert summary["error"].startswith(f"Không đọc lại được {len(purged.files)} tệp vì bản "
                                       "lưu trữ của chúng đã bị xoá theo thời hạn lưu trữ")
    assert Path(purged.files[0]).name in summary["error"]
    assert relation_checksums(yesterday.warehouse, FIGURES) == before
    with duckdb.connect(str(yesterday.warehouse), read_only=True) as con:
        assert con.execute("select status, error from etl_run order by started_at desc limit 1"
                           ).fetchone() == ("succeeded", summary["error"])
    status = runner.invoke(app, ["status", "--data-dir", str(yesterday.data_dir)],
                           env={"COLUMNS": "400"})
    assert "Không đọc lại được" in status.output


def _texts(raw: bytes) -> list[str]:
    """A file's text, and the text inside it when it is base64 (Prefect's pickled results)."""
    texts = [raw.decode("utf-8", "replace")]
    with contextlib.suppress(ValueError):  # not base64
        texts.append(base64.b64decode(raw, validate=True).decode("utf-8", "replace"))
    return texts


def _leaks(text: str, personal: set[str]) -> set[str]:
    return {v for line in text.splitlines() for v in fragments(line) & personal}


def test_prefect_and_the_run_logs_hold_no_personal_data(demo_paths):
    """The demo's real flow run: every text value of every table of Prefect's database
    (flow and task runs, their parameters, states and results, logs, events), Prefect's
    result storage, and every file of the data folder but the archive and the inbox (run
    logs, run state, Data Docs, quality pages; the warehouse's tables are scanned by
    test_demo_pipeline)."""
    from prefect.logging.handlers import APILogWorker
    from prefect.settings import (
        PREFECT_LOCAL_STORAGE_PATH,
        PREFECT_SERVER_DATABASE_CONNECTION_URL,
    )

    personal = personal_values(demo_paths.inbox)
    assert len(personal) > 1000
    APILogWorker.drain_all(timeout=30)  # the runs' logs still queued for the server

    database = Path(PREFECT_SERVER_DATABASE_CONNECTION_URL.value().split(":///", 1)[1])
    found = []
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as con:
        tables = [t for (t,) in con.execute("select name from sqlite_master where type ="
                                            " 'table'")]
        for table in tables:
            for column in [c[1] for c in con.execute(f'pragma table_info("{table}")')]:
                for (value,) in con.execute(f'select distinct "{column}" from "{table}"'):
                    if isinstance(value, str | bytes):
                        text = value if isinstance(value, str) else value.decode(
                            "utf-8", "replace")
                        found += [(table, column, v) for v in _leaks(text, personal)]
        # The right database: the demo's flow run, its task runs and logs are in it.
        assert con.execute("select count(*) from flow where name = 'nightly'").fetchone()[0]
        assert con.execute("select count(*) from task_run where name like 'extract_chunk%'"
                           ).fetchone()[0]
        assert con.execute("select count(*) from log where message like 'validated: %'"
                           ).fetchone()[0]

    storage = Path(PREFECT_LOCAL_STORAGE_PATH.value())
    scanned = [p for p in storage.rglob("*") if p.is_file()] if storage.exists() else []
    skipped = (demo_paths.archive, demo_paths.inbox)
    scanned += [p for p in demo_paths.data_dir.rglob("*") if p.is_file()
                and not any(folder in p.parents for folder in skipped)
                and ".duckdb" not in p.name]
    assert any(p.parent == demo_paths.logs for p in scanned)
    for path in scanned:
        found += [(str(path), "", v) for text in _texts(path.read_bytes())
                  for v in _leaks(text, personal)]
    assert found == []
