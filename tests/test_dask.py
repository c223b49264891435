"""The files read by a 2-worker local Dask cluster through prefect-dask's DaskTaskRunner
publish the same warehouse as the default runner: the demo inbox, and a province's (its
workers must serve the data folder's area, not the default town)."""

from __future__ import annotations

import shutil

import duckdb

from common.datafolder import DataPaths
from tests.checksums import relation_checksums

PUBLISHED = ("dim_admin_unit", "fact_dossier", "fact_indicator", "report_one_stop",
             "report_one_stop_by_field", "report_indicator", "report_submission",
             "report_submission_rate", "rejected_row")


def test_a_dask_cluster_publishes_what_the_default_runner_does(demo_paths, tmp_path):
    from flows.nightly import run_nightly

    paths = DataPaths.of(tmp_path / "data")
    shutil.copytree(demo_paths.inbox, paths.inbox)
    summary = run_nightly(paths, workers=2)
    assert (summary["status"], summary["files_loaded"]) == ("succeeded", 95)
    assert relation_checksums(paths.warehouse, PUBLISHED) == relation_checksums(
        demo_paths.warehouse, PUBLISHED)


def test_dask_workers_read_a_provinces_files_for_its_area(small_province, tmp_path):
    from common.area import CONFIG_NAME
    from flows.nightly import run_nightly

    paths = DataPaths.of(tmp_path / "data")
    shutil.copytree(small_province.inbox, paths.inbox)
    shutil.copy(small_province.data_dir / CONFIG_NAME, paths.data_dir / CONFIG_NAME)
    summary = run_nightly(paths, workers=2)
    with duckdb.connect(str(small_province.warehouse), read_only=True) as con:
        (loaded,) = con.execute("select count(*) from etl_file where status = 'loaded'"
                                ).fetchone()
    assert summary["files_loaded"] == loaded > 50
    assert relation_checksums(paths.warehouse, PUBLISHED) == relation_checksums(
        small_province.warehouse, PUBLISHED)
