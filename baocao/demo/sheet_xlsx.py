"""Many small one-sheet `.xlsx` files, fast: openpyxl writes the package around a sheet once
(content types, relationships, styles, theme, workbook) and each file gets only its own
sheet XML and document dates. openpyxl takes ≈ 20 ms to save a report workbook, which is
most of the time of a province's year of them (≈ 2,200 files); this takes ≈ 1 ms. Text is
written as inline strings, as many report generators do: Excel, LibreOffice and calamine
read them like shared ones. Like `xlsx.save_workbook`, a file carries its own time, never
the wall clock, so one seed gives byte-identical files."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook

from baocao.demo.grid import Grid
from common.clock import LOCAL
from extract.headers import cell_address

_SHEET_PART = "xl/worksheets/sheet1.xml"
_CORE_PART = "docProps/core.xml"
_STAMPED = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://'
         'schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{ref}"/>'
         '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
         '<sheetFormatPr defaultRowHeight="15"/>{cols}<sheetData>')
_TAIL = ('</sheetData>{merges}<pageMargins left="0.75" right="0.75" top="1" bottom="1" '
         'header="0.5" footer="0.5"/></worksheet>')


@cache
def _package(sheet: str) -> dict[str, bytes]:
    """Every part of an openpyxl workbook with one sheet named `sheet`, but its sheet."""
    book = Workbook()
    book.active.title = sheet
    book.properties.creator = book.properties.lastModifiedBy = "Administrator"
    raw = io.BytesIO()
    book.save(raw)
    with zipfile.ZipFile(raw) as saved:
        return {name: saved.read(name) for name in saved.namelist() if name != _SHEET_PART}


def _cell(ref: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(f"sheet_xlsx writes text and numbers, not {value!r}")
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'
    return f'<c r="{ref}"><v>{value!r}</v></c>'


def _sheet_xml(grid: Grid, widths: dict[int, float]) -> bytes:
    rows: dict[int, list[tuple[int, object]]] = {}
    for (r, c), value in grid.cells.items():
        rows.setdefault(r, []).append((c, value))
    last_row = max(rows, default=0)
    last_col = max((c for r, c in grid.cells), default=0)
    cols = "".join(f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>'
                   for c, w in sorted(widths.items()))
    merges = "".join(f'<mergeCell ref="{cell_address(r1, c1)}:{cell_address(r2, c2)}"/>'
                     for r1, c1, r2, c2 in grid.merges)
    body = "".join(
        f'<row r="{r + 1}">' + "".join(_cell(cell_address(r, c), v) for c, v in sorted(cells))
        + "</row>" for r, cells in sorted(rows.items()))
    return (_HEAD.format(ref=f"A1:{cell_address(last_row, last_col)}",
                         cols=f"<cols>{cols}</cols>" if cols else "")
            + body
            + _TAIL.format(merges=f'<mergeCells count="{len(grid.merges)}">{merges}</mergeCells>'
                           if merges else "")).encode()


def write_grid(path: Path, grid: Grid, stamp: datetime,
               widths: dict[int, float] | None = None) -> Path:
    """One sheet's values and merged cells as an .xlsx dated `stamp` (local time); `widths`:
    column (0-based) → width. Legacy fonts and formulas need `grid.write_xlsx`."""
    if grid.fonts or grid.formulas:
        raise ValueError("sheet_xlsx writes values and merged cells only; use grid.write_xlsx")
    utc = stamp.replace(tzinfo=LOCAL).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    parts = dict(_package(grid.name))
    parts[_CORE_PART] = _STAMPED.sub(rf"\g<1>{utc}\g<2>", parts[_CORE_PART].decode()).encode()
    parts[_SHEET_PART] = _sheet_xml(grid, widths or {})
    out, when = io.BytesIO(), stamp.timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name in sorted(parts):
            book.writestr(zipfile.ZipInfo(name, date_time=when), parts[name], zipfile.ZIP_DEFLATED)
    path.write_bytes(out.getvalue())
    return path
