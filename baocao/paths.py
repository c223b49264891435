"""Where a data folder keeps its inbox, archive, warehouse and logs."""

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

    @property
    def working(self) -> Path:
        # Beside the data, never beside the published file: BI tools must not see it.
        return self.data_dir / "work" / "warehouse.duckdb"

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"
