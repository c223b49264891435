"""Data quality on the real nightly flow: the demo inbox broken on purpose (tests/broken_demo.py)
yields exactly the dq_result, report_submission and rejected_row rows its breakages call
for, and the clean demo yields no error."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import pandas as pd
import pytest

from expectations.checks import warehouse_findings
from expectations.cross_checks import rounding_tolerance
from expectations.findings import findings_frame
from expectations.outliers import robust_scores
from load import sequence, warehouse
from tests.broken_demo import (
    CUMULATIVE_GAP,
    DOSE,
    DOSE_EXCESS,
    GAP,
    LATE,
    MISSING,
    NOT_A_NUMBER,
    NOT_A_NUMBER_TEXT,
    OUTLIER,
    OUTLIER_EXTRA,
    UNREADABLE,
    broken_run,
    demo_reports,
)

MY_SUITES = ("validation_rules", "cross_checks", "outliers", "completeness")


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return broken_run(tmp_path_factory)


@pytest.fixture(scope="module")
def broken_db(broken):
    with duckdb.connect(str(broken.warehouse), read_only=True) as con:
        yield con


def failures(con) -> dict[tuple, dict]:
    """The run's failing findings of every suite, keyed by what they are about."""
    rows = con.execute("""
        select suite, expectation, severity, file_id, observed, unexpected_count, message
        from dq_result where not success and run_id = (
            select run_id from etl_run r where exists (
                select 1 from dq_result d where d.run_id = r.run_id)
            order by started_at desc limit 1)""").df()
    out = {}
    for r in rows.itertuples():
        observed = json.loads(r.observed) if r.observed else {}
        key = (r.suite, r.expectation, r.severity,
               observed.get("reporter") or observed.get("unit"), observed.get("period"))
        assert key not in out, key
        out[key] = {"file_id": None if pd.isna(r.file_id) else int(r.file_id),
                    "observed": observed, "unexpected_count": r.unexpected_count,
                    "message": r.message}
    return out


def file_id(con, name: str) -> int:
    (found,) = con.execute("select file_id from etl_file where path like ?",
                           [f"%/{name}"]).fetchone()
    return found


def test_clean_demo_has_no_error_finding(demo_db):
    counts = dict(demo_db.execute(
        "select suite, count(*) from dq_result group by suite").fetchall())
    assert all(counts.get(s, 0) > 0 for s in MY_SUITES), counts
    assert demo_db.execute("select count(*) from dq_result where severity = 'error'"
                           " and not success").fetchone() == (0,)
    found = failures(demo_db)
    # The demo's only findings are reports that arrived after their deadline.
    assert {k[:3] for k in found} <= {("completeness", "report_on_time", "warning")}
    late = demo_db.execute("select reporter, period_code from report_submission"
                           " where not on_time").fetchall()
    assert sorted((k[3], k[4]) for k in found) == sorted(late)


def test_every_breakage_yields_exactly_its_findings(broken_db, demo_db):
    clean = set(failures(demo_db))
    expected = {
        ("validation_rules", "vax_18_dose2_le_dose1", "error", *DOSE),
        ("cross_checks", "cumulative_continuity(food_safety_inspected)", "warning",
         *CUMULATIVE_GAP[:2]),
        ("cross_checks", "stale_last_value", "warning", MISSING[0], "2022-Q2"),
        ("cross_checks", "stale_last_value", "warning", MISSING[0], "2022-H1"),
        ("completeness", "report_received", "warning", *MISSING),
        ("completeness", "report_on_time", "warning", *LATE),
        ("outliers", "modified_z_score(food_safety_inspected)", "warning", *OUTLIER[:2]),
    }
    assert set(failures(broken_db)) == clean | expected


def test_dose_2_above_dose_1(broken, broken_db):
    report = demo_reports(broken.inbox)[DOSE]
    dose1, dose2 = report.row("vax_18_dose1"), report.row("vax_18_dose2")
    got = failures(broken_db)[("validation_rules", "vax_18_dose2_le_dose1", "error", *DOSE)]
    name = report.path.name
    assert got["file_id"] == file_id(broken_db, name)
    assert got["unexpected_count"] == 1
    observed = got["observed"]
    assert {k: observed[k] for k in ("level", "unit", "period", "file", "sheet", "cell")} == {
        "level": "reporter", "unit": "25216", "period": DOSE[1], "file": name,
        "sheet": report.extract.sheet, "cell": dose2["cumulative_cell"]}
    assert observed["values"] == [
        {"indicator": "vax_18_dose2", "field": "actual", "period": DOSE[1],
         "value": dose1["cumulative"] + DOSE_EXCESS, "file": name,
         "sheet": report.extract.sheet, "cell": dose2["cumulative_cell"]},
        {"indicator": "vax_18_dose1", "field": "actual", "period": DOSE[1],
         "value": dose1["cumulative"], "file": name, "sheet": report.extract.sheet,
         "cell": dose1["cumulative_cell"]}]
    assert observed["expected"] == {"max": dose1["cumulative"]}
    assert f"ô {dose2['cumulative_cell']}, {dose1['cumulative_cell']}" in got["message"]
    assert "UBND phường Thác Mơ, tháng 05/2022" in got["message"]


def test_cumulative_gap_names_both_cells(broken, broken_db):
    reports = demo_reports(broken.inbox)
    now = reports[CUMULATIVE_GAP[:2]].row(CUMULATIVE_GAP[2])
    before = reports[(CUMULATIVE_GAP[0], "2022-M08")].row(CUMULATIVE_GAP[2])
    got = failures(broken_db)[("cross_checks", "cumulative_continuity(food_safety_inspected)",
                               "warning", *CUMULATIVE_GAP[:2])]
    assert now["cumulative"] == before["cumulative"] + now["actual_month"] + GAP
    assert got["file_id"] == file_id(broken_db, reports[CUMULATIVE_GAP[:2]].path.name)
    assert got["observed"]["cell"] == now["cumulative_cell"]
    assert [(v["period"], v["value"], v["cell"]) for v in got["observed"]["values"]] == [
        ("2022-M09", now["cumulative"], now["cumulative_cell"]),
        ("2022-M09", now["actual_month"], now["source_cell"]),
        ("2022-M08", before["cumulative"], before["cumulative_cell"])]
    assert got["observed"]["expected"] == {"min": now["cumulative"] - GAP,
                                           "max": now["cumulative"] - GAP}
    assert reports[(CUMULATIVE_GAP[0], "2022-M08")].path.name in got["message"]


def test_missing_and_late_reports(broken_db, demo_db):
    columns = "reporter, period_code, status, files, first_received_at, deadline, on_time"
    rows = {(r[0], r[1]): r for r in broken_db.execute(
        f"select {columns} from report_submission").fetchall()}
    assert rows[MISSING] == (*MISSING, "missing", 0, None, dt.date(2022, 6, 16), None)
    assert rows[LATE] == (*LATE, "loaded", 1, dt.datetime(2022, 4, 20),
                          dt.date(2022, 4, 18), False)
    clean = {(r[0], r[1]): r for r in demo_db.execute(
        f"select {columns} from report_submission").fetchall()}
    assert clean[LATE][-1] is True and clean[MISSING][2] == "loaded"
    assert {k: v for k, v in rows.items() if k not in (MISSING, LATE)} == {
        k: v for k, v in clean.items() if k not in (MISSING, LATE)}

    found = failures(broken_db)
    missing = found[("completeness", "report_received", "warning", *MISSING)]
    assert missing["file_id"] is None
    assert missing["observed"]["expected"] == {"status": "loaded", "received_by": "2022-06-16"}
    late = found[("completeness", "report_on_time", "warning", *LATE)]
    assert late["observed"]["first_received_at"] == "2022-04-20 00:00:00"
    assert late["observed"]["received_rule"] == "date_line"
    assert "ký ngày 20/04/2022 (báo cáo nạp sau hạn lâu: tính theo ngày ký), hạn 18/04/2022" \
        in late["message"]


def test_town_reporting_rates(broken_db):
    rates = {r[0]: r[1:] for r in broken_db.execute("""
        select period_code, expected_reports, loaded_reports, missing_reports,
               on_time_reports, reporting_rate, on_time_reporting_rate
        from report_submission_rate where unit_code = '688' and scope = 'area'
          and period_code in ('2022-M04', '2022-M06', '2022-Q2')""").fetchall()}
    assert rates == {
        "2022-M04": (10, 10, 0, 9, 1.0, 0.9),
        "2022-M06": (10, 9, 1, 9, 0.9, 0.9),
        "2022-Q2": (30, 29, 1, 28, 29 / 30, 28 / 30),
    }


def test_stale_values_after_a_missing_month(broken_db):
    found = failures(broken_db)
    for period in ("2022-Q2", "2022-H1"):
        got = found[("cross_checks", "stale_last_value", "warning", MISSING[0], period)]
        observed = got["observed"]
        assert (observed["latest_month"], observed["period_last_month"]) == (
            "2022-M05", "2022-M06")
        last_codes = [c for (c,) in broken_db.execute(
            "select distinct indicator_code from fact_indicator join dim_indicator"
            " using (indicator_code) where reporter = ? and period_code = '2022-M05'"
            " and aggregation = 'last' order by 1", [MISSING[0]]).fetchall()]
        assert [v["indicator"] for v in observed["values"]] == last_codes
        assert got["unexpected_count"] == len(last_codes)
        assert {v["period"] for v in observed["values"]} == {"2022-M05"}


def test_outlier_month(broken, broken_db):
    report = demo_reports(broken.inbox)[OUTLIER[:2]]
    row = report.row(OUTLIER[2])
    history = [v for (v,) in broken_db.execute(
        "select actual_value from fact_indicator where reporter = ? and indicator_code = ?"
        " order by period_code", [OUTLIER[0], OUTLIER[2]]).fetchall()]
    median = pd.Series(history).median()
    mad = (pd.Series(history) - median).abs().median()
    got = failures(broken_db)[("outliers", "modified_z_score(food_safety_inspected)",
                               "warning", *OUTLIER[:2])]
    observed = got["observed"]
    assert row["actual_month"] >= OUTLIER_EXTRA
    assert (observed["cell"], observed["values"][0]["value"]) == (
        row["source_cell"], row["actual_month"])
    assert (observed["median"], observed["mad"]) == (median, mad)
    assert observed["expected"]["min"] == max(0, median - 3.5 * mad / 0.6745)
    assert observed["expected"]["max"] == pytest.approx(median + 3.5 * mad / 0.6745, abs=1e-6)
    assert observed["score"] == round(0.6745 * (row["actual_month"] - median) / mad, 2)


def test_a_non_number_rejects_its_row_only(broken, broken_db):
    reports = demo_reports(broken.inbox)
    reporter, month, code = NOT_A_NUMBER
    path = reports[(reporter, month)].path
    with path.open("rb") as handle:
        from extract.workbook import read_workbook

        problems = read_workbook(handle, path.name).problems
    (problem,) = [p for p in problems if p.rule == "not_a_number"]
    rejected = broken_db.execute("""
        select r.sheet, r.row_number, r.cell, r.rule, r.reason from rejected_row r
        join etl_file f using (file_id) where f.path like ?""", [f"%/{path.name}"]).fetchall()
    assert rejected == [(problem.sheet, problem.row_number, problem.cell, "not_a_number",
                         problem.message)]
    assert NOT_A_NUMBER_TEXT in problem.message
    assert broken_db.execute(
        "select count(*) from fact_indicator where reporter = ? and period_code = ?"
        " and indicator_code = ?", [reporter, month, code]).fetchone() == (0,)
    assert broken_db.execute(
        "select count(*) from fact_indicator where reporter = ? and period_code = ?",
        [reporter, month]).fetchone()[0] > 20
    assert broken_db.execute(
        "select status from report_submission where reporter = ? and period_code = ?",
        [reporter, month]).fetchone() == ("loaded",)
    (status, error) = broken_db.execute("select status, error from etl_file where path like ?",
                                        [f"%/{UNREADABLE}"]).fetchone()
    assert status == "rejected" and error


def test_carried_over_mismatch_is_found(demo_paths, tmp_path):
    """Both figures come from the same dossier facts, so no input file can make them
    disagree; a counting change that breaks the rule can. Break the rebuilt report of a
    copy of the demo warehouse, then check."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_paths.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        sequence.rebuild_models(con)
        (before,) = con.execute(
            "select pending_total from report_one_stop where unit_code = '25217'"
            " and period_code = '2022-M04' and scope = 'unit'").fetchone()
        con.execute("update report_one_stop set carried_over = carried_over + 7"
                    " where unit_code = '25217' and period_code = '2022-M05' and scope = 'unit'")
        warehouse.record_findings(con, findings_frame(warehouse_findings(con), "tampered"))
        rows = con.execute(
            "select severity, observed, message from dq_result where run_id = 'tampered'"
            " and expectation = 'one_stop_carried_over' and not success").fetchall()
    ((severity, observed, message),) = rows
    observed = json.loads(observed)
    assert severity == "error"
    assert (observed["unit"], observed["scope"], observed["period"]) == (
        "25217", "unit", "2022-M05")
    assert observed["values"] == [
        {"figure": "carried_over", "period": "2022-M05", "value": before + 7},
        {"figure": "pending_total", "period": "2022-M04", "value": before}]
    assert f"({before:,})".replace(",", ".") in message


def test_robust_scores_judge_only_a_history_with_spread():
    frame = pd.DataFrame({
        "unit": ["a"] * 9 + ["b"] * 9 + ["c"] * 4,
        "value": [4, 4, 0, 1, 0, 0, 21, 1, 3,   # one month far out
                  0, 0, 0, 0, 0, 0, 30, 0, 25,  # zero-heavy: MAD 0, not judged
                  1, 50, 2, 3],                  # too short a history
    })
    scored = robust_scores(frame, ["unit"], "value")
    assert scored.loc[scored["outlier"], "value"].tolist() == [21]
    assert not scored.loc[scored["unit"] != "a", "judged"].any()
    first = scored.iloc[0]
    assert (first["median"], first["mad"], first["low"]) == (1, 1, 0)
    assert first["high"] == pytest.approx(1 + 3.5 / 0.6745)


@pytest.mark.parametrize(("printed", "tolerance"), [
    (105.8, 0.05), (99.0, 0.5), (98.55, 0.005), (50.07, 0.005)])
def test_rounding_tolerance_of_a_printed_rate(printed, tolerance):
    assert rounding_tolerance(printed) == pytest.approx(tolerance)
