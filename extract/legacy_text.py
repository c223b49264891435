"""Text typed in the legacy TCVN3 (ABC, `.VnTime`) and VNI fonts, converted to Unicode.

Old templates still carry these fonts; their text reaches us as mojibake (`Tiªm v¾c xin`
for `Tiêm vắc xin`), sometimes next to Unicode cells in the same sheet. The encoding is
chosen from each cell's font name, as viparse's detector does (`.Vn*` → TCVN3, `VNI*` →
VNI): guessing from the text fails on strings as short as a cell. Reading cell styles is
slow, so styles are opened only for sheets whose text carries characters that Unicode
Vietnamese never uses; workbooks without fonts per cell (`.ods`) fall back to guessing
from all the suspicious text of the sheet together, and say so.

A CSV file has no fonts at all: its whole text is one encoding, which
`extract.text_encoding` scores as a whole and converts here (`convert_text`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import viparse
from viparse.normalize.detector import detect_encoding
from viparse.normalize.encodings import CHARMAPS
from viparse.normalize.tables import convert

from extract.problems import Problem

# Latin-1 letters that Vietnamese writes in Unicode; every other character of U+00A1–U+00FF
# is a byte of a legacy font showing through (NBSP, U+00A0, is left alone: it is everywhere).
_VIETNAMESE_LATIN1 = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý"
_LEGACY_MARK = re.compile(
    "[" + "".join(chr(c) for c in range(0xA1, 0x100) if chr(c) not in _VIETNAMESE_LATIN1)
    + "]")

Rows = list[list[object]]


def has_legacy_marks(rows: Sequence[Sequence[object]]) -> bool:
    """Whether any text cell holds a character of a legacy font (cheap: one regex scan)."""
    text = "\n".join(c for row in rows for c in row if isinstance(c, str))
    return _LEGACY_MARK.search(text) is not None


def could_be_legacy_text(text: str) -> bool:
    """Whether a whole text (a CSV file's) may be a legacy font's 8-bit text: some character
    that Unicode Vietnamese never uses, and nothing beyond Latin-1 (encoding stops at the
    first ư or ế of a Unicode text, where a scan of every character would not)."""
    if _LEGACY_MARK.search(text) is None:
        return False
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def convert_text(text: str, encoding: str) -> str:
    """A whole text's legacy letters in Unicode (NFC), every other character kept as it is:
    `viparse.fix` would also tidy spaces and line breaks, which are a CSV file's structure."""
    return convert(text, CHARMAPS[encoding])


def _could_be_legacy(text: str) -> bool:
    """Legacy fonts store 8-bit text: a cell with any letter beyond Latin-1 (ư, ế, đ) is
    Unicode; one with none beyond ASCII needs no conversion."""
    return 0x80 <= max(map(ord, text), default=0) <= 0xFF


def convert_guessed(rows: Sequence[Sequence[object]], encoding: str) -> Rows:
    """Rows with every text cell that could be legacy text read in `encoding`, for files
    without fonts per cell, and to recognise a legacy header before fonts are opened."""
    return [[viparse.fix(c, encoding=encoding) if isinstance(c, str) and _could_be_legacy(c)
             else c for c in row] for row in rows]


def encoding_of_font(font: str | None) -> str | None:
    """'tcvn3', 'vni' or None (a Unicode font) for a font name."""
    return detect_encoding([font]).encoding if font else None


def cell_fonts(source: bytes, sheet: str) -> dict[tuple[int, int], str] | None:
    """Font name of every text cell of one sheet, keyed by 0-based (row, column); None when
    the format carries no fonts we read (`.ods`)."""
    if source.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: a BIFF `.xls`
        return _xls_fonts(source, sheet)
    if source.startswith(b"PK") and b"xl/workbook.xml" in source:
        return _xlsx_fonts(source, sheet)
    return None


def _xlsx_fonts(source: bytes, sheet: str) -> dict[tuple[int, int], str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(source), read_only=True)
    try:
        return {(cell.row - 1, cell.column - 1): cell.font.name
                for row in book[sheet].iter_rows() for cell in row
                if isinstance(cell.value, str) and cell.font is not None and cell.font.name}
    finally:
        book.close()


def _xls_fonts(source: bytes, sheet: str) -> dict[tuple[int, int], str]:
    import xlrd

    book = xlrd.open_workbook(file_contents=source, formatting_info=True, on_demand=True)
    try:
        ws = book.sheet_by_name(sheet)
        fonts = {}
        for r in range(ws.nrows):
            for c, cell in enumerate(ws.row(r)):
                if cell.ctype == xlrd.XL_CELL_TEXT:
                    fonts[(r, c)] = book.font_list[book.xf_list[cell.xf_index].font_index].name
        return fonts
    finally:
        book.release_resources()


def to_unicode(rows: Rows, fonts: dict[tuple[int, int], str] | None, sheet: str
               ) -> tuple[Rows, list[Problem]]:
    """The sheet's rows with legacy-font text converted; a warning when the encoding had to
    be guessed from the text because the file has no fonts per cell."""
    if fonts is not None:
        return [[viparse.fix(cell, encoding=enc) if isinstance(cell, str) and
                 (enc := encoding_of_font(fonts.get((r, c)))) else cell
                 for c, cell in enumerate(row)] for r, row in enumerate(rows)], []
    marked = [c for row in rows for c in row if isinstance(c, str) and _LEGACY_MARK.search(c)]
    guessed = viparse.detect_text_encoding("\n".join(marked))
    if guessed is None:
        return rows, []
    return convert_guessed(rows, guessed), [Problem(
        "legacy_text_guessed", "warning",
        f"Tệp không ghi phông chữ từng ô; chữ mã cũ được đoán là {guessed.upper()} và đã "
        "chuyển sang Unicode. Hãy kiểm tra lại tên chỉ tiêu.", sheet=sheet)]
