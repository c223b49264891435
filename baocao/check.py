"""`baocao check FILE`: what the nightly run would read from one file, and every problem
with its cell, for data staff before they drop the file into the inbox. No warehouse: the
file is read and validated exactly as the pipeline does (the same reader, the same GX
suite), and nothing is written. A problem repeated on many rows (a renamed column makes
every row fail alike) is one line with its count and its first cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rich.console import Group
from rich.table import Table
from rich.text import Text

from baocao.quality_page import KIND_LABELS, SEVERITY_LABELS, places, times
from common.catalog import load_catalog, load_reporters
from common.clock import local_from_timestamp, local_now
from common.vn_format import vn_date, vn_int, vn_number, vn_period
from expectations.staged import validate_batch
from extract.inbox import FileResult, InboxFile, extract_file
from extract.problems import Problem
from load.archive import sha256_of
from transform.batch import Batch, build_batch

PLACES_SHOWN = 5  # cells listed for a repeated problem; the rest are counted


@dataclass
class Checked:
    name: str
    result: FileResult
    batch: Batch | None  # None when the file was rejected as a whole
    problems: list[Problem]  # the reader's, then the validation's, in file order

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def ok(self) -> bool:
        return not self.result.rejected and self.errors == 0


def check_file(path: Path) -> Checked:
    """Read and validate one file as the nightly run would, without archiving it."""
    file = InboxFile(path=str(path), sha256=sha256_of(path), archive_path=path.name,
                     file_mtime=local_from_timestamp(path.stat().st_mtime),
                     first_seen_at=local_now())
    result = extract_file(file, path)
    problems = list(result.problems)
    batch = None
    if not result.rejected:
        batch = validate_batch(build_batch([result]), pd.Timestamp(local_now()), engine="sql")
        problems += _validation_problems(batch)
    problems.sort(key=lambda p: (p.row_number or 0, p.cell or ""))
    return Checked(path.name, result, batch, problems)


def _validation_problems(batch: Batch) -> list[Problem]:
    """Rows the GX suite rejects and the warnings it raises, as the reader's problems."""
    rejected = [Problem(r.rule, "error", r.reason, sheet=r.sheet, row_number=int(r.row_number),
                        cell=r.cell)
                for r in batch.rejected_rows.itertuples() if str(r.rule).startswith("gx:")]
    warned = [Problem(f"gx:{r.expectation}", "warning",
                      f"Không đạt kiểm tra dữ liệu {r.expectation}: {r.observed}")
              for r in batch.dq_results.itertuples()
              if not r.success and r.severity == "warning"]
    return rejected + warned


def render(checked: Checked) -> Group:
    """What was read and what is wrong, in Vietnamese, for the terminal."""
    result, ex = checked.result, checked.result.extract
    parts: list = [Text(f"Tệp: {checked.name}", style="bold"),
                   Text(f"Loại tệp: {KIND_LABELS[result.kind]}")]
    if result.kind == "workbook" and ex is not None:
        reporter = load_reporters()[ex.reporter]
        parts += [Text(f"Đơn vị báo cáo: {reporter.name_vi} (mã đơn vị {ex.unit_code})"),
                  Text(f"Kỳ báo cáo: {vn_period(ex.period_code)}; ngày báo cáo: "
                       f"{vn_date(ex.report_date)}; trang tính '{ex.sheet}'"),
                  _indicator_table(checked.batch.indicators)]
    elif result.kind == "one_stop" and ex is not None:
        where = f" (trang tính '{ex.sheet}')" if ex.sheet else ""
        parts.append(Text(f"Đọc được {vn_number(len(checked.batch.dossiers))} hồ sơ{where}."))
    if checked.problems:
        parts.append(_problem_table(checked.problems))
    parts.append(_verdict(checked))
    return Group(*parts)


def _indicator_table(rows: pd.DataFrame) -> Table:
    catalog = load_catalog().indicators
    table = Table(title=f"Các chỉ tiêu đọc được ({vn_int(len(rows))})", title_justify="left")
    for column, justify in (("Dòng", "right"), ("Chỉ tiêu", "left"), ("ĐVT", "left"),
                            ("Kế hoạch", "right"), ("Trong tháng", "right"),
                            ("Lũy kế", "right"), ("Ô lấy số", "left")):
        table.add_column(column, justify=justify)
    for row in rows.sort_values("row_number").itertuples():
        indicator = catalog[row.indicator_code]
        table.add_row(str(row.row_number), indicator.name_vi, indicator.unit_vi,
                      vn_number(row.plan_value), vn_number(row.actual_month),
                      vn_number(row.cumulative), row.source_cell)
    return table


def _repeated(problems: list[Problem]) -> list[list[Problem]]:
    """The problems (in file order) with those of the same rule, sheet and wording together,
    in the order each first occurs. The wording is part of it: a reader's message names
    its column or indicator, and those are different things to fix."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.severity, p.rule, p.sheet, p.message), []).append(p)
    return list(groups.values())


def _problem_table(problems: list[Problem]) -> Table:
    table = Table(title=f"Các vấn đề ({vn_int(len(problems))})", title_justify="left")
    for column in ("Mức", "Trang tính", "Ô", "Nội dung"):
        table.add_column(column)
    for group in _repeated(problems):
        p, rows = group[0], [g.row_number for g in group]
        cell = p.cell or (f"dòng {p.row_number}" if p.row_number else "—")
        message = p.message
        if len(group) > 1:
            cell = places([g.cell for g in group], rows, PLACES_SHOWN)
            message += f" ({times(len(group), rows)})"
        style = "red" if p.severity == "error" else "yellow"
        table.add_row(Text(SEVERITY_LABELS[p.severity], style=style), p.sheet or "—", cell,
                      message)
    return table


def _verdict(checked: Checked) -> Text:
    errors, warnings = checked.errors, len(checked.problems) - checked.errors
    if checked.result.rejected:
        return Text("Kết quả: tệp bị từ chối, không có số liệu nào được nạp. Hãy sửa rồi kiểm "
                    "tra lại.", style="bold red")
    if errors:
        return Text(f"Kết quả: {vn_int(errors)} lỗi, {vn_int(warnings)} cảnh báo. Các dòng có "
                    "lỗi sẽ không được nạp; hãy sửa các ô trên rồi kiểm tra lại.",
                    style="bold red")
    return Text(f"Kết quả: tệp đọc được, không có lỗi ({vn_int(warnings)} cảnh báo).",
                style="bold green")
