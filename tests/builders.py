"""Tiny real input files for tests: one-stop exports and report workbooks, written with
openpyxl and the csv module from inline rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

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
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    book.save(path)
    return path


def csv_bytes(rows: Sequence[Sequence[object]], delimiter: str = ",",
              encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_one_stop_csv(path: Path, dossiers: Sequence[Sequence[object]]) -> Path:
    path.write_bytes(csv_bytes([ONE_STOP_HEADER, *dossiers]))
    return path


def workbook_rows(reporter_line: str, period_line: str, indicators: Sequence[Sequence[object]],
                  date_line: str = "Long Thủy, ngày 14 tháng 9 năm 2022") -> list[list[object]]:
    """The usual template: title block, header on row 7, indicator rows, signature."""
    return [
        ["UBND THỊ XÃ PHƯỚC LONG", None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        [reporter_line, None, None, None, "Độc lập - Tự do - Hạnh phúc"],
        [None, None, None, None, date_line],
        ["BÁO CÁO SỐ LIỆU KẾT QUẢ THỰC HIỆN CÔNG TÁC DÂN VẬN CHÍNH QUYỀN"],
        [period_line],
        [],
        ["STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện trong tháng", "Lũy kế",
         "Tỷ lệ (%)", "Ghi chú"],
        ["I", "Y TẾ"],
        *[[str(i + 1), *row] for i, row in enumerate(indicators)],
        [],
        ["NGƯỜI LẬP BIỂU", None, None, None, "TM. ỦY BAN NHÂN DÂN"],
    ]
