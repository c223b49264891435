"""One writer per data folder, whatever starts it (the CLI, a deployment, a second
`serve`): an exclusive `flock` on DATA_DIR/.writer.lock. The kernel releases it when the
holder dies, even by SIGKILL, so a stale lock never blocks the next night."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager

from common.clock import local_now
from common.datafolder import DataPaths


class WriterBusy(RuntimeError):
    """Another run holds the data folder."""


@contextmanager
def writer_lock(paths: DataPaths, run_id: str) -> Iterator[None]:
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    path = paths.writer_lock
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            raise WriterBusy(f"data folder {paths.data_dir} is being written by another run: "
                             f"{handle.read().strip() or 'unknown holder'}") from exc
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "run_id": run_id,
                                 "since": local_now().isoformat()}))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
