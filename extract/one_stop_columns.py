"""Columns an export needs on every row, checked on its header before any row is read: an
export whose channel column was renamed would otherwise be "loaded" with every row
rejected. A missing column is named together with the header cell that looks most like it
("`Phương thức nộp` — có phải `Hình thức nộp`?"), so staff can rename it."""

from __future__ import annotations

from difflib import SequenceMatcher

from common.text import fold
from extract.headers import find_header_row
from extract.one_stop_vocabulary import HEADER_INDEX, HEADERS, REQUIRED
from extract.problems import Problem
from extract.tabular import Sheet

# Each group: fields of which the export must have at least one, for every row.
NEEDED = {"channel": ("channel", "online_flag"),
          "receiving_unit": ("receiving_unit", "processing_unit")}
# Fields whose absence is allowed but changes figures: say so, with the look-alike.
WORTH_A_WARNING = {"due_date": ("due_date", "extended_due_date")}
SIMILAR = 0.6  # SequenceMatcher ratio of folded texts from which a cell "looks like" one


def lookalike(cells: list[object], field: str) -> str | None:
    """The unmatched header cell most like one of the field's names, if one is close."""
    names = [fold(n) for n in HEADERS[field]]
    best, score = None, SIMILAR
    for cell in cells:
        key = fold(cell)
        if not key or key in HEADER_INDEX:
            continue
        ratio = max(SequenceMatcher(None, key, name).ratio() for name in names)
        if ratio >= score:
            best, score = str(cell).strip(), ratio
    return best


def header_problems(sheets: list[Sheet]) -> list[Problem]:
    """Errors (the file cannot load) and warnings about the header of the export's sheet."""
    for sheet in sheets:
        found = find_header_row(sheet.rows, HEADER_INDEX, REQUIRED)
        if found:
            row, mapping = found
            return _problems(list(sheet.rows[row]), mapping, sheet.name or None, row + 1)
    return []


def _problems(cells: list[object], mapping: dict[str, int], sheet: str | None, row: int
              ) -> list[Problem]:
    problems = []
    for group, fields in NEEDED.items():
        if not any(f in mapping for f in fields):
            problems.append(Problem(
                "missing_column", "error",
                f"Thiếu cột '{HEADERS[group][0]}' ở dòng tiêu đề {row}: cột này cần cho mọi "
                f"hồ sơ, nên không hồ sơ nào được nạp.{_suggestion(cells, group)} Hãy sửa tên "
                "cột rồi gửi lại tệp.", sheet=sheet))
    for group, fields in WORTH_A_WARNING.items():
        if not any(f in mapping for f in fields):
            problems.append(Problem(
                "missing_due_date_column", "warning",
                f"Không có cột '{HEADERS[group][0]}': hạn trả của mọi hồ sơ được tính theo "
                f"thời hạn giải quyết của thủ tục.{_suggestion(cells, group)}", sheet=sheet))
    return problems


def _suggestion(cells: list[object], field: str) -> str:
    similar = lookalike(cells, field)
    return f" Cột '{similar}' có phải là '{HEADERS[field][0]}'?" if similar else ""
