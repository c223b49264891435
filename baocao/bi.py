"""A SQLAlchemy engine for BI clients (dashboards, notebooks) that sees every publish.

The nightly job publishes by renaming a new file over the warehouse. A DuckDB connection
keeps reading the file it opened, so a connection that SQLAlchemy's default pool keeps open
serves the figures of the day it was opened, however many publishes pass. With `NullPool`
every checkout opens the file that is published now, and returning it closes it.

DuckDB shares one database instance per file path within a process: while any other
connection of the same process still holds an older file open (a pooled engine, a
`duckdb.connect` left open in a notebook), a new connection to that path joins it and reads
the older file too. Close those, or keep BI reads to this engine.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy
from sqlalchemy.pool import NullPool


def engine(warehouse_path: str | Path, **kwargs) -> sqlalchemy.Engine:
    """A read-only duckdb-engine engine on the published warehouse that opens the current
    file at every checkout. `kwargs` go to `sqlalchemy.create_engine` (`echo`,
    `connect_args`, …); a `poolclass` of one's own is refused, since pooling is what would
    keep yesterday's file open. For pandas: `pd.read_sql("select * from report_one_stop",
    engine("data/warehouse.duckdb"))`.
    """
    url = sqlalchemy.URL.create("duckdb", database=str(Path(warehouse_path).absolute()),
                                query={"access_mode": "read_only"})
    return sqlalchemy.create_engine(url, poolclass=NullPool, **kwargs)
