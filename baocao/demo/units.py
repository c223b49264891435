"""The reporting units of the demo: the 7 communes and wards (their one-stop desks and the
size that spreads the town's figures over them) and the town's departments, each with the
habits its clerk has when filling in the monthly report template."""

from __future__ import annotations

from dataclasses import dataclass

from baocao.demo.template import TOWN_COUNCIL
from common.area import DEFAULT
from common.catalog import reporters_of


@dataclass(frozen=True)
class Habits:
    """How one reporter fills the template; staff keep their habits from month to month."""

    file_name: str  # str.format pattern with {m}, the report month
    upper_title: bool = True  # "UBND PHƯỜNG LONG THỦY" rather than "UBND phường Long Thủy"
    period_style: int = 0  # index into workbooks.PERIOD_LINES
    text_numbers: float = 0.0  # share of number cells typed as Vietnamese text ("6.210")
    money_suffix: bool = False  # amounts typed as "1.641.750.000 đồng"
    header: int = 0  # index into template.HEADERS
    lead_lines: tuple[str, ...] = ()  # lines between the period line and the table
    number_row: bool = False  # a "(1) (2) …" row under the header
    synonyms: tuple[str, ...] = ()  # indicators written with a catalog synonym
    rate_digits: int = 1
    reference_no: bool = False  # a "Số: …/BC-UBND" line


@dataclass(frozen=True)
class Commune:
    code: str
    prefix: str  # agency part of the one-stop system's dossier codes
    share: float  # share of the town's dossiers received at this desk
    households: int  # rough size, spreads the town totals over communes
    poverty: float  # rural communes have more poor households
    ward: bool
    habits: Habits


_TO_TOWN = "Kính gửi: Ủy ban nhân dân thị xã Phước Long"
COMMUNES = (
    Commune("25216", "000.21.17.H10", 0.12, 2450, 0.6, True, Habits(
        "BC thang {m} - Thac Mo.xlsx")),
    Commune("25217", "000.25.17.H10", 0.14, 2900, 0.4, True, Habits(
        "BC thang {m} - Long Thuy.xlsx", text_numbers=0.05, reference_no=True)),
    Commune("25219", "000.22.17.H10", 0.13, 2700, 1.0, True, Habits(
        "Báo cáo tháng {m:02d}-2022 P.Phước Bình.xlsx", period_style=1, text_numbers=0.3,
        header=1, synonyms=("food_safety_inspected", "households"), rate_digits=2)),
    Commune("25220", "000.23.17.H10", 0.11, 2300, 1.0, True, Habits(
        "bao cao T{m:02d}.2022 Long Phuoc.xlsx", period_style=2, header=2,
        lead_lines=(_TO_TOWN,))),
    Commune("25237", "000.24.17.H10", 0.08, 1500, 1.2, True, Habits(
        "BaoCao_DVCQ_T{m}_2022_SonGiang.xlsx", text_numbers=0.1, number_row=True,
        reference_no=True)),
    Commune("25245", "000.26.17.H10", 0.06, 1300, 1.8, False, Habits(
        "LongGiang_DVCQ_thang{m:02d}.2022.xlsx", upper_title=False, period_style=1,
        text_numbers=0.5, money_suffix=True, header=1,
        lead_lines=(_TO_TOWN, "Đơn vị báo cáo: UBND xã Long Giang"), synonyms=("tet_gifts",),
        rate_digits=2)),
    Commune("25249", "000.27.17.H10", 0.06, 1200, 2.0, False, Habits(
        "bao cao T{m:02d}.2022 Phuoc Tin.xlsx", upper_title=False, period_style=2,
        text_numbers=0.2, money_suffix=True, header=2)),
)
TOWN_SHARE = 0.30  # the town desk takes land, building and business dossiers
TOWN_PREFIX = "000.00.17.H10"
TOWN_DESK = "Bộ phận một cửa thị xã Phước Long"

# Town departments: reporter → (row 1 of the title block, which of the reporter's titles in
# departments.csv row 2 shows (0: name_vi, k: k-th title synonym), signer's title, habits).
DEPARTMENTS = {
    "ttyt_688": (TOWN_COUNCIL, 0, "GIÁM ĐỐC",
                 Habits("TTYT bc thang {m}.xlsx")),
    "ldtbxh_688": (TOWN_COUNCIL, 2, "TRƯỞNG PHÒNG",
                   Habits("LĐTBXH - BC DVCQ tháng {m}.2022.xlsx", period_style=1, header=1)),
    "vptu_688": ("ĐẢNG BỘ TỈNH BÌNH PHƯỚC", 0, "CHÁNH VĂN PHÒNG",
                 Habits("VP Thi uy - bao cao T{m}.2022.xlsx", period_style=2,
                        text_numbers=0.4)),
}
# Months in which the labour office's clerk types its short title as is
# ("Phòng Lao động - TB&XH thị xã", its first title synonym).
LABOUR_SHORT_TITLE_MONTHS = (3, 7)


def commune_names() -> list[str]:
    """The communes' names in the order of `COMMUNES`, as the catalog names their reporters
    and the one-stop system their desks: "UBND phường Long Thủy"."""
    names = reporters_of(DEFAULT)
    return [names[f"ubnd_{commune.code}"].name_vi for commune in COMMUNES]
