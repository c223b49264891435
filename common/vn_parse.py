"""Vietnamese numbers and dates as staff and systems write them.

`.` groups thousands and `,` is the decimal mark (`1.641.750.000`, `105,8`). babel reads
them, strictly: its lenient mode turns `1.64` into 164. Units (`%`, `đồng`) are stripped
here because babel does not know them.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal

# Statistical convention: '-' is "no occurrence" (a real zero); these mean "no figure".
NO_FIGURE = {"", "x", "…", "...", "..", "n/a"}
ZERO = {"-", "–", "—"}
_UNIT_SUFFIX = re.compile(r"\s*(%|đồng|dong|đ|vnđ|vnd)\s*$", re.IGNORECASE)


class NotANumber(ValueError):
    """A cell meant to hold a number holds something else."""


class NotADate(ValueError):
    """A cell meant to hold a date holds something else."""


def parse_vn_number(value: object) -> Decimal | None:
    """A number from a cell: numeric cells as they are, text the Vietnamese way.

    Returns None for "no figure"; raises NotANumber for anything else that is not a number.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, int | float | Decimal):
        if value != value:  # NaN from an empty numeric cell
            return None
        return Decimal(str(value))
    text = str(value).replace("\u00a0", " ").strip()
    if text.lower() in NO_FIGURE:
        return None
    if text in ZERO:
        return Decimal(0)
    text = _UNIT_SUFFIX.sub("", text).replace(" ", "")
    try:
        return parse_decimal(text, locale="vi", strict=True)
    except NumberFormatError as exc:
        raise NotANumber(str(value)) from exc


_DATE = re.compile(
    r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$"
)


def parse_vn_date(value: object) -> dt.datetime | None:
    """A date or date-time written day/month/year (never month/day), or a date cell."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = str(value).strip()
    if not text:
        return None
    match = _DATE.match(text)
    if not match:
        raise NotADate(text)
    day, month, year, hour, minute, second = match.groups()
    try:
        return dt.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError as exc:
        raise NotADate(text) from exc
