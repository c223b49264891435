"""Cross-period and cross-source checks: one-stop carried over = the previous month's
pending, the one-stop identity, lũy kế continuity, stale `last` values in longer periods,
and printed Tỷ lệ against the recomputed rate."""

from __future__ import annotations

import duckdb
import pandas as pd

from common.vn_format import vn_number, vn_period
from expectations.findings import Finding, outcome, per_indicator, plain, records
from expectations.invariants import ONE_STOP_IDENTITY_SQL
from expectations.places import Names, place
from expectations.rules import PREVIOUS_PERIOD

CROSS_SUITE = "cross_checks"


# carried_over of a period = pending_total at the end of the month before it, for every unit
# and scope: the previous month's `unit` rows, each counted towards the units it rolls up
# to in the period (so merged units carry over into their successor after 2025).
# Grain: unit × period × scope of report_one_stop whose previous month is in the calendar.
CARRIED_OVER_SQL = """
with months as (
    select period_code, end_date from dim_period where period_type = 'month'
),
pending as (
    select p.period_code, m.report_unit_key as unit_key, m.scope,
           sum(prev.pending_total) as expected
    from dim_period p
    join months pm on pm.end_date = p.start_date - 1
    join report_one_stop prev on prev.period_code = pm.period_code and prev.scope = 'unit'
    join intermediate.int_unit_rollup m
      on m.fact_unit_key = prev.unit_key and p.end_date between m.valid_from and m.valid_to
    group by all
)
select r.unit_key, r.period_code, r.scope, pm.period_code as previous_code, r.carried_over,
       coalesce(pd.expected, 0) as expected
from report_one_stop r
join dim_period p using (period_code)
join months pm on pm.end_date = p.start_date - 1
left join pending pd using (period_code, unit_key, scope)
order by r.period_code, r.unit_code, r.scope"""

# Lũy kế continuity of `sum` indicators — grain: reporter × month × indicator with both a
# month's figure and a lũy kế, and the previous month's lũy kế (M01 restarts the year).
CUMULATIVE_SQL = f"""
with pp as ({PREVIOUS_PERIOD})
select c.reporter, c.unit_key, c.period_code, c.indicator_code, c.actual_month, c.cumulative,
       c.file_id, c.file_name, c.sheet, c.value_cell, c.cumulative_cell,
       p.period_code as previous_code, p.cumulative as previous_cumulative,
       p.file_name as previous_file, p.sheet as previous_sheet,
       p.cumulative_cell as previous_cell,
       case when c.period_code like '%-M01' then c.actual_month
            else p.cumulative + c.actual_month end as expected
from intermediate.int_indicator_source c
join pp using (period_code)
left join intermediate.int_indicator_source p
  on p.reporter = c.reporter and p.indicator_code = c.indicator_code
 and p.period_code = pp.previous_code
where c.aggregation = 'sum' and c.actual_month is not null and c.cumulative is not null
  and (c.period_code like '%-M01' or p.cumulative is not null)
order by c.indicator_code, c.period_code, c.reporter"""

# Stale `last` values — grain: reporter × `last` indicator × longer period (quarter, half,
# nine months, year) that ends at or before the newest month reported, while the
# reporter's unit still exists: the reporter's
# latest month with a value in the period, and where that value stands.
STALE_SQL = """
with horizon as (
    select max(period_code) as last_month from etl_file where kind = 'workbook'
),
periods as (
    select p.period_code, max(pm.month_code) as last_month
    from dim_period p join intermediate.int_period_month pm using (period_code)
    where p.period_type <> 'month'
    group by all
),
latest as (
    select s.reporter, s.unit_key, s.indicator_code, pr.period_code,
           pr.last_month as period_last_month, max(s.period_code) as latest_month
    from intermediate.int_indicator_source s
    join intermediate.int_period_month pm on pm.month_code = s.period_code
    join periods pr on pr.period_code = pm.period_code
    join horizon h on pr.last_month <= h.last_month
    -- a reporter whose commune merged into another before the period's last month is not
    -- stale: its successor carries the series (report_indicator's lineages)
    join dim_reporter r on r.reporter = s.reporter
    join dim_period lm on lm.period_code = pr.last_month
    where s.aggregation = 'last' and s.actual_value is not null
      and intermediate.is_valid_on(r.valid_from, r.valid_to, lm.end_date)
    group by all
)
select l.*, s.actual_value, s.file_id, s.file_name, s.sheet, s.value_cell
from latest l
join intermediate.int_indicator_source s
  on s.reporter = l.reporter and s.indicator_code = l.indicator_code
 and s.period_code = l.latest_month
order by l.period_code, l.reporter, l.indicator_code"""

# Printed Tỷ lệ — grain: reporter × month × indicator with a printed rate and a plan. The
# rate is recomputed from the lũy kế (or the month's figure without one) over the plan.
PRINTED_RATE_SQL = """
select reporter, unit_key, period_code, indicator_code, printed_rate, plan_value,
       coalesce(cumulative, actual_month) as actual,
       100 * coalesce(cumulative, actual_month) / plan_value as recomputed,
       file_id, file_name, sheet, rate_cell, plan_cell,
       coalesce(cumulative_cell, value_cell) as actual_cell
from intermediate.int_indicator_source
where printed_rate is not null and plan_value > 0
  and coalesce(cumulative, actual_month) is not null
order by indicator_code, period_code, reporter"""


def cross_check_findings(con: duckdb.DuckDBPyConnection, names: Names) -> list[Finding]:
    return [*_carried_over(con, names), *_identity(con, names), *_cumulative(con, names),
            *_stale(con, names), *_printed_rates(con, names)]


def _carried_over(con: duckdb.DuckDBPyConnection, names: Names) -> list[Finding]:
    rows = records(con, CARRIED_OVER_SQL)
    failures = [Finding(
        CROSS_SUITE, "one_stop_carried_over", "error", False, {
            "unit": names.codes[r["unit_key"]], "scope": r["scope"], "period": r["period_code"],
            "values": [{"figure": "carried_over", "period": r["period_code"],
                        "value": r["carried_over"]},
                       {"figure": "pending_total", "period": r["previous_code"],
                        "value": r["expected"]}],
            "expected": {"min": r["expected"], "max": r["expected"]}},
        f"Một cửa: số hồ sơ kỳ trước chuyển sang của {place(names, r)} là "
        f"{vn_number(r['carried_over'])}, khác số đang giải quyết cuối "
        f"{vn_period(r['previous_code'])} ({vn_number(r['expected'])}).",
        unexpected_count=1) for r in rows if r["carried_over"] != r["expected"]]
    return outcome(CROSS_SUITE, "one_stop_carried_over", "error", failures, len(rows))


def _identity(con: duckdb.DuckDBPyConnection, names: Names) -> list[Finding]:
    (evaluated,) = con.execute("select count(*) from report_one_stop").fetchone()
    failures = [Finding(
        CROSS_SUITE, "one_stop_identity", "error", False, {
            "unit": names.codes[r["unit_key"]], "scope": r["scope"], "period": r["period_code"],
            "values": [{"figure": k, "value": r[k]} for k in
                       ("received_total", "resolved_total", "withdrawn", "pending_total")],
            "expected": {"min": r["received_total"], "max": r["received_total"]}},
        f"Một cửa: {place(names, r)}: tổng tiếp nhận {vn_number(r['received_total'])} khác "
        f"đã giải quyết + rút/trả lại + đang giải quyết ("
        f"{vn_number(r['resolved_total'] + r['withdrawn'] + r['pending_total'])}).",
        unexpected_count=1) for r in records(con, ONE_STOP_IDENTITY_SQL)]
    return outcome(CROSS_SUITE, "one_stop_identity", "error", failures, evaluated)


def _cumulative(con: duckdb.DuckDBPyConnection, names: Names) -> list[Finding]:
    return per_indicator(CROSS_SUITE, "cumulative_continuity", "warning",
                          records(con, CUMULATIVE_SQL), lambda r: _gap(r, names))


def _gap(r: dict, names: Names) -> Finding | None:
    """This month's lũy kế against last month's plus this month's figure."""
    if abs(r["cumulative"] - r["expected"]) <= 1e-6:
        return None
    code = r["indicator_code"]
    first = r["period_code"].endswith("-M01")
    values = [{"figure": "cumulative", "period": r["period_code"],
               "value": plain(r["cumulative"]), "file": r["file_name"],
               "sheet": r["sheet"], "cell": r["cumulative_cell"]},
              {"figure": "actual_month", "period": r["period_code"],
               "value": plain(r["actual_month"]), "file": r["file_name"],
               "sheet": r["sheet"], "cell": r["value_cell"]}]
    if not first:
        values.append({"figure": "cumulative", "period": r["previous_code"],
                       "value": plain(r["previous_cumulative"]),
                       "file": r["previous_file"], "sheet": r["previous_sheet"],
                       "cell": r["previous_cell"]})
    before = ("" if first else
              f" = lũy kế {vn_period(r['previous_code'])} "
              f"{vn_number(r['previous_cumulative'])} (tệp '{r['previous_file']}', "
              f"trang '{r['previous_sheet']}', ô {r['previous_cell']}) +")
    return Finding(
        CROSS_SUITE, f"cumulative_continuity({code})", "warning", False, {
            "unit": names.codes[r["unit_key"]], "reporter": r["reporter"],
            "indicator": code, "period": r["period_code"], "file": r["file_name"],
            "sheet": r["sheet"], "cell": r["cumulative_cell"], "values": values,
            "expected": {"min": plain(r["expected"]), "max": plain(r["expected"])}},
        f"Lũy kế không liên tục ({code}). "
        f"{place(names, r, (r['cumulative_cell'],))}: lũy kế "
        f"{vn_number(r['cumulative'])}, nhưng phải bằng {vn_number(r['expected'])}"
        f"{before} thực hiện trong tháng {vn_number(r['actual_month'])} "
        f"(ô {r['value_cell']}).", r["file_id"], unexpected_count=1)


def _stale(con: duckdb.DuckDBPyConnection, names: Names) -> list[Finding]:
    rows = records(con, STALE_SQL)
    stale = pd.DataFrame([r for r in rows if r["latest_month"] < r["period_last_month"]])
    failures = []
    for (period, reporter), group in (stale.groupby(["period_code", "reporter"], sort=True)
                                      if len(stale) else []):
        first = group.iloc[0].to_dict()
        latest = group["latest_month"].max()
        values = [{"indicator": r.indicator_code, "period": r.latest_month,
                   "value": plain(r.actual_value), "file": r.file_name, "sheet": r.sheet,
                   "cell": r.value_cell} for r in group.itertuples()]
        failures.append(Finding(
            CROSS_SUITE, "stale_last_value", "warning", False, {
                "unit": names.codes[first["unit_key"]], "reporter": reporter, "period": period,
                "period_last_month": first["period_last_month"], "latest_month": latest,
                "file": first["file_name"], "sheet": first["sheet"],
                "cell": first["value_cell"], "values": values,
                "expected": {"period": first["period_last_month"]}},
            f"Số liệu cũ: {names.reporters.get(reporter, reporter)} chưa có số liệu "
            f"{vn_period(first['period_last_month'])} cho {len(group)} chỉ tiêu cộng dồn "
            f"({', '.join(group['indicator_code'])}); {vn_period(period)} đang dùng số "
            f"{vn_period(latest)} (tệp '{first['file_name']}').",
            int(first["file_id"]), unexpected_count=len(group)))
    return outcome(CROSS_SUITE, "stale_last_value", "warning", failures, len(rows))


def rounding_tolerance(printed: float) -> float:
    """Half a unit of the printed rate's last decimal: 105.8 → 0.05, 99 → 0.5."""
    for decimals in range(5):
        if abs(printed - round(printed, decimals)) < 1e-9:
            return 0.5 * 10 ** -decimals + 1e-9
    return 0.5e-5


def _printed_rates(con: duckdb.DuckDBPyConnection, names: Names) -> list[Finding]:
    return per_indicator(CROSS_SUITE, "printed_rate", "warning",
                          records(con, PRINTED_RATE_SQL), lambda r: _rate_off(r, names))


def _rate_off(r: dict, names: Names) -> Finding | None:
    """The printed Tỷ lệ against the rate recomputed, beyond the printed rounding."""
    tolerance = rounding_tolerance(r["printed_rate"])
    if abs(r["printed_rate"] - r["recomputed"]) <= tolerance:
        return None
    code = r["indicator_code"]
    return Finding(
        CROSS_SUITE, f"printed_rate({code})", "warning", False, {
            "unit": names.codes[r["unit_key"]], "reporter": r["reporter"],
            "indicator": code, "period": r["period_code"], "file": r["file_name"],
            "sheet": r["sheet"], "cell": r["rate_cell"],
            "values": [
                {"figure": "printed_rate", "value": plain(r["printed_rate"]),
                 "cell": r["rate_cell"]},
                {"figure": "actual", "value": plain(r["actual"]), "cell": r["actual_cell"]},
                {"figure": "plan", "value": plain(r["plan_value"]), "cell": r["plan_cell"]}],
            "expected": {"min": plain(r["recomputed"] - tolerance),
                         "max": plain(r["recomputed"] + tolerance)}},
        f"Tỷ lệ in sẵn không khớp ({code}). {place(names, r, (r['rate_cell'],))}: "
        f"ghi {vn_number(r['printed_rate'])}%, tính lại "
        f"{vn_number(r['actual'])} / {vn_number(r['plan_value'])} = "
        f"{vn_number(r['recomputed'])}%.", r["file_id"], unexpected_count=1)
