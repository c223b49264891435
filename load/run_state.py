"""The stage a run is in, in DATA_DIR/run/state.json: `baocao status` shows it, and the
crash tests use it to kill a run at a chosen point."""

from __future__ import annotations

import json
import os
from pathlib import Path

from load.archive import local_now


def state_file(data_dir: Path) -> Path:
    return data_dir / "run" / "state.json"


def mark(data_dir: Path, run_id: str, stage: str) -> None:
    path = state_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps({"run_id": run_id, "stage": stage, "pid": os.getpid(),
                                   "at": local_now().isoformat()}))
    partial.replace(path)


def read(data_dir: Path) -> dict | None:
    path = state_file(data_dir)
    return json.loads(path.read_text()) if path.exists() else None
