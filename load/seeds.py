"""The one loader of reference data: the seed tables (schema `seed`) from the seed files,
the catalog and `vietnamadminunits`, every run; the models build the dimensions from them."""

from __future__ import annotations

import duckdb

from common.units import home_units
from load.warehouse import replace_table
from transform.reference import seed_tables


def load_seeds(con: duckdb.DuckDBPyConnection) -> None:
    for name, frame in seed_tables(home_units()).items():
        replace_table(con, f"seed.{name}", frame)
