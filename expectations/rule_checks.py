"""The validation rules of `expectations/validation_rules.csv` (DHIS2-style, see
`expectations.rules`), evaluated per reporter and month and on the roll-ups."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb

from common.vn_format import vn_number
from expectations.findings import Finding, outcome, plain, records
from expectations.places import Names, place
from expectations.rules import SYMBOLS, Level, Rule, parse_rules, rule_sql

RULES_SUITE = "validation_rules"


def default_rules_file() -> Path:
    return Path(str(resources.files("expectations").joinpath("validation_rules.csv")))


def load_rules(con: duckdb.DuckDBPyConnection, rules_file: Path | None = None) -> list[Rule]:
    codes = {c for (c,) in con.execute("select indicator_code from dim_indicator").fetchall()}
    return parse_rules((rules_file or default_rules_file()).read_text(encoding="utf-8"), codes)


REPORTER_LEVEL = Level(
    name="reporter",
    keys=("reporter",),
    slots="""select distinct reporter, unit_key, period_code, file_id, file_name, sheet
             from intermediate.int_indicator_source""",
    values="""select reporter, period_code, indicator_code, actual_value, plan_value, file_id,
                     file_name, sheet, value_cell, plan_cell
              from intermediate.int_indicator_source""",
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


def rule_findings(con: duckdb.DuckDBPyConnection, rules: list[Rule], names: Names
                  ) -> list[Finding]:
    findings = []
    for rule in rules:
        failures, evaluated = [], {}
        for level in (REPORTER_LEVEL, ROLLUP_LEVEL):
            rows = records(con, rule_sql(rule, level))
            evaluated[level.name] = sum(r["holds"] is not None for r in rows)
            failures += [_rule_failure(rule, level, row, names)
                         for row in rows if row["holds"] is False]
        findings += outcome(RULES_SUITE, rule.rule_id, rule.severity, failures,
                             sum(evaluated.values()), by_level=evaluated)
    return findings


def _rule_failure(rule: Rule, level: Level, row: dict, names: Names) -> Finding:
    values = []
    for i, operand in enumerate(rule.operands):
        values.append({
            "indicator": operand.indicator_code, "field": operand.field,
            "period": row["previous_code"] if operand.previous else row["period_code"],
            "value": plain(row[f"o{i}_value"]), "file": row[f"o{i}_file"],
            "sheet": row[f"o{i}_sheet"], "cell": row[f"o{i}_cell"]})
    left, right = plain(row["l"]), plain(row["r"])
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
    message = (f"{rule.description_vi}. {place(names, row, (v['cell'] for v in current))}: "
               f"{rule.left.text} = {vn_number(left)}, {rule.right.text} = {vn_number(right)}"
               f" (cần {rule.left.text} {SYMBOLS[rule.operator]} {rule.right.text}).")
    return Finding(RULES_SUITE, rule.rule_id, rule.severity, False, observed, message,
                   row["file_id"], unexpected_count=1)
