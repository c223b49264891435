"""Why `extract.file_guard` refuses a file: the limits one file may cost (settings of
`warehouse/seeds/settings.csv`) and the reasons staff read, in Vietnamese, each with what
to do. The engineers' detail (English) travels with each refusal to the log."""

from __future__ import annotations

from dataclasses import dataclass

from common.seeds import setting
from common.vn_format import vn_int
from extract.problems import Problem
from extract.tabular import CSV_SUFFIXES, SPREADSHEET_SUFFIXES

MB = 1 << 20
CHUNK = 1 << 22  # what one read of a file or a zip entry holds in memory
RESEND = "Hãy xin đơn vị gửi lại tệp lưu trực tiếp từ Excel"


@dataclass(frozen=True)
class Limits:
    """What one file may cost; `warehouse/seeds/settings.csv` holds the values."""
    csv_mb: int
    workbook_mb: int
    zip_entries: int
    unzipped_mb: int
    entry_mb: int
    ratio: int
    sheet_rows: int
    sheet_columns: int
    cells: int
    line_kb: int
    csv_columns: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(*(int(setting(name)) for name in (
            "guard_max_csv_mb", "guard_max_workbook_mb", "guard_max_zip_entries",
            "guard_max_unzipped_mb", "guard_max_zip_entry_mb", "guard_max_compression_ratio",
            "guard_max_sheet_rows", "guard_max_sheet_columns", "guard_max_cells",
            "guard_max_csv_line_kb", "guard_max_csv_columns")))


class Refused(Exception):
    """A file no parser may see; `problem` says why, for staff."""

    def __init__(self, rule: str, message: str, detail: str):
        super().__init__(detail)
        self.problem = Problem(rule, "error", message)


def not_a_spreadsheet(what: str, suffix: str, advice: str = "") -> Refused:
    named = f" dù tên tệp có đuôi {suffix}" if suffix in SPREADSHEET_SUFFIXES | CSV_SUFFIXES \
        else ""
    return Refused(
        "not_a_spreadsheet",
        f"Tệp này là {what}, không phải bảng tính{named}. "
        + (advice or "Hãy gửi tệp Excel gốc (.xlsx, .xls) hoặc tệp .csv xuất từ hệ thống, "
                     "không chụp ảnh hay in ra PDF."),
        f"content is {what!r}, not a spreadsheet")


def size_within(size: int, limit_mb: int, kind: str) -> None:
    if size > limit_mb * MB:
        raise Refused(
            "too_large",
            f"Tệp quá lớn: {vn_int(size / MB)} MB, giới hạn cho {kind} là {vn_int(limit_mb)} "
            "MB. Hãy kiểm tra có gửi nhầm tệp không; nếu đúng tệp, hãy chia nhỏ (theo tháng, "
            "theo đơn vị) hoặc báo bộ phận kỹ thuật.",
            f"{size} bytes > {limit_mb} MB")


DAMAGED = ("Tệp bảng tính bị hỏng hoặc chưa tải về hết (tệp bị cắt cụt). Hãy tải lại tệp "
           "từ e-mail/Zalo và mở thử bằng Excel; nếu Excel cũng không mở được, xin đơn vị "
           "gửi lại.")
PASSWORD = ("Tệp bảng tính được đặt mật khẩu nên không mở được. Hãy mở tệp bằng Excel, gỡ "
            "mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu → xoá "
            "mật khẩu → OK), lưu lại rồi gửi tệp không có mật khẩu.")


def damaged(detail: str) -> Refused:
    return Refused("damaged_file", DAMAGED, detail)


def suspicious(what: str, detail: str) -> Refused:
    return Refused(
        "suspicious_archive",
        f"Tệp bảng tính có cấu trúc bất thường nên không được mở: {what}. Tệp lưu từ Excel "
        f"không bao giờ như vậy; tệp có thể bị hỏng hoặc bị cài bẫy. {RESEND}, và báo bộ "
        "phận kỹ thuật nếu tệp đến từ nguồn lạ.", detail)


def unsafe(part: str, detail: str) -> Refused:
    return Refused(
        "unsafe_xml",
        f"Tệp bảng tính chứa khai báo DTD/thực thể XML (<!DOCTYPE>, <!ENTITY>) hoặc mã XML lạ ở "
        f"phần '{part}'. Excel không bao giờ ghi như vậy; đây là dấu hiệu tệp bị cài bẫy nên "
        f"tệp không được mở. {RESEND} và báo bộ phận kỹ thuật.", f"{part}: {detail}")


def within(rows: int, columns: int, part: str, limits: Limits) -> int:
    """A sheet's rows × columns as the reader builds them (a full grid from A1 to its
    farthest cell), refused past the limits; else its number of cells."""
    if rows > limits.sheet_rows or columns > limits.sheet_columns:
        raise Refused(
            "sheet_too_large",
            f"Trang tính (phần '{part}') kéo tới dòng {vn_int(rows)}, cột {vn_int(columns)}; "
            f"giới hạn là {vn_int(limits.sheet_rows)} dòng và {vn_int(limits.sheet_columns)} "
            "cột. Thường do có ô bị gõ hoặc định dạng ở rất xa bảng số liệu: hãy xoá các dòng, "
            "cột thừa ở cuối trang (hoặc chép bảng sang tệp mới), lưu rồi gửi lại.",
            f"{part}: {rows} rows x {columns} columns")
    return rows * columns


def cells_within(cells: int, limits: Limits) -> None:
    if cells > limits.cells:
        raise Refused(
            "sheet_too_large",
            f"Các trang tính của tệp có tổng cộng {vn_int(cells)} ô (tính từ ô A1 tới ô xa "
            f"nhất), giới hạn là {vn_int(limits.cells)} ô. Hãy xoá các trang, dòng, cột "
            "thừa hoặc chia tệp, lưu rồi gửi lại.", f"{cells} cells in all sheets")


def csv_limits(what: str, detail: str) -> Refused:
    return Refused(
        "csv_limits",
        f"Tệp CSV không đọc được: {what}. Tệp xuất từ hệ thống không như vậy; thường do tệp bị "
        "hỏng khi tải về hoặc không phải tệp xuất dữ liệu. Hãy xuất lại tệp từ hệ thống (hoặc "
        "mở bằng Excel, chọn Lưu thành (Save As) → CSV UTF-8) rồi gửi lại.", detail)
