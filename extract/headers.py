"""Finding a header row and matching its cells to canonical fields, for every reader:
headers are compared by their folded text (`common.text.fold`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from common.text import fold


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
