"""Validation rules as data, the way DHIS2 has them: a left side, an operator and a right
side over indicator values, a missing-value strategy and a severity. This module parses the
rules file and turns each rule into one SQL query over the warehouse; it runs nothing.

An expression is arithmetic (`+ - * /`, parentheses, numbers, `abs(…)`) over operands:
- `vax_18_dose1`: the indicator's value (the month's flow for `sum` indicators, the lũy kế
  for `last` ones, as in fact_indicator and report_indicator);
- `plan(vax_18_dose1)`: its plan (target population, yearly plan);
- `previous(…)`: an operand in the previous period of the same kind (the month before a
  month, the quarter before a quarter, the same period of the year before for `9M`).

Missing-value strategies (DHIS2's), applied to each side separately:
- `NEVER_SKIP`: always evaluated, a missing value counts as 0;
- `SKIP_IF_ANY_VALUE_MISSING`: not evaluated when any operand of either side is missing;
- `SKIP_IF_ALL_VALUES_MISSING`: not evaluated when every operand of one side is missing,
  otherwise a missing value counts as 0. A side without operands (a number) is never missing.
"""

from __future__ import annotations

import ast
import csv
import io
from dataclasses import dataclass

OPERATORS = {"<=", "<", ">=", ">", "==", "!="}
SYMBOLS = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "==": "=", "!=": "≠"}  # as staff write
STRATEGIES = {"NEVER_SKIP", "SKIP_IF_ANY_VALUE_MISSING", "SKIP_IF_ALL_VALUES_MISSING"}
SEVERITIES = {"error", "warning"}
COLUMNS = ["rule_id", "left", "operator", "right", "missing_value_strategy", "severity",
           "description_vi"]
# Values are stored as doubles: equal within this, so 0.1 + 0.2 == 0.3 holds.
EPSILON = 1e-9


class RuleError(ValueError):
    """The rules file says something that cannot be evaluated; the message is for staff."""


@dataclass(frozen=True)
class Operand:
    indicator_code: str
    field: str  # 'actual' or 'plan'
    previous: bool  # the previous period of the same kind

    @property
    def column(self) -> str:
        return "plan_value" if self.field == "plan" else "actual_value"


@dataclass(frozen=True)
class Side:
    text: str
    tree: ast.expr
    operands: tuple[Operand, ...]


@dataclass(frozen=True)
class Rule:
    rule_id: str
    left: Side
    operator: str
    right: Side
    missing_value_strategy: str
    severity: str
    description_vi: str

    @property
    def operands(self) -> tuple[Operand, ...]:
        return tuple(dict.fromkeys(self.left.operands + self.right.operands))


def parse_rules(text: str, indicator_codes: set[str]) -> list[Rule]:
    """Rules from the CSV text of a rules file; a bad rule stops with its id and reason."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RuleError(f"Tệp quy tắc thiếu cột: {', '.join(missing)}")
    rules, seen = [], set()
    for line, row in enumerate(reader, start=2):
        rule_id = (row["rule_id"] or "").strip()
        where = f"Quy tắc '{rule_id}' (dòng {line})"
        if not rule_id or rule_id in seen:
            raise RuleError(f"{where}: mã quy tắc trống hoặc trùng.")
        seen.add(rule_id)
        operator = row["operator"].strip()
        strategy = row["missing_value_strategy"].strip().upper()
        severity = row["severity"].strip().lower()
        if operator not in OPERATORS:
            raise RuleError(f"{where}: phép so sánh '{operator}' không hợp lệ "
                            f"(dùng {', '.join(sorted(OPERATORS))}).")
        if strategy not in STRATEGIES:
            raise RuleError(f"{where}: cách xử lý giá trị thiếu '{strategy}' không hợp lệ "
                            f"(dùng {', '.join(sorted(STRATEGIES))}).")
        if severity not in SEVERITIES:
            raise RuleError(f"{where}: mức độ '{severity}' không hợp lệ (error hoặc warning).")
        rules.append(Rule(
            rule_id=rule_id,
            left=parse_side(row["left"], indicator_codes, where),
            operator=operator,
            right=parse_side(row["right"], indicator_codes, where),
            missing_value_strategy=strategy, severity=severity,
            description_vi=row["description_vi"].strip()))
    return rules


def parse_side(text: str, indicator_codes: set[str], where: str = "") -> Side:
    text = (text or "").strip()
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise RuleError(f"{where}: không hiểu biểu thức '{text}'.") from exc
    operands: list[Operand] = []
    _check(tree, indicator_codes, operands, where, previous=False)
    return Side(text, tree, tuple(dict.fromkeys(operands)))


def _check(node: ast.expr, codes: set[str], operands: list[Operand], where: str,
           previous: bool) -> None:
    """Accept only arithmetic over known operands; collect the operands."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) \
            and not isinstance(node.value, bool):
        return
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
        _check(node.left, codes, operands, where, previous)
        _check(node.right, codes, operands, where, previous)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check(node.operand, codes, operands, where, previous)
        return
    operand = _operand(node, codes, where, previous)
    if operand is not None:
        operands.append(operand)
        return
    if _call_name(node) == "abs" and len(node.args) == 1:
        _check(node.args[0], codes, operands, where, previous)
        return
    if _call_name(node) == "previous" and len(node.args) == 1 and not previous:
        _check(node.args[0], codes, operands, where, previous=True)
        return
    raise RuleError(f"{where}: không hiểu '{ast.unparse(node)}' (chỉ dùng mã chỉ tiêu, "
                    "plan(…), previous(…), abs(…), số và + - * /).")


def _call_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        return node.func.id
    return None


def _operand(node: ast.expr, codes: set[str], where: str, previous: bool) -> Operand | None:
    if isinstance(node, ast.Name):
        code, field = node.id, "actual"
    elif _call_name(node) == "plan" and len(node.args) == 1 \
            and isinstance(node.args[0], ast.Name):
        code, field = node.args[0].id, "plan"
    else:
        return None
    if code not in codes:
        raise RuleError(f"{where}: chỉ tiêu '{code}' không có trong danh mục.")
    return Operand(code, field, previous)


# ----------------------------------------------------------------------------- SQL


@dataclass(frozen=True)
class Level:
    """Where a rule is evaluated: the slots (one evaluation each) and the values to join.
    `values` has the key columns, period_code, indicator_code, actual_value, plan_value and
    the location columns file_id, file_name, sheet, value_cell, plan_cell."""

    name: str
    keys: tuple[str, ...]  # joining a slot to its values, besides period_code
    slots: str  # SQL: keys, unit_key, period_code, file_id, file_name, sheet
    values: str  # SQL


# The previous period of the same kind for every period of the calendar.
PREVIOUS_PERIOD = """
    select period_code, lag(period_code) over (partition by period_type order by start_date)
               as previous_code
    from dim_period"""


def rule_sql(rule: Rule, level: Level) -> str:
    """One row per slot: its keys, the operand values and where they stand, both sides'
    values, whether the rule was skipped and whether it holds."""
    operands = rule.operands
    alias = {o: f"o{i}" for i, o in enumerate(operands)}
    joins, columns = [], []
    for operand, name in alias.items():
        on = " and ".join(f"{name}.{k} = s.{k}" for k in level.keys)
        period = "pp.previous_code" if operand.previous else "s.period_code"
        cell = "plan_cell" if operand.field == "plan" else "value_cell"
        joins.append(f"left join v {name} on {on} and {name}.period_code = {period}"
                     f" and {name}.indicator_code = '{operand.indicator_code}'")
        columns += [f"{name}.{operand.column} as {name}_value",
                    f"{name}.file_id as {name}_file_id",
                    f"{name}.file_name as {name}_file", f"{name}.sheet as {name}_sheet",
                    f"{name}.{cell} as {name}_cell"]
    zero = rule.missing_value_strategy != "SKIP_IF_ANY_VALUE_MISSING"
    left = _sql(rule.left.tree, alias, zero, previous=False)
    right = _sql(rule.right.tree, alias, zero, previous=False)
    skipped = _skip_sql(rule, alias)
    holds = {
        "<=": "l <= r + {e}", "<": "l < r - {e}", ">=": "l >= r - {e}", ">": "l > r + {e}",
        "==": "abs(l - r) <= {e}", "!=": "abs(l - r) > {e}",
    }[rule.operator].format(e=EPSILON)
    return f"""
with v as ({level.values}),
s as ({level.slots}),
pp as ({PREVIOUS_PERIOD}),
evaluated as (
    select s.*, pp.previous_code{''.join(', ' + c for c in columns)},
           {left} as l, {right} as r, {skipped} as skipped
    from s
    join pp on pp.period_code = s.period_code
    {' '.join(joins)}
)
select *, case when skipped or l is null or r is null then null else {holds} end as holds
from evaluated
order by period_code, {', '.join(level.keys)}"""


def _skip_sql(rule: Rule, alias: dict[Operand, str]) -> str:
    if rule.missing_value_strategy == "NEVER_SKIP":
        return "false"
    if rule.missing_value_strategy == "SKIP_IF_ANY_VALUE_MISSING":
        return "(" + " or ".join(f"{alias[o]}.{o.column} is null" for o in rule.operands) + ")" \
            if rule.operands else "false"
    sides = [side for side in (rule.left, rule.right) if side.operands]
    if not sides:
        return "false"
    return "(" + " or ".join(
        "(" + " and ".join(f"{alias[o]}.{o.column} is null" for o in side.operands) + ")"
        for side in sides) + ")"


def _sql(node: ast.expr, alias: dict[Operand, str], zero: bool, previous: bool) -> str:
    if isinstance(node, ast.Constant):
        return repr(float(node.value))
    if isinstance(node, ast.BinOp):
        a, b = (_sql(n, alias, zero, previous) for n in (node.left, node.right))
        if isinstance(node.op, ast.Div):
            return f"({a} / nullif({b}, 0))"
        op = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*"}[type(node.op)]
        return f"({a} {op} {b})"
    if isinstance(node, ast.UnaryOp):
        sign = "-" if isinstance(node.op, ast.USub) else "+"
        return f"({sign}{_sql(node.operand, alias, zero, previous)})"
    name = _call_name(node)
    if name == "abs":
        return f"abs({_sql(node.args[0], alias, zero, previous)})"
    if name == "previous":
        return _sql(node.args[0], alias, zero, previous=True)
    if isinstance(node, ast.Name):
        operand = Operand(node.id, "actual", previous)
    else:
        operand = Operand(node.args[0].id, "plan", previous)
    column = f"{alias[operand]}.{operand.column}"
    return f"coalesce({column}, 0)" if zero else column
