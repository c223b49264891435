"""One inbox file → what it is and what it holds, without touching the warehouse.

A file is read once, then classified by its content (a one-stop export has dossier
columns, a report workbook has indicator columns); its name decides nothing but the
reader for CSV.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extract.one_stop import (
    OneStopExtract,
    looks_like_one_stop,
    one_stop_from_sheets,
    one_stop_header_problem,
    read_one_stop_csv,
)
from extract.problems import FileRejected, Problem
from extract.tabular import (
    CSV_SUFFIXES,
    SPREADSHEET_SUFFIXES,
    UnreadableFile,
    read_csv_head,
    read_csv_rows,
    read_sheets,
)
from extract.workbook import WorkbookExtract, looks_like_workbook, workbook_from_sheets


@dataclass
class InboxFile:
    """A file as first seen: where it came from, its content hash and its archived copy."""
    path: str
    sha256: str
    archive_path: str  # relative to the data folder
    file_mtime: dt.datetime  # local time (Asia/Ho_Chi_Minh)
    first_seen_at: dt.datetime


@dataclass
class FileResult:
    file: InboxFile
    kind: str  # 'one_stop', 'workbook' or 'unknown'
    extract: OneStopExtract | WorkbookExtract | None = None
    problems: Sequence[Problem] = field(default_factory=list)
    rejected: bool = False

    @property
    def error(self) -> str | None:
        errors = [p.message for p in self.problems if p.severity == "error" and p.row_number
                  is None]
        return "; ".join(errors) if self.rejected else None


def extract_file(file: InboxFile, path: Path) -> FileResult:
    """Read a file (its archived copy at `path`); a file that cannot be read is a rejected
    result, not a crash."""
    suffix = Path(file.path).suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            head = read_csv_head(path)
            if looks_like_one_stop([head.sheet]):  # a dossier export: DuckDB reads it in bulk
                result = read_one_stop_csv(path, head)
                return FileResult(file, "one_stop", result, result.problems)
            with path.open("rb") as handle:
                sheets = [read_csv_rows(handle)]
        elif suffix in SPREADSHEET_SUFFIXES:
            with path.open("rb") as handle:
                sheets = read_sheets(handle)
        else:
            return _rejected(file, "unknown", "unsupported_format",
                             f"Định dạng tệp '{suffix or '(không có)'}' không được hỗ trợ "
                             "(cần .xlsx, .xls, .ods hoặc .csv).")
        # Workbooks first: they are most of the files, and their check is the cheaper.
        if looks_like_workbook(sheets):
            result = workbook_from_sheets(sheets, Path(file.path).name, source=path)
            return FileResult(file, "workbook", result, list(result.problems))
        if looks_like_one_stop(sheets):
            result = one_stop_from_sheets(sheets)
            return FileResult(file, "one_stop", result, result.problems)
        header = one_stop_header_problem(sheets)
        if header is not None:  # dossier columns, but not those every export has
            return FileResult(file, "one_stop", None, [header], rejected=True)
        return _rejected(file, "unknown", "unrecognised_file",
                         "Không nhận ra tệp: không có dòng tiêu đề của danh sách hồ sơ một cửa "
                         "hay của báo cáo tháng trong 20 dòng đầu.")
    except UnreadableFile as exc:
        return _rejected(file, "unknown", "unreadable_file", f"Không đọc được tệp: {exc}")
    except FileRejected as exc:  # a report workbook whose reporter or period is unclear
        return FileResult(file, "workbook", None, exc.problems, rejected=True)


def _rejected(file: InboxFile, kind: str, rule: str, message: str) -> FileResult:
    return FileResult(file, kind, None, [Problem(rule, "error", message)], rejected=True)
