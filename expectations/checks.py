"""Data-quality checks on the rebuilt warehouse, run inside the load transaction after the
fact suites: validation rules per reporter and month and on roll-ups, cross-period and
cross-source checks, completeness and timeliness of the monthly reports, and outliers in
each unit's own history.

One finding per expectation evaluated: when an expectation finds nothing, one with success
= true and how many cases it evaluated; otherwise one per failing case (its file in
file_id, `unexpected_count` the number of figures concerned).

Severity: `error` means a figure that cannot be right (a second dose given to more people
than a first); `warning` a figure to check. Neither withholds data: a rule cannot tell
which of its figures is wrong, so the quality page lists errors first for staff to have the
report corrected and resent.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from expectations.completeness import completeness_findings
from expectations.cross_checks import cross_check_findings
from expectations.findings import Finding
from expectations.outliers import outlier_findings
from expectations.places import Names
from expectations.rule_checks import load_rules, rule_findings


def warehouse_findings(con: duckdb.DuckDBPyConnection, rules_file: Path | None = None
                       ) -> list[Finding]:
    """Every check on the rebuilt warehouse."""
    names = Names.of(con)
    return [*rule_findings(con, load_rules(con, rules_file), names),
            *cross_check_findings(con, names), *completeness_findings(con, names),
            *outlier_findings(con, names)]
