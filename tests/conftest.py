"""Shared fixtures: one Prefect test server for the session, and the demo warehouse built
once by a real flow run on the generated demo inbox."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")



@pytest.fixture(scope="session", autouse=True)
def prefect_server():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(autouse=True)
def default_area():
    """Each test starts serving Phước Long town, whatever area a test before it served."""
    from common.area import use_default_area

    use_default_area()
    yield
    use_default_area()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The field guide and tools beside the checkout (`../shared`)."""
    return Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def demo_paths(tmp_path_factory):
    """The demo data folder after one real nightly run on the demo inbox."""
    from baocao.demo import write_demo_inbox
    from common.datafolder import DataPaths
    from flows.nightly import run_nightly

    paths = DataPaths.of(tmp_path_factory.mktemp("demo") / "data")
    write_demo_inbox(paths.inbox)
    summary = run_nightly(paths)
    assert summary["status"] == "succeeded"
    return paths


@pytest.fixture(scope="session")
def demo_db(demo_paths):
    with duckdb.connect(str(demo_paths.warehouse), read_only=True) as con:
        yield con
