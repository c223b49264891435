"""A sheet drawn as cells (`Grid`: values, merged cells, fonts, formulas with their cached
values) and written in the formats staff send: `.xlsx` as Excel saves it (openpyxl),
`.xls` as old Excel versions save it (xlwt, BIFF8) and `.ods` as LibreOffice saves it
(odfpy). xlwt and odfpy are development extras: only tests and benchmarks write those."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from extract.headers import cell_address


@dataclass
class Grid:
    """One sheet: 0-based (row, col) → value; formulas hold (Excel formula, cached value)."""
    name: str = "BC"
    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    fonts: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: dict[tuple[int, int], tuple[str, object]] = field(default_factory=dict)

    def put(self, row: int, col: int, value: object, font: str | None = None) -> None:
        if value is not None:
            self.cells[(row, col)] = value
        if font:
            self.fonts[(row, col)] = font


def write_xlsx(path: Path, sheets: list[Grid], cache_formulas: bool = True) -> Path:
    """An .xlsx as Excel saves it: formulas with their cached values (openpyxl writes none,
    so they are put into the sheet XML afterwards unless `cache_formulas` is False)."""
    book = Workbook()
    book.remove(book.active)
    for grid in sheets:
        ws = book.create_sheet(grid.name)
        for (r, c), value in grid.cells.items():
            ws.cell(r + 1, c + 1, value)
        for (r, c), (formula, _) in grid.formulas.items():
            ws.cell(r + 1, c + 1, formula)
        for (r, c), font in grid.fonts.items():
            ws.cell(r + 1, c + 1).font = Font(name=font)
        for r1, c1, r2, c2 in grid.merges:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1,
                           end_column=c2 + 1)
    book.save(path)
    if cache_formulas:
        _cache_formula_values(path, [{cell_address(*k): v for k, (_, v) in g.formulas.items()}
                                     for g in sheets])
    return path


def _cache_formula_values(path: Path, cached: list[dict[str, object]]) -> None:
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    for number, values in enumerate(cached, start=1):
        name = f"xl/worksheets/sheet{number}.xml"
        xml = parts[name].decode()
        for ref, value in values.items():
            xml = re.sub(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(</v>)?',
                         rf"\g<1>\g<2><v>{value}</v>", xml)
        parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)


def write_xls(path: Path, sheets: list[Grid]) -> Path:
    """A BIFF8 .xls as old Excel versions save it (xlwt); fonts per cell, merged cells."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, xlwt.XFStyle] = {}
    for grid in sheets:
        ws = book.add_sheet(grid.name)
        merged = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in grid.merges}
        for (r, c), value in grid.cells.items():
            font = grid.fonts.get((r, c))
            style = styles.setdefault(font, xlwt.easyxf(f"font: name {font}")) if font \
                else xlwt.Style.default_style
            if (r, c) in merged:
                ws.write_merge(r, merged[(r, c)][0], c, merged[(r, c)][1], value, style)
            else:
                ws.write(r, c, value, style)
    book.save(str(path))
    return path


def write_ods(path: Path, sheets: list[Grid]) -> Path:
    """An OpenDocument spreadsheet as LibreOffice saves it: formulas with their values,
    merged cells spanning covered ones."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableRow

    doc = OpenDocumentSpreadsheet()
    for grid in sheets:
        table = Table(name=grid.name)
        spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in grid.merges}
        covered = {(r, c) for (r1, c1), (h, w) in spans.items() for r in range(r1, r1 + h)
                   for c in range(c1, c1 + w)} - spans.keys()
        keys = grid.cells.keys() | grid.formulas.keys()
        rows = max((r for r, _ in keys), default=-1) + 1
        cols = max((c for _, c in keys), default=-1) + 1
        for r in range(rows):
            tr = TableRow()
            for c in range(cols):
                if (r, c) in covered:
                    tr.addElement(CoveredTableCell())
                    continue
                span = {}
                if (r, c) in spans:
                    span = {"numberrowsspanned": spans[(r, c)][0],
                            "numbercolumnsspanned": spans[(r, c)][1]}
                tr.addElement(_ods_cell(grid, r, c, span))
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def _ods_cell(grid: Grid, r: int, c: int, span: dict):
    from odf.table import TableCell
    from odf.text import P

    if (r, c) in grid.formulas:
        formula, cached = grid.formulas[(r, c)]
        ods = "of:" + re.sub(r"([A-Z]+[0-9]+)", r"[.\1]", formula).replace(",", ";")
        return TableCell(formula=ods, valuetype="float", value=cached, **span)
    value = grid.cells.get((r, c))
    if value is None:
        return TableCell(**span)
    if isinstance(value, int | float):
        cell = TableCell(valuetype="float", value=value, **span)
        cell.addElement(P(text=str(value)))
        return cell
    cell = TableCell(valuetype="string", **span)
    for line in str(value).split("\n"):
        cell.addElement(P(text=line))
    return cell


WRITERS = {".xlsx": write_xlsx, ".xls": write_xls, ".ods": write_ods}
