"""The one-stop report relations on the demo warehouse: one_stop_between for any range
against the counting rules applied row by row to fact_dossier, the by-field rows, and the
service index."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from load.models import create_tables, model
from load.seeds import load_seeds

FIGURES = ["carried_over", "received_new", "received_online", "received_direct",
           "received_postal", "received_total", "resolved_total", "resolved_early",
           "resolved_on_time", "resolved_late", "withdrawn", "pending_total",
           "pending_within_due", "pending_overdue"]


def rules(facts: pd.DataFrame, start: dt.date, end: dt.date) -> dict[str, int]:
    """The table of one-stop-export.md, literally, one dossier at a time."""
    out = dict.fromkeys(FIGURES, 0)
    for d in facts.itertuples():
        if d.outcome == "not_received":
            continue
        r = d.received_at.date()
        c = None if pd.isna(d.closed_at) else d.closed_at.date()
        u = None if pd.isna(d.due_date) else d.due_date.date()
        if r > end or (c is not None and c < start):
            continue
        if r < start:
            out["carried_over"] += 1
        else:
            out["received_new"] += 1
            out[f"received_{d.channel}"] += 1
        out["received_total"] += 1
        if c is not None and c <= end:
            if d.outcome == "withdrawn":
                out["withdrawn"] += 1
            else:
                out["resolved_total"] += 1
                out["resolved_early" if u and c < u else
                    "resolved_late" if u and c > u else "resolved_on_time"] += 1
        else:
            out["pending_total"] += 1
            out["pending_overdue" if u and u < end else "pending_within_due"] += 1
    return out


@pytest.fixture(scope="module")
def facts(demo_db):
    return demo_db.execute(
        "select f.*, u.unit_code from fact_dossier f join dim_admin_unit u using (unit_key)"
    ).df()


def between(con, start: dt.date, end: dt.date, unit: str, scope: str) -> dict[str, int]:
    cursor = con.execute("select * from one_stop_between(?, ?) where unit_code = ?"
                         " and scope = ?", [start, end, unit, scope])
    row = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
    assert row["period_code"] is None
    return {k: row[k] for k in FIGURES}


@pytest.mark.parametrize(("start", "end"), [
    (dt.date(2022, 9, 1), dt.date(2022, 9, 30)),  # a calendar month
    (dt.date(2022, 1, 1), dt.date(2022, 6, 30)),  # "từ ngày 01/01/2022 đến ngày 30/06/2022"
    (dt.date(2021, 12, 15), dt.date(2022, 9, 14)),  # the form's 9 months of 2022
    (dt.date(2022, 2, 4), dt.date(2022, 2, 4)),  # one day (the last day of Tết)
])
def test_one_stop_between_follows_the_counting_rules(demo_db, facts, start, end):
    town = rules(facts, start, end)
    ward = rules(facts[facts["unit_code"] == "25217"], start, end)
    assert town["received_total"] > 0 and ward["received_total"] > 0
    assert between(demo_db, start, end, "688", "area") == town
    assert between(demo_db, start, end, "25217", "unit") == ward


def test_report_one_stop_is_one_stop_between_for_each_period(demo_db):
    figures = ", ".join(FIGURES)
    differing, compared = demo_db.execute(f"""
        select count(*) filter (where ({', '.join('r.' + f for f in FIGURES)})
                                      is distinct from ({', '.join('b.' + f for f in FIGURES)})),
               count(*)
        from dim_period p,
        lateral (select unit_key, scope, {figures}
                 from one_stop_between(p.start_date, p.end_date)) b
        join report_one_stop r on r.period_code = p.period_code and r.unit_key = b.unit_key
             and r.scope = b.scope
        where p.year = 2022 and p.start_date <= (select data_as_of from meta_publish)
        """).fetchone()
    # Periods that begin after the newest export have no rows (reports never pretend).
    periods = demo_db.execute("select count(*) from dim_period where year = 2022 and start_date"
                              " <= (select data_as_of from meta_publish)").fetchone()[0]
    assert (differing, compared) == (0, periods * 9 * 2)  # the province, town and 7 communes


def test_by_field_rows_add_up_to_report_one_stop(demo_db):
    sums = ", ".join(f"sum({f})::bigint as {f}" for f in FIGURES)
    mismatched, rows = demo_db.execute(f"""
        with by_field as (
            select unit_key, period_code, scope, {sums}
            from report_one_stop_by_field group by all)
        select count(*) filter (where ({', '.join('r.' + f for f in FIGURES)}) is distinct
                                 from ({', '.join('coalesce(f.' + f + ', 0)' for f in FIGURES)})),
               count(*)
        from report_one_stop r left join by_field f using (unit_key, period_code, scope)
        """).fetchone()
    assert (mismatched, rows) == (0, demo_db.execute(
        "select count(*) from report_one_stop").fetchone()[0])
    fields = demo_db.execute(
        "select field, received_total from report_one_stop_by_field where unit_code = '688'"
        " and period_code = '2022-9M' and scope = 'area' order by field").fetchall()
    assert [f for f, _ in fields] == ["Chứng thực", "Hộ tịch", "Kinh doanh",
                                      "Lao động - Thương binh và Xã hội",
                                      "Lưu thông hàng hóa trong nước", "Xây dựng", "Đất đai"]
    assert sum(n for _, n in fields) == 21473


def test_one_stop_by_field_between_any_range(demo_db, facts):
    start, end = dt.date(2022, 1, 1), dt.date(2022, 6, 30)
    cursor = demo_db.execute("select * from one_stop_by_field_between(?, ?)"
                             " where unit_code = '688' and scope = 'area'", [start, end])
    names = [d[0] for d in cursor.description]
    got = {row["field"]: {k: row[k] for k in FIGURES}
           for row in (dict(zip(names, values, strict=True)) for values in cursor.fetchall())}
    expected = {field: rules(group, start, end) for field, group in facts.groupby("field")}
    assert got == {f: figures for f, figures in expected.items() if figures["received_total"]}
    assert len(got) == 7


def test_service_index_rates_and_points(demo_db):
    cursor = demo_db.execute(
        "select * from report_service_index r join report_one_stop o using (unit_key,"
        " period_code, scope) where r.unit_code = '688' and period_code = '2022-9M'"
        " and scope = 'area'")
    row = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
    progress = (20861 + 2 + 333) / 21473  # early + on time, withdrawn, pending within due
    assert row["progress_rate"] == pytest.approx(progress)
    assert row["progress_points"] == pytest.approx(progress * 20)
    assert row["online_rate"] == pytest.approx(5670 / 20854)
    assert row["online_points"] == pytest.approx(5670 / 20854 / 0.5 * 12)
    comment = demo_db.execute(
        "select comment from duckdb_columns() where table_name = 'report_service_index'"
        " and column_name = 'progress_rate'").fetchone()[0]
    assert "(resolved_early + resolved_on_time + withdrawn + pending_within_due)" in comment


def test_online_share_earns_full_points_from_half():
    con = duckdb.connect()
    create_tables(con)
    load_seeds(con)  # the components' maxima from seeds/service_index.csv
    con.execute(model("intermediate.int_service_index_component").sql)
    # No export carried the fee or digitisation columns: those components stay null.
    con.execute("""create table intermediate.int_service_index_input (period_code varchar,
        unit_key bigint, scope varchar, fee_due bigint, fee_paid_online bigint,
        receipt_known bigint, receipt_digitised bigint, result_known bigint,
        result_digitised bigint)""")
    con.execute("""create table report_one_stop as
        select 1 as unit_key, '1' as unit_code, 'x' as unit_name, 'p' as period_code,
               'unit' as scope, 100 as received_total, n as received_new,
               online as received_online, 0 as resolved_early, 0 as resolved_on_time,
               0 as withdrawn, 0 as pending_within_due, true as complete,
               'month' as period_type
        from (values (100, 25), (100, 50), (100, 80), (0, 0)) v(n, online)""")
    con.execute(model("main.report_service_index").sql)
    assert con.execute("select online_rate, online_points, online_max_points"
                       " from report_service_index order by received_new desc, online_rate"
                       ).fetchall() == [(0.25, 6.0, 12), (0.5, 12.0, 12), (0.8, 12.0, 12),
                                        (None, None, 12)]
