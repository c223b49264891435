"""The stage a run is in, in DATA_DIR/run/state.json: `baocao status` shows it, and the
crash tests use it to kill a run at a chosen point."""

from __future__ import annotations

import json
import os

from common.clock import local_now
from common.datafolder import DataPaths


def mark(paths: DataPaths, run_id: str, stage: str) -> None:
    path = paths.run_state
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps({"run_id": run_id, "stage": stage, "pid": os.getpid(),
                                   "at": local_now().isoformat()}))
    partial.replace(path)


def read(paths: DataPaths) -> dict | None:
    path = paths.run_state
    return json.loads(path.read_text()) if path.exists() else None
