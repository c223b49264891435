"""The spine end to end: the demo inbox through the real nightly flow into a warehouse
whose reports carry every figure of the seed article (shared/spec/reference-figures.md)."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from baocao import report
from tests.personal_data import fragments, personal_values

# reference-figures.md, one-stop table (town, area scope, 2022-9M)
ONE_STOP = {
    "received_total": 21473, "received_new": 20854, "received_online": 5670,
    "received_direct": 15184, "received_postal": 0, "carried_over": 619,
    "resolved_total": 21114, "resolved_late": 253, "pending_total": 357, "withdrawn": 2,
}
# reference-figures.md, health / welfare / labour / poverty tables: actual, printed % or None
INDICATORS = {
    "vax_18_dose1": (46000, "105.8"), "vax_18_dose2": (45337, "98.55"),
    "vax_18_booster": (23709, "51.2"), "vax_18_additional": (13642, None),
    "vax_12_17_dose1": (7458, "99"), "vax_12_17_dose2": (7143, "94.8"),
    "vax_5_11_dose1": (3978, "50.07"), "vax_rounds_18": (24, None),
    "vax_rounds_booster": (11, None), "vax_rounds_12_17": (3, None),
    "vax_rounds_5_11": (4, None), "covid_f0_active": (0, None),
    "food_safety_inspected": (174, None), "tet_gifts": (3640, None),
    "tet_gifts_value": (1641750000, None), "party_gifts_poor": (56, None),
    "party_gifts_near_poor": (99, None), "party_gifts_orphan": (11, None),
    "party_gifts_value": (166000000, None), "jobs_created": (2585, "73.86"),
    "job_loans_value": (13125000000, None), "job_loans_workers": (240, None),
    "vocational_trainees": (225, "64.3"), "poor_households_start": (56, None),
    "poor_households": (33, None), "near_poor_households_start": (99, None),
    "near_poor_households": (69, None), "new_poor_households": (0, None),
    "new_near_poor_households": (0, None),
}
PLANS = {"vax_18_dose1": 43478, "vax_18_dose2": 46004, "vax_18_booster": 46306,
         "vax_12_17_dose1": 7533, "vax_12_17_dose2": 7535, "vax_5_11_dose1": 7945,
         "jobs_created": 3500, "vocational_trainees": 350}
RATIOS = {"poor_rate_start": "0.39", "poor_rate": "0.23", "near_poor_rate_start": "0.69",
          "near_poor_rate": "0.48"}


def town_row(con, table: str, where: str = "") -> list[dict]:
    cursor = con.execute(f"select * from {table} where unit_code = '688' and period_code ="
                         f" '2022-9M' and scope = 'area' {where}")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_one_stop_figures(demo_db):
    (row,) = town_row(demo_db, "report_one_stop")
    assert {k: row[k] for k in ONE_STOP} == ONE_STOP
    assert row["resolved_early"] + row["resolved_on_time"] == 20861
    assert round(row["on_time_rate"] * 100, 1) == 98.8
    assert round(row["online_rate"] * 100, 2) == 27.19
    assert row["online_rate_eligible"] == 1.0


def test_indicator_figures(demo_db):
    got = {r["indicator_code"]: r for r in town_row(demo_db, "report_indicator")}
    for code, (actual, pct) in INDICATORS.items():
        assert got[code]["actual_value"] == actual, code
        if pct is not None:
            digits = len(pct.split(".")[1]) if "." in pct else 0
            assert f"{got[code]['achievement_rate'] * 100:.{digits}f}" == pct, code
    assert {c: got[c]["plan_value"] for c in PLANS} == PLANS
    assert 14245 <= got["households"]["actual_value"] <= 14452


def test_ratio_figures(demo_db):
    got = {r["ratio_code"]: r["rate"] for r in town_row(demo_db, "report_indicator_ratio")}
    assert {c: f"{got[c] * 100:.2f}" for c in RATIOS} == RATIOS


def test_identity_holds_for_every_unit_and_period(demo_db):
    total, broken = demo_db.execute(
        "select count(*), count(*) filter (where received_total <> resolved_total + withdrawn"
        " + pending_total) from report_one_stop").fetchone()
    (expected,) = demo_db.execute(
        "select 2 * count(*) from dim_period p join dim_admin_unit u on p.end_date between"
        " coalesce(u.valid_from, date '1900-01-01') and coalesce(u.valid_to, date '9999-12-31')"
        " where p.start_date <= (select data_as_of from meta_publish)").fetchone()
    # every unit and scope of every period the data reach
    assert total == expected > 60 * 2 * 3 and broken == 0


def test_figures_are_spread_over_units_and_months(demo_db):
    shares = demo_db.execute(
        "select unit_code, received_new from report_one_stop where period_code = '2022-9M'"
        " and scope = 'unit' and unit_code <> '70'").fetchall()
    assert len(shares) == 8 and max(n for _, n in shares) < 0.4 * 20854
    months = [n for (n,) in demo_db.execute(
        "select received_new from report_one_stop where unit_code = '688' and scope = 'area'"
        " and period_code between '2022-M01' and '2022-M09' and period_code like '%-M%'"
        " order by period_code").fetchall()]
    assert sum(months) == 20854 and len(set(months)) == 9


def test_check_reference_tool_passes(demo_paths, shared_dir):
    tool = shared_dir / "tools" / "check_reference.py"
    if not tool.exists():
        pytest.skip("../shared is not beside the checkout")
    done = subprocess.run([sys.executable, str(tool), str(demo_paths.warehouse)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "figures match" in done.stdout


def test_printed_report_reads_like_the_article(demo_db):
    text = report.render(report.fetch(demo_db, "2022-9M", "688"))
    for phrase in ["21.473", "20.854", "5.670", "15.184", "619", "21.114", "20.861", "98,8%",
                   "253", "1,2%", "357", "27,19%", "mũi 1: 46.000 người, đạt 105,8%",
                   "45.337 người, đạt 98,55%", "23.709 người, đạt 51,2%", "13.642",
                   "7.458 người, đạt 99%", "7.143 người, đạt 94,8%", "3.978 người, đạt 50,07%",
                   "24 đợt", "11 đợt", "174 cơ sở", "3.640 phần", "1.641.750.000 đồng",
                   "166 phần quà", "166.000.000 đồng", "2.585 lao động, đạt 73,86%",
                   "kế hoạch giao 3.500", "13.125.000.000 đồng", "240 lao động",
                   "225 lao", "từ 0,39% xuống còn 0,23%", "từ 0,69% xuống còn 0,48%",
                   "giảm 23 hộ nghèo; 30 hộ cận nghèo", "07/07 xã, phường",
                   "21.473 tiếp nhận = 21.114 đã giải quyết + 2 rút/trả lại hồ sơ + 357"]:
        assert phrase in text, phrase


def test_no_personal_data_in_the_warehouse(demo_paths):
    """Every text column of every schema: the contract, raw rows, staging, intermediate."""
    personal = personal_values(demo_paths.inbox)
    assert len(personal) > 1000
    with duckdb.connect(str(demo_paths.warehouse), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where data_type = 'VARCHAR'").fetchall()
        assert {schema for schema, _, _ in columns} >= {"main", "raw", "staging",
                                                          "intermediate"}
        found = []
        for schema, table, column in columns:
            values = con.execute(f'select distinct "{column}" from "{schema}"."{table}"'
                                 f' where "{column}" is not null').fetchall()
            found += [(table, column, v) for (v,) in values if fragments(v) & personal]
    assert found == []
