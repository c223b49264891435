"""The data folder: the one place that knows where everything under DATA_DIR lives.

    DATA_DIR/
      inbox/                    files staff drop (default; `--inbox` may point elsewhere)
      archive/<sha[:2]>/<sha>.<ext>   every file exactly as received
      archive/hash-index.json   sha256 of inbox files by path, size and mtime
      warehouse.duckdb          the published warehouse (default; `--warehouse`)
      work/warehouse.duckdb     the working copy a run builds in (never opened by BI tools)
      logs/run-*.log            engineers' log of each run
      run/state.json            the stage of the run in progress
      .writer.lock              one writer at a time
      quality/                  GX file context, Data Docs and quality pages
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
