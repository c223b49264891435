"""The national roll-up: one DuckDB file with the report relations of every province.

Each province keeps its own data folder, warehouse and nightly run (docs/scale.md). The
roll-up never reads report files: it attaches the published province warehouses read-only,
copies their dimensions and report relations into one new file and publishes it by renaming
it into place, so a BI tool opening the roll-up reads yesterday's or today's, never a mix.
Codes are national (GSO) and unit keys are code + start year, so the provinces' rows never
collide, provided no unit is reported by two of them: that is checked first (two data
folders configured for overlapping areas would count a unit twice).

What a province's warehouse holds beyond its reports (dossiers, indicator facts, file
records, findings) stays in it: the roll-up answers "which unit, which period", and the
province's own file answers "which dossier, which file". `rollup_source` says which
province files, published when, the roll-up was made from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from common.clock import local_now
from common.datafolder import DataPaths
from common.vn_format import vn_int
from extract.sql_literals import sql_text
from load.warehouse import ROLLUP_ONLY, apply_comments

# Copied whole from every province (their rows are the province's units only).
REPORTS = ("report_one_stop", "report_one_stop_by_field", "report_service_index",
           "report_indicator", "report_indicator_ratio", "report_submission",
           "report_submission_rate")
# The same everywhere, or each province's units and reporters: one row per key.
DIMENSIONS = {"dim_period": "period_code", "dim_indicator": "indicator_code",
              "dim_ratio": "ratio_code", "dim_reporter": "reporter"}


class RollupProblem(ValueError):
    """A province file the roll-up cannot take; the message is for staff (Vietnamese)."""


def province_warehouse(source: Path) -> Path:
    """A data folder's published warehouse, or a warehouse file named directly."""
    source = Path(source)
    warehouse = DataPaths.of(source).warehouse if source.is_dir() else source
    if not warehouse.is_file():
        raise RollupProblem(f"Không có kho số liệu đã công bố tại {warehouse}.")
    return warehouse


def build_national(sources: Sequence[Path], out: Path,
                   progress: Callable[[str], None] = lambda step: None) -> dict[str, int]:
    """Write the roll-up of the province warehouses `sources` (data folders or files) to
    `out`, atomically; returns the rows of each relation."""
    warehouses = [province_warehouse(s) for s in sources]
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    _remove(partial)
    con = duckdb.connect(str(partial))
    try:
        for n, warehouse in enumerate(warehouses):
            con.execute(f"attach {sql_text(str(warehouse.absolute()))} as p{n} (read_only)")
        _refuse_shared_units(con, warehouses)
        for name, key in {"dim_admin_unit": "unit_key", **DIMENSIONS}.items():
            progress(name)
            _gather(con, name, len(warehouses), f"gathered_{name}", temporary=True)
            # A unit once, as the province reporting on it holds it (a neighbour's unit is
            # in a province's tree without its figures); the others are alike everywhere.
            order = f"{key}, in_area desc" if name == "dim_admin_unit" else key
            con.execute(f"create table main.{name} as select distinct on ({key}) * "
                        f"from gathered_{name} order by {order}")
        for name in REPORTS:
            progress(name)
            # Ordered by unit and period: a BI question for one unit and period reads only
            # the row groups whose min/max admit it.
            _gather(con, name, len(warehouses), f"main.{name}", "order by unit_code, period_code")
        _copy_sources(con, warehouses)
        for n in range(len(warehouses)):
            con.execute(f"detach p{n}")
        relations = ("dim_admin_unit", *DIMENSIONS, *REPORTS, *ROLLUP_ONLY)
        apply_comments(con, relations)  # the provinces detached: on the roll-up's only
        counts = {name: con.execute(f"select count(*) from main.{name}").fetchone()[0]
                  for name in relations}
        con.execute("checkpoint")
    except BaseException:
        con.close()
        _remove(partial)
        raise
    con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial.replace(out)
    return counts


def _remove(partial: Path) -> None:
    """A roll-up left unfinished (and its write-ahead log)."""
    partial.unlink(missing_ok=True)
    partial.with_name(partial.name + ".wal").unlink(missing_ok=True)


def _gather(con: duckdb.DuckDBPyConnection, name: str, count: int, target: str,
            order: str = "", temporary: bool = False) -> None:
    """Every province's `name` into the roll-up's table `target`, one insert a province."""
    for n in range(count):
        con.execute((f"create {'temporary ' * temporary}table {target} as " if n == 0
                     else f"insert into {target} by name ")
                    + f"select * from p{n}.main.{name} {order}")


def _refuse_shared_units(con: duckdb.DuckDBPyConnection, warehouses: Sequence[Path]) -> None:
    """Two province files reporting on one unit would count it twice."""
    areas = " union all ".join(
        f"select unit_key, unit_code, unit_name, {n} as source "
        f"from p{n}.main.dim_admin_unit where in_area" for n in range(len(warehouses)))
    shared = con.execute(f"""
        select unit_code, any_value(unit_name), list(distinct source order by source),
               count(*) over ()
        from ({areas}) group by unit_key, unit_code having count(distinct source) > 1
        order by unit_code limit 1""").fetchone()
    if shared:
        code, name, sources, count = shared
        raise RollupProblem(
            f"{name} (mã {code}) thuộc địa bàn của hai kho số liệu: "
            f"{warehouses[sources[0]]} và {warehouses[sources[1]]}; mỗi đơn vị chỉ được báo "
            f"cáo ở một tỉnh (kiểm tra baocao.toml của hai thư mục dữ liệu). Số đơn vị như "
            f"vậy: {vn_int(count)}.")


def _copy_sources(con: duckdb.DuckDBPyConnection, warehouses: Sequence[Path]) -> None:
    con.execute("""create table main.rollup_source (warehouse varchar, published_at timestamp,
                   data_as_of timestamp, run_id varchar, rolled_up_at timestamp)""")
    now = local_now()
    for n, warehouse in enumerate(warehouses):
        con.execute(f"""insert into main.rollup_source
                        select ?, published_at, data_as_of, run_id, ?
                        from p{n}.main.meta_publish""", [str(warehouse), now])
