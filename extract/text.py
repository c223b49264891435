"""Text folding and header matching shared by every reader.

Staff type headers and indicator names by hand, on machines with different keyboards and
fonts, so the same words arrive in NFC or NFD, with old or new tone placement (Hoà/Hòa),
in any case, spacing and punctuation. Folding them all to one ASCII key makes them
comparable; the key is only for matching, never stored as data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

_NON_ALNUM = re.compile(r"[^0-9a-z%]+")


def fold(value: object) -> str:
    """Fold text to a matching key: no diacritics, đ→d, lower case, punctuation as spaces.

    >>> fold("  Ngày  Tiếp-nhận ")
    'ngay tiep nhan'
    >>> fold("Thuỷ") == fold("Thủy") == fold(unicodedata.normalize("NFD", "THỦY"))
    True
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFD", str(value))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D").lower()
    return _NON_ALNUM.sub(" ", text).strip()


def synonym_index(synonyms: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Map every folded synonym to its canonical field name."""
    index: dict[str, str] = {}
    for field, texts in synonyms.items():
        for text in texts:
            index[fold(text)] = field
    return index


def match_header(cells: Sequence[object], index: Mapping[str, str]) -> dict[str, int]:
    """Canonical field → column position for one candidate header row (first match wins)."""
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        field = index.get(fold(cell))
        if field is not None and field not in found:
            found[field] = position
    return found


def find_header_row(
    rows: Sequence[Sequence[object]],
    index: Mapping[str, str],
    required: Iterable[str],
    max_rows: int = 20,
) -> tuple[int, dict[str, int]] | None:
    """The first row among the first ``max_rows`` whose cells match every required field."""
    required = set(required)
    for number, row in enumerate(rows[:max_rows]):
        mapping = match_header(row, index)
        if required <= mapping.keys():
            return number, mapping
    return None


def best_header_guess(
    rows: Sequence[Sequence[object]], index: Mapping[str, str], max_rows: int = 20
) -> tuple[int, dict[str, int]]:
    """The row matching the most fields, to explain a header that could not be matched."""
    best = (0, {})
    for number, row in enumerate(rows[:max_rows]):
        mapping = match_header(row, index)
        if len(mapping) > len(best[1]):
            best = (number, mapping)
    return best


def cell_address(row: int, col: int) -> str:
    """Excel address of a 0-based (row, col): (0, 0) → 'A1'."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"
