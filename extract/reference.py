"""Reference data the readers resolve against: the indicator catalog, the reporters and the
official administrative units of the home area.

The catalog and the reporters are CSV files in `warehouse/seeds/` that staff extend without
code changes. Administrative units come from `vietnamadminunits` (official GSO codes, and
the 2025 reorganisation), limited to the home area because unit names repeat across the
country (there are five "Long Phước").
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

from vietnamadminunits import convert_address
from vietnamadminunits.database.main import query

from extract.text import fold

HOME_PROVINCE = "70"
HOME_DISTRICT = "688"
# Resolution 1662/NQ-UBTVQH15 and its peers: the 2025 units took effect on 1 July 2025.
REORGANISATION_DATE = dt.date(2025, 7, 1)
# An indicator catalog kept outside the package (staff's copy of indicators.csv), if set.
CATALOG_ENV = "BAOCAO_CATALOG"


def _seed_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("warehouse").joinpath("seeds", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


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
    override = os.environ.get(CATALOG_ENV)
    if override:
        return list(csv.DictReader(Path(override).read_text(encoding="utf-8").splitlines()))
    return _seed_rows("indicators.csv")


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
    return Catalog(indicators=indicators, ratios=_seed_rows("ratios.csv"))


@dataclass(frozen=True)
class Reporter:
    reporter: str
    unit_code: str
    name_vi: str
    scope: str  # 'commune' or 'town'
    expected_from: str  # first month it is expected to report, e.g. '2022-M01'
    title_synonyms: tuple[str, ...]


@cache
def load_reporters() -> dict[str, Reporter]:
    return {
        row["reporter"]: Reporter(
            reporter=row["reporter"],
            unit_code=row["unit_code"],
            name_vi=row["name_vi"],
            scope=row["scope"],
            expected_from=row["expected_from"],
            title_synonyms=tuple(_synonyms(row["title_synonyms"])),
        )
        for row in _seed_rows("reporters.csv")
    }


@dataclass(frozen=True)
class AdminUnit:
    unit_code: str
    unit_name: str
    unit_type: str
    level: str  # 'province', 'district' or 'commune'
    parent_code: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    successor_code: str | None


@cache
def home_units() -> tuple[AdminUnit, ...]:
    """The home area's units before the 2025 reorganisation, their 2025 successors and the
    successors' parent province, all from `vietnamadminunits`."""
    rows = query(
        "select province, provinceCode, district, districtType, districtCode, ward, wardType,"
        f" wardCode from admin_units_legacy where districtCode = '{HOME_DISTRICT}'"
        " order by wardCode"
    )
    first = rows[0]
    end = REORGANISATION_DATE - dt.timedelta(days=1)
    units = [
        AdminUnit(first["provinceCode"], first["province"], "Tỉnh", "province", None,
                  None, end, None),
        AdminUnit(HOME_DISTRICT, first["district"], first["districtType"], "district",
                  first["provinceCode"], None, end, None),
    ]
    successors: dict[str, dict] = {}
    for row in rows:
        new = convert_address(f"{row['ward']}, {row['district']}, {row['province']}")
        successors[new.ward_code] = {"name": new.ward, "province": new.province}
        units.append(AdminUnit(row["wardCode"], row["ward"], row["wardType"], "commune",
                               HOME_DISTRICT, None, end, new.ward_code))
    new_province = query(
        "select distinct province, provinceCode from admin_units where wardCode in ("
        + ",".join(f"'{code}'" for code in successors) + ")"
    )[0]
    units.append(AdminUnit(new_province["provinceCode"], new_province["province"], "Tỉnh",
                           "province", None, REORGANISATION_DATE, None, None))
    for code, info in sorted(successors.items()):
        units.append(AdminUnit(code, info["name"], info["name"].split(" ")[0], "commune",
                               new_province["provinceCode"], REORGANISATION_DATE, None, None))
    return tuple(units)


_UNIT_PREFIXES = ("ubnd", "uy ban nhan dan", "bo phan mot cua", "bo phan tiep nhan va tra ket qua")


def resolve_unit(text: object, on: dt.date) -> str | None:
    """Official code of a home-area unit named in free text (`UBND phường Long Thủy`,
    `Bộ phận một cửa thị xã Phước Long`), as of the date `on`; None when not home-area."""
    key = fold(text)
    for prefix in _UNIT_PREFIXES:
        if key.startswith(prefix + " "):
            key = key[len(prefix) + 1:]
    for unit in home_units():
        valid = (unit.valid_from is None or unit.valid_from <= on) and (
            unit.valid_to is None or on <= unit.valid_to)
        if not valid or unit.level == "province":
            continue
        full = fold(unit.unit_name)
        short = fold(unit.unit_name.split(" ", 1)[1]) if unit.level == "commune" else None
        if key in (full, short) or (unit.level == "district" and key == full):
            return unit.unit_code
    return None
