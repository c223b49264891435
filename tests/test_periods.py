import datetime as dt
import itertools

import pytest

from transform.periods import calendar, month_of, parse_period


@pytest.mark.parametrize(("code", "start", "end", "months"), [
    ("2022-M01", dt.date(2021, 12, 15), dt.date(2022, 1, 14), 1),
    ("2022-M09", dt.date(2022, 8, 15), dt.date(2022, 9, 14), 1),
    ("2022-M12", dt.date(2022, 11, 15), dt.date(2022, 12, 14), 1),
    ("2022-Q1", dt.date(2021, 12, 15), dt.date(2022, 3, 14), 3),
    ("2022-Q3", dt.date(2022, 6, 15), dt.date(2022, 9, 14), 3),
    ("2022-H1", dt.date(2021, 12, 15), dt.date(2022, 6, 14), 6),
    ("2022-H2", dt.date(2022, 6, 15), dt.date(2022, 12, 14), 6),
    ("2022-9M", dt.date(2021, 12, 15), dt.date(2022, 9, 14), 9),
    ("2022-Y", dt.date(2021, 12, 15), dt.date(2022, 12, 14), 12),
])
def test_decree_09_periods(code, start, end, months):
    period = parse_period(code)
    assert (period.start_date, period.end_date, len(period.months)) == (start, end, months)


def test_months_tile_every_year_without_gaps():
    months = [p for p in calendar(2021, 2026) if p.period_type == "month"]
    assert len(months) == 72
    for before, after in itertools.pairwise(months):
        assert after.start_date == before.end_date + dt.timedelta(days=1)


def test_longer_periods_are_runs_of_whole_months():
    by_code = {p.period_code: p for p in calendar(2022, 2022)}
    for period in by_code.values():
        assert by_code[period.months[0]].start_date == period.start_date
        assert by_code[period.months[-1]].end_date == period.end_date


@pytest.mark.parametrize(("day", "month"), [
    (dt.date(2022, 9, 14), "2022-M09"), (dt.date(2022, 9, 15), "2022-M10"),
    (dt.date(2021, 12, 15), "2022-M01"), (dt.date(2021, 12, 14), "2021-M12"),
])
def test_month_of(day, month):
    assert month_of(day) == month
