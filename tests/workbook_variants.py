"""The commune report workbook in the layouts and formats staff actually send, written by
code (no committed binaries): one set of figures, many ways of laying them out.

The layouts and writers are the demo package's (`baocao.demo.layouts`, `baocao.demo.grid`);
here are the test figures and the corpus: `VARIANTS` maps a variant's name to a function
writing it; every variant carries the same figures as the clean template, so every one
must read back as the same rows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

from baocao.demo import layouts
from baocao.demo.grid import WRITERS, Grid, write_xls, write_xlsx
from baocao.demo.layouts import STANDARD_HEADER, Layout, Line, tcvn3, vni
from extract.headers import cell_address as address

# Also the demo's layouts and writers, for the tests that draw their own sheets.
__all__ = ["EXPECTED_PROBLEMS", "EXPECTED_ROWS", "LINES", "REPORTER", "UNIT_CODE", "VARIANTS",
           "Grid", "Layout", "address", "report_grid", "tcvn3", "vni", "write_variant",
           "write_xls", "write_xlsx"]

# ------------------------------------------------------------------------ the figures

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


def report_grid(layout: Layout, lines: list[Line] = LINES) -> Grid:
    """The template as `layout` lays it out, with the test figures unless `lines`."""
    return layouts.report_grid(layout, lines)


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
