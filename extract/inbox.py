"""One inbox file → what it is and what it holds, without touching the warehouse.

A file is read once, then classified by its content (a one-stop export has dossier
columns, a report workbook has indicator columns); its name decides nothing but the
reader for CSV.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extract import file_guard
from extract.export_age import export_age
from extract.one_stop import (
    OneStopExtract,
    looks_like_one_stop,
    one_stop_from_sheets,
    one_stop_header_problem,
    read_one_stop_csv,
)
from extract.one_stop_columns import header_problems
from extract.one_stop_rows import Streaming
from extract.problems import FileRejected, Problem, ProblemList
from extract.tabular import (
    CSV_SUFFIXES,
    SPREADSHEET_SUFFIXES,
    Sheet,
    UnreadableFile,
    read_csv_head,
    read_csv_rows,
    read_sheets,
)
from extract.workbook import WorkbookExtract, looks_like_workbook, workbook_from_sheets

log = logging.getLogger(__name__)


@dataclass
class InboxFile:
    """A file as first seen: where it came from, its content hash and its archived copy."""
    path: str
    sha256: str
    archive_path: str  # relative to the data folder
    file_mtime: dt.datetime  # local time (Asia/Ho_Chi_Minh)
    first_seen_at: dt.datetime
    # Why the file could not even be copied (no permission, vanished, I/O error): it is
    # recorded as rejected and the run goes on.
    unreadable: str | None = None


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


def extract_file(file: InboxFile, path: Path, streaming: Streaming | None = None
                 ) -> FileResult:
    """Read a file (its archived copy at `path`); a file that cannot be read is a rejected
    result, never a crash of the run: one bad file must not stop its neighbours.
    `streaming`: where a very large export's accepted rows are written instead of being
    held (extract.one_stop_rows); without it, every file's rows are held."""
    if file.unreadable is not None:
        return _rejected(file, "unknown", "unreadable_file", file.unreadable)
    try:
        return _read(file, path, streaming)
    except OSError as exc:
        log.warning("cannot read %s: %r", file.path, exc)
        return _rejected(file, "unknown", "unreadable_file", unreadable_reason(exc))
    except Exception:  # a reader's bug must cost one file, not the night
        log.exception("reader failed on %s", file.path)
        return _rejected(file, "unknown", "reader_error",
                         "Chương trình gặp lỗi khi đọc tệp này (đã ghi chi tiết cho kỹ thuật "
                         "viên). Các tệp khác vẫn được nạp; hãy báo cho bộ phận kỹ thuật.")


def unreadable_reason(exc: OSError) -> str:
    """What staff can do about a file the process could not read, in Vietnamese."""
    if isinstance(exc, PermissionError):
        why = "không có quyền đọc tệp"
    elif isinstance(exc, FileNotFoundError):
        why = "tệp đã bị xoá hoặc di chuyển trong lúc đang chạy"
    else:
        why = "lỗi đọc ổ đĩa"
    return (f"Không đọc được tệp: {why}. Hãy kiểm tra tệp (mở được không, quyền truy cập) "
            "rồi chép lại vào hộp thư; lần chạy sau sẽ đọc lại.")


def _read(file: InboxFile, path: Path, streaming: Streaming | None) -> FileResult:
    refused = file_guard.refusal(path, file.path)  # before any parser sees the bytes
    if refused is not None:
        return FileResult(file, "unknown", None, [refused], rejected=True)
    suffix = Path(file.path).suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            head = read_csv_head(path)
            if looks_like_one_stop([head.sheet]):  # a dossier export: DuckDB reads it in bulk
                spill = streaming.for_file(file.sha256) if streaming else None
                return _one_stop(file, [head.sheet],
                                 lambda: read_one_stop_csv(path, head, spill))
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
            return _one_stop(file, sheets, lambda: one_stop_from_sheets(sheets))
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


def _one_stop(file: InboxFile, sheets: list[Sheet],
              read: Callable[[], OneStopExtract]) -> FileResult:
    """An export whose header lacks a column every row needs is rejected before its rows
    are read; otherwise read, and dated by its content (`extract.export_age`)."""
    checked = header_problems(sheets)
    if any(p.severity == "error" for p in checked):
        return FileResult(file, "one_stop", None, checked, rejected=True)
    extract = read()
    extract.exported_at, extract.exported_at_source = export_age(
        extract.exported_at, extract.newest_row_at, Path(file.path).name, file.file_mtime)
    if checked:
        extract.problems = ProblemList([*checked, *extract.problems])
    return FileResult(file, "one_stop", extract, extract.problems)


def _rejected(file: InboxFile, kind: str, rule: str, message: str) -> FileResult:
    return FileResult(file, kind, None, [Problem(rule, "error", message)], rejected=True)
