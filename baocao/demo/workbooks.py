"""The monthly report workbooks of the communes and town departments, in the usual template
(commune-workbook.md), each clerk with its own habits: title lines, the period written
three ways, retyped headers, numbers as Vietnamese text or `-` for zero, catalog synonyms;
and one report sent again, corrected, three days after the first."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from baocao.demo.figures import MONTHS, Figures, commune_figures, town_figures
from baocao.demo.people import People
from baocao.demo.template import (
    HEADERS,
    MOTTO,
    NATION,
    ON_BEHALF,
    PREPARED_BY,
    ROMAN,
    SECTIONS,
    TITLE,
    TOWN_COUNCIL,
)
from baocao.demo.timeline import YEAR, arrive
from baocao.demo.units import COMMUNES, DEPARTMENTS, LABOUR_SHORT_TITLE_MONTHS, Habits
from baocao.demo.xlsx import save_workbook
from common.area import DEFAULT
from common.catalog import reporters_of
from common.seeds import seed_rows
from common.vn_format import vn_decimal, vn_int


@dataclass(frozen=True)
class Indicator:
    """What a workbook row shows of a catalog indicator; its figures come from figures.py."""

    name: str
    synonyms: tuple[str, ...]
    unit: str
    domain: str  # decides the section (Y TẾ, AN SINH XÃ HỘI, …) the row stands in


def _read_catalog() -> dict[str, Indicator]:
    """The indicator catalog in its own order: workbook rows follow it."""
    return {
        row["indicator_code"]: Indicator(
            row["name_vi"], tuple(s.strip() for s in row["synonyms"].split("|") if s.strip()),
            row["unit_vi"], row["domain"])
        for row in seed_rows("indicators.csv")
    }


# The ways clerks write the report's period (`Habits.period_style`).
PERIOD_LINES = ("Tháng {m} năm 2022", "tháng {m:02d}/2022", "Kỳ báo cáo: T{m}/2022")


@dataclass(frozen=True)
class Report:
    """One workbook to write: who, which month, what it says."""

    file_name: str
    reporter: str
    month: int
    top: str  # row 1, column A
    unit: str  # row 2, column A: the reporter's title
    place: str  # for the date line
    signer_title: tuple[str, ...]
    signers: tuple[str, str]  # (prepared by, signed by)
    habits: Habits
    figures: Figures
    day: int  # day of the date line
    arrived: datetime
    seed: int  # drives how numbers are typed; a corrected copy keeps its original's


def _number_cell(rng: random.Random, value: int | None, habits: Habits, money: bool) -> object:
    """A number as this reporter types it: a number cell, Vietnamese text, or `-` for 0."""
    if value is None:
        return None
    if value == 0:
        return "-"
    if money and habits.money_suffix:
        return f"{vn_int(value)} đồng"
    if rng.random() < habits.text_numbers:
        return vn_int(value)
    return value


def _write_report(path: Path, report: Report, catalog: dict[str, Indicator]) -> Path:
    """A monthly report workbook in the usual template, dated as it arrived: the pipeline
    dates a report by its modification time."""
    habits, m = report.habits, report.month
    rng = random.Random(report.seed)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = rng.choice(("Sheet1", "BC", "Báo cáo", f"T{m}"))
    bold = Font(name="Times New Roman", bold=True)
    party = report.reporter == "vptu_688"
    heading = ("ĐẢNG CỘNG SẢN VIỆT NAM", None) if party else (NATION, MOTTO)
    sheet["A1"], sheet["E1"] = report.top, heading[0]
    sheet["A2"], sheet["E2"] = report.unit, heading[1]
    if habits.reference_no:
        sheet["A3"] = f"Số: {rng.randint(40, 400)}/BC-UBND"
    # Who writes "tháng 09/2022" also pads the date line: "ngày 14, tháng 09, năm 2022".
    sheet["E3"] = (f"{report.place}, ngày {report.day:02d}, tháng {m:02d}, năm {YEAR}"
                   if habits.period_style == 1
                   else f"{report.place}, ngày {report.day} tháng {m} năm {YEAR}")
    sheet["A4"] = TITLE
    # Staff sometimes switch to another way of writing the period.
    style = habits.period_style if rng.random() < 0.85 else rng.randrange(len(PERIOD_LINES))
    sheet["A5"] = PERIOD_LINES[style].format(m=m)
    row = 6
    for line in habits.lead_lines:
        sheet.cell(row, 1, line)
        row += 1
    row += 1  # a blank row above the table
    for column, text in enumerate(HEADERS[habits.header], start=1):
        sheet.cell(row, column, text).font = bold
    if habits.number_row:
        row += 1
        for column in range(1, 9):
            sheet.cell(row, column, f"({column})")
    for merged in ("A4:H4", "A5:H5", "E1:H1", "E2:H2", "E3:H3"):
        sheet.merge_cells(merged)
    for cell in ("A1", "A2", "E1", "E2", "A4"):
        sheet[cell].font = bold
    for cell in ("A4", "A5", "E1", "E2", "E3"):
        sheet[cell].alignment = Alignment(horizontal="center")

    codes = [c for c in catalog if c in report.figures]
    for section, domain in enumerate(dict.fromkeys(catalog[c].domain for c in codes)):
        row += 1
        sheet.cell(row, 1, ROMAN[section]).font = bold
        sheet.cell(row, 2, SECTIONS[domain]).font = bold
        for number, code in enumerate((c for c in codes if catalog[c].domain == domain), 1):
            indicator = catalog[code]
            plan, flow, cumulative = report.figures[code][m - 1]
            money = indicator.unit == "đồng"
            name = (indicator.synonyms[0] if code in habits.synonyms and indicator.synonyms
                    else indicator.name)
            row += 1
            cells = [number, name, indicator.unit, _number_cell(rng, plan, habits, money),
                     _number_cell(rng, flow, habits, money),
                     _number_cell(rng, cumulative, habits, money)]
            if plan:
                cells.append(vn_decimal(100 * (cumulative or 0) / plan, habits.rate_digits))
            for column, value in enumerate(cells, start=1):
                sheet.cell(row, column, value)
            if code == "vocational_trainees" and flow:
                sheet.cell(row, 8, rng.choice(("Lớp may công nghiệp", "Lớp sửa chữa máy nông "
                                               "nghiệp", "Lớp kỹ thuật trồng tiêu, điều")))

    row += 2
    sheet.cell(row, 2, PREPARED_BY).font = bold
    for offset, line in enumerate(report.signer_title):
        sheet.cell(row + offset, 6, line).font = bold
    sheet.cell(row + 5, 2, report.signers[0]).font = bold
    sheet.cell(row + 5, 6, report.signers[1]).font = bold
    for column, width in zip("ABCDEFGH", (6, 62, 9, 12, 14, 13, 10, 22), strict=True):
        sheet.column_dimensions[column].width = width
    return arrive(save_workbook(workbook, path, report.arrived), report.arrived)


def _reports(rng: random.Random, people: People, catalog: dict[str, Indicator]
             ) -> list[Report]:
    """Every monthly workbook, in the order they arrive, plus one corrected resubmission."""
    reporters = reporters_of(DEFAULT)
    figures = {f"ubnd_{code}": f for code, f in commune_figures(rng).items()}
    figures.update(town_figures(rng))
    senders = []
    for commune in COMMUNES:
        reporter = f"ubnd_{commune.code}"
        name = reporters[reporter].name_vi  # "UBND phường Long Thủy"
        unit = name.upper() if commune.habits.upper_title else name
        place = name.split(" ", 2)[2]
        chair = ((ON_BEHALF, "CHỦ TỊCH") if rng.random() < 0.6
                 else (ON_BEHALF, "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"))
        senders.append((reporter, TOWN_COUNCIL, [unit] * MONTHS, place, chair, commune.habits))
    for reporter, (top, title_index, title, habits) in DEPARTMENTS.items():
        row = reporters[reporter]
        titles = [row.name_vi, *row.title_synonyms]
        units = [titles[title_index].upper()] * MONTHS
        if reporter == "ldtbxh_688":
            for m in LABOUR_SHORT_TITLE_MONTHS:
                units[m - 1] = titles[1]
        senders.append((reporter, top, units, "Phước Long", (title,), habits))

    reports = []
    for reporter, top, units, place, chair, habits in senders:
        signers = (people.name(rng.random() < 0.4), people.name(rng.random() < 0.7))
        for m in range(1, MONTHS + 1):
            # Reports are dated on a working day around the 14th, the data cut-off.
            days = [d for d in (12, 13, 14, 14, 14, 15, 16) if date(YEAR, m, d).weekday() < 5]
            day = rng.choice(days)
            late = rng.choice((1, 2, 3)) if rng.random() < 0.08 else 0
            arrived = (datetime(YEAR, m, day, rng.randint(9, 15), rng.randint(0, 59))
                       + timedelta(days=late))
            # A report sent late is signed the day it is sent: its date line is what tells
            # its lateness once the files are loaded long after (int_workbook_received).
            reports.append(Report(habits.file_name.format(m=m), reporter, m, top, units[m - 1],
                                  place, chair, signers, habits, figures[reporter],
                                  arrived.day, arrived, rng.getrandbits(32)))
    reports.append(_correct(reports))
    reports.sort(key=lambda r: r.arrived)
    return reports


def _correct(reports: list[Report]) -> Report:
    """Long Thủy's September report first went out with a typo in the number of households;
    the corrected file (sửa) follows three days later and is the one that counts."""
    index = next(i for i, r in enumerate(reports) if r.reporter == "ubnd_25217" and r.month == 9)
    right = reports[index]
    plan, flow, households = right.figures["households"][8]
    digits = str(households)
    typo = int(digits[:-2] + digits[-1] + digits[-2])
    typo = typo if typo != households else households + 9
    wrong_figures = {**right.figures,
                     "households": [*right.figures["households"][:8], (plan, flow, typo)]}
    first = datetime(YEAR, 9, 13, 10, 20)
    reports[index] = replace(right, figures=wrong_figures, day=13, arrived=first)
    return replace(right, file_name=right.file_name.replace(".xlsx", " (sua).xlsx"), day=16,
                   arrived=datetime(YEAR, 9, 16, 14, 5))


def write_reports(folder: Path, rng: random.Random, people: People) -> list[Path]:
    """Write every report workbook into `folder`, in the order they arrive."""
    catalog = _read_catalog()
    return [_write_report(folder / report.file_name, report, catalog)
            for report in _reports(rng, people, catalog)]
