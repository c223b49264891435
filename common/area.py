"""The area a data folder serves: configuration, not code.

`DATA_DIR/baocao.toml` (written by `baocao init --area CODE`) names the area — a 2025
province (`75`) or commune (`25220`), or a pre-2025 province (`70`) or district (`688`) for
its historical series — and the departments that report besides the communes, with the
names their title blocks use. A data folder without it serves Phước Long town (`688`) with
the town's three departments, as baocao always has.

A process serves one area at a time: the flows and commands call `use_area(data_dir)`
first, and everything that resolves units and reporters asks `current_area()`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from common.seeds import seed_rows

CONFIG_NAME = "baocao.toml"
DEFAULT_AREA = "688"


class UnknownArea(ValueError):
    """An area code vietnamadminunits does not know; the message is for staff."""


@dataclass(frozen=True)
class Department:
    """A department that sends monthly reports besides the communes."""

    reporter: str  # stable id, e.g. 'ttyt_688'
    name_vi: str
    title_synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Area:
    code: str
    departments: tuple[Department, ...] = field(default=())
    deadline_working_days: int | None = None  # None: the seed setting
    catalog: str | None = None  # path of a catalog kept outside the package
    dask_address: str | None = None  # a Dask scheduler the runs read files with


def _default_departments() -> tuple[Department, ...]:
    """Phước Long town's departments (`warehouse/seeds/departments.csv`)."""
    return tuple(Department(r["reporter"], r["name_vi"],
                            tuple(s.strip() for s in r["title_synonyms"].split("|")
                                  if s.strip()))
                 for r in seed_rows("departments.csv"))


DEFAULT = Area(DEFAULT_AREA, _default_departments())
_current: Area = DEFAULT


def read_area(data_dir: Path) -> Area:
    """The area of a data folder: its baocao.toml, or Phước Long town."""
    path = Path(data_dir) / CONFIG_NAME
    if not path.exists():
        return DEFAULT
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    area = config.get("area", {})
    return Area(
        code=str(area["code"]),
        departments=tuple(Department(str(d["reporter"]), str(d["name_vi"]),
                                     tuple(d.get("title_synonyms", ())))
                          for d in config.get("departments", [])),
        deadline_working_days=config.get("deadline", {}).get("working_days"),
        catalog=config.get("catalog", {}).get("path"),
        dask_address=config.get("dask", {}).get("address"))


def use_area(data_dir: Path) -> Area:
    """Serve the data folder's area in this process."""
    global _current
    _current = read_area(data_dir)
    return _current


def current_area() -> Area:
    return _current


def use_default_area() -> Area:
    """Serve Phước Long town, as a data folder without configuration does."""
    global _current
    _current = DEFAULT
    return _current


def write_config(data_dir: Path, area: Area, name: str) -> Path:
    """baocao.toml for an area, with its departments (none: staff add them)."""
    lines = [f"# baocao: {name}", "[area]", f'code = "{area.code}"', ""]
    for d in area.departments:
        lines += ["[[departments]]", f'reporter = "{d.reporter}"', f'name_vi = "{d.name_vi}"',
                  "title_synonyms = [" + ", ".join(f'"{s}"' for s in d.title_synonyms) + "]",
                  ""]
    lines += ["# [deadline]", "# working_days = 2   # reports due N working days after the 14th",
              "# [catalog]", "# path = \"/srv/baocao/indicators.csv\"",
              "# [dask]     # read files on a Dask cluster (every worker sees DATA_DIR)",
              "# address = \"tcp://scheduler:8786\""]
    path = Path(data_dir) / CONFIG_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def config_section(data_dir: Path, name: str) -> dict:
    """One table of the data folder's baocao.toml ({} when absent), e.g. `[reminders]`."""
    path = Path(data_dir) / CONFIG_NAME
    if not path.exists():
        return {}
    return dict(tomllib.loads(path.read_text(encoding="utf-8")).get(name, {}))
