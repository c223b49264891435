"""Reports never pretend: no figures for periods the data does not reach, incomplete
periods flagged and said, no unit reported on outside the area, and the timeliness of a
report judged by rules that copies and downloads cannot change."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from baocao import report
from load import sequence
from load.models import create_tables


def test_no_one_stop_period_begins_after_the_newest_export(demo_db):
    (as_of,) = demo_db.execute("select data_as_of from meta_publish").fetchone()
    assert as_of == dt.datetime(2022, 10, 3)
    rows = demo_db.execute("""
        select max(p.start_date), count(*) filter (where p.end_date >= ? and r.complete),
               count(*) filter (where p.end_date < ? and not r.complete)
        from report_one_stop r join dim_period p using (period_code)""",
                           [as_of.date(), as_of.date()]).fetchone()
    assert rows[0] <= as_of.date() and rows[1:] == (0, 0)
    assert demo_db.execute("select count(*) from report_one_stop where period_code like"
                           " '2023-%'").fetchone() == (0,)


def test_dossiers_open_in_the_newest_export_are_not_carried_past_it(demo_db):
    """Every period ending after the newest export shows the pending dossiers as that
    export left them: not more overdue with every month that passes."""
    pending = demo_db.execute("""
        select distinct pending_total, pending_overdue from report_one_stop
        where unit_code = '688' and scope = 'area'
          and period_code in ('2022-M10', '2022-Q4', '2022-H2', '2022-Y')""").fetchall()
    assert len(pending) == 1


def test_report_views_say_their_period_type_and_completeness(demo_db):
    for view in ("report_one_stop", "report_one_stop_by_field", "report_service_index",
                 "report_indicator", "report_indicator_ratio", "report_submission_rate"):
        types = dict(demo_db.execute(
            f"select period_type, bool_or(complete) from {view} group by all").fetchall())
        assert set(types) == {"month", "quarter", "half", "nine_months", "year"}, view
    assert demo_db.execute(
        "select complete, period_type from report_indicator where unit_code = '688'"
        " and scope = 'area' and indicator_code = 'jobs_created' and period_code in"
        " ('2022-9M', '2022-Y') order by period_code").fetchall() == [
        (True, "nine_months"), (False, "year")]


def test_the_printed_report_says_how_far_its_data_go(demo_db):
    text = report.render(report.fetch(demo_db, "2022-Y", "688"))
    assert "Số liệu đến ngày 03/10/2022: kỳ báo cáo chưa có đủ số liệu." in text
    assert "Số liệu đến ngày" not in report.render(report.fetch(demo_db, "2022-9M", "688"))


@pytest.mark.parametrize(("period", "unit", "words"), [
    ("2023-M01", "688", "Chưa có số liệu của đơn vị '688' cho tháng 01/2023"),
    ("2022-9M", "70", "Đơn vị '70' không thuộc địa bàn"),
])
def test_a_report_without_data_is_refused(demo_db, period, unit, words):
    with pytest.raises(LookupError, match=words):
        report.fetch(demo_db, period, unit)


def _received(files: list[tuple]) -> dict[int, tuple]:
    """int_workbook_received for hand-made file records (a fresh in-memory warehouse)."""
    con = duckdb.connect()
    create_tables(con)
    for file_id, first_seen, date_line, bulk in files:
        con.execute("""insert into etl_file (file_id, path, archive_path, sha256, kind,
                           reporter, period_code, report_date, file_mtime, first_seen_at,
                           first_seen_run, bulk_import, status)
                       values (?, 'x.xlsx', 'x', ?, 'workbook', 'ubnd_25216', '2022-M04', ?,
                               timestamp '2030-01-01', ?, 'test', ?, 'loaded')""",
                    [file_id, str(file_id), date_line, first_seen, bulk])
    sequence.rebuild_models(con)
    return {f: (at, rule) for f, at, rule in con.execute(
        "select file_id, received_at, received_rule from intermediate.int_workbook_received"
        ).fetchall()}


def test_when_a_report_counts_as_received():
    """2022-M04 is due on 18/04/2022. The modification time (2030) never counts."""
    d = dt.datetime
    got = _received([
        (1, d(2022, 4, 18, 15, 0), dt.date(2022, 4, 14), False),  # seen in office hours
        (2, d(2022, 4, 19, 1, 30), dt.date(2022, 4, 14), False),  # the nightly run, 01:30
        (3, d(2026, 12, 2, 1, 30), dt.date(2022, 4, 14), False),  # an old report, late
        (4, d(2026, 12, 2, 1, 30), None, False),  # … without a date line
        (5, d(2022, 4, 20, 9, 0), dt.date(2022, 4, 14), True),  # --import-history
    ])
    assert got == {1: (d(2022, 4, 18, 15, 0), "first_seen"),
                   2: (d(2022, 4, 19, 1, 30), "first_seen"),
                   3: (d(2022, 4, 14), "date_line"), 4: (None, "unknown"),
                   5: (d(2022, 4, 14), "date_line")}


def test_the_demo_reports_are_judged_by_their_date_lines(demo_db):
    """The demo's files are first seen years after their deadlines: old reports imported
    late, judged by their own date lines."""
    assert demo_db.execute("select distinct received_rule from report_submission"
                           ).fetchall() == [("date_line",)]
