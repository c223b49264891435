"""What a reader found wrong, located for data staff: file, sheet, row, cell, rule."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


class ProblemList(Sequence[Problem]):
    """The problems of one export: a read-only sequence, not a list. Prefect walks every
    list, dict and dataclass passed between tasks, and the 50,000 rejected rows of a
    million-row export cost it seconds; an object of its own it passes as it is."""

    def __init__(self, problems: Iterable[Problem]):
        self._problems = list(problems)

    def __getitem__(self, index):
        return self._problems[index]

    def __len__(self) -> int:
        return len(self._problems)

    def __repr__(self) -> str:
        return f"ProblemList({self._problems!r})"
