"""Numbers and dates written the Vietnamese way for data staff: `21.473`, `98,8%`,
`14/09/2022`."""

from __future__ import annotations

import datetime as dt

from babel.numbers import format_decimal


def vn_int(value: float | int | None) -> str:
    return "—" if value is None else format_decimal(round(value), format="#,##0", locale="vi")


def vn_pct(rate: float | None, digits: int = 2) -> str:
    """A fraction as a percentage with up to `digits` decimals: 0.988017 → '98,8%'."""
    if rate is None:
        return "—"
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(rate * 100, format=pattern, locale="vi") + "%"


def vn_date(day: dt.date | None) -> str:
    return "—" if day is None else day.strftime("%d/%m/%Y")
