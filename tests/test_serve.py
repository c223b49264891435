"""`baocao serve` as it runs in an office: a real process, started with no Prefect server
configured, serving both deployments; a backfill asked through Prefect as staff ask it;
the warehouse's record of the run. One backfill of one month, to keep the suite short."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.sorting import FlowRunSort
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL, temporary_settings

from common.clock import LOCAL
from common.vn_format import vn_datetime
from flows.deployments import BACKFILL, NIGHTLY

BOUND = 240  # seconds for the whole exchange: serve's start, the server's, the run


def test_backfill_asked_through_a_running_serve_completes(demo_paths, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_paths.data_dir, data, ignore=shutil.ignore_patterns("work"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    # As on an office machine: no Prefect settings (this session's test server, its
    # analytics switch) and a Prefect home of its own. Serve must start a server and keep
    # telemetry off by itself.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PREFECT_") and k != "DO_NOT_TRACK"}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_API_PORT": str(port),
            # Only to save time: serve looks for runs every second instead of every ten.
            "PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    output = tmp_path / "serve.log"
    deadline = time.monotonic() + BOUND
    with output.open("wb") as out:
        serve = subprocess.Popen(
            [str(Path(sys.executable).with_name("baocao")), "serve", "--data-dir", str(data)],
            cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        with temporary_settings({PREFECT_API_URL: url}):
            _wait_for_deployments(serve, output, deadline)
            run = run_deployment(name=BACKFILL, poll_interval=1,
                                 parameters={"period_from": "2022-M05", "period_to": "2022-M05"},
                                 timeout=deadline - time.monotonic())
            assert run.state is not None and run.state.is_completed(), (
                f"{run.state}\n{output.read_text()}")
            next_nightly = _first_scheduled(NIGHTLY)
            analytics = _server_settings()["server"]["analytics_enabled"]
    finally:
        _stop(serve)

    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select flow, trigger, status from etl_run where run_id = ?",
                           [str(run.id)]).fetchall() == [("backfill", "backfill", "succeeded")]
    said = output.read_text()
    # What staff are told is what the server does: it serves this folder and schedules
    # the nightly at the time announced.
    assert f"Thư mục dữ liệu: {data}" in said and BACKFILL in said and url in said
    assert f"lần tới: {vn_datetime(next_nightly)} giờ Việt Nam" in said
    # No telemetry: the server's switch (its heartbeat, the UI's analytics and the clients'
    # events all follow it) is off, and no attempt logged an error, as one does on a
    # machine without Internet.
    assert analytics is False
    server_log = (data / "logs" / "prefect-server.log").read_text()
    assert "telemetry" not in said.lower() and "telemetry" not in server_log.lower()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_deployments(serve: subprocess.Popen, output: Path, deadline: float) -> None:
    """Until serve has said what it serves (its server is up by then) and registered both
    deployments."""
    def wait(until, what: str) -> None:
        while not until():
            assert serve.poll() is None, f"serve exited early:\n{output.read_text()}"
            assert time.monotonic() < deadline, f"{what} in time:\n{output.read_text()}"
            time.sleep(0.5)

    wait(lambda: "baocao serve đang chạy" in output.read_text(), "no announcement")
    with get_client(sync_client=True) as client:
        def registered() -> bool:
            try:
                return all(client.read_deployment_by_name(name) for name in (NIGHTLY, BACKFILL))
            except ObjectNotFound:
                return False

        wait(registered, "no deployments")


def _first_scheduled(name: str):
    """The first run the server has scheduled for a deployment, in local time."""
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(name)
        (first,) = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))),
            sort=FlowRunSort.EXPECTED_START_TIME_ASC, limit=1)
    return first.expected_start_time.astimezone(LOCAL).replace(tzinfo=None)


def _server_settings() -> dict:
    with get_client(sync_client=True) as client:
        return client.request("GET", "/admin/settings").json()


def _stop(serve: subprocess.Popen) -> None:
    """Stop serve as staff do (a signal to its process group: serve and its flow runs);
    serve then stops the Prefect server it started."""
    try:
        os.killpg(serve.pid, signal.SIGTERM)
        serve.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(serve.pid, signal.SIGKILL)
        serve.wait()
    except ProcessLookupError:
        serve.wait()
