"""The warehouse's SQL: the tables that persist from run to run (`warehouse/tables/`) and
the models rebuilt from them (`warehouse/models/<layer>/`), one relation per file named
after it.

The build order is derived from the SQL: a model reads the relations it names, always
schema-qualified (`main.dim_period`, `intermediate.int_unit_rollup`), and is built after
every model among them. Sources (raw rows, seeds, the operations tables) are built by
nobody. A model never writes an operational table.

A table model may be incremental: a header line `-- incremental: <condition>` names, over
its rows (alias `t`) and the `scope` relations, the rows the current build may change. An
incremental build deletes those rows and inserts the model's rows that meet the condition;
every other model is built whole (load/incremental.py decides which kind of build).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from functools import cache
from graphlib import TopologicalSorter
from importlib import resources

import duckdb

log = logging.getLogger(__name__)
LAYERS = ("scope", "staging", "intermediate", "marts", "reports")
_CREATES = re.compile(
    r"^create\s+or\s+replace\s+(?:temp\s+)?(table|view|macro)\s+(\w+)\.(\w+)",
    re.IGNORECASE | re.MULTILINE)
_REFERENCE = re.compile(r"\b(raw|seed|scope|staging|intermediate|main)\.(\w+)\b")
_INCREMENTAL = re.compile(r"^--\s*incremental:\s*(.+)$", re.MULTILINE)
_TABLE = re.compile(r"^create\s+table\s+if\s+not\s+exists\s+(\w+)\.(\w+)",
                    re.IGNORECASE | re.MULTILINE)
# The seed tables the loader writes (load.seeds), by name in schema `seed`.
SEEDS = ("admin_unit", "unit_rollup", "period", "indicator", "ratio", "reporter",
         "service_index", "setting", "working_day")


@dataclass(frozen=True)
class Model:
    layer: str
    name: str  # the relation, schema-qualified: 'main.fact_dossier'
    kind: str  # 'table', 'view' or 'macro'
    sql: str

    @property
    def reads(self) -> frozenset[str]:
        """The relations its SQL and its incremental condition name, besides itself."""
        text = f"{_without_comments(self.sql)}\n{self.incremental or ''}"
        return frozenset(f"{s}.{n}" for s, n in _REFERENCE.findall(text)) - {self.name}

    @property
    def incremental(self) -> str | None:
        """The condition on its rows (alias `t`) that an incremental build replaces."""
        found = _INCREMENTAL.search(self.sql)
        return found.group(1).strip() if found else None

    def incremental_sql(self) -> list[str]:
        """The statements that replace the rows of the incremental condition."""
        body = _without_comments(self.sql)
        body = body[_CREATES.search(body).end():].strip()
        body = re.sub(r"^as\s", "", body, flags=re.IGNORECASE).strip().rstrip(";")
        return [f"delete from {self.name} as t where {self.incremental}",
                f"insert into {self.name} by name select * from ({body}) as t"
                f" where {self.incremental}"]


def _without_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def _sql_files(folder: str) -> list[tuple[str, str]]:
    root = resources.files("warehouse").joinpath(folder)
    return sorted((p.name, p.read_text(encoding="utf-8")) for p in root.iterdir()
                  if p.name.endswith(".sql"))


@cache
def models() -> tuple[Model, ...]:
    """Every model, each checked to create exactly the relation its file is named after."""
    found = []
    for layer in LAYERS:
        for file_name, sql in _sql_files(f"models/{layer}"):
            creates = _CREATES.findall(sql)
            stem = file_name.removesuffix(".sql")
            if len(creates) != 1 or creates[0][2] != stem:
                raise ValueError(f"warehouse/models/{layer}/{file_name} must create one "
                                 f"relation named {stem}, creates {creates}")
            kind, schema, name = creates[0]
            found.append(Model(layer, f"{schema}.{name}", kind.lower(), sql))
    return tuple(found)


@cache
def build_order() -> tuple[Model, ...]:
    """Models in an order where each comes after every model it reads."""
    by_name = {m.name: m for m in models()}
    graph = {m.name: {r for r in m.reads if r in by_name} for m in models()}
    return tuple(by_name[name] for name in TopologicalSorter(graph).static_order())


def sources() -> frozenset[str]:
    """Relations no model builds: the persisted tables and the seeds."""
    tables = {f"{schema}.{name}" for _, sql in _sql_files("tables")
              for schema, name in _TABLE.findall(sql)}
    return frozenset(tables | {f"seed.{name}" for name in SEEDS})


def misordered(order: tuple[Model, ...]) -> list[str]:
    """Each read of a relation that is neither a source nor built earlier in `order`."""
    built, problems = set(sources()), []
    for m in order:
        problems += [f"{m.name} reads {r}, built after it or never" for r in
                     sorted(m.reads - built)]
        built.add(m.name)
    return problems


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The schemas and the tables that persist (records of runs and files, raw rows)."""
    files = dict(_sql_files("tables"))
    con.execute(files.pop("schemas.sql"))
    for sql in files.values():
        con.execute(sql)


def build_models(con: duckdb.DuckDBPyConnection, incremental: bool = False) -> None:
    """Every model in order; in an incremental build, an incremental model replaces only
    the rows of its condition."""
    for model in build_order():
        start = time.perf_counter()
        if incremental and model.incremental:
            for statement in model.incremental_sql():
                con.execute(statement)
        else:
            con.execute(model.sql)
        log.debug("built %s (%s) in %.3f s", model.name,
                  "incremental" if incremental and model.incremental else "whole",
                  time.perf_counter() - start)


def model(name: str) -> Model:
    """One model by its schema-qualified name."""
    return next(m for m in models() if m.name == name)
