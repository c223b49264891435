"""Invariants of a rebuilt warehouse: broken, they stop the publish and yesterday's
warehouse stays in place. The one-stop identity is also reported, case by case, by the
cross-checks (`expectations.cross_checks`), from the same query."""

from __future__ import annotations

import duckdb

from expectations.facts import InvariantBroken

# Grain: unit × period × scope of report_one_stop whose figures do not add up.
ONE_STOP_IDENTITY_SQL = """
select unit_key, period_code, scope, received_total, resolved_total, withdrawn, pending_total
from main.report_one_stop
where received_total <> resolved_total + withdrawn + pending_total
order by period_code, unit_code, scope"""

INVARIANTS = {
    "one-stop identity received_total = resolved_total + withdrawn + pending_total":
        f"select count(*) from ({ONE_STOP_IDENTITY_SQL})",
    "fact_dossier.dossier_code unique":
        "select count(*) - count(distinct dossier_code) from main.fact_dossier",
    "fact_indicator key unique":
        "select count(*) from (select 1 from main.fact_indicator"
        " group by reporter, period_code, indicator_code having count(*) > 1)",
    "fact_dossier.unit_key references dim_admin_unit":
        "select count(*) from main.fact_dossier where unit_key not in"
        " (select unit_key from main.dim_admin_unit)",
}


def check_invariants(con: duckdb.DuckDBPyConnection) -> None:
    broken = [name for name, sql in INVARIANTS.items() if con.execute(sql).fetchone()[0]]
    if broken:
        raise InvariantBroken("; ".join(broken))
