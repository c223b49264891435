"""The layout holds: packages import only those below them, SQL models read only what is
built before them, models never write operational tables, modules stay readable, and the
published relations of the demo are those the checksum list records."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from load.models import Model, build_order, misordered, models, sources
from load.seeds import load_seeds
from tests.checksums import read_checksums, relation_checksums

ROOT = Path(__file__).resolve().parents[1]
# Bottom to top: a package may import only the packages before it in this list.
STACK = ["common", "extract", "transform", "expectations", "load", "flows", "baocao"]
MAX_LINES = 600


def imported_packages(path: Path) -> set[str]:
    """Top-level packages of the project that a module imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(STACK)


def stack_violations(root: Path) -> list[str]:
    problems = []
    for package in STACK:
        allowed = set(STACK[:STACK.index(package) + 1])
        for path in sorted((root / package).rglob("*.py")):
            for other in sorted(imported_packages(path) - allowed):
                problems.append(f"{path.relative_to(root)} imports {other}, above {package}")
    return problems


def test_packages_import_only_those_below_them():
    assert stack_violations(ROOT) == []


def test_the_import_check_catches_an_import_that_runs_back_up(tmp_path):
    for package in STACK:
        (tmp_path / package).mkdir()
    (tmp_path / "extract" / "reader.py").write_text("def f():\n    from load import x\n")
    (tmp_path / "common" / "clock.py").write_text("import flows.nightly\n")
    assert stack_violations(tmp_path) == [
        "common/clock.py imports flows, above common",
        "extract/reader.py imports load, above extract"]


def test_every_model_reads_only_relations_built_before_it():
    assert misordered(build_order()) == []
    assert len(build_order()) == len(models())


def test_the_order_check_catches_a_model_read_before_it_is_built():
    assert misordered(tuple(reversed(build_order())))  # every read now comes too early
    ghost = Model("reports", "main.report_ghost", "table",
                  "create or replace table main.report_ghost as select * from main.nowhere")
    assert misordered((*build_order(), ghost)) == [
        "main.report_ghost reads main.nowhere, built after it or never"]


def test_models_name_relations_with_their_schema():
    """A bare name would escape the order check: every relation of `main` (the schema a
    bare name finds) that a model reads is schema-qualified."""
    names = {name.split(".")[1] for name in {m.name for m in models()} | sources()
             if name.startswith("main.")}
    bare = []
    for m in models():
        sql = re.sub(r"--[^\n]*", "", m.sql)
        bare += [f"{m.name}: {n}" for n in sorted(names)
                 if re.search(rf"(?<![.\w]){n}(?!\w)", sql)]
    assert bare == []


def test_models_never_write_operational_tables():
    for m in models():
        sql = re.sub(r"--[^\n]*", "", m.sql).lower()
        assert not re.search(r"\b(insert|update|delete|alter|drop)\b", sql), m.name
        assert m.name.split(".")[0] in {"scope", "staging", "intermediate", "main"}


def test_every_seed_table_is_loaded(tmp_path):
    import duckdb

    from load.models import SEEDS, create_tables

    con = duckdb.connect()
    create_tables(con)
    load_seeds(con)
    loaded = {t for (t,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'seed'").fetchall()}
    assert loaded == set(SEEDS)


@pytest.mark.parametrize("package", STACK)
def test_modules_stay_readable(package):
    long = [f"{p.relative_to(ROOT)}: {n}" for p in (ROOT / package).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert long == []


def test_demo_relations_are_unchanged(demo_paths):
    """Every published relation of the demo warehouse, row for row, against the list
    recorded before the layered redesign (tests/data/demo_relations.txt)."""
    recorded = read_checksums(ROOT / "tests" / "data" / "demo_relations.txt")
    assert relation_checksums(demo_paths.warehouse, tuple(recorded)) == recorded
