"""Deployments: the nightly schedule (01:30 Asia/Ho_Chi_Minh) and backfills on demand,
served by `baocao serve`. One run at a time per deployment; the data folder's writer lock
keeps any two writers apart whatever starts them."""

from __future__ import annotations

from prefect import serve
from prefect.schedules import Cron

from common.datafolder import DataPaths
from flows.nightly import backfill, nightly

NIGHTLY_CRON = "30 1 * * *"
TIMEZONE = "Asia/Ho_Chi_Minh"


def deployments(paths: DataPaths) -> list:
    common = {"data_dir": str(paths.data_dir), "warehouse_path": str(paths.warehouse)}
    return [
        nightly.to_deployment(
            name="baocao-nightly", schedules=[Cron(NIGHTLY_CRON, timezone=TIMEZONE)],
            parameters={**common, "inbox": str(paths.inbox), "trigger": "schedule"},
            concurrency_limit=1, tags=["baocao"]),
        backfill.to_deployment(
            name="baocao-backfill", parameters=common, concurrency_limit=1,
            tags=["baocao"]),
    ]


def serve_deployments(paths: DataPaths) -> None:
    serve(*deployments(paths))
