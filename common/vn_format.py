"""Numbers, dates and periods written the Vietnamese way for data staff: `21.473`,
`98,8%`, `14/09/2022`, `tháng 05/2022`. '—' stands for "no figure"."""

from __future__ import annotations

import datetime as dt

from babel.numbers import format_decimal

_HALVES = {"H1": "6 tháng đầu năm", "H2": "6 tháng cuối năm"}


def vn_int(value: float | int | None) -> str:
    return "—" if value is None else format_decimal(round(value), format="#,##0", locale="vi")


def vn_pct(rate: float | None, digits: int = 2) -> str:
    """A fraction as a percentage with up to `digits` decimals: 0.988017 → '98,8%'."""
    if rate is None:
        return "—"
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(rate * 100, format=pattern, locale="vi") + "%"


def vn_number(value: float | int | None) -> str:
    """A figure as data staff write it: 6.100, 98,55; '—' when there is none."""
    if value is None or value != value:  # None or NaN
        return "—"
    if float(value).is_integer():
        return vn_int(value)
    return format_decimal(value, format="#,##0.##", locale="vi")


def vn_decimal(value: float, digits: int) -> str:
    """A figure with exactly `digits` decimals: (105.8, 2) → '105,80'."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale="vi")


def vn_date(day: dt.date | None) -> str:
    return "—" if day is None else day.strftime("%d/%m/%Y")


def vn_datetime(value: dt.datetime | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return f"{value:%H:%M %d/%m/%Y}"


def vn_period(code: str | None) -> str:
    """'2022-M05' → 'tháng 05/2022', '2022-Q3' → 'quý 3/2022', '2022-9M' → '9 tháng năm 2022'."""
    if not code:
        return "—"
    year, part = code.split("-", 1)
    if part.startswith("M"):
        return f"tháng {part[1:]}/{year}"
    if part.startswith("Q"):
        return f"quý {part[1:]}/{year}"
    if part in _HALVES:
        return f"{_HALVES[part]} {year}"
    if part == "9M":
        return f"9 tháng năm {year}"
    return f"năm {year}"
