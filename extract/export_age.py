"""How old a one-stop export is, from its content first: the export date of its title
block ("Ngày xuất: 03/10/2022 07:15"), else the best lower bound of the newest date-time in
its rows and a date in its file name (`export_hoso_2022-04-05.csv`); the file's
modification time only as a last resort. Files saved from Zalo or e-mail, or copied, get a
new modification time, and the newest export wins a dossier: so the time must come from
what the file says. The signal used is recorded (`etl_file.exported_at_source`)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePath

from common.text import fold
from common.vn_parse import parse_vn_date

_EXPORTED = re.compile(r"ngay xuat|thoi diem xuat|ngay trich xuat")
_DATE_TEXT = re.compile(r"\d{1,2}/\d{1,2}/\d{4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
# Day-first as Vietnamese write dates (03-10-2022, 05012022), or ISO (2022-04-05, 20220405).
_DAY_FIRST = re.compile(r"(?<!\d)(\d{2})[-_.]?(\d{2})[-_.]?(20\d{2})(?!\d)")
_ISO = re.compile(r"(?<!\d)(20\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")


def date_in_file_name(name: str) -> dt.date | None:
    """The one date a file name carries, if it carries exactly one."""
    stem = PurePath(name).stem
    found = set()
    for pattern, order in ((_DAY_FIRST, (2, 1, 0)), (_ISO, (0, 1, 2))):
        for match in pattern.finditer(stem):
            year, month, day = (int(match.group(i + 1)) for i in order)
            try:
                found.add(dt.date(year, month, day))
            except ValueError:
                continue
    return found.pop() if len(found) == 1 else None


def export_age(title: dt.datetime | None, newest_row: dt.datetime | None, file_name: str,
               file_mtime: dt.datetime) -> tuple[dt.datetime, str]:
    """(when the export was taken, at the earliest; the signal: 'title', 'rows',
    'file_name' or 'mtime')."""
    if title is not None:
        return title, "title"
    named = date_in_file_name(file_name)
    bounds = []
    if newest_row is not None:
        bounds.append((newest_row, "rows"))
    if named is not None:
        bounds.append((dt.datetime.combine(named, dt.time()), "file_name"))
    if bounds:
        return max(bounds)
    return file_mtime, "mtime"


def exported_at_from_title(rows: list[list[object]]) -> dt.datetime | None:
    """`Ngày xuất: 03/10/2022 07:15` in the title block, if the export states it."""
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and _EXPORTED.search(fold(cell)):
                match = _DATE_TEXT.search(cell)
                if match:
                    return parse_vn_date(match.group(0))
    return None
