"""Validation rules as data: parsing the rules file, the SQL each rule becomes (on small
real DuckDB tables), and a rule added to a copy of the rules file with no code change."""

from __future__ import annotations

import json
import shutil

import duckdb
import pandas as pd
import pytest

from common.catalog import load_catalog
from expectations.checks import warehouse_findings
from expectations.findings import findings_frame
from expectations.rule_checks import default_rules_file
from expectations.rules import Level, RuleError, parse_rules, parse_side, rule_sql
from load import sequence, warehouse
from transform.reference import periods

CODES = {"vax_18_dose1", "vax_18_dose2", "jobs_created", "job_loans_workers", "households"}
HEADER = "rule_id,left,operator,right,missing_value_strategy,severity,description_vi\n"


def rules(*lines: str) -> list:
    return parse_rules(HEADER + "\n".join(lines) + "\n", CODES)


def test_shipped_rules_parse_against_the_catalog():
    shipped = parse_rules(default_rules_file().read_text(encoding="utf-8"),
                          set(load_catalog().indicators))
    by_id = {r.rule_id: r for r in shipped}
    sides = {(r.left.text, r.operator, r.right.text, r.severity) for r in shipped}
    assert {("vax_18_dose2", "<=", "vax_18_dose1", "error"),
            ("vax_12_17_dose2", "<=", "vax_12_17_dose1", "error"),
            ("vax_18_booster", "<=", "vax_18_dose2", "error"),
            ("poor_households", "<=", "households", "error"),
            ("new_poor_households", ">=", "0", "error"),
            ("job_loans_workers", "<=", "jobs_created + 5", "warning"),
            ("party_gifts_poor", "<=", "poor_households_start", "warning")} <= sides
    target = by_id["vax_18_dose1_target_stable"]
    assert target.severity == "warning"
    assert [(o.indicator_code, o.field, o.previous) for o in target.operands] == [
        ("vax_18_dose1", "plan", False), ("vax_18_dose1", "plan", True)]


@pytest.mark.parametrize(("line", "says"), [
    ("r1,vax_18_dose3,<=,vax_18_dose1,NEVER_SKIP,error,x", "vax_18_dose3"),
    ("r1,vax_18_dose2,=<,vax_18_dose1,NEVER_SKIP,error,x", "phép so sánh"),
    ("r1,vax_18_dose2,<=,vax_18_dose1,SKIP_SOMETIMES,error,x", "giá trị thiếu"),
    ("r1,vax_18_dose2,<=,vax_18_dose1,NEVER_SKIP,fatal,x", "mức độ"),
    ("r1,__import__('os'),<=,1,NEVER_SKIP,error,x", "không hiểu"),
    ("r1,households.real,<=,1,NEVER_SKIP,error,x", "không hiểu"),
    ("r1,previous(previous(households)),<=,1,NEVER_SKIP,error,x", "không hiểu"),
    ("r1,households +,<=,1,NEVER_SKIP,error,x", "không hiểu biểu thức"),
])
def test_a_bad_rule_is_refused_with_its_id_and_reason(line, says):
    with pytest.raises(RuleError, match="r1") as refused:
        rules(line)
    assert says in str(refused.value)


def test_duplicate_rule_ids_are_refused():
    with pytest.raises(RuleError, match="trùng"):
        rules("r1,households,>=,0,NEVER_SKIP,error,x", "r1,households,>=,1,NEVER_SKIP,error,x")


def test_operands_of_an_expression():
    side = parse_side("abs(plan(vax_18_dose1) - previous(plan(vax_18_dose1))) / 2",
                      CODES)
    assert [(o.indicator_code, o.field, o.previous) for o in side.operands] == [
        ("vax_18_dose1", "plan", False), ("vax_18_dose1", "plan", True)]


# A level over a small values table: reporter × month × indicator.
LEVEL = Level(
    name="reporter", keys=("reporter",),
    slots="select distinct reporter, 1 as unit_key, period_code, null::integer as file_id,"
          " null::varchar as file_name, null::varchar as sheet from v_test",
    values="select reporter, period_code, indicator_code, actual_value, plan_value,"
           " null::integer as file_id, null::varchar as file_name, null::varchar as sheet,"
           " 'E9' as value_cell, 'D9' as plan_cell from v_test")


@pytest.fixture
def con():
    db = duckdb.connect()
    db.register("_periods", periods(2022, 2022))
    db.execute("create table dim_period as select * from _periods")
    values = pd.DataFrame([
        # reporter, month, indicator, actual, plan
        ("a", "2022-M01", "vax_18_dose1", 100.0, 1000.0),
        ("a", "2022-M01", "vax_18_dose2", 120.0, 1000.0),
        ("a", "2022-M02", "vax_18_dose1", 150.0, 1200.0),
        ("a", "2022-M02", "vax_18_dose2", 140.0, 1000.0),
        ("b", "2022-M01", "vax_18_dose2", 30.0, None),  # no dose 1 at all
        ("b", "2022-M02", "jobs_created", 0.0, None),
        ("b", "2022-M02", "job_loans_workers", 3.0, None),
    ], columns=["reporter", "period_code", "indicator_code", "actual_value", "plan_value"])
    db.register("_values", values)
    db.execute("create table v_test as select * from _values")
    return db


def evaluated(con, line: str) -> dict[tuple[str, str], object]:
    (rule,) = rules(line)
    frame = con.execute(rule_sql(rule, LEVEL)).df()
    return {(r.reporter, r.period_code): (None if pd.isna(r.holds) else bool(r.holds))
            for r in frame.itertuples()}


def test_skip_if_any_value_missing(con):
    got = evaluated(con, "r,vax_18_dose2,<=,vax_18_dose1,SKIP_IF_ANY_VALUE_MISSING,error,x")
    assert got == {("a", "2022-M01"): False, ("a", "2022-M02"): True,
                   ("b", "2022-M01"): None, ("b", "2022-M02"): None}


def test_never_skip_counts_missing_values_as_zero(con):
    got = evaluated(con, "r,vax_18_dose2,<=,vax_18_dose1,NEVER_SKIP,error,x")
    assert got == {("a", "2022-M01"): False, ("a", "2022-M02"): True,
                   ("b", "2022-M01"): False, ("b", "2022-M02"): True}


def test_skip_if_all_values_of_a_side_are_missing(con):
    got = evaluated(con, "r,job_loans_workers + vax_18_dose2,<=,jobs_created + 2,"
                         "SKIP_IF_ALL_VALUES_MISSING,warning,x")
    # a: the right side has no value in either month; b M01: no jobs_created either.
    assert got == {("a", "2022-M01"): None, ("a", "2022-M02"): None,
                   ("b", "2022-M01"): None, ("b", "2022-M02"): False}


def test_previous_period_and_plans(con):
    got = evaluated(con, "r,abs(plan(vax_18_dose1) - previous(plan(vax_18_dose1))),<=,"
                         "0.1 * previous(plan(vax_18_dose1)),SKIP_IF_ANY_VALUE_MISSING,warning,x")
    # M02's target population is 20 % above M01's; M01 has no previous month in the data.
    assert got == {("a", "2022-M01"): None, ("a", "2022-M02"): False,
                   ("b", "2022-M01"): None, ("b", "2022-M02"): None}


def test_division_by_zero_is_not_evaluated(con):
    got = evaluated(con, "r,job_loans_workers / jobs_created,<=,1,NEVER_SKIP,warning,x")
    assert got[("b", "2022-M02")] is None


def test_equality_holds_within_rounding(con):
    got = evaluated(con, "r,vax_18_dose1 * 0.1 + vax_18_dose1 * 0.2,==,vax_18_dose1 * 0.3,"
                         "SKIP_IF_ANY_VALUE_MISSING,error,x")
    assert got[("a", "2022-M01")] is True


def test_a_rule_added_to_a_copy_of_the_rules_file_needs_no_code_change(demo_paths, tmp_path):
    """Two new rules in a copy of the shipped file, evaluated on a copy of the demo
    warehouse: their findings are exactly the cases an independent query finds."""
    rules_file = tmp_path / "rules.csv"
    shutil.copyfile(default_rules_file(), rules_file)
    with rules_file.open("a", encoding="utf-8") as handle:
        handle.write("booster_le_half_dose2,vax_18_booster,<=,0.5 * vax_18_dose2,"
                     "SKIP_IF_ANY_VALUE_MISSING,warning,Mũi nhắc lại chưa quá nửa số mũi 2\n"
                     "party_gifts_poor_lt_start,party_gifts_poor,<,poor_households_start,"
                     "SKIP_IF_ANY_VALUE_MISSING,warning,Quà ít hơn số hộ nghèo đầu năm\n")
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_paths.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        sequence.rebuild_models(con)
        warehouse.record_findings(con, findings_frame(warehouse_findings(con, rules_file),
                                                      "rules-test"))
        found = [json.loads(o) for (o,) in con.execute(
            "select observed from dq_result where run_id = 'rules-test' and not success"
            " and expectation = 'booster_le_half_dose2'").fetchall()]
        expected = con.execute("""
            select b.reporter, b.period_code from fact_indicator b
            join fact_indicator d using (reporter, period_code)
            where b.indicator_code = 'vax_18_booster' and d.indicator_code = 'vax_18_dose2'
              and b.actual_value > 0.5 * d.actual_value
            order by 2, 1""").fetchall()
        rollups = con.execute("""
            select b.period_code from report_indicator b
            join report_indicator d using (unit_key, period_code, scope)
            join dim_admin_unit r using (unit_key)
            where r.unit_code = '688' and b.scope = 'area'
              and b.indicator_code = 'vax_18_booster' and d.indicator_code = 'vax_18_dose2'
              and b.actual_value > 0.5 * d.actual_value order by 1""").fetchall()
        gifts = [json.loads(o)["period"] for (o,) in con.execute(
            "select observed from dq_result where run_id = 'rules-test' and not success"
            " and expectation = 'party_gifts_poor_lt_start' order by 1").fetchall()]
        gifts_expected = [p for (p,) in con.execute("""
            select g.period_code from report_indicator g
            join report_indicator h using (unit_key, period_code, scope)
            join dim_admin_unit u using (unit_key)
            where u.unit_code = '688' and g.scope = 'area'
              and g.indicator_code = 'party_gifts_poor'
              and h.indicator_code = 'poor_households_start'
              and g.actual_value >= h.actual_value order by 1""").fetchall()]
    reporter_level = [(o["reporter"], o["period"]) for o in found if o["level"] == "reporter"]
    assert len(expected) > 5 and sorted(reporter_level, key=lambda r: (r[1], r[0])) == expected
    assert sorted(o["period"] for o in found if o["level"] == "rollup") == [p for (p,) in rollups]
    assert {o["scope"] for o in found if o["level"] == "rollup"} == {"area"}
    # The gifts rule never applies to a reporter (no reporter has both figures): only the
    # town's roll-ups over units, where every gift of the year went to a poor household.
    assert gifts and sorted(gifts) == gifts_expected
    assert "2022-9M" in gifts
