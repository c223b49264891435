"""Data-quality checks on the rebuilt warehouse, run inside the nightly transaction after the
fact suites: validation rules (a rules file, DHIS2-style) per reporter and month and on
roll-ups, cross-period and cross-source checks, completeness and timeliness of the monthly
reports, and outliers in each unit's own history. Every finding goes to `dq_result` and
names what data staff must look at: unit, month, file, sheet and cell.

One row per expectation evaluated: when an expectation finds nothing, one row with
success = true and how many cases it evaluated; otherwise one row per failing case (its
file in file_id, `unexpected_count` the number of figures concerned). `observed` is JSON
with unit, reporter, period, file, sheet, cell, the values involved and the expected range;
it holds codes, file names, cell addresses and figures, never personal data.

Severity: `error` means a figure that cannot be right (a second dose given to more people
than a first); `warning` a figure to check. Neither withholds data: a rule cannot tell
which of its figures is wrong, so the page lists errors first for staff to have the
report corrected and resent.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from baocao.numbers import vn_date
from baocao.quality import records, vn_datetime, vn_number, vn_period
from transform import outliers
from transform.rules import PREVIOUS_PERIOD, SYMBOLS, Level, Rule, parse_rules, rule_sql

RULES_SUITE = "validation_rules"
CROSS_SUITE = "cross_checks"
OUTLIER_SUITE = "outliers"
COMPLETENESS_SUITE = "completeness"
DQ_COLUMNS = ["run_id", "file_id", "suite", "expectation", "severity", "success", "observed",
              "unexpected_count", "message"]


def default_rules_file() -> Path:
    return Path(str(resources.files("expectations").joinpath("validation_rules.csv")))


@dataclass
class Finding:
    suite: str
    expectation: str
    severity: str
    success: bool
    observed: dict
    message: str | None = None
    file_id: int | None = None
    unexpected_count: int = 0


@dataclass
class _Names:
    """Unit and reporter names for messages."""

    units: dict[int, str]  # unit_key → 'Phường Thác Mơ'
    codes: dict[int, str]  # unit_key → '25216'
    reporters: dict[str, str]  # reporter → 'UBND phường …'

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection) -> _Names:
        units = con.execute("select unit_key, unit_name, unit_code from dim_admin_unit").fetchall()
        return cls({k: name for k, name, _ in units}, {k: code for k, _, code in units},
                   dict(con.execute("select reporter, name_vi from dim_reporter").fetchall()))


def evaluate(con: duckdb.DuckDBPyConnection, run_id: str,
             rules_file: Path | None = None) -> pd.DataFrame:
    """Run every check on the rebuilt warehouse and insert the findings into dq_result;
    returns the inserted rows."""
    names = _Names.of(con)
    codes = {c for (c,) in con.execute("select indicator_code from dim_indicator").fetchall()}
    rules = parse_rules((rules_file or default_rules_file()).read_text(encoding="utf-8"), codes)
    findings = [*rule_findings(con, rules, names), *cross_check_findings(con, names),
                *completeness_findings(con, names), *outlier_findings(con, names)]
    frame = pd.DataFrame([{
        "run_id": run_id, "file_id": f.file_id, "suite": f.suite, "expectation": f.expectation,
        "severity": f.severity, "success": f.success,
        "observed": json.dumps(f.observed, ensure_ascii=False, default=str),
        "unexpected_count": f.unexpected_count, "message": f.message,
    } for f in findings], columns=DQ_COLUMNS).astype({"file_id": "Int64"})
    con.register("_findings", frame)
    con.execute(f"insert into dq_result ({', '.join(DQ_COLUMNS)})"
                f" select {', '.join(DQ_COLUMNS)} from _findings")
    con.unregister("_findings")
    return frame


def _outcome(suite: str, expectation: str, severity: str, failures: list[Finding],
             evaluated: int, **observed: object) -> list[Finding]:
    """The failures (each saying how many cases were evaluated), or one success row."""
    if failures:
        for failure in failures:
            failure.observed["evaluated"] = evaluated
        return failures
    return [Finding(suite, expectation, severity, True, {"evaluated": evaluated, **observed})]


def _plain(value: object) -> object:
    """JSON-friendly figures: 6100.0 → 6100, NaN → None."""
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else round(value, 6)
    return value


def _place(names: _Names, row: dict, cells: Iterable[str | None] = ()) -> str:
    """'UBND phường Thác Mơ, tháng 05/2022, tệp '…', trang '…', ô F10, F9'."""
    who = names.reporters.get(row.get("reporter")) or names.units.get(row.get("unit_key"), "")
    if row.get("scope") == "area":
        who += " (toàn địa bàn)"
    text = f"{who}, {vn_period(row['period_code'])}"
    if row.get("file_name"):
        text += f", tệp '{row['file_name']}', trang '{row['sheet']}'"
    cells = [c for c in dict.fromkeys(cells) if c]
    if cells:
        text += f", ô {', '.join(cells)}"
    return text


# ------------------------------------------------------------------ validation rules

REPORTER_LEVEL = Level(
    name="reporter",
    keys=("reporter",),
    slots="""select distinct reporter, unit_key, period_code, file_id, file_name, sheet
             from int_indicator_source""",
    values="""select reporter, period_code, indicator_code, actual_value, plan_value, file_id,
                     file_name, sheet, value_cell, plan_cell
              from int_indicator_source""",
)
# Roll-ups over units: the town's area (and the province's once there is no town, after the
# 2025 reorganisation; before it the province holds only the town and would repeat it), for
# every kind of period. A commune's own roll-ups over months repeat its monthly figures.
ROLLUP_LEVEL = Level(
    name="rollup",
    keys=("unit_key", "scope"),
    slots="""select distinct r.unit_key, r.scope, r.period_code, null::integer as file_id,
                    null::varchar as file_name, null::varchar as sheet
             from report_indicator r
             join dim_period p using (period_code)
             join dim_admin_unit u using (unit_key)
             where r.scope = 'area'
               and (u.level = 'district' or (u.level = 'province' and not exists (
                    select 1 from dim_admin_unit d where d.level = 'district'
                    and p.end_date between coalesce(d.valid_from, date '1900-01-01')
                                       and coalesce(d.valid_to, date '9999-12-31'))))""",
    values="""select unit_key, scope, period_code, indicator_code, actual_value, plan_value,
                     null::integer as file_id, null::varchar as file_name,
                     null::varchar as sheet, null::varchar as value_cell,
                     null::varchar as plan_cell
              from report_indicator""",
)
_EXPECTED = {"<=": ("max",), "<": ("max",), ">=": ("min",), ">": ("min",),
             "==": ("min", "max"), "!=": ("not",)}


def rule_findings(con: duckdb.DuckDBPyConnection, rules: list[Rule], names: _Names
                  ) -> list[Finding]:
    findings = []
    for rule in rules:
        failures, evaluated = [], {}
        for level in (REPORTER_LEVEL, ROLLUP_LEVEL):
            rows = records(con, rule_sql(rule, level))
            evaluated[level.name] = sum(r["holds"] is not None for r in rows)
            failures += [_rule_failure(rule, level, row, names)
                         for row in rows if row["holds"] is False]
        findings += _outcome(RULES_SUITE, rule.rule_id, rule.severity, failures,
                             sum(evaluated.values()), by_level=evaluated)
    return findings


def _rule_failure(rule: Rule, level: Level, row: dict, names: _Names) -> Finding:
    values = []
    for i, operand in enumerate(rule.operands):
        values.append({
            "indicator": operand.indicator_code, "field": operand.field,
            "period": row["previous_code"] if operand.previous else row["period_code"],
            "value": _plain(row[f"o{i}_value"]), "file": row[f"o{i}_file"],
            "sheet": row[f"o{i}_sheet"], "cell": row[f"o{i}_cell"]})
    left, right = _plain(row["l"]), _plain(row["r"])
    current = [v for v in values if v["period"] == row["period_code"]]
    observed = {
        "level": level.name, "unit": names.codes.get(row["unit_key"]),
        "reporter": row.get("reporter"), "scope": row.get("scope"),
        "period": row["period_code"], "file": row["file_name"], "sheet": row["sheet"],
        "cell": next((v["cell"] for v in current if v["cell"]), None),
        "values": values,
        "left": {"expression": rule.left.text, "value": left},
        "operator": rule.operator,
        "right": {"expression": rule.right.text, "value": right},
        "expected": {bound: right for bound in _EXPECTED[rule.operator]},
    }
    message = (f"{rule.description_vi}. {_place(names, row, (v['cell'] for v in current))}: "
               f"{rule.left.text} = {vn_number(left)}, {rule.right.text} = {vn_number(right)}"
               f" (cần {rule.left.text} {SYMBOLS[rule.operator]} {rule.right.text}).")
    return Finding(RULES_SUITE, rule.rule_id, rule.severity, False, observed, message,
                   row["file_id"], unexpected_count=1)


# ------------------------------------------------------------------------ cross-checks

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
    join int_unit_rollup m
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

IDENTITY_SQL = """
select unit_key, period_code, scope, received_total, resolved_total, withdrawn, pending_total
from report_one_stop
where received_total <> resolved_total + withdrawn + pending_total
order by period_code, unit_code, scope"""

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
from int_indicator_source c
join pp using (period_code)
left join int_indicator_source p
  on p.reporter = c.reporter and p.indicator_code = c.indicator_code
 and p.period_code = pp.previous_code
where c.aggregation = 'sum' and c.actual_month is not null and c.cumulative is not null
  and (c.period_code like '%-M01' or p.cumulative is not null)
order by c.indicator_code, c.period_code, c.reporter"""

# Stale `last` values — grain: reporter × `last` indicator × longer period (quarter, half,
# nine months, year) that ends at or before the newest month reported: the reporter's
# latest month with a value in the period, and where that value stands.
STALE_SQL = """
with horizon as (
    select max(period_code) as last_month from etl_file where kind = 'workbook'
),
periods as (
    select p.period_code, max(pm.month_code) as last_month
    from dim_period p join int_period_month pm using (period_code)
    where p.period_type <> 'month'
    group by all
),
latest as (
    select s.reporter, s.unit_key, s.indicator_code, pr.period_code,
           pr.last_month as period_last_month, max(s.period_code) as latest_month
    from int_indicator_source s
    join int_period_month pm on pm.month_code = s.period_code
    join periods pr on pr.period_code = pm.period_code
    join horizon h on pr.last_month <= h.last_month
    where s.aggregation = 'last' and s.actual_value is not null
    group by all
)
select l.*, s.actual_value, s.file_id, s.file_name, s.sheet, s.value_cell
from latest l
join int_indicator_source s
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
from int_indicator_source
where printed_rate is not null and plan_value > 0
  and coalesce(cumulative, actual_month) is not null
order by indicator_code, period_code, reporter"""


def cross_check_findings(con: duckdb.DuckDBPyConnection, names: _Names) -> list[Finding]:
    return [*_carried_over(con, names), *_identity(con, names), *_cumulative(con, names),
            *_stale(con, names), *_printed_rates(con, names)]


def _carried_over(con: duckdb.DuckDBPyConnection, names: _Names) -> list[Finding]:
    rows = records(con, CARRIED_OVER_SQL)
    failures = [Finding(
        CROSS_SUITE, "one_stop_carried_over", "error", False, {
            "unit": names.codes[r["unit_key"]], "scope": r["scope"], "period": r["period_code"],
            "values": [{"figure": "carried_over", "period": r["period_code"],
                        "value": r["carried_over"]},
                       {"figure": "pending_total", "period": r["previous_code"],
                        "value": r["expected"]}],
            "expected": {"min": r["expected"], "max": r["expected"]}},
        f"Một cửa: số hồ sơ kỳ trước chuyển sang của {_place(names, r)} là "
        f"{vn_number(r['carried_over'])}, khác số đang giải quyết cuối "
        f"{vn_period(r['previous_code'])} ({vn_number(r['expected'])}).",
        unexpected_count=1) for r in rows if r["carried_over"] != r["expected"]]
    return _outcome(CROSS_SUITE, "one_stop_carried_over", "error", failures, len(rows))


def _identity(con: duckdb.DuckDBPyConnection, names: _Names) -> list[Finding]:
    (evaluated,) = con.execute("select count(*) from report_one_stop").fetchone()
    failures = [Finding(
        CROSS_SUITE, "one_stop_identity", "error", False, {
            "unit": names.codes[r["unit_key"]], "scope": r["scope"], "period": r["period_code"],
            "values": [{"figure": k, "value": r[k]} for k in
                       ("received_total", "resolved_total", "withdrawn", "pending_total")],
            "expected": {"min": r["received_total"], "max": r["received_total"]}},
        f"Một cửa: {_place(names, r)}: tổng tiếp nhận {vn_number(r['received_total'])} khác "
        f"đã giải quyết + rút/trả lại + đang giải quyết ("
        f"{vn_number(r['resolved_total'] + r['withdrawn'] + r['pending_total'])}).",
        unexpected_count=1) for r in records(con, IDENTITY_SQL)]
    return _outcome(CROSS_SUITE, "one_stop_identity", "error", failures, evaluated)


def _per_indicator(suite: str, check: str, severity: str, rows: list[dict],
                   failure: Callable[[dict], Finding | None]) -> list[Finding]:
    """One expectation per indicator, `check(code)`: its rows' failures or a success row."""
    findings = []
    for code in dict.fromkeys(r["indicator_code"] for r in rows):
        mine = [r for r in rows if r["indicator_code"] == code]
        failures = [f for f in map(failure, mine) if f is not None]
        findings += _outcome(suite, f"{check}({code})", severity, failures, len(mine))
    return findings


def _cumulative(con: duckdb.DuckDBPyConnection, names: _Names) -> list[Finding]:
    return _per_indicator(CROSS_SUITE, "cumulative_continuity", "warning",
                          records(con, CUMULATIVE_SQL), lambda r: _gap(r, names))


def _gap(r: dict, names: _Names) -> Finding | None:
    """This month's lũy kế against last month's plus this month's figure."""
    if abs(r["cumulative"] - r["expected"]) <= 1e-6:
        return None
    code = r["indicator_code"]
    first = r["period_code"].endswith("-M01")
    values = [{"figure": "cumulative", "period": r["period_code"],
               "value": _plain(r["cumulative"]), "file": r["file_name"],
               "sheet": r["sheet"], "cell": r["cumulative_cell"]},
              {"figure": "actual_month", "period": r["period_code"],
               "value": _plain(r["actual_month"]), "file": r["file_name"],
               "sheet": r["sheet"], "cell": r["value_cell"]}]
    if not first:
        values.append({"figure": "cumulative", "period": r["previous_code"],
                       "value": _plain(r["previous_cumulative"]),
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
            "expected": {"min": _plain(r["expected"]), "max": _plain(r["expected"])}},
        f"Lũy kế không liên tục ({code}). "
        f"{_place(names, r, (r['cumulative_cell'],))}: lũy kế "
        f"{vn_number(r['cumulative'])}, nhưng phải bằng {vn_number(r['expected'])}"
        f"{before} thực hiện trong tháng {vn_number(r['actual_month'])} "
        f"(ô {r['value_cell']}).", r["file_id"], unexpected_count=1)


def _stale(con: duckdb.DuckDBPyConnection, names: _Names) -> list[Finding]:
    rows = records(con, STALE_SQL)
    stale = pd.DataFrame([r for r in rows if r["latest_month"] < r["period_last_month"]])
    failures = []
    for (period, reporter), group in (stale.groupby(["period_code", "reporter"], sort=True)
                                      if len(stale) else []):
        first = group.iloc[0].to_dict()
        latest = group["latest_month"].max()
        values = [{"indicator": r.indicator_code, "period": r.latest_month,
                   "value": _plain(r.actual_value), "file": r.file_name, "sheet": r.sheet,
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
    return _outcome(CROSS_SUITE, "stale_last_value", "warning", failures, len(rows))


def rounding_tolerance(printed: float) -> float:
    """Half a unit of the printed rate's last decimal: 105.8 → 0.05, 99 → 0.5."""
    for decimals in range(5):
        if abs(printed - round(printed, decimals)) < 1e-9:
            return 0.5 * 10 ** -decimals + 1e-9
    return 0.5e-5


def _printed_rates(con: duckdb.DuckDBPyConnection, names: _Names) -> list[Finding]:
    return _per_indicator(CROSS_SUITE, "printed_rate", "warning",
                          records(con, PRINTED_RATE_SQL), lambda r: _rate_off(r, names))


def _rate_off(r: dict, names: _Names) -> Finding | None:
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
                {"figure": "printed_rate", "value": _plain(r["printed_rate"]),
                 "cell": r["rate_cell"]},
                {"figure": "actual", "value": _plain(r["actual"]), "cell": r["actual_cell"]},
                {"figure": "plan", "value": _plain(r["plan_value"]), "cell": r["plan_cell"]}],
            "expected": {"min": _plain(r["recomputed"] - tolerance),
                         "max": _plain(r["recomputed"] + tolerance)}},
        f"Tỷ lệ in sẵn không khớp ({code}). {_place(names, r, (r['rate_cell'],))}: "
        f"ghi {vn_number(r['printed_rate'])}%, tính lại "
        f"{vn_number(r['actual'])} / {vn_number(r['plan_value'])} = "
        f"{vn_number(r['recomputed'])}%.", r["file_id"], unexpected_count=1)


# ------------------------------------------------------------ completeness, timeliness

SUBMISSION_SQL = """
select s.unit_key, s.unit_code, s.reporter, s.period_code, s.status, s.files,
       s.first_received_at, s.deadline, s.on_time,
       f1.file_id, regexp_extract(f1.path, '[^/\\\\]+$') as file_name, f1.error
from report_submission s
left join (
    select reporter, period_code, arg_min(file_id, file_mtime) as file_id,
           arg_min(path, file_mtime) as path,
           arg_min(error, file_mtime) filter (where status = 'rejected') as error
    from etl_file where kind = 'workbook' group by all
) f1 using (reporter, period_code)
order by s.period_code, s.reporter"""


def completeness_findings(con: duckdb.DuckDBPyConnection, names: _Names) -> list[Finding]:
    rows = records(con, SUBMISSION_SQL)

    def observed(r: dict) -> dict:
        return {"unit": r["unit_code"], "reporter": r["reporter"], "period": r["period_code"],
                "file": r["file_name"], "status": r["status"], "files": r["files"],
                "first_received_at": r["first_received_at"], "deadline": r["deadline"],
                "expected": {"status": "loaded", "received_by": r["deadline"]}}

    received = [Finding(
        COMPLETENESS_SUITE, "report_received", "warning", False, observed(r),
        f"{names.reporters.get(r['reporter'], r['reporter'])} "
        + (f"chưa gửi báo cáo {vn_period(r['period_code'])} (hạn "
           f"{vn_date(r['deadline'])})." if r["status"] == "missing" else
           f"đã gửi báo cáo {vn_period(r['period_code'])} nhưng tệp '{r['file_name']}' bị "
           f"từ chối: {r['error']}"),
        r["file_id"], unexpected_count=1) for r in rows if r["status"] != "loaded"]
    late = [Finding(
        COMPLETENESS_SUITE, "report_on_time", "warning", False, observed(r),
        f"{names.reporters.get(r['reporter'], r['reporter'])} gửi báo cáo "
        f"{vn_period(r['period_code'])} muộn: nhận lúc {vn_datetime(r['first_received_at'])}"
        f", hạn {vn_date(r['deadline'])} (tệp '{r['file_name']}').",
        r["file_id"], unexpected_count=1) for r in rows if r["on_time"] is False]
    return [*_outcome(COMPLETENESS_SUITE, "report_received", "warning", received, len(rows)),
            *_outcome(COMPLETENESS_SUITE, "report_on_time", "warning", late,
                      sum(r["on_time"] is not None for r in rows))]


# -------------------------------------------------------------------------- outliers

FLOWS_SQL = """
select reporter, unit_key, period_code, indicator_code, actual_value, file_id, file_name,
       sheet, value_cell
from int_indicator_source
where aggregation = 'sum' and actual_value is not null
order by indicator_code, reporter, period_code"""


def outlier_findings(con: duckdb.DuckDBPyConnection, names: _Names) -> list[Finding]:
    """A month's flow of a `sum` indicator far from the same reporter's other months; an
    indicator is evaluated on the months whose history could be judged."""
    flows = con.execute(FLOWS_SQL).df()
    if flows.empty:
        return []
    scored = outliers.robust_scores(flows, ["reporter", "indicator_code"], "actual_value")
    return _per_indicator(OUTLIER_SUITE, "modified_z_score", "warning",
                          scored[scored["judged"]].to_dict("records"),
                          lambda r: _outlier(r, names))


def _outlier(r: dict, names: _Names) -> Finding | None:
    if not r["outlier"]:
        return None
    code = r["indicator_code"]
    low, high = _plain(r["low"]), _plain(r["high"])
    return Finding(
        OUTLIER_SUITE, f"modified_z_score({code})", "warning", False, {
            "unit": names.codes[r["unit_key"]], "reporter": r["reporter"],
            "indicator": code, "period": r["period_code"], "file": r["file_name"],
            "sheet": r["sheet"], "cell": r["value_cell"],
            "values": [{"figure": "actual_month", "value": _plain(r["actual_value"]),
                        "cell": r["value_cell"]}],
            "median": _plain(r["median"]), "mad": _plain(r["mad"]),
            "score": round(float(r["score"]), 2), "threshold": outliers.THRESHOLD,
            "expected": {"min": low, "max": high}},
        f"Giá trị bất thường ({code}). {_place(names, r, (r['value_cell'],))}: "
        f"{vn_number(r['actual_value'])}, ngoài khoảng thường gặp của đơn vị "
        f"{vn_number(low)} – {vn_number(high)} (trung vị {vn_number(r['median'])}).",
        int(r["file_id"]), unexpected_count=1)
