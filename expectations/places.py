"""Names and places for findings' messages: which unit or reporter, which period, which
file, sheet and cells, in the words data staff use."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from common.vn_format import vn_period


@dataclass
class Names:
    """Unit and reporter names for messages."""

    units: dict[int, str]  # unit_key → 'Phường Thác Mơ'
    codes: dict[int, str]  # unit_key → '25216'
    reporters: dict[str, str]  # reporter → 'UBND phường …'

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection) -> Names:
        units = con.execute("select unit_key, unit_name, unit_code from dim_admin_unit").fetchall()
        return cls({k: name for k, name, _ in units}, {k: code for k, _, code in units},
                   dict(con.execute("select reporter, name_vi from dim_reporter").fetchall()))


def place(names: Names, row: dict, cells: Iterable[str | None] = ()) -> str:
    """'UBND phường Thác Mơ, tháng 05/2022, tệp '…', trang '…', ô F10, F9'."""
    who = names.reporters.get(row.get("reporter")) or names.units.get(row.get("unit_key"), "")
    if row.get("scope") == "area":
        who += " (toàn địa bàn)"
    text = f"{who}, {vn_period(row['period_code'])}"
    if row.get("file_name"):
        text += f", tệp '{row['file_name']}', trang '{row['sheet']}'"
    cells = [c for c in dict.fromkeys(cells) if c]
    if cells:
        text += f", ô {', '.join(cells)}"
    return text
