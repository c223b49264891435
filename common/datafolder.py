"""The data folder: the one place that knows where everything under DATA_DIR lives.

    DATA_DIR/
      inbox/                    files staff drop (default; `--inbox` may point elsewhere)
      archive/<sha[:2]>/<sha>.<ext>   every file exactly as received
      archive/hash-index.json   sha256 of inbox files by path, size and mtime
      warehouse.duckdb          the published warehouse (default; `--warehouse`)
      work/warehouse.duckdb     the working copy a run builds in (never opened by BI tools)
      work/rows/<sha256>/       accepted rows of a very large export, streamed (Parquet)
      logs/run-*.log            engineers' log of each run
      run/state.json            the stage of the run in progress
      .writer.lock              one writer at a time
      quality/                  GX file context, Data Docs and quality pages
    INBOX/da-xu-ly/, INBOX/bi-tu-choi/   files a run handled (`--move-processed`)

The archive and the inbox hold citizens' personal data (docs/personal-data.md): what baocao
creates in the data folder is owner-only (folders 0700, files 0600) whatever the umask; the
folders it makes in the inbox take the inbox's permissions (staff read what is there).
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# Inbox folders a run moves handled files into; the inbox scan never enters them.
PROCESSED = "da-xu-ly"
REJECTED = "bi-tu-choi"


def private_dir(path: Path) -> Path:
    """A folder (and its missing parents) created owner-only. A folder that exists keeps its
    mode: the operator may have opened it on purpose (staff reach an inbox inside DATA_DIR)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    for created in missing:
        created.chmod(PRIVATE_DIR)  # mkdir's mode is cut by the umask; chmod is not
    return path


def private_file(path: Path) -> Path:
    """A file (created empty if missing) readable and writable by its owner only."""
    path.touch(exist_ok=True)
    path.chmod(PRIVATE_FILE)
    return path


@dataclass(frozen=True)
class DataPaths:
    data_dir: Path
    warehouse: Path  # the published file BI tools open read-only
    inbox: Path

    @classmethod
    def of(cls, data_dir: Path | str = "data", warehouse: Path | str | None = None,
           inbox: Path | str | None = None) -> DataPaths:
        data_dir = Path(data_dir)
        return cls(data_dir=data_dir,
                   warehouse=Path(warehouse) if warehouse else data_dir / "warehouse.duckdb",
                   inbox=Path(inbox) if inbox else data_dir / "inbox")

    @property
    def archive(self) -> Path:
        return self.data_dir / "archive"

    def archived(self, relative: str | Path) -> Path:
        """An archived file from the path etl_file records (relative to the data folder, so
        that the folder can be moved)."""
        return self.data_dir / relative

    @staticmethod
    def archive_name(sha256: str, suffix: str) -> Path:
        """Where a file of this content is archived, relative to the data folder."""
        return Path("archive") / sha256[:2] / f"{sha256}{suffix.lower()}"

    @property
    def hash_index(self) -> Path:
        return self.archive / "hash-index.json"

    @property
    def working(self) -> Path:
        # Beside the data, never beside the published file: BI tools must not see it.
        return self.data_dir / "work" / "warehouse.duckdb"

    @property
    def streamed_rows(self) -> Path:
        """Where a run writes the accepted rows of very large exports (one folder per file,
        Parquet; no personal data), emptied when a run starts and after it publishes."""
        return self.data_dir / "work" / "rows"

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"

    @property
    def run_state(self) -> Path:
        return self.data_dir / "run" / "state.json"

    @property
    def writer_lock(self) -> Path:
        return self.data_dir / ".writer.lock"

    @property
    def quality(self) -> Path:
        """GX's file context (Data Docs are rendered from it)."""
        return self.data_dir / "quality"

    @property
    def data_docs(self) -> Path:
        return self.quality / "data_docs"

    def quality_page(self, run_id: str) -> Path:
        return self.quality / f"run-{run_id}.html"

    @property
    def processed(self) -> Path:
        """Inbox files a run loaded (or found already loaded), moved out of the way."""
        return self.inbox / PROCESSED

    @property
    def rejected(self) -> Path:
        """Inbox files a run rejected, each with a note saying why."""
        return self.inbox / REJECTED

    def ensure(self) -> None:
        """The folders a run writes, owner-only. Those only baocao uses (archive, working
        copy, run state, logs) are made owner-only even when they exist (a data folder from
        before this rule); the data folder and the warehouse's folder only when created."""
        for folder in (self.data_dir, self.warehouse.parent):
            private_dir(folder)
        for folder in (self.archive, self.working.parent, self.run_state.parent, self.logs):
            private_dir(folder).chmod(PRIVATE_DIR)

    @contextmanager
    def publishing(self) -> Iterator[None]:
        """Around runs that rename a new file over the published warehouse: the new file gets
        the permissions of the one it replaces (an operator may have let a BI account read
        it), owner-only the first time."""
        mode = (stat.S_IMODE(self.warehouse.stat().st_mode) if self.warehouse.exists()
                else PRIVATE_FILE)
        try:
            yield
        finally:
            if self.warehouse.exists():
                self.warehouse.chmod(mode)
