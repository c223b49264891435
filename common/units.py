"""The unit tree: official administrative units of the home area (GSO codes) from
`vietnamadminunits`, before the 2025 reorganisation and after it. A unit is a code plus a
validity: codes are reused across the reform (25217 was Long Thủy, then Phường Phước Long).
Limited to the home area because unit names repeat across the country (there are five
"Long Phước")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from vietnamadminunits import convert_address
from vietnamadminunits.database.main import query

from common.text import fold

HOME_PROVINCE = "70"
HOME_DISTRICT = "688"
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


def unit_key(unit: AdminUnit) -> int:
    """Stable surrogate: the code, then the year the version started (0: since before
    records). 25217 was Long Thủy (252170000) and is Phường Phước Long (252172025)."""
    return int(unit.unit_code) * 10000 + (unit.valid_from.year if unit.valid_from else 0)


def valid_on(unit: AdminUnit, day: dt.date) -> bool:
    return (unit.valid_from or dt.date.min) <= day <= (unit.valid_to or FOREVER)
