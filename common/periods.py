"""Reporting periods of Decree 09/2019/NĐ-CP: data cut off on the 14th.

A month `y-Mmm` runs from the 15th of the previous month to the 14th; every longer period
is a run of whole months, so month-grain facts roll up without splitting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

CUTOFF_DAY = 14


@dataclass(frozen=True)
class Period:
    period_code: str
    period_type: str  # 'month', 'quarter', 'half', 'nine_months', 'year'
    year: int
    start_date: dt.date
    end_date: dt.date
    months: tuple[str, ...]  # the month codes it is made of


def month_code(year: int, month: int) -> str:
    return f"{year}-M{month:02d}"


def _month_start(year: int, month: int) -> dt.date:
    return dt.date(year - 1, 12, 15) if month == 1 else dt.date(year, month - 1, 15)


def _span(code: str, kind: str, year: int, first: int, last: int) -> Period:
    return Period(code, kind, year, _month_start(year, first), dt.date(year, last, CUTOFF_DAY),
                  tuple(month_code(year, m) for m in range(first, last + 1)))


def periods_of_year(year: int) -> list[Period]:
    out = [_span(month_code(year, m), "month", year, m, m) for m in range(1, 13)]
    out += [_span(f"{year}-Q{q}", "quarter", year, 3 * q - 2, 3 * q) for q in range(1, 5)]
    out += [_span(f"{year}-H1", "half", year, 1, 6), _span(f"{year}-H2", "half", year, 7, 12),
            _span(f"{year}-9M", "nine_months", year, 1, 9),
            _span(f"{year}-Y", "year", year, 1, 12)]
    return out


def calendar(first_year: int = 2021, last_year: int = 2026) -> list[Period]:
    return [p for year in range(first_year, last_year + 1) for p in periods_of_year(year)]


def month_of(day: dt.date) -> str:
    """The reporting month a calendar day falls in (15 Sep 2022 is in 2022-M10)."""
    if day.day <= CUTOFF_DAY:
        return month_code(day.year, day.month)
    if day.month == 12:
        return month_code(day.year + 1, 1)
    return month_code(day.year, day.month + 1)


def parse_period(code: str) -> Period:
    year = int(code[:4])
    for period in periods_of_year(year):
        if period.period_code == code:
            return period
    raise ValueError(f"unknown period code {code!r}")


def month_range(first: str, last: str) -> list[str]:
    """The month codes from `first` to `last` inclusive ('2022-M01' … '2022-M09')."""
    start, end = parse_period(first), parse_period(last)
    if start.period_type != "month" or end.period_type != "month" or end.end_date < \
            start.end_date:
        raise ValueError(f"not a range of months: {first} … {last}")
    return [p.period_code for p in calendar(start.year, end.year)
            if p.period_type == "month" and start.end_date <= p.end_date <= end.end_date]
