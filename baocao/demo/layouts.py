"""The report template laid out as staff variously lay it out (`Layout`: title lines, header
texts and order, one- or two-row headers, column-number rows, numbers as Vietnamese text,
formulas, legacy fonts, …) and drawn on a `Grid` from a month's figures (`Line`s), to be
written as `.xlsx`, `.xls` or `.ods` (grid.py). Tests read every layout back; benchmarks
write a thousand such files."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from viparse.normalize.tcvn3 import TCVN3
from viparse.normalize.vni import VNI

from baocao.demo.grid import Grid
from baocao.demo.template import (
    HEADERS,
    MOTTO,
    NATION,
    ON_BEHALF,
    PREPARED_BY,
    ROMAN,
    TITLE,
    TOWN_COUNCIL,
)
from common.vn_format import vn_decimal, vn_int
from extract.headers import cell_address as address


@dataclass(frozen=True)
class Line:
    """One indicator's row of a month's report."""

    code: str
    name: str  # the catalog's Vietnamese name, as the template prints it
    unit: str
    plan: int | None
    month: int | str | None  # this month's flow; 'x' = no figure
    cumulative: int | str | None
    rate: float | None  # the printed rate, never trusted
    section: str


# ------------------------------------------------------------------------ legacy fonts


def _reverse(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {unicode: legacy for legacy, unicode in pairs}


_TCVN3, _VNI = _reverse(TCVN3.pairs), _reverse(VNI.pairs)


def tcvn3(text: str) -> str:
    """Unicode → TCVN3 as a `.VnTime` cell stores it. TCVN3 has no capital accented
    letters (the `.VnTimeH` font draws them): those are stored as small ones."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        out.append(_TCVN3.get(ch) or _TCVN3.get(ch.lower(), ch))
    return "".join(out)


def vni(text: str) -> str:
    """Unicode → VNI as a `VNI-Times` cell stores it (base letter + mark characters)."""
    return "".join(_VNI.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


# ------------------------------------------------------------------------ the template

ORDER = ("stt", "indicator", "unit", "plan", "month", "cumulative", "rate", "note")
STANDARD_HEADER = dict(zip(ORDER, HEADERS[0], strict=True))


@dataclass
class Layout:
    """How one commune edits the template. Defaults: the clean template."""
    month: int = 9
    year: int = 2022
    council_line: str = TOWN_COUNCIL  # row 1: the council the reporter answers to
    reporter_line: str = "UBND PHƯỜNG LONG THỦY"
    period_line: str | None = "Tháng {m} năm {y}"
    date_line: str = "Long Thủy, ngày 14 tháng {m} năm {y}"
    extra_title: tuple[tuple[str, ...], ...] = ()  # more lines above the table
    blank_rows_above: int = 1
    header: dict[str, str] = field(default_factory=lambda: dict(STANDARD_HEADER))
    order: tuple[str, ...] = ORDER
    two_row_header: str | None = None  # the upper text over 'month' and 'cumulative'
    number_row: tuple[str, ...] | None = None
    first_col: int = 0
    numbers_as_text: bool = False
    money_suffix: bool = False
    name_of: Callable[[int, Line], str] = lambda i, line: line.name
    sections: str = "roman"  # 'roman', 'letters' or 'none'
    total_row: bool = False
    blank_between: bool = False
    formulas: bool = False  # lũy kế and tỷ lệ as formulas, with cached values
    signature: tuple[str, ...] = (PREPARED_BY, ON_BEHALF, "CHỦ TỊCH")
    encode: Callable[[str], str] | None = None  # a legacy font's encoding of all text
    font: str | None = None
    encode_only: str = "all"  # 'all' or 'table' (title block stays Unicode)
    sheet_name: str = "BC"


def _shown(value: int | str | None, layout: Layout, money: bool) -> object:
    """A figure as this commune types it: '-' for zero, or Vietnamese text."""
    if value is None or isinstance(value, str):
        return value
    if value == 0:
        return "-"
    if money and layout.money_suffix:
        return f"{vn_int(value)} đồng"
    return vn_int(value) if layout.numbers_as_text else value


def report_grid(layout: Layout, lines: list[Line]) -> Grid:
    """One month's report: the template as `layout` lays it out, carrying `lines`."""
    m, y = layout.month, layout.year
    grid = Grid(name=layout.sheet_name)
    col0 = layout.first_col

    def text(row: int, col: int, value: str | None, title: bool = False) -> None:
        if value is None:
            return
        legacy = layout.encode and (layout.encode_only == "all" or not title)
        grid.put(row, col, layout.encode(value) if legacy else value,
                 layout.font if legacy else None)

    row = 0
    text(row, col0, layout.council_line, True)
    text(row, col0 + 4, NATION, True)
    text(row + 1, col0, layout.reporter_line, True)
    text(row + 1, col0 + 4, MOTTO, True)
    text(row + 2, col0 + 4, layout.date_line.format(m=m, y=y), True)
    text(row + 3, col0, TITLE, True)
    row += 4
    if layout.period_line:
        text(row, col0, layout.period_line.format(m=m, y=y), True)
        row += 1
    for line in layout.extra_title:
        for offset, value in enumerate(line):
            text(row, col0 + offset, value, True)
        row += 1
    row += layout.blank_rows_above
    cols = {name: col0 + i for i, name in enumerate(layout.order)}

    if layout.two_row_header:
        for name in layout.order:
            if name in ("month", "cumulative"):
                continue
            text(row, cols[name], layout.header[name])
            grid.merges.append((row, cols[name], row + 1, cols[name]))
        left, right = sorted((cols["month"], cols["cumulative"]))
        text(row, left, layout.two_row_header)
        grid.merges.append((row, left, row, right))
        text(row + 1, cols["month"], layout.header["month"])
        text(row + 1, cols["cumulative"], layout.header["cumulative"])
        row += 2
    else:
        for name in layout.order:
            text(row, cols[name], layout.header[name])
        row += 1
    if layout.number_row:
        for name, label in zip(layout.order, layout.number_row, strict=False):
            grid.put(row, cols[name], label)
        row += 1

    section = None
    for i, line in enumerate(lines):
        if line.section != section and layout.sections != "none":
            section = line.section
            count = len(dict.fromkeys(x.section for x in lines[:i + 1]))
            mark = ROMAN[count - 1] \
                if layout.sections == "roman" else "ABCDEF"[count - 1]
            grid.put(row, cols["stt"], mark)
            text(row, cols["indicator"], section)
            row += 1
        grid.put(row, cols["stt"], i + 1)
        text(row, cols["indicator"], layout.name_of(i, line))
        text(row, cols["unit"], line.unit)
        money = line.unit == "đồng"
        grid.put(row, cols["plan"], _shown(line.plan, layout, money))
        grid.put(row, cols["month"], _shown(line.month, layout, money))
        if layout.formulas and isinstance(line.cumulative, int) and line.cumulative:
            # Lũy kế = this month + an earlier total kept in the note column's neighbour.
            before = line.cumulative - (line.month if isinstance(line.month, int) else 0)
            grid.put(row, cols["note"], before)
            grid.formulas[(row, cols["cumulative"])] = (
                f"={address(row, cols['month'])}+{address(row, cols['note'])}"
                if isinstance(line.month, int) and line.month else
                f"={address(row, cols['note'])}", line.cumulative)
        else:
            grid.put(row, cols["cumulative"], _shown(line.cumulative, layout, money))
        if line.rate is not None:
            if layout.formulas:
                grid.formulas[(row, cols["rate"])] = (
                    f"=ROUND({address(row, cols['cumulative'])}/"
                    f"{address(row, cols['plan'])}*100,1)", line.rate)
            else:
                # One decimal, as the template's formula ROUND(lũy kế/kế hoạch*100, 1).
                grid.put(row, cols["rate"], vn_decimal(line.rate, 1) if layout.numbers_as_text
                         else line.rate)
        row += 1
        if layout.blank_between:
            row += 1
    if layout.total_row:
        text(row, cols["indicator"], "Tổng cộng")
        grid.put(row, cols["plan"], sum(x.plan or 0 for x in lines))
        row += 1
    row += 1
    for offset, line in enumerate(layout.signature):
        text(row + offset, cols["indicator"] if offset == 0 else cols["month"], line, True)
    return grid
