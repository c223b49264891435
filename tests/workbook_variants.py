"""The commune report workbook in the layouts and formats staff actually send, written by
code (no committed binaries): one set of figures, many ways of laying them out.

A sheet is drawn on a `Grid` (cells, merges, fonts, formulas with their cached values) and
written as `.xlsx` (openpyxl), `.xls` (xlwt, BIFF8) or `.ods` (odfpy). `VARIANTS` maps a
variant's name to a function writing it; every variant carries the same figures as the
clean template, so every one must read back as the same rows.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from viparse.normalize.tcvn3 import TCVN3
from viparse.normalize.vni import VNI

from extract.headers import cell_address as address

# ------------------------------------------------------------------------ the figures


@dataclass(frozen=True)
class Line:
    code: str
    name: str  # the catalog's Vietnamese name, as the template prints it
    unit: str
    plan: int | None
    month: int | str | None  # this month's flow; 'x' = no figure
    cumulative: int | str | None
    rate: float | None  # the printed rate, never trusted
    section: str


LINES = [
    Line("vax_18_dose1", "Tiêm vắc xin phòng Covid-19 cho người từ 18 tuổi trở lên - mũi 1",
         "người", 6210, 35, 6571, 105.8, "Y TẾ"),
    Line("vax_18_booster",
         "Tiêm vắc xin phòng Covid-19 cho người từ 18 tuổi trở lên - mũi nhắc lại", "người",
         6210, 120, 3180, 51.2, "Y TẾ"),
    Line("covid_f0_active", "Số ca F0 đang cách ly, điều trị", "ca", None, 0, 0, None, "Y TẾ"),
    Line("food_safety_inspected", "Số cơ sở được kiểm tra, giám sát vệ sinh an toàn thực phẩm",
         "cơ sở", None, 12, 87, None, "Y TẾ"),
    Line("tet_gifts", "Số phần quà Tết cho các đối tượng chính sách, hộ nghèo, bảo trợ xã hội",
         "phần", None, 0, 520, None, "AN SINH XÃ HỘI"),
    Line("tet_gifts_value", "Trị giá quà Tết", "đồng", None, 0, 1641750000, None,
         "AN SINH XÃ HỘI"),
    Line("jobs_created", "Số lao động được giải quyết việc làm", "người", 500, 42, 371, 74.2,
         "LAO ĐỘNG - VIỆC LÀM"),
    Line("households", "Tổng số hộ dân cư", "hộ", None, "x", 2905, None, "GIẢM NGHÈO"),
    Line("poor_households", "Số hộ nghèo hiện tại", "hộ", None, None, 12, None, "GIẢM NGHÈO"),
    Line("new_poor_households", "Số hộ nghèo phát sinh mới", "hộ", None, 0, 0, None,
         "GIẢM NGHÈO"),
]


def _figure(value: int | float | str | None) -> float | None:
    return float(value) if isinstance(value, int | float) else None


# What every variant must read as: (code, actual_month, cumulative, plan_value, printed_rate).
EXPECTED_ROWS = [(line.code, _figure(line.month), _figure(line.cumulative), _figure(line.plan),
                  _figure(line.rate)) for line in LINES]
REPORTER, UNIT_CODE = "ubnd_25217", "25217"


# ------------------------------------------------------------------------ cells


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
    from openpyxl import Workbook
    from openpyxl.styles import Font

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
        _cache_formula_values(path, [{address(*k): v for k, (_, v) in g.formulas.items()}
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

STANDARD_HEADER = {"stt": "STT", "indicator": "Chỉ tiêu", "unit": "Đơn vị tính",
                   "plan": "Kế hoạch", "month": "Thực hiện trong tháng",
                   "cumulative": "Lũy kế", "rate": "Tỷ lệ (%)", "note": "Ghi chú"}
ORDER = ("stt", "indicator", "unit", "plan", "month", "cumulative", "rate", "note")


@dataclass
class Layout:
    """How one commune edits the template. Defaults: the clean template."""
    month: int = 9
    year: int = 2022
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
    signature: tuple[str, ...] = ("NGƯỜI LẬP BIỂU", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    encode: Callable[[str], str] | None = None  # a legacy font's encoding of all text
    font: str | None = None
    encode_only: str = "all"  # 'all' or 'table' (title block stays Unicode)
    sheet_name: str = "BC"


def _vn_text(value: int | float) -> str:
    whole, _, decimals = f"{value:,}".partition(".")
    return whole.replace(",", ".") + ("," + decimals if decimals else "")


def _shown(value: int | float | str | None, layout: Layout, money: bool) -> object:
    """A figure as this commune types it: '-' for zero, or Vietnamese text."""
    if value is None or isinstance(value, str):
        return value
    if value == 0:
        return "-"
    if money and layout.money_suffix:
        return f"{_vn_text(value)} đồng"
    return _vn_text(value) if layout.numbers_as_text else value


def report_grid(layout: Layout, lines: list[Line] = LINES) -> Grid:
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
    text(row, col0, "UBND THỊ XÃ PHƯỚC LONG", True)
    text(row, col0 + 4, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True)
    text(row + 1, col0, layout.reporter_line, True)
    text(row + 1, col0 + 4, "Độc lập - Tự do - Hạnh phúc", True)
    text(row + 2, col0 + 4, layout.date_line.format(m=m, y=y), True)
    text(row + 3, col0, "BÁO CÁO SỐ LIỆU KẾT QUẢ THỰC HIỆN CÔNG TÁC DÂN VẬN CHÍNH QUYỀN", True)
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
            mark = ("I", "II", "III", "IV", "V", "VI")[count - 1] \
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
                grid.put(row, cols["rate"], _vn_text(line.rate) if layout.numbers_as_text
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


# ------------------------------------------------------------------------ the variants


def _old_tones(text: str) -> str:
    """The old tone placement (hoà, thuỷ) that some keyboards still type."""
    for new, old in (("òa", "oà"), ("óa", "oá"), ("ỏa", "oả"), ("õa", "oã"), ("ọa", "oạ"),
                     ("ủy", "uỷ"), ("úy", "uý"), ("ùy", "uỳ"), ("ũy", "uỹ"), ("ụy", "uỵ")):
        text = text.replace(new, old).replace(new.upper(), old.upper())
    return text


def _strip_marks(text: str) -> str:
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if unicodedata.category(c) != "Mn").replace(
        "đ", "d").replace("Đ", "D")


# Each indicator written another way: case, no diacritics, NFD, spacing, punctuation,
# numbering, a unit in brackets, the catalog's synonyms.
_NAME_FORMS: dict[str, Callable[[str], str]] = {
    "vax_18_dose1": str.upper,
    "vax_18_booster": lambda t: t.replace("vắc xin", "vắc-xin").replace("Covid-19", "Covid 19")
    + ":",
    "covid_f0_active": _strip_marks,
    "food_safety_inspected": lambda t: unicodedata.normalize("NFD", t),
    "tet_gifts": lambda t: "Số phần quà Tết",  # a catalog synonym
    "tet_gifts_value": lambda t: t + " (đồng)",
    "jobs_created": lambda t: "1. " + t,
    "households": lambda t: "Tổng số hộ",  # a catalog synonym
    "poor_households": lambda t: "- " + t.lower(),
    "new_poor_households": lambda t: "  " + t.replace(" ", "   ") + " ",
}


def _text_forms(i: int, line: Line) -> str:
    return _NAME_FORMS[line.code](line.name)


def _instructions() -> Grid:
    grid = Grid(name="Hướng dẫn")
    grid.put(0, 0, "Hướng dẫn điền biểu: nhập số liệu vào cột Thực hiện trong tháng và Lũy kế.")
    grid.put(2, 0, "Chỉ tiêu")
    grid.put(2, 1, "Ghi chú")
    return grid


def _indicator_list() -> Grid:
    """A sheet listing the indicators with a 'Chỉ tiêu' column but no figures."""
    grid = Grid(name="Danh mục")
    grid.put(0, 0, "STT")
    grid.put(0, 1, "Chỉ tiêu")
    grid.put(0, 2, "Lũy kế")
    for i, line in enumerate(LINES[:3], start=1):
        grid.put(i, 0, i)
        grid.put(i, 1, line.name)
    return grid


def _headers(**changes: str) -> dict[str, str]:
    return {**STANDARD_HEADER, **changes}


Variant = tuple[str, Callable[[int, int], list[Grid]]]  # suffix, sheets of a month


def _one(suffix: str, **layout) -> Variant:
    return suffix, lambda m, y: [report_grid(Layout(month=m, year=y, **layout))]


def _sheets(suffix: str, **layout) -> Variant:
    """The report on the fourth sheet, after instructions, an empty sheet and a list of
    indicators."""
    return suffix, lambda m, y: [
        _instructions(), Grid(name="Sheet2"), _indicator_list(),
        report_grid(Layout(month=m, year=y, sheet_name=f"T{m}", **layout))]


_SHUFFLED = ("indicator", "stt", "cumulative", "month", "unit", "plan", "note", "rate")
_LONG_TITLE = (("Biểu số 01/DVCQ",), ("Số: 125/BC-UBND",),
               ("Kính gửi: Ủy ban nhân dân thị xã Phước Long",),
               ("Đơn vị báo cáo: UBND phường Long Thủy",),
               ("Đơn vị nhận báo cáo: UBND thị xã Phước Long",), ("",), ("",), ("",), ("",))

VARIANTS: dict[str, Variant] = {
    "clean_xlsx": _one(".xlsx"),
    "clean_xls": _one(".xls"),
    "clean_ods": _one(".ods"),
    "header_on_row_16": _one(".xlsx", extra_title=_LONG_TITLE, blank_rows_above=2),
    "two_row_header_xlsx": _one(".xlsx", two_row_header="Kết quả thực hiện",
                                header=_headers(month="Trong tháng")),
    "two_row_header_xls": _one(".xls", two_row_header="Kết quả thực hiện",
                               header=_headers(month="Trong tháng", cumulative="Cộng dồn")),
    "two_row_header_ods": _one(".ods", two_row_header="Thực hiện",
                               header=_headers(month="Trong tháng")),
    "columns_shuffled_synonyms": _one(".xlsx", order=_SHUFFLED, header=_headers(
        indicator="Nội dung chỉ tiêu", unit="ĐVT", plan="KH", month="TH tháng",
        cumulative="Lũy kế từ đầu năm", rate="Đạt %")),
    "header_texts_with_dates": _one(".xls", header=_headers(
        indicator="Tên chỉ tiêu", plan="Kế hoạch năm 2022", month="Thực hiện\ntháng 9/2022",
        cumulative="Lũy kế đến\n14/9/2022", rate="Tỷ lệ %\nso với KH")),
    "column_numbers_123": _one(".xlsx", number_row=tuple("12345678")),
    "column_numbers_ABC12": _one(".xls", number_row=("A", "B", "C", "1", "2", "3", "4=3/1",
                                                     "5")),
    "column_numbers_parenthesised": _one(".ods", number_row=tuple(f"({i})" for i in
                                                                  range(1, 9))),
    "several_sheets_xlsx": _sheets(".xlsx"),
    "several_sheets_xls": _sheets(".xls"),
    "numbers_as_vietnamese_text": _one(".xlsx", numbers_as_text=True, money_suffix=True),
    "formulas_with_cached_values_xlsx": _one(".xlsx", formulas=True),
    "formulas_with_values_ods": _one(".ods", formulas=True),
    "indicator_text_forms": _one(".xlsx", name_of=_text_forms,
                                 reporter_line="Ủy ban nhân dân phường Long Thuỷ"),
    "old_tones_letter_sections_totals": _one(
        ".xls", name_of=lambda i, line: _old_tones(line.name), sections="letters",
        total_row=True, blank_between=True,
        signature=("Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    "table_offset_no_sections": _one(".xlsx", first_col=2, sections="none",
                                     header=_headers(unit="ÐVT")),
    "multiline_title_padded_date": _one(
        ".xlsx", reporter_line="UBND THỊ XÃ PHƯỚC LONG\nUBND PHƯỜNG LONG THỦY",
        period_line="Kỳ báo cáo: T{m}/{y}", date_line="Long Thủy, ngày 14, tháng {m:02d}, năm {y}"),
    "period_month_slash_year": _one(".xls", period_line="tháng {m:02d}/{y}",
                                    reporter_line="UBND P. Long Thủy"),
    "tcvn3_xlsx": _one(".xlsx", encode=tcvn3, font=".VnTime"),
    "tcvn3_xls": _one(".xls", encode=tcvn3, font=".VnTime"),
    "vni_xlsx": _one(".xlsx", encode=vni, font="VNI-Times"),
    "vni_xls": _one(".xls", encode=vni, font="VNI-Times"),
    "tcvn3_table_unicode_title_xls": _one(".xls", encode=tcvn3, font=".VnTimeH",
                                          encode_only="table"),
    "tcvn3_ods": _one(".ods", encode=tcvn3, font=".VnTime"),
}
# What a variant may add to a clean reading: .ods keeps no fonts per cell.
EXPECTED_PROBLEMS = {"tcvn3_ods": {"legacy_text_guessed"}}


def write_variant(name: str, folder: Path, month: int = 9, year: int = 2022,
                  stem: str | None = None) -> Path:
    """Write one variant into `folder`; its file name (default: the variant's name) says
    nothing of the reporter or period unless `stem` does."""
    suffix, sheets = VARIANTS[name]
    return WRITERS[suffix](folder / f"{stem or name}{suffix}", sheets(month, year))
