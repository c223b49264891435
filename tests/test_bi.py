"""baocao.bi.engine: a BI client sees each publish, where SQLAlchemy's default pool keeps
reading the file that was published when its connection opened. Real DuckDB files, a real
rename over the published file, as the nightly job does."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pytest
import sqlalchemy
from sqlalchemy.pool import NullPool

from baocao import bi

# A BI server with duckdb-engine's default pool (QueuePool), in a process of its own: it
# answers each line on stdin with the run_id it reads. A process apart, as a BI server is:
# within one process DuckDB shares one instance per path, so this pooled connection would
# also hold the old file for every other connection of the process.
POOLED_CLIENT = """
import sys
import sqlalchemy

engine = sqlalchemy.create_engine(sys.argv[1])
for _ in sys.stdin:
    with engine.connect() as con:
        run_id = con.execute(sqlalchemy.text("select run_id from meta_publish")).scalar()
    print(run_id, flush=True)
"""


def publish(published, run_id: str) -> None:
    """Build a new warehouse file beside the published one and rename it over it."""
    working = published.with_name("working.duckdb")
    with duckdb.connect(str(working)) as con:
        con.execute("create table meta_publish as select current_timestamp as published_at,"
                    " ? as run_id", [run_id])
    os.replace(working, published)


def read_run_id(engine: sqlalchemy.Engine) -> str:
    with engine.connect() as con:
        return con.execute(sqlalchemy.text("select run_id from meta_publish")).scalar()


def test_a_pooled_engine_keeps_yesterday_and_bi_engine_sees_each_publish(tmp_path):
    published = tmp_path / "warehouse.duckdb"
    publish(published, "yesterday")
    client = subprocess.Popen(
        [sys.executable, "-c", POOLED_CLIENT, f"duckdb:///{published}?access_mode=read_only"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def pooled_reads() -> str:
        client.stdin.write("\n")
        client.stdin.flush()
        return client.stdout.readline().strip()

    bi_engine = bi.engine(published)
    try:
        assert pooled_reads() == "yesterday"
        assert read_run_id(bi_engine) == "yesterday"
        publish(published, "today")
        assert pooled_reads() == "yesterday"  # the stale read BI users saw
        assert read_run_id(bi_engine) == "today"
        publish(published, "tomorrow")
        assert pooled_reads() == "yesterday"
        assert read_run_id(bi_engine) == "tomorrow"
    finally:
        client.stdin.close()
        client.wait(timeout=60)
    assert client.returncode == 0


def test_bi_engine_is_read_only_and_never_pools(tmp_path):
    published = tmp_path / "warehouse.duckdb"
    publish(published, "yesterday")
    bi_engine = bi.engine(published, echo=False)
    assert isinstance(bi_engine.pool, NullPool)
    with bi_engine.connect() as con, pytest.raises(sqlalchemy.exc.DBAPIError, match="read-only"):
        con.execute(sqlalchemy.text("delete from meta_publish"))
    with pytest.raises(TypeError):
        bi.engine(published, poolclass=sqlalchemy.pool.QueuePool)
