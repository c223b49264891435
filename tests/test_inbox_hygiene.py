"""Inbox hygiene: after a publish, `--move-processed` moves each handled inbox file into
`da-xu-ly/` or `bi-tu-choi/` (with a note in Vietnamese beside what was rejected), never
before; the scan never enters those folders; odd file names neither escape the inbox nor
break a command. Real runs on copies of the demo data folder, real files."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import unicodedata
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from baocao.cli import app
from common.datafolder import DataPaths
from flows.nightly import run_nightly
from load import run_state
from tests.builders import dossier, write_one_stop_csv

runner = CliRunner()


def code(n: int) -> str:
    return f"000.99.99.H10-221003-{n:04d}"  # dossier codes the demo never uses


@pytest.fixture
def yesterday(demo_paths, tmp_path) -> DataPaths:
    """A copy of the demo data folder (published warehouse, archive), an empty inbox."""
    data = tmp_path / "data"
    shutil.copytree(demo_paths.data_dir, data, ignore=shutil.ignore_patterns("inbox", "work"))
    (data / "inbox").mkdir()
    return DataPaths.of(data)


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def read_note(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


def test_run_move_processed_sorts_the_inbox_after_the_publish(demo_paths, yesterday):
    inbox = yesterday.inbox
    write_one_stop_csv(inbox / "moi.csv", [dossier(code(1), "03/10/2022 08:00", "10/10/2022")])
    (inbox / "thang 10").mkdir()
    write_one_stop_csv(inbox / "thang 10" / "co dong loi.csv", [
        dossier(code(2), "04/10/2022 08:00", "11/10/2022"),
        dossier(code(3), "32/13/2022", "11/10/2022")])  # a day that does not exist
    (inbox / "hong.xlsx").write_bytes(b"not a workbook at all")
    shutil.copy(next(demo_paths.inbox.glob("*.csv")), inbox / "ban sao.csv")  # loaded before
    (inbox / "~$dang mo.xlsx").write_bytes(b"Excel's lock file")  # never touched
    yesterday.processed.mkdir()
    (yesterday.processed / "moi.csv").write_text("an older file of the same name")
    yesterday.rejected.mkdir()
    write_one_stop_csv(yesterday.rejected / "cu.csv", [dossier(code(4), "05/10/2022 08:00")])

    result = runner.invoke(app, ["run", "--move-processed", "--data-dir",
                                 str(yesterday.data_dir)])
    assert result.exit_code == 0, result.output
    assert "Tệp mới: 3" in result.output  # moi, co dong loi, hong; ban sao is a copy

    assert tree(inbox) == {"~$dang mo.xlsx", "thang 10", "da-xu-ly", "bi-tu-choi",
                           "da-xu-ly/moi.csv", "da-xu-ly/moi (2).csv", "da-xu-ly/ban sao.csv",
                           "da-xu-ly/co dong loi.csv", "da-xu-ly/co dong loi.csv.txt",
                           "bi-tu-choi/cu.csv", "bi-tu-choi/hong.xlsx",
                           "bi-tu-choi/hong.xlsx.txt"}
    assert (yesterday.processed / "moi.csv").read_text() == "an older file of the same name"
    with duckdb.connect(str(yesterday.warehouse), read_only=True) as con:
        error = con.execute("select error from etl_file where path like '%hong.xlsx'"
                            ).fetchone()[0]
        assert con.execute("select count(*) from etl_file where path like '%cu.csv'"
                           ).fetchone()[0] == 0  # bi-tu-choi is never scanned
    rejected = read_note(yesterday.rejected / "hong.xlsx.txt")
    assert rejected.startswith("Ghi chú của baocao về tệp: hong.xlsx")
    assert "Bị từ chối, chưa nạp vào kho số liệu" in rejected and f"Lý do: {error}" in rejected
    assert "Cần làm:" in rejected and 'baocao check "đường dẫn tệp"' in rejected
    partial = read_note(yesterday.processed / "co dong loi.csv.txt")
    assert "Đã nạp, trừ 1 dòng bị loại" in partial
    assert "  - ô J3: Ngày không đọc được" in partial

    again = run_nightly(yesterday, move_processed=True)  # nothing left to read or move
    assert (again["files_seen"], again["files_loaded"]) == (0, 0)
    assert tree(inbox) == {"~$dang mo.xlsx", "thang 10", "da-xu-ly", "bi-tu-choi",
                           "da-xu-ly/moi.csv", "da-xu-ly/moi (2).csv", "da-xu-ly/ban sao.csv",
                           "da-xu-ly/co dong loi.csv", "da-xu-ly/co dong loi.csv.txt",
                           "bi-tu-choi/cu.csv", "bi-tu-choi/hong.xlsx",
                           "bi-tu-choi/hong.xlsx.txt"}
    with duckdb.connect(str(yesterday.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from etl_duplicate where run_id = ?",
                           [again["run_id"]]).fetchone()[0] == 0


def test_files_stay_in_the_inbox_without_the_option(yesterday):
    write_one_stop_csv(yesterday.inbox / "moi.csv", [dossier(code(1), "03/10/2022 08:00")])
    assert run_nightly(yesterday, move_processed=False)["files_loaded"] == 1
    assert tree(yesterday.inbox) == {"moi.csv"}


RUN_SCRIPT = textwrap.dedent("""
    import sys
    from common.datafolder import DataPaths
    from flows.nightly import run_nightly
    run_nightly(DataPaths.of(sys.argv[1]), move_processed=True)
""")


def test_a_run_killed_before_its_publish_moves_nothing(yesterday):
    from prefect.settings import PREFECT_API_URL

    write_one_stop_csv(yesterday.inbox / "moi.csv", [dossier(code(1), "03/10/2022 08:00")])
    (yesterday.inbox / "hong.xlsx").write_bytes(b"not a workbook at all")
    before = tree(yesterday.inbox)
    yesterday.run_state.unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_SCRIPT, str(yesterday.data_dir)],
        env={**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(),
             "PREFECT_LOGGING_LEVEL": "WARNING"})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        state = run_state.read(yesterday)
        if state and state["stage"] == "publish":  # the last moment before the rename
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    assert process.wait(timeout=30) == -signal.SIGKILL
    assert tree(yesterday.inbox) == before
    summary = run_nightly(yesterday, move_processed=True)  # the next run does the work
    assert summary["files_seen"] == 2
    assert tree(yesterday.inbox) == {"da-xu-ly", "da-xu-ly/moi.csv", "bi-tu-choi",
                                     "bi-tu-choi/hong.xlsx", "bi-tu-choi/hong.xlsx.txt"}


def long_name(suffix: str) -> str:
    """A name of exactly 255 bytes (the most a file system allows), in Vietnamese."""
    name = "hồ sơ một cửa tháng 10 " * 20
    while len(os.fsencode(name + suffix)) > 255:
        name = name[:-1]
    name += "x" * (255 - len(os.fsencode(name + suffix)))
    return name + suffix


ODD_LOADED = [long_name(".csv"), "báo cáo 📊 tháng 10.csv",
              unicodedata.normalize("NFD", "hồ sơ một cửa.csv"), "hồ sơ..tháng 10..csv",
              "-rf hồ sơ.csv", "[red]bản sửa[b].csv", "-..-.csv"]
ODD_REJECTED = [long_name(".xlsx"), "--help.xlsx", "a..b.xlsx", "tệp 😀 hỏng.xlsx"]


def test_odd_names_stay_inside_the_inbox_and_break_no_command(tmp_path):
    """Each name lands in da-xu-ly/ or bi-tu-choi/ under its own name, with a note (of at
    most 255 bytes) beside the rejected ones; nothing is written outside the data folder and
    the inbox; status, check and a second run work on them. A name in a legacy encoding
    (bytes that are not UTF-8) is recorded with U+FFFD and moved under its own bytes."""
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    for n, name in enumerate(ODD_LOADED):
        write_one_stop_csv(inbox / name, [dossier(code(n), "03/10/2022 08:00", "10/10/2022")])
    for name in ODD_REJECTED:
        (inbox / name).write_bytes(f"not a workbook: {name}".encode())
    legacy = os.fsdecode(b"b\xe1o c\xe1o c\xf5.csv")  # cp1258 bytes, not UTF-8
    write_one_stop_csv(inbox / legacy, [dossier(code(99), "03/10/2022 08:00", "10/10/2022")])
    paths = DataPaths.of(data, inbox=inbox)

    summary = run_nightly(paths, move_processed=True)
    assert summary["status"] == "succeeded"
    assert (summary["files_loaded"], summary["files_rejected"]) == (len(ODD_LOADED) + 1,
                                                                    len(ODD_REJECTED))
    assert sorted(os.listdir(tmp_path)) == ["data", "inbox"]
    assert sorted(os.listdir(inbox)) == ["bi-tu-choi", "da-xu-ly"]
    assert set(os.listdir(paths.processed)) == {*ODD_LOADED, legacy}
    rejected = set(os.listdir(paths.rejected))
    notes = rejected - set(ODD_REJECTED)
    assert rejected >= set(ODD_REJECTED) and len(notes) == len(ODD_REJECTED)
    assert all(len(os.fsencode(n)) <= 255 and n.endswith(".txt") for n in notes)
    assert f"{long_name('.xlsx')}.txt" not in notes  # 259 bytes: shortened to fit
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        recorded = {Path(p).name for (p,) in con.execute("select path from etl_file"
                                                                  ).fetchall()}
    assert recorded == {*ODD_LOADED, *ODD_REJECTED, "b\ufffdo c\ufffdo c\ufffd.csv"}

    status = runner.invoke(app, ["status", "--data-dir", str(data)], env={"COLUMNS": "400"})
    assert status.exit_code == 0, status.output
    assert "[red]bản sửa[b].csv" in status.output and "--help.xlsx" in status.output
    for name in ODD_LOADED + ODD_REJECTED:
        folder = paths.processed if name in ODD_LOADED else paths.rejected
        checked = runner.invoke(app, ["check", str(folder / name)])
        assert checked.exit_code == (0 if name in ODD_LOADED else 1), (name, checked.output)
    again = run_nightly(paths, move_processed=True)
    assert (again["status"], again["files_seen"]) == ("succeeded", 0)
