"""Deployments: the nightly schedule (01:30 Asia/Ho_Chi_Minh) and backfills on demand,
served by `baocao serve`.

One Prefect server for everything serve starts. With no PREFECT_API_URL configured,
Prefect would give the serving process a temporary server, and that server runs no
scheduler (the nightly would never be scheduled) and is known to no other process: a flow
run's process would start a temporary server of its own. So serve starts a real one
(`prefect server start`) and hands its address to every flow run it starts.

One run at a time: the runner starts one flow run at a time, so a backfill asked while
the nightly runs waits (Scheduled) until the nightly ends. No deployment concurrency
limits: their leases live in the server's memory, and a run whose lease cannot be found
(a process on another server, a server restarted) is cancelled. The data folder's writer
lock keeps any other writer out (a CLI run, a second serve). See docs/operations.md.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from prefect import serve
from prefect.schedules import Cron
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

from common.clock import LOCAL, local_from_timestamp
from common.datafolder import DataPaths
from flows.nightly import backfill, nightly

NIGHTLY_CRON = "30 1 * * *"
TIMEZONE = LOCAL.key  # the data's clock: Asia/Ho_Chi_Minh
NIGHTLY = f"{nightly.name}/baocao-nightly"
BACKFILL = f"{backfill.name}/baocao-backfill"
SERVER_STARTUP_SECONDS = 90  # the first start creates and migrates the server's database
PR_SET_PDEATHSIG = 1  # prctl(2): a signal for the child when its parent dies


class ServerUnavailable(RuntimeError):
    """The Prefect server that serve needs did not start."""

    def __init__(self, url: str, log: Path):
        super().__init__(f"Prefect server at {url} did not start; see {log}")
        self.url = url
        self.log = log


@dataclass(frozen=True)
class Served:
    """What `baocao serve` serves, as plain values for the message to staff."""

    data_dir: Path
    inbox: Path
    warehouse: Path
    api_url: str
    ui_url: str | None
    server_log: Path | None  # set when serve started the server itself
    nightly: str
    nightly_cron: str
    timezone: str
    next_nightly: dt.datetime  # local wall-clock time
    backfill: str
    backfill_command: str


def deployments(paths: DataPaths) -> list:
    common = {"data_dir": str(paths.data_dir), "warehouse_path": str(paths.warehouse)}
    return [
        nightly.to_deployment(
            name=NIGHTLY.split("/")[1], schedules=[Cron(NIGHTLY_CRON, timezone=TIMEZONE)],
            parameters={**common, "inbox": str(paths.inbox), "trigger": "schedule"},
            tags=["baocao"]),
        backfill.to_deployment(name=BACKFILL.split("/")[1], parameters=common,
                               tags=["baocao"]),
    ]


def next_nightly() -> dt.datetime:
    """The next nightly run (local wall-clock time) by Prefect's own cron schedule: the
    time the server's scheduler will choose."""
    from prefect.server.schemas.schedules import CronSchedule
    from prefect.utilities.asyncutils import run_coro_as_sync

    schedule = CronSchedule(cron=NIGHTLY_CRON, timezone=TIMEZONE)
    (first,) = run_coro_as_sync(schedule.get_dates(n=1, start=dt.datetime.now(LOCAL)))
    return local_from_timestamp(first.timestamp())


def served(paths: DataPaths, api_url: str, server_log: Path | None = None) -> Served:
    paths = _absolute(paths)
    return Served(
        data_dir=paths.data_dir, inbox=paths.inbox, warehouse=paths.warehouse,
        api_url=api_url, ui_url=get_current_settings().ui_url, server_log=server_log,
        nightly=NIGHTLY, nightly_cron=NIGHTLY_CRON, timezone=TIMEZONE,
        next_nightly=next_nightly(), backfill=BACKFILL,
        backfill_command=f"PREFECT_API_URL={api_url} prefect deployment run '{BACKFILL}' "
                         "-p period_from=2022-M01 -p period_to=2022-M03 --watch")


@contextmanager
def prefect_api(server_log: Path) -> Iterator[tuple[str, Path | None]]:
    """The Prefect API for serve and its flow runs: PREFECT_API_URL if configured; else a
    server at PREFECT_SERVER_API_HOST:PORT (127.0.0.1:4200), started here (its output in
    `server_log`) unless one already answers there, and stopped when serve stops. Yields
    the API's address and the log of the server started here, if any."""
    configured = PREFECT_API_URL.value()
    if configured:
        yield configured, None
        return
    address = get_current_settings().server.api
    url = f"http://{address.host}:{address.port}/api"
    process = None if _answers(url) else _start_server(url, server_log)
    try:
        # The settings, not only this process's: a flow run's process is started with
        # them, and without an API address it would start a temporary server of its own.
        with temporary_settings({PREFECT_API_URL: url}):
            yield url, server_log if process else None
    finally:
        if process:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def serve_deployments(paths: DataPaths,
                      announce: Callable[[Served], None] = lambda _: None) -> None:
    """Serve both deployments until stopped; `announce` gets what is served once the
    Prefect API is up, before the first poll."""
    paths = _absolute(paths)
    with prefect_api(paths.logs / "prefect-server.log") as (url, server_log):
        announce(served(paths, url, server_log))
        serve(*deployments(paths), limit=1, print_starting_message=False)


def _absolute(paths: DataPaths) -> DataPaths:
    # Flow runs get these as parameters; they must not depend on a working directory.
    return DataPaths(data_dir=paths.data_dir.absolute(), warehouse=paths.warehouse.absolute(),
                     inbox=paths.inbox.absolute())


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _start_server(url: str, log: Path) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        # A session of its own, so that Ctrl+C or a signal to serve's process group reaches
        # serve alone: serve shuts down through the server (it pauses the schedule), then
        # stops it. Should serve die without doing so (SIGKILL), Linux stops the server.
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--analytics-off"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_stopped_with_parent())
    deadline = time.monotonic() + SERVER_STARTUP_SECONDS
    while not _answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise ServerUnavailable(url, log)
        time.sleep(0.5)
    return process


def _stopped_with_parent() -> Callable[[], None] | None:
    if sys.platform != "linux":
        return None
    # Looked up before the fork: the child only makes the call.
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    return lambda: prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
