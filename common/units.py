"""The unit tree: official administrative units of the home area (GSO codes) from
`vietnamadminunits`, before the 2025 reorganisation and after it. A unit is a code plus a
validity: codes are reused across the reform (25217 was Long Thủy, then Phường Phước Long).
Limited to the home area because unit names repeat across the country (there are five
"Long Phước")."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from common.area import UnknownArea, current_area
from common.text import fold

# vietnamadminunits' data files, read directly: importing the package loads its address
# parsers (half a second) that baocao never uses, on every command.
_DATA = Path(importlib.util.find_spec("vietnamadminunits").submodule_search_locations[0]
             ) / "data"


def query(sql: str) -> list[dict]:
    """Rows of vietnamadminunits' dataset (tables admin_units and admin_units_legacy)."""
    with sqlite3.connect(f"file:{_DATA / 'dataset.db'}?mode=ro", uri=True) as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute(sql).fetchall()]

# Resolution 1662/NQ-UBTVQH15 and its peers: the 2025 units took effect on 1 July 2025.
REORGANISATION_DATE = dt.date(2025, 7, 1)
FOREVER = dt.date(9999, 12, 31)


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
    in_area: bool = True  # its figures are all in this data folder's files


def home_units() -> tuple[AdminUnit, ...]:
    """The units of the area this process serves (`common.area`)."""
    return area_units(current_area().code)


@cache
def area_units(code: str) -> tuple[AdminUnit, ...]:
    """Every unit of an area in both generations, with validity, successors and whether it
    lies inside the area (`in_area`: its figures are all in this data folder's files).

    A pre-2025 province or district: its legacy units, their 2025 successors and the
    successors' province (outside the area: they also cover other communes). A 2025
    province: its communes, every legacy commune whose default successor is one of them,
    and those communes' districts and provinces. A 2025 commune: itself and its
    predecessors."""
    kind = area_kind(code)
    legacy = _legacy_rows(code, kind)
    successors = _successors(legacy)
    if kind == "province_2025":
        new = query("select province, provinceCode, ward, wardType, wardCode from admin_units"
                    f" where provinceCode = '{code}' order by wardCode")
    elif kind == "commune_2025":
        new = query("select province, provinceCode, ward, wardType, wardCode from admin_units"
                    f" where wardCode = '{code}'")
    else:
        wanted = sorted({s for s in successors.values() if s})
        new = query("select province, provinceCode, ward, wardType, wardCode from admin_units"
                    " where wardCode in (" + ",".join(f"'{c}'" for c in wanted) + ")"
                    " order by wardCode") if wanted else []
    end = REORGANISATION_DATE - dt.timedelta(days=1)
    units: list[AdminUnit] = []
    new_province = {r["provinceCode"]: r["province"] for r in new}
    for p_code, p_name in sorted({(r["provinceCode"], r["province"]) for r in legacy}):
        heirs = {new_province_of(successors.get(r["wardCode"])) for r in legacy
                 if r["provinceCode"] == p_code}
        heir = heirs.pop() if len(heirs) == 1 else None
        units.append(AdminUnit(p_code, p_name, _province_type(p_name), "province", None, None,
                               end, heir, kind in ("province_legacy", "province_2025")))
    for d_code, d_name, d_type, p_code in sorted({
            (r["districtCode"], r["district"], r["districtType"], r["provinceCode"])
            for r in legacy}):
        units.append(AdminUnit(d_code, d_name, d_type, "district", p_code, None, end, None,
                               kind != "commune_2025"))
    for r in sorted(legacy, key=lambda r: r["wardCode"]):
        units.append(AdminUnit(r["wardCode"], r["ward"], r["wardType"], "commune",
                               r["districtCode"], None, end, successors.get(r["wardCode"])))
    for p_code, p_name in sorted(new_province.items()):
        units.append(AdminUnit(p_code, p_name, _province_type(p_name), "province", None,
                               REORGANISATION_DATE, None, None, kind == "province_2025"))
    for r in new:
        units.append(AdminUnit(r["wardCode"], r["ward"], r["wardType"], "commune",
                               r["provinceCode"], REORGANISATION_DATE, None, None,
                               kind in ("province_2025", "commune_2025")))
    return tuple(units)


def area_kind(code: str) -> str:
    """'province_2025', 'commune_2025', 'province_legacy' or 'district_legacy'; raises
    UnknownArea. A code of both generations (a province kept its code, a commune code
    reused) means the 2025 unit."""
    code = str(code).strip()
    checks = [("province_2025", "select 1 from admin_units where provinceCode = '{c}'"),
              ("commune_2025", "select 1 from admin_units where wardCode = '{c}'"),
              ("province_legacy", "select 1 from admin_units_legacy where provinceCode = '{c}'"),
              ("district_legacy", "select 1 from admin_units_legacy where districtCode = '{c}'")]
    if code.isdigit():
        for kind, sql in checks:
            if query(sql.format(c=code) + " limit 1"):
                return kind
    raise UnknownArea(
        f"Mã địa bàn '{code}' không có trong danh mục đơn vị hành chính (tỉnh, xã, phường "
        "sau 01/7/2025 hoặc tỉnh, huyện trước đó). Ví dụ: 75 (tỉnh Đồng Nai), 25220 "
        "(phường Phước Bình), 70 (tỉnh Bình Phước cũ), 688 (thị xã Phước Long cũ).")


def area_name(code: str) -> str:
    """The area's own unit name, e.g. 'Tỉnh Đồng Nai'."""
    current = area_kind(code).endswith("2025")
    unit = next(u for u in area_units(code) if u.unit_code == code
                and (u.valid_from is not None) == current)
    return unit.unit_name


_LEGACY_COLUMNS = ("province, provinceCode, provinceKey, district, districtType, districtCode,"
                   " districtKey, ward, wardType, wardCode, wardKey")


def _legacy_rows(code: str, kind: str) -> list[dict]:
    if kind == "district_legacy":
        where = f"districtCode = '{code}'"
    elif kind == "province_legacy":
        where = f"provinceCode = '{code}'"
    else:
        keys = _legacy_keys_into(code, kind)
        if not keys:
            return []
        rows = query(f"select {_LEGACY_COLUMNS} from admin_units_legacy")
        return [r for r in rows
                if f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}" in keys]
    return query(f"select {_LEGACY_COLUMNS} from admin_units_legacy where {where}"
                 " order by wardCode")


def _legacy_keys_into(code: str, kind: str) -> set[str]:
    """Legacy ward keys whose default successor lies in a 2025 province or is a commune."""
    column = "provinceCode" if kind == "province_2025" else "wardCode"
    targets = {(r["provinceKey"], r["wardKey"]) for r in query(
        f"select provinceKey, wardKey from admin_units where {column} = '{code}'")}
    return {old for old, (p, w) in _default_successor_keys().items() if (p, w) in targets}


@cache
def _conversion() -> dict:
    path = _DATA / "converter_2025.json"
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _default_successor_keys() -> dict[str, tuple[str, str]]:
    """Legacy ward key → (2025 province key, 2025 ward key) of its default successor: the
    ward it merged into, or for a divided ward the one marked isDefaultNewWard."""
    data = _conversion()
    out: dict[str, tuple[str, str]] = {}
    for province, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, olds in wards.items():
            for old in olds:
                out[old] = (province, ward)
    for province, olds in data["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, options in olds.items():
            default = next((o["newWardKey"] for o in options if o["isDefaultNewWard"]), None)
            if default:
                out[old] = (province, default)
    return out


@cache
def _ward_codes_2025() -> dict[tuple[str, str], str]:
    return {(r["provinceKey"], r["wardKey"]): r["wardCode"]
            for r in query("select provinceKey, wardKey, wardCode from admin_units")}


def _successors(rows: list[dict]) -> dict[str, str | None]:
    """Legacy ward code → its default successor's 2025 code."""
    keys, codes = _default_successor_keys(), _ward_codes_2025()
    return {r["wardCode"]: codes.get(keys.get(
        f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}", ("", ""))) for r in rows}


@cache
def new_province_of(ward_code: str | None) -> str | None:
    if not ward_code:
        return None
    rows = query(f"select provinceCode from admin_units where wardCode = '{ward_code}'")
    return rows[0]["provinceCode"] if rows else None


def _province_type(name: str) -> str:
    return "Thành phố" if name.startswith("Thành phố") else "Tỉnh"


_UNIT_PREFIXES = ("ubnd", "uy ban nhan dan", "bo phan mot cua", "bo phan tiep nhan va tra ket qua")
_PUNCTUATION = re.compile(r"[^\w]+")


def _spelled(text: str) -> str:
    """Text as written, diacritics kept, for matching: 'Lộc Thạnh' is not 'Lộc Thành'."""
    return _PUNCTUATION.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


def resolve_unit(text: object, on: dt.date, within: str | None = None) -> str | None:
    """Official code of a unit of the area named in free text (`UBND phường Long Thủy`,
    `Bộ phận một cửa thị xã Phước Long`), as of the date `on`; None when the name is not
    the area's, or is the name of two of its units. `within`: a district or province the
    text's context names (a title block's council line), to tell apart same-name communes.
    A name spelled exactly (diacritics and all) is tried before its folded form."""
    return _resolve(current_area().code, str(text) if text is not None else "", on, within)


@lru_cache(maxsize=65536)
def _resolve(area: str, text: str, on: dt.date, within: str | None) -> str | None:
    key, spelled = fold(text), _spelled(text)
    for prefix in _UNIT_PREFIXES:
        if key.startswith(prefix + " "):
            key = key[len(prefix) + 1:]
            spelled = " ".join(spelled.split(" ")[len(prefix.split(" ")):])
    names = [n for n in _names_on(area, on) if within is None or within in (n[2], n[3])]
    for index, wanted in ((1, spelled), (0, key)):
        found = {n[2] for n in names if n[index] == wanted}
        if found:  # a name two units share says neither
            return found.pop() if len(found) == 1 else None
    return None


@cache
def _names_on(area: str, on: dt.date) -> tuple[tuple[str, str, str, str | None], ...]:
    """(folded name, spelled name, code, parent code) of the area's districts and communes
    valid on a day: full names, and communes' names without their type ('Long Thủy')."""
    names = []
    for unit in area_units(area):
        if unit.level == "province" or not valid_on(unit, on):
            continue
        names.append((fold(unit.unit_name), _spelled(unit.unit_name), unit.unit_code,
                      unit.parent_code))
        if unit.level == "commune":
            short = unit.unit_name.split(" ", 1)[1]
            names.append((fold(short), _spelled(short), unit.unit_code, unit.parent_code))
    return tuple(names)


def unit_key(unit: AdminUnit) -> int:
    """Stable surrogate: the code, then the year the version started (0: since before
    records). 25217 was Long Thủy (252170000) and is Phường Phước Long (252172025)."""
    return int(unit.unit_code) * 10000 + (unit.valid_from.year if unit.valid_from else 0)


def valid_on(unit: AdminUnit, day: dt.date) -> bool:
    return (unit.valid_from or dt.date.min) <= day <= (unit.valid_to or FOREVER)
