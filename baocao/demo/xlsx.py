""".xlsx files written with openpyxl that carry no wall clock: document properties and zip
entry times are the file's own arrival time, so one seed gives byte-identical files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from common.clock import LOCAL

# Date cells as the province's system formats them; the reader takes the cell's value.
_DATE_FORMAT, _DATETIME_FORMAT = "dd/mm/yyyy", "dd/mm/yyyy hh:mm"


def save_workbook(workbook: Workbook, path: Path, stamp: datetime) -> Path:
    """Save with document properties and zip entry times set to `stamp` (local time):
    `Workbook.save` would stamp the current time into both."""
    utc = stamp.replace(tzinfo=LOCAL).astimezone(UTC).replace(tzinfo=None)
    workbook.properties.created = workbook.properties.modified = utc
    workbook.properties.creator = workbook.properties.lastModifiedBy = "Administrator"
    raw = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as written, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as fixed:
        for entry in written.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            fixed.writestr(info, written.read(entry))
    path.write_bytes(out.getvalue())
    return path


def write_rows(path: Path, rows: Iterable[Sequence[object]], sheet: str = "Sheet1",
               bold_rows: int = 0, stamp: datetime | None = None) -> Path:
    """One sheet of plain rows (None: an empty cell), as systems export lists: the first
    `bold_rows` rows (title block, header) in bold, dates as date cells shown dd/mm/yyyy.
    Written in openpyxl's streaming mode: the demo's exports hold ~350,000 cells. With
    `stamp`, the file carries it instead of the wall clock (`save_workbook`)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    bold = Font(bold=True)

    def cell(value: object, heading: bool) -> object:
        if heading and isinstance(value, str):
            styled = WriteOnlyCell(worksheet, value)
            styled.font = bold
            return styled
        if isinstance(value, date):  # datetime too
            styled = WriteOnlyCell(worksheet, value)
            styled.number_format = (_DATETIME_FORMAT if isinstance(value, datetime)
                                    else _DATE_FORMAT)
            return styled
        return value

    for number, row in enumerate(rows):
        worksheet.append([cell(value, number < bold_rows) for value in row])
    if stamp is None:
        workbook.save(path)
        return path
    return save_workbook(workbook, path, stamp)
