"""What a reader found wrong, located for data staff: file, sheet, row, cell, rule."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    rule: str  # stable machine name, e.g. 'unknown_status'
    severity: str  # 'error' rejects the row or file, 'warning' loads and flags
    message: str  # Vietnamese, for data staff; never holds personal data
    sheet: str | None = None
    row_number: int | None = None  # 1-based, as Excel and text editors count
    cell: str | None = None
    raw: dict[str, str] | None = field(default=None, compare=False)  # the row, no personal data


class FileRejected(Exception):
    """The whole file cannot be read; `problems` say why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems
