"""A copy of the demo inbox broken on purpose, every breakage at once, each in its own unit
and month so that the findings it causes can be told apart, and one real nightly run on it
(built once per test session).

| unit (reporter)          | month    | breakage                                              |
|--------------------------|----------|-------------------------------------------------------|
| Thác Mơ (ubnd_25216)     | 2022-M05 | dose 2 (18+) lũy kế = dose 1 + 25, its Tỷ lệ with it   |
| Phước Bình (ubnd_25219)  | 2022-M09 | food-safety lũy kế 3 more than M08's + the month's     |
| Long Giang (ubnd_25245)  | 2022-M04 | signed 20/04/2022 (date line), after the 18/04 deadline |
| Phước Tín (ubnd_25249)   | 2022-M06 | file missing                                          |
| Sơn Giang (ubnd_25237)   | 2022-M07 | food-safety inspections 20 more (lũy kế kept in step) |
| Long Phước (ubnd_25220)  | 2022-M03 | Tết gifts of the month typed as 'khoảng 15'            |
| —                        | —        | an .xls that is not a workbook at all                 |

The cells are found with the project's own reader, and edited with openpyxl and saved as
the demo saves its workbooks (no wall clock in the file). The demo's reports are old
reports loaded long after their deadlines, so their timeliness is judged by their date
lines; the late report's date line says it was signed late.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from baocao.demo.timeline import arrive
from baocao.demo.xlsx import save_workbook
from common.clock import local_from_timestamp
from common.datafolder import DataPaths
from extract.problems import FileRejected
from extract.workbook import WorkbookExtract, read_workbook

DOSE = ("ubnd_25216", "2022-M05")
DOSE_EXCESS = 25
CUMULATIVE_GAP = ("ubnd_25219", "2022-M09", "food_safety_inspected")
GAP = 3
LATE = ("ubnd_25245", "2022-M04")
LATE_ARRIVAL = dt.datetime(2022, 4, 20, 10, 30)  # local time
MISSING = ("ubnd_25249", "2022-M06")
OUTLIER = ("ubnd_25237", "2022-M07", "food_safety_inspected")
OUTLIER_EXTRA = 20
NOT_A_NUMBER = ("ubnd_25220", "2022-M03", "tet_gifts")
NOT_A_NUMBER_TEXT = "khoảng 15"
UNREADABLE = "BC thang 8 - Phuoc Tin (loi).xls"


_DATE_LINE = re.compile(r"ngày\s*\d{1,2},?\s*tháng\s*\d{1,2},?\s*năm\s*\d{4}")


@dataclass
class Report:
    path: Path
    extract: WorkbookExtract

    def row(self, code: str) -> dict:
        rows = self.extract.rows.set_index("indicator_code")
        return {"indicator_code": code, **rows.loc[code].to_dict()}


def demo_reports(inbox: Path) -> dict[tuple[str, str], Report]:
    """The demo's report workbooks by (reporter, month); the corrected resubmission of a
    month wins, as in the pipeline (its date line is the newer)."""
    reports: dict[tuple[str, str], Report] = {}
    for path in sorted(inbox.glob("*.xlsx")):
        with path.open("rb") as handle:
            try:
                extract = read_workbook(handle, path.name)
            except FileRejected:  # one-stop exports are not workbooks
                continue
        key = (extract.reporter, extract.period_code)
        if key not in reports or extract.report_date > reports[key].extract.report_date:
            reports[key] = Report(path, extract)
    return reports


def _edit(path: Path, sheet: str, cells: dict[str, object]) -> None:
    """Write cells and keep the file's arrival: its modification time."""
    arrived = local_from_timestamp(path.stat().st_mtime)
    book = load_workbook(path)
    for address, value in cells.items():
        book[sheet][address] = value
    arrive(save_workbook(book, path, arrived), arrived)


def break_inbox(inbox: Path) -> None:
    reports = demo_reports(inbox)

    dose = reports[DOSE]
    dose1, dose2 = dose.row("vax_18_dose1"), dose.row("vax_18_dose2")
    wrong = dose1["cumulative"] + DOSE_EXCESS
    _edit(dose.path, dose.extract.sheet, {
        dose2["cumulative_cell"]: wrong,
        dose2["rate_cell"]: round(100 * wrong / dose2["plan_value"], 1)})

    gap = reports[CUMULATIVE_GAP[:2]]
    row = gap.row(CUMULATIVE_GAP[2])
    _edit(gap.path, gap.extract.sheet, {row["cumulative_cell"]: row["cumulative"] + GAP})

    # Sent late: the demo's files are old reports loaded years later, whose timeliness
    # is judged by their own date lines (int_workbook_received), so the date line says so.
    late = reports[LATE]
    book = load_workbook(late.path)
    for row in book[late.extract.sheet].iter_rows(max_row=6):  # the title block
        for cell in row:
            if isinstance(cell.value, str) and _DATE_LINE.search(cell.value):
                cell.value = _DATE_LINE.sub(f"ngày {LATE_ARRIVAL:%d} tháng "
                                            f"{LATE_ARRIVAL.month} năm {LATE_ARRIVAL.year}",
                                            cell.value)
    arrive(save_workbook(book, late.path, LATE_ARRIVAL), LATE_ARRIVAL)

    reports[MISSING].path.unlink()

    reporter, month, code = OUTLIER
    for (who, period), report in sorted(reports.items()):
        if who == reporter and period >= month:
            row = report.row(code)
            cells = {row["cumulative_cell"]: row["cumulative"] + OUTLIER_EXTRA}
            if period == month:
                cells[row["source_cell"]] = row["actual_month"] + OUTLIER_EXTRA
            _edit(report.path, report.extract.sheet, cells)

    text = reports[NOT_A_NUMBER[:2]]
    row = text.row(NOT_A_NUMBER[2])
    _edit(text.path, text.extract.sheet, {row["source_cell"]: NOT_A_NUMBER_TEXT})

    (inbox / UNREADABLE).write_bytes(b"not really a workbook")


_BUILT: dict[str, DataPaths] = {}


def broken_run(tmp_path_factory) -> DataPaths:
    """The broken demo inbox after one real nightly run, built once per session."""
    if "paths" not in _BUILT:
        from baocao.demo import write_demo_inbox
        from flows.nightly import run_nightly

        paths = DataPaths.of(tmp_path_factory.mktemp("broken") / "data")
        write_demo_inbox(paths.inbox)
        break_inbox(paths.inbox)
        summary = run_nightly(paths)
        assert summary["status"] == "succeeded"
        _BUILT["paths"] = paths
    return _BUILT["paths"]
