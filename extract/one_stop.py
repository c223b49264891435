"""The one-stop system's dossier export (`.xlsx`, `.xls`, `.csv`) → one row per dossier.

Only whitelisted columns are ever kept: personal data (applicant, ID number, phone,
address, e-mail) and the free-text description are dropped as the header is matched,
before any value is parsed, stored or logged. Every rule here is vectorised over the
file's rows; bad rows are returned with their reason, the rest is returned clean.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

import numpy as np
import pandas as pd

from extract.numbers import NotADate, parse_vn_date
from extract.problems import FileRejected, Problem
from extract.reference import REORGANISATION_DATE, resolve_unit
from extract.tabular import CSV_SUFFIXES, Sheet, read_csv_rows, read_sheets
from extract.text import (
    best_header_guess,
    cell_address,
    find_header_row,
    fold,
    synonym_index,
)

# Canonical field → header texts seen in exports. Columns not listed (personal data, free
# text, STT, unknown extras) are never read.
HEADERS: dict[str, list[str]] = {
    "dossier_code": ["Mã hồ sơ", "Số hồ sơ"],
    "procedure_code": ["Mã thủ tục", "Mã TTHC"],
    "procedure_name": ["Tên thủ tục", "Thủ tục hành chính", "Tên thủ tục hành chính",
                       "Tên TTHC"],
    "field": ["Lĩnh vực"],
    "receiving_unit": ["Đơn vị tiếp nhận", "Cơ quan tiếp nhận", "Nơi tiếp nhận"],
    "processing_unit": ["Cơ quan thụ lý", "Đơn vị xử lý", "Đơn vị/cá nhân giải quyết"],
    "channel": ["Hình thức nộp", "Kênh nộp", "Kênh thực hiện", "Hình thức tiếp nhận"],
    "online_flag": ["Trực tuyến"],
    "service_level": ["Mức độ", "Mức độ DVC"],
    "received_at": ["Ngày tiếp nhận", "Ngày nhận"],
    "due_date": ["Ngày hẹn trả", "Hạn xử lý", "Hạn trả kết quả"],
    "extended_due_date": ["Ngày gia hạn"],
    "finished_at": ["Ngày có kết quả", "Ngày hoàn thành", "Ngày kết thúc xử lý",
                    "Ngày kết thúc"],
    "handed_over_at": ["Ngày trả", "Ngày trả kết quả"],
    "status": ["Trạng thái", "Tình trạng"],
}
HEADER_INDEX = synonym_index(HEADERS)
REQUIRED = {"dossier_code", "received_at", "status"}

# Status text → outcome. None is an open dossier.
STATUS_OUTCOME: dict[str, str | None] = {
    **{fold(s): "not_received" for s in ["Mới đăng ký", "Không được tiếp nhận"]},
    **{fold(s): None for s in ["Được tiếp nhận", "Đang xử lý", "Chờ bổ sung",
                                "Yêu cầu bổ sung giấy tờ",
                                "Yêu cầu thực hiện nghĩa vụ tài chính"]},
    **{fold(s): "resolved" for s in ["Đã có kết quả", "Đã xử lý xong", "Đã trả kết quả"]},
    **{fold(s): "withdrawn" for s in ["Rút hồ sơ", "Công dân yêu cầu rút hồ sơ",
                                       "Trả lại hồ sơ", "Từ chối", "Dừng xử lý"]},
}
CHANNELS = {
    **{fold(s): "online" for s in ["Trực tuyến", "2"]},
    **{fold(s): "direct" for s in ["Trực tiếp", "1"]},
    **{fold(s): "postal" for s in ["Dịch vụ bưu chính công ích", "Bưu chính", "BCCI", "3"]},
}
ONLINE_FLAG_TRUE = {fold(s) for s in ["Có", "x", "1", "True", "Yes"]}
SERVICE_LEVELS = {"": "2", "2": "2", "3": "3", "4": "4", "mot phan": "3", "toan trinh": "4",
                  "muc 2": "2", "muc 3": "3", "muc 4": "4"}
DATE_FIELDS = ["received_at", "due_date", "extended_due_date", "finished_at", "handed_over_at"]

DOSSIER_COLUMNS = ["dossier_code", "unit_code", "procedure_code", "procedure_name", "field",
                   "channel", "service_level", "online_eligible", "received_at", "due_date",
                   "closed_at", "outcome", "row_number"]
_BAD_DATE = object()  # marks a cell that holds text but no date
_EXPORTED = re.compile(r"ngay xuat|thoi diem xuat|ngay trich xuat")
_DATE_TEXT = re.compile(r"\d{1,2}/\d{1,2}/\d{4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")


@dataclass
class OneStopExtract:
    dossiers: pd.DataFrame  # DOSSIER_COLUMNS, one row per accepted dossier
    problems: list[Problem]  # rejected rows (error) and warnings
    exported_at: dt.datetime | None  # from the title block, when it states one
    sheet: str
    rows_read: int


def read_one_stop(fileobj: BinaryIO, filename: str) -> OneStopExtract:
    """Read one export; raise FileRejected when no sheet has a recognisable header."""
    suffix = PurePath(filename).suffix.lower()
    sheets = [read_csv_rows(fileobj)] if suffix in CSV_SUFFIXES else read_sheets(fileobj)
    return one_stop_from_sheets(sheets)


def looks_like_one_stop(sheets: list[Sheet]) -> bool:
    return any(find_header_row(s.rows, HEADER_INDEX, REQUIRED) for s in sheets)


def one_stop_from_sheets(sheets: list[Sheet]) -> OneStopExtract:
    for sheet in sheets:
        found = find_header_row(sheet.rows, HEADER_INDEX, REQUIRED)
        if found:
            return _extract(sheet, *found)
    sheet = max(sheets, key=lambda s: len(best_header_guess(s.rows, HEADER_INDEX)[1]),
                default=Sheet("", []))
    row, mapping = best_header_guess(sheet.rows, HEADER_INDEX)
    missing = sorted(REQUIRED - mapping.keys())
    header_cells = [str(c) for c in (sheet.rows[row] if sheet.rows else []) if c not in (None, "")]
    raise FileRejected([Problem(
        "header_not_found", "error",
        "Không tìm thấy dòng tiêu đề của danh sách hồ sơ. Thiếu cột: "
        + ", ".join(HEADERS[f][0] for f in missing)
        + (f". Dòng {row + 1} có các cột: " + "; ".join(header_cells) if header_cells else ""),
        sheet=sheet.name or None, row_number=row + 1 if header_cells else None)])


def exported_at_from_title(rows: list[list[object]]) -> dt.datetime | None:
    """`Ngày xuất: 03/10/2022 07:15` in the title block, if the export states it."""
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and _EXPORTED.search(fold(cell)):
                match = _DATE_TEXT.search(cell)
                if match:
                    return parse_vn_date(match.group(0))
    return None


def _extract(sheet: Sheet, header_row: int, mapping: dict[str, int]) -> OneStopExtract:
    body = sheet.rows[header_row + 1:]
    frame = pd.DataFrame(
        {f: [row[col] if col < len(row) else None for row in body] for f, col in mapping.items()}
    )
    frame["row_number"] = np.arange(header_row + 2, header_row + 2 + len(body))
    blank = frame.drop(columns="row_number").map(_is_blank).all(axis=1)
    frame = frame[~blank].reset_index(drop=True)
    rows_read = len(frame)
    text = frame.drop(columns="row_number").map(_as_text)
    reasons = pd.Series("", index=frame.index)

    def reject(mask: pd.Series, rule: str) -> None:
        nonlocal reasons
        reasons = reasons.mask(mask & (reasons == ""), rule)

    reject(text["dossier_code"] == "", "missing_dossier_code")
    dates = {}
    for name in DATE_FIELDS:
        if name in frame:
            parsed, bad = _parse_dates(frame[name])
            dates[name] = parsed
            reject(bad, f"unparseable_date:{name}")
    outcome = text["status"].map(fold).map(STATUS_OUTCOME)
    reject(~text["status"].map(fold).isin(STATUS_OUTCOME.keys()), "unknown_status")
    channel = _channel(text, mapping)
    reject(channel.isna(), "unknown_channel")
    received = dates["received_at"]
    reject(received.isna(), "missing_received_date")
    closed = _first_present(dates, ["finished_at", "handed_over_at"], len(frame))
    due = _first_present(dates, ["extended_due_date", "due_date"], len(frame))
    is_closed = outcome.isin(["resolved", "withdrawn"])
    reject(is_closed & closed.isna(), "closed_without_date")
    reject(closed.dt.normalize() < received.dt.normalize(), "finished_before_received")
    unit_text = text["receiving_unit"] if "receiving_unit" in text else text.get(
        "processing_unit", pd.Series("", index=frame.index))
    unit_code = _resolve_units(unit_text, received)
    reject(unit_code.isna(), "unknown_unit")
    level = text.get("service_level", pd.Series("", index=frame.index)).map(fold).map(
        SERVICE_LEVELS)
    reject(level.isna(), "unknown_service_level")

    dossiers = pd.DataFrame({
        "dossier_code": text["dossier_code"],
        "unit_code": unit_code,
        "procedure_code": text.get("procedure_code"),
        "procedure_name": text.get("procedure_name"),
        "field": text.get("field"),
        "channel": channel,
        "service_level": level,
        "online_eligible": level.isin(["3", "4"]),
        "received_at": received,
        "due_date": due.dt.normalize(),
        "closed_at": closed.where(is_closed),
        "outcome": outcome,
        "row_number": frame["row_number"],
    })
    for name in ("procedure_code", "procedure_name", "field"):
        dossiers[name] = dossiers[name].replace("", None) if name in text else None
    _reject_conflicting_duplicates(dossiers, reasons)

    problems = [
        Problem(reason.split(":")[0], "error", _reason_vi(reason), sheet=sheet.name or None,
                row_number=int(frame.at[i, "row_number"]),
                cell=_cell_of(reason, mapping, int(frame.at[i, "row_number"])),
                raw={k: v for k, v in text.loc[i].items() if v != ""})
        for i, reason in reasons[reasons != ""].items()
    ]
    problems += _warnings(dossiers[reasons == ""], sheet.name)
    accepted = dossiers[reasons == ""].drop_duplicates(
        subset=[c for c in DOSSIER_COLUMNS if c != "row_number"])
    return OneStopExtract(
        dossiers=accepted[DOSSIER_COLUMNS].reset_index(drop=True),
        problems=problems,
        exported_at=exported_at_from_title(sheet.rows[:header_row]),
        sheet=sheet.name,
        rows_read=rows_read,
    )


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and np.isnan(value))


def _as_text(value: object) -> str:
    if _is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_dates(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a date column: date cells as they are, text day-first with optional time."""
    def one(value: object) -> object:
        if _is_blank(value):
            return None
        if isinstance(value, int | float):  # a date cell without date formatting
            return dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))
        try:
            return parse_vn_date(value)
        except NotADate:
            return _BAD_DATE

    parsed = pd.Series([one(v) for v in column], index=column.index, dtype=object)
    bad = parsed.map(lambda v: v is _BAD_DATE).astype(bool)
    as_datetime = pd.to_datetime(parsed.where(~bad, None), errors="coerce")
    return as_datetime.astype("datetime64[us]"), bad


def _first_present(dates: dict[str, pd.Series], names: list[str], length: int) -> pd.Series:
    out = pd.Series(pd.NaT, index=range(length), dtype="datetime64[us]")
    for name in reversed(names):
        if name in dates:
            out = dates[name].where(dates[name].notna(), out)
    return out


def _channel(text: pd.DataFrame, mapping: dict[str, int]) -> pd.Series:
    if "channel" in mapping:
        return text["channel"].map(fold).map(CHANNELS)
    if "online_flag" in mapping:
        return text["online_flag"].map(fold).isin(ONLINE_FLAG_TRUE).map(
            {True: "online", False: "direct"})
    return pd.Series(None, index=text.index, dtype=object)


def _resolve_units(unit_text: pd.Series, received: pd.Series) -> pd.Series:
    """Resolve each distinct (name, before/after the 2025 reorganisation) once."""
    after = received.dt.date >= REORGANISATION_DATE
    keys = pd.DataFrame({"text": unit_text, "after": after.fillna(False)})
    resolved = {
        (t, a): resolve_unit(t, REORGANISATION_DATE if a else REORGANISATION_DATE
                             - dt.timedelta(days=1))
        for t, a in keys.drop_duplicates().itertuples(index=False)
    }
    return pd.Series([resolved[(t, a)] for t, a in keys.itertuples(index=False)],
                     index=unit_text.index, dtype=object)


def _reject_conflicting_duplicates(dossiers: pd.DataFrame, reasons: pd.Series) -> None:
    """A code twice in one export with different content: neither row can be trusted."""
    content = [c for c in DOSSIER_COLUMNS if c != "row_number"]
    ok = reasons == ""
    distinct = dossiers[ok].drop_duplicates(subset=content)
    conflicting = distinct["dossier_code"][distinct["dossier_code"].duplicated(keep=False)]
    mask = ok & dossiers["dossier_code"].isin(set(conflicting))
    reasons[mask] = "conflicting_duplicate"


def _warnings(dossiers: pd.DataFrame, sheet: str) -> list[Problem]:
    no_due = dossiers["due_date"].isna() & dossiers["outcome"].isna() | (
        dossiers["due_date"].isna() & (dossiers["outcome"] == "resolved"))
    if not no_due.any():
        return []
    return [Problem("missing_due_date", "warning",
                    f"{int(no_due.sum())} hồ sơ không có ngày hẹn trả: tính là đúng hạn/trong "
                    "hạn như hệ thống một cửa.", sheet=sheet or None)]


_REASONS_VI = {
    "missing_dossier_code": "thiếu mã hồ sơ",
    "unparseable_date": "ngày không đọc được (cần dạng ngày/tháng/năm)",
    "unknown_status": "trạng thái không xác định",
    "unknown_channel": "hình thức nộp không xác định",
    "missing_received_date": "thiếu ngày tiếp nhận",
    "closed_without_date": "hồ sơ đã kết thúc nhưng không có ngày kết thúc",
    "finished_before_received": "ngày có kết quả trước ngày tiếp nhận",
    "unknown_unit": "đơn vị tiếp nhận không thuộc thị xã Phước Long",
    "unknown_service_level": "mức độ dịch vụ công không xác định",
    "conflicting_duplicate": "mã hồ sơ lặp lại trong cùng tệp với nội dung khác nhau",
}


# The column that shows a rule's problem, in order of preference.
_RULE_COLUMNS = {
    "missing_dossier_code": ["dossier_code"], "unknown_status": ["status"],
    "unknown_channel": ["channel", "online_flag"], "missing_received_date": ["received_at"],
    "closed_without_date": ["finished_at", "handed_over_at", "status"],
    "finished_before_received": ["finished_at", "handed_over_at"],
    "unknown_unit": ["receiving_unit", "processing_unit"],
    "unknown_service_level": ["service_level"], "conflicting_duplicate": ["dossier_code"],
}


def _cell_of(reason: str, mapping: dict[str, int], row_number: int) -> str | None:
    rule, _, column = reason.partition(":")
    for name in [column] if column else _RULE_COLUMNS.get(rule, []):
        if name in mapping:
            return cell_address(row_number - 1, mapping[name])
    return None


def _reason_vi(reason: str) -> str:
    rule, _, column = reason.partition(":")
    text = _REASONS_VI[rule]
    if column:
        text += f" (cột {HEADERS[column][0]})"
    return text[0].upper() + text[1:]
