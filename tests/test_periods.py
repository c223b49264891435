import datetime as dt
import itertools

import pytest

from common.periods import calendar, month_of, parse_period


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


@pytest.mark.parametrize(("month", "deadline"), [
    ("2022-M01", dt.date(2022, 1, 18)),  # 14/01 is a Friday: Monday and Tuesday
    ("2022-M05", dt.date(2022, 5, 17)),  # 14/05 is a Saturday
    ("2024-M05", dt.date(2024, 5, 16)),  # 14/05/2024 Tue → Wed 15, Thu 16
    ("2022-M02", dt.date(2022, 2, 16)),  # after Tết 2022 (31/01–04/02)
    ("2024-M02", dt.date(2024, 2, 16)),  # 14/02/2024 is the last day of Tết 2024
])
def test_monthly_report_deadline_is_two_working_days_after_the_cutoff(month, deadline):
    import duckdb

    from load import sequence
    from load.models import create_tables

    con = duckdb.connect()
    create_tables(con)
    sequence.rebuild_models(con)
    assert con.execute("select deadline from intermediate.int_submission_deadline"
                       " where month_code = ?", [month]).fetchone() == (deadline,)


def test_an_area_may_set_its_own_report_deadline(tmp_path):
    """`[deadline] working_days` of baocao.toml replaces the shipped setting."""
    import duckdb

    from common.area import use_area
    from load import sequence
    from load.models import create_tables

    (tmp_path / "baocao.toml").write_text('[area]\ncode = "688"\n[deadline]\nworking_days = 5\n',
                                          encoding="utf-8")
    use_area(tmp_path)
    con = duckdb.connect()
    create_tables(con)
    sequence.rebuild_models(con)
    # 14/05/2024 is a Tuesday: five working days later is Tuesday 21/05.
    assert con.execute("select deadline from intermediate.int_submission_deadline"
                       " where month_code = '2024-M05'").fetchone() == (dt.date(2024, 5, 21),)
