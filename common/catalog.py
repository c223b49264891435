"""The catalog: indicators (names, synonyms, `sum`/`last`, plan, reporter scope), derived
ratios and the reporters expected to send monthly reports. CSV files in `warehouse/seeds/`
that staff extend without code changes; an indicator catalog kept outside the package is
used instead when `BAOCAO_CATALOG=/path/to/indicators.csv` is set."""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from common.area import Area, current_area
from common.seeds import seed_rows
from common.text import fold
from common.units import area_kind, area_units

# An indicator catalog kept outside the package (staff's copy of indicators.csv), if set.
CATALOG_ENV = "BAOCAO_CATALOG"


def _synonyms(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split("|") if part.strip()]


@dataclass(frozen=True)
class Indicator:
    code: str
    name_vi: str
    name_en: str
    unit_vi: str
    aggregation: str  # 'sum' or 'last'
    domain: str
    has_plan: bool
    reporter_scope: str  # 'commune' or 'town'
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    indicators: dict[str, Indicator]
    ratios: list[dict[str, str]]

    @cached_property
    def index(self) -> dict[str, str]:
        """Folded name or synonym → indicator code."""
        out: dict[str, str] = {}
        for ind in self.indicators.values():
            for text in (ind.name_vi, *ind.synonyms):
                out[fold(text)] = ind.code
        return out


def _catalog_rows() -> list[dict[str, str]]:
    override = os.environ.get(CATALOG_ENV) or current_area().catalog
    if override:
        return list(csv.DictReader(Path(override).read_text(encoding="utf-8").splitlines()))
    return seed_rows("indicators.csv")


@cache
def load_catalog() -> Catalog:
    indicators = {
        row["indicator_code"]: Indicator(
            code=row["indicator_code"],
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            unit_vi=row["unit_vi"],
            aggregation=row["aggregation"],
            domain=row["domain"],
            has_plan=row["has_plan"].strip().lower() == "true",
            reporter_scope=row["reporter_scope"],
            synonyms=tuple(_synonyms(row["synonyms"])),
        )
        for row in _catalog_rows()
    }
    return Catalog(indicators=indicators, ratios=seed_rows("ratios.csv"))


@dataclass(frozen=True)
class Reporter:
    """Who sends monthly reports: each commune of the area (from the unit tree, for the
    months it exists) and the area's departments (from its configuration)."""

    reporter: str  # 'ubnd_25216'; a 2025 unit whose code an older one had: 'ubnd_25217_2025'
    unit_code: str
    name_vi: str
    scope: str  # 'commune' or 'town' (a department of the area itself)
    valid_from: dt.date | None
    valid_to: dt.date | None
    title_synonyms: tuple[str, ...] = ()


def load_reporters() -> dict[str, Reporter]:
    return reporters_of(current_area())


@cache
def reporters_of(area: Area) -> dict[str, Reporter]:
    units = area_units(area.code)
    me = next(u for u in units if u.unit_code == area.code
               and (u.valid_from is not None) == area_kind(area.code).endswith("2025"))
    reporters = {}
    for u in units:
        if u.level == "commune" and u.in_area:
            kind, rest = u.unit_name.split(" ", 1) if " " in u.unit_name else ("", u.unit_name)
            if u.unit_type == "Thị trấn":
                kind, rest = "thị trấn", u.unit_name.split(" ", 2)[2]
            reporter = f"ubnd_{u.unit_code}" + (f"_{u.valid_from.year}" if u.valid_from else "")
            reporters[reporter] = Reporter(reporter, u.unit_code, f"UBND {kind.lower()} {rest}",
                                           "commune", u.valid_from, u.valid_to)
    for d in area.departments:
        reporters[d.reporter] = Reporter(d.reporter, area.code, d.name_vi, "town",
                                         me.valid_from, me.valid_to, d.title_synonyms)
    return reporters
