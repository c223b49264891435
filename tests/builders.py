"""Tiny real input files for tests: one-stop exports and report workbooks from inline rows,
written as the demo inbox writes its files (`baocao.demo`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from baocao.demo.exports import write_csv
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
from baocao.demo.xlsx import write_rows

ONE_STOP_HEADER = ["STT", "Mã hồ sơ", "Tên thủ tục", "Lĩnh vực", "Người nộp", "Số CCCD",
                   "Đơn vị tiếp nhận", "Hình thức nộp", "Mức độ", "Ngày tiếp nhận",
                   "Ngày hẹn trả", "Ngày có kết quả", "Trạng thái"]


def dossier(code: str, received: str, due: str = "", finished: str = "",
            status: str = "Đang xử lý", channel: str = "Trực tiếp", level: str = "2",
            unit: str = "UBND phường Long Thủy", applicant: str = "Nguyễn Văn An",
            id_number: str = "079123456789") -> list[str]:
    return ["1", code, "Đăng ký khai sinh", "Hộ tịch", applicant, id_number, unit, channel,
            level, received, due, finished, status]


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], sheet: str = "Sheet1") -> Path:
    return write_rows(path, rows, sheet)


def csv_bytes(rows: Sequence[Sequence[object]], delimiter: str = ",",
              encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_one_stop_csv(path: Path, dossiers: Sequence[Sequence[object]]) -> Path:
    return write_csv(path, [ONE_STOP_HEADER, *dossiers])


def workbook_rows(reporter_line: str, period_line: str, indicators: Sequence[Sequence[object]],
                  date_line: str = "Long Thủy, ngày 14 tháng 9 năm 2022") -> list[list[object]]:
    """The usual template: title block, header on row 7, indicator rows, signature."""
    return [
        [TOWN_COUNCIL, None, None, None, NATION],
        [reporter_line, None, None, None, MOTTO],
        [None, None, None, None, date_line],
        [TITLE],
        [period_line],
        [],
        list(HEADERS[0]),
        [ROMAN[0], SECTIONS["health"]],
        *[[str(i + 1), *row] for i, row in enumerate(indicators)],
        [],
        [PREPARED_BY, None, None, None, ON_BEHALF],
    ]
