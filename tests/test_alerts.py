"""Alerts: a failed run or a missed nightly shows in `baocao status`, and `status --check`
exits 1 with one Vietnamese line (0 and silence when all is well); with a webhook
configured, a failed run and a missed nightly are POSTed to it (a local HTTP server here),
and a webhook that does not answer never changes how a run ends."""

from __future__ import annotations

import json
import logging
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest
from typer.testing import CliRunner

from baocao.cli import app
from common.datafolder import DataPaths
from flows.nightly import run_nightly
from load.notify import ENVIRONMENT
from tests.personal_data import fragments, personal_values

runner = CliRunner()
WIDE = {"COLUMNS": "400"}  # one line stays one line


@pytest.fixture
def yesterday(demo_paths, tmp_path) -> DataPaths:
    """A copy of the demo data folder (its nightly run succeeded just now), empty inbox."""
    data = tmp_path / "data"
    shutil.copytree(demo_paths.data_dir, data, ignore=shutil.ignore_patterns("inbox", "work"))
    (data / "inbox").mkdir()
    return DataPaths.of(data)


@contextmanager
def webhook() -> Iterator[tuple[str, list[dict]]]:
    """A monitoring system's webhook on 127.0.0.1: its URL (with a secret in the path, as
    such URLs have) and the JSON bodies POSTed to it."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hooks/s3cret-token", received
    finally:
        server.shutdown()
        server.server_close()


def fail_a_run(paths: DataPaths) -> None:
    """A real failure before anything is read: a folder stands where the run writes its
    stage, so it cannot mark its first step (nor, afterwards, its failure)."""
    paths.run_state.with_suffix(".part").mkdir(parents=True)
    with pytest.raises(IsADirectoryError):
        run_nightly(paths)


def check(paths: DataPaths):
    return runner.invoke(app, ["status", "--check", "--data-dir", str(paths.data_dir)],
                         env=WIDE)


def test_check_is_silent_after_a_recent_successful_run(yesterday):
    result = check(yesterday)
    assert (result.exit_code, result.output) == (0, "")


def test_check_without_a_warehouse_alerts(tmp_path):
    result = check(DataPaths.of(tmp_path / "data"))
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "chưa có kho số liệu" in result.output


def test_a_failed_run_alerts_in_status_check_and_the_webhook(demo_paths, yesterday,
                                                             monkeypatch):
    with webhook() as (url, received):
        monkeypatch.setenv(ENVIRONMENT, url)
        fail_a_run(yesterday)
        result = check(yesterday)
    with duckdb.connect(str(yesterday.warehouse), read_only=True) as con:
        run_id, error = con.execute("select run_id, error from etl_run where status ="
                                    " 'failed'").fetchone()
    assert len(received) == 1  # from the run; --check does not send a failure again
    body = received[0]
    assert set(body) == {"source", "run_id", "status", "error_vi", "error_en", "data_dir",
                         "host", "at"}
    assert (body["run_id"], body["status"], body["data_dir"]) == (run_id, "failed", "data")
    assert body["error_en"] == error and error.startswith("IsADirectoryError")
    assert body["error_vi"].startswith(f"Lần chạy nightly (mã {run_id[:8]}, bắt đầu ")
    assert "thất bại: lỗi đọc hoặc ghi tệp" in body["error_vi"]
    assert not fragments(json.dumps(body, ensure_ascii=False)) & personal_values(
        demo_paths.inbox)

    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith(f"baocao: CẢNH BÁO lần chạy gần nhất (nightly, mã "
                                    f"{run_id[:8]}, lúc ")
    assert "thất bại: IsADirectoryError" in result.output
    status = runner.invoke(app, ["status", "--data-dir", str(yesterday.data_dir)], env=WIDE)
    assert status.exit_code == 0
    assert status.output.splitlines()[0] == result.output.strip()


@pytest.mark.parametrize(("hours_back", "alerted"), [(20, False), (30, True)])
def test_no_successful_nightly_for_26_hours_is_a_missed_run(yesterday, monkeypatch,
                                                            hours_back, alerted):
    with duckdb.connect(str(yesterday.warehouse)) as con:  # yesterday's run, longer ago
        con.execute(f"update etl_run set started_at = started_at - interval {hours_back} hour,"
                    f" finished_at = finished_at - interval {hours_back} hour")
    with webhook() as (url, received):
        monkeypatch.setenv(ENVIRONMENT, url)
        result = check(yesterday)
    if not alerted:
        assert (result.exit_code, result.output, received) == (0, "", [])
        return
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith("baocao: CẢNH BÁO không có lần chạy nightly thành công nào"
                                    " trong 26 giờ qua (lần gần nhất lúc ")
    assert [(r["status"], r["error_vi"]) for r in received] == [
        ("missed", result.output.strip())]


def test_a_webhook_that_does_not_answer_changes_nothing(yesterday, monkeypatch, caplog):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv(ENVIRONMENT, f"http://127.0.0.1:{port}/hooks/s3cret-token")
    caplog.set_level(logging.WARNING, logger="load.notify")
    fail_a_run(yesterday)  # fails as it would have, with its own error
    assert f"alert webhook to 127.0.0.1:{port} failed" in caplog.text
    assert "s3cret" not in caplog.text
    shutil.rmtree(yesterday.run_state.with_suffix(".part"))
    assert run_nightly(yesterday)["status"] == "succeeded"
