"""The one-stop system's exports as staff save them: four overlapping snapshots, two `.xlsx`
with a title block and dates as cells or text, two `.csv` with dates as text, each with its
own column names, order and date formats. A dossier shows in an export with the state it
had when the export was taken, so the same dossier appears older in older exports."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from baocao.demo.dossiers import Dossier, state_at
from baocao.demo.timeline import arrive
from baocao.demo.xlsx import write_rows


@dataclass(frozen=True)
class Export:
    """One export as staff saved it: a snapshot of the system at `taken`."""

    file_name: str
    taken: datetime  # local time
    first: date  # window: dossiers received from `first` to `last`, plus older open ones
    last: date
    columns: tuple[tuple[str, str], ...]  # (header text, field)
    dates: dict[str, str]  # field → "cell" (an Excel date cell) or a strftime pattern
    level_words: bool  # Toàn trình / Một phần / empty rather than 4 / 3 / 2
    newest_first: bool = False
    title: tuple[str, ...] = ()  # xlsx only: the title block above the header


_SYSTEM = "HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TỈNH BÌNH PHƯỚC"
EXPORTS = (
    Export(
        "DanhSachHoSo_05012022.xlsx", datetime(2022, 1, 5, 7, 15), date(2021, 9, 1),
        date(2022, 1, 4),
        (("STT", "stt"), ("Mã hồ sơ", "code"), ("Mã thủ tục", "proc_code"),
         ("Tên thủ tục", "proc_name"), ("Lĩnh vực", "field"), ("Nội dung", "content"),
         ("Người nộp", "applicant"), ("Số CCCD", "id_number"), ("Số điện thoại", "phone"),
         ("Địa chỉ", "address"), ("Email", "email"), ("Đơn vị tiếp nhận", "desk"),
         ("Hình thức nộp", "channel"), ("Mức độ", "level"), ("Ngày tiếp nhận", "received"),
         ("Ngày hẹn trả", "due"), ("Ngày có kết quả", "finished"), ("Ngày trả", "handed"),
         ("Trạng thái", "status")),
        {"received": "cell", "due": "cell", "finished": "%d/%m/%Y %H:%M",
         "handed": "%d/%m/%Y %H:%M"},
        level_words=False,
        title=(_SYSTEM, "DANH SÁCH HỒ SƠ", "Từ ngày 01/09/2021 đến ngày 04/01/2022",
               "Ngày xuất: 05/01/2022 07:15"),
    ),
    Export(
        "export_hoso_2022-04-05.csv", datetime(2022, 4, 5, 7, 15), date(2021, 12, 1),
        date(2022, 4, 4),
        (("STT", "stt"), ("Số hồ sơ", "code"), ("Tên thủ tục hành chính", "proc_name"),
         ("Mã TTHC", "proc_code"), ("Lĩnh vực", "field"), ("Trích yếu", "content"),
         ("Chủ hồ sơ", "applicant"), ("Số giấy tờ", "id_number"),
         ("Điện thoại liên lạc", "phone"), ("Thư điện tử", "email"),
         ("Địa chỉ chủ hồ sơ", "address"), ("Cơ quan tiếp nhận", "desk"),
         ("Kênh nộp", "channel"), ("Mức độ DVC", "level"), ("Ngày nhận", "received"),
         ("Hạn trả kết quả", "due"), ("Ngày hoàn thành", "finished"),
         ("Ngày trả kết quả", "handed"), ("Tình trạng", "status")),
        {"received": "%d/%m/%Y %H:%M:%S", "due": "%d/%m/%Y", "finished": "%d/%m/%Y %H:%M:%S",
         "handed": "%d/%m/%Y %H:%M:%S"},
        level_words=True,
    ),
    Export(
        "DS ho so mot cua T7.2022.xlsx", datetime(2022, 7, 5, 7, 15), date(2022, 3, 1),
        date(2022, 7, 4),
        (("STT", "stt"), ("Mã hồ sơ", "code"), ("Tên TTHC", "proc_name"),
         ("Mã thủ tục", "proc_code"), ("Lĩnh vực", "field"), ("Nơi tiếp nhận", "desk"),
         ("Nội dung hồ sơ", "content"), ("Họ tên chủ hồ sơ", "applicant"),
         ("Số CCCD", "id_number"), ("Số điện thoại", "phone"), ("Email", "email"),
         ("Địa chỉ", "address"), ("Hình thức tiếp nhận", "channel"), ("Mức độ", "level"),
         ("Ngày tiếp nhận", "received"), ("Hạn xử lý", "due"),
         ("Ngày có kết quả", "finished"), ("Ngày trả", "handed"), ("Trạng thái", "status")),
        {"received": "%d/%m/%Y %H:%M:%S", "due": "cell", "finished": "cell", "handed": "cell"},
        level_words=True,
        title=("UBND TỈNH BÌNH PHƯỚC", "HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
               "DANH SÁCH HỒ SƠ", "Từ ngày 01/03/2022 đến ngày 04/07/2022",
               "Ngày xuất: 05/07/2022 07:15"),
    ),
    Export(
        "hoso_1cua_03-10-2022.csv", datetime(2022, 10, 3, 7, 15), date(2022, 6, 1),
        date(2022, 10, 2),
        (("STT", "stt"), ("Mã hồ sơ", "code"), ("Mã thủ tục", "proc_code"),
         ("Tên thủ tục", "proc_name"), ("Lĩnh vực", "field"), ("Đơn vị tiếp nhận", "desk"),
         ("Người nộp hồ sơ", "applicant"), ("Số CCCD", "id_number"),
         ("Số điện thoại", "phone"), ("Email", "email"), ("Địa chỉ", "address"),
         ("Nội dung", "content"), ("Hình thức nộp", "channel"), ("Mức độ", "level"),
         ("Ngày tiếp nhận", "received"), ("Ngày hẹn trả", "due"),
         ("Ngày có kết quả", "finished"), ("Ngày trả", "handed"), ("Trạng thái", "status")),
        {"received": "%d/%m/%Y %H:%M", "due": "%d/%m/%Y", "finished": "%d/%m/%Y %H:%M",
         "handed": "%d/%m/%Y %H:%M"},
        level_words=False, newest_first=True,
    ),
)
_LEVEL_WORDS = {2: "", 3: "Một phần", 4: "Toàn trình"}


def _in_export(dossier: Dossier, export: Export) -> bool:
    """"Hồ sơ trong kỳ": received in the window, or received earlier and not yet closed
    when the window starts (closed later shows here with the state it had)."""
    received = dossier.received.date()
    if received > export.last or dossier.received >= export.taken:
        return False
    if received >= export.first:
        return True
    if dossier.outcome == "not_received":
        return False
    return dossier.closed is None or dossier.closed.date() >= export.first


def _export_rows(dossiers: Sequence[Dossier], export: Export, text_only: bool) -> list[list]:
    """The export's data rows; `text_only` for CSV, where every value is text."""
    chosen = [d for d in dossiers if _in_export(d, export)]
    if export.newest_first:
        chosen.reverse()

    def when(value: datetime | date | None, field: str) -> object:
        if value is None:
            return None
        if field == "due":
            value = value if type(value) is date else value.date()
        pattern = export.dates[field]
        return value if pattern == "cell" else value.strftime(pattern)

    rows = []
    for number, d in enumerate(chosen, start=1):
        status, finished, handed = state_at(d, export.taken)
        level = _LEVEL_WORDS[d.proc.level] if export.level_words else d.proc.level
        values = {
            "stt": number, "code": d.code, "proc_code": d.proc.code, "proc_name": d.proc.name,
            "field": d.proc.field, "content": d.content, "applicant": d.applicant,
            "id_number": d.id_number, "phone": d.phone, "email": d.email or None,
            "address": d.address, "desk": d.desk.name,
            "channel": "Trực tuyến" if d.online else "Trực tiếp",
            "level": level or None, "received": when(d.received, "received"),
            "due": when(d.due, "due"), "finished": when(finished, "finished"),
            "handed": when(handed, "handed"), "status": status,
        }
        row = [values[field] for _, field in export.columns]
        rows.append([("" if v is None else str(v)) for v in row] if text_only else row)
    return rows


def write_csv(path: Path, rows: Iterable[Sequence[object]]) -> Path:
    """A CSV export as the system writes it: UTF-8 with BOM (so Excel shows the
    diacritics), comma-separated, header first; None as an empty field."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_export(folder: Path, export: Export, dossiers: Sequence[Dossier]) -> Path:
    """Write one export into `folder`, dated as taken: the pipeline dates a CSV export by
    its modification time, an `.xlsx` one by its title block."""
    path = folder / export.file_name
    header = [text for text, _ in export.columns]
    if path.suffix == ".csv":
        write_csv(path, [header, *_export_rows(dossiers, export, text_only=True)])
    else:  # sheet `DanhSachHoSo`: title block, a blank row, the header, the dossiers
        rows = [[line] for line in export.title]
        rows += [[], header, *_export_rows(dossiers, export, text_only=False)]
        write_rows(path, rows, "DanhSachHoSo", bold_rows=len(export.title) + 2,
                   stamp=export.taken)
    return arrive(path, export.taken)
