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


PROVINCE_COMMUNES = 10  # of Đồng Nai's 95, with their predecessors: the whole takes minutes


@pytest.fixture(scope="session")
def province(tmp_path_factory):
    """`baocao demo --area 75` on 10 of Đồng Nai's communes: (output, data folder, a
    read-only connection to its warehouse)."""
    from functools import partial

    from typer.testing import CliRunner

    from baocao.cli import app
    from baocao.demo import province as province_demo

    data_dir = tmp_path_factory.mktemp("province") / "data"
    smaller = partial(province_demo.write_province_inbox, communes=PROVINCE_COMMUNES)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(province_demo, "write_province_inbox", smaller)
        result = CliRunner().invoke(app, ["demo", "--area", "75", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        yield result.output, data_dir, con


@pytest.fixture(scope="session")
def small_province(tmp_path_factory):
    """Cao Bằng (`04`) on 2 of its communes with their predecessors: a second province,
    loaded by a real nightly run; its DataPaths."""
    from baocao.demo.province import prepare_data_folder, write_province_inbox
    from common.datafolder import DataPaths
    from flows.nightly import run_nightly

    paths = DataPaths.of(tmp_path_factory.mktemp("province04") / "data")
    prepare_data_folder(paths, "04")
    write_province_inbox(paths.inbox, area="04", communes=2)
    summary = run_nightly(paths)
    assert summary["status"] == "succeeded"
    return paths
