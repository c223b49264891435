"""Outliers in a unit's own monthly history, found robustly with the median and the median
absolute deviation (MAD) rather than mean ± k·sd, which DHIS2's users find misleading on
skewed and zero-heavy data (one huge month inflates the sd and hides itself).

Modified z-score (Iglewicz & Hoaglin, 1993): z = 0.6745 · (x − median) / MAD, where 0.6745
makes the MAD comparable with a standard deviation for normal data. A month is an outlier
when |z| > 3.5, the threshold those authors recommend; its expected range is therefore
median ± 3.5 · MAD / 0.6745 (never below 0 for counts). A history is judged only with at
least 6 months, and not when MAD = 0 (over half the months share one value, e.g. a
campaign indicator that is 0 most of the year): nothing then measures what "far" means.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from common.vn_format import vn_number
from expectations.findings import Finding, per_indicator, plain
from expectations.places import Names, place

OUTLIER_SUITE = "outliers"

THRESHOLD = 3.5
CONSISTENCY = 0.6745
MIN_MONTHS = 6
COLUMNS = ["median", "mad", "score", "low", "high", "judged", "outlier"]


def robust_scores(frame: pd.DataFrame, keys: list[str], value: str,
                  threshold: float = THRESHOLD, min_months: int = MIN_MONTHS) -> pd.DataFrame:
    """`frame` with, per row, its group's median and MAD, its modified z-score, the expected
    range, whether the group could be judged and whether the row is an outlier."""
    groups = frame.groupby(keys, sort=False)[value]
    median = groups.transform("median")
    mad = (frame[value] - median).abs().groupby([frame[k] for k in keys], sort=False) \
        .transform("median")
    months = groups.transform("count")
    judged = (months >= min_months) & (mad > 0) & frame[value].notna()
    score = (CONSISTENCY * (frame[value] - median) / mad).where(judged)
    half_width = threshold * mad / CONSISTENCY
    return frame.assign(
        median=median, mad=mad, score=score,
        low=(median - half_width).clip(lower=0).where(judged),
        high=(median + half_width).where(judged),
        judged=judged, outlier=judged & (score.abs() > threshold))


FLOWS_SQL = """
select reporter, unit_key, period_code, indicator_code, actual_value, file_id, file_name,
       sheet, value_cell
from intermediate.int_indicator_source
where aggregation = 'sum' and actual_value is not null
order by indicator_code, reporter, period_code"""


def outlier_findings(con: duckdb.DuckDBPyConnection, names: Names) -> list[Finding]:
    """A month's flow of a `sum` indicator far from the same reporter's other months; an
    indicator is evaluated on the months whose history could be judged."""
    flows = con.execute(FLOWS_SQL).df()
    if flows.empty:
        return []
    scored = robust_scores(flows, ["reporter", "indicator_code"], "actual_value")
    return per_indicator(OUTLIER_SUITE, "modified_z_score", "warning",
                          scored[scored["judged"]].to_dict("records"),
                          lambda r: _outlier(r, names))


def _outlier(r: dict, names: Names) -> Finding | None:
    if not r["outlier"]:
        return None
    code = r["indicator_code"]
    low, high = plain(r["low"]), plain(r["high"])
    return Finding(
        OUTLIER_SUITE, f"modified_z_score({code})", "warning", False, {
            "unit": names.codes[r["unit_key"]], "reporter": r["reporter"],
            "indicator": code, "period": r["period_code"], "file": r["file_name"],
            "sheet": r["sheet"], "cell": r["value_cell"],
            "values": [{"figure": "actual_month", "value": plain(r["actual_value"]),
                        "cell": r["value_cell"]}],
            "median": plain(r["median"]), "mad": plain(r["mad"]),
            "score": round(float(r["score"]), 2), "threshold": THRESHOLD,
            "expected": {"min": low, "max": high}},
        f"Giá trị bất thường ({code}). {place(names, r, (r['value_cell'],))}: "
        f"{vn_number(r['actual_value'])}, ngoài khoảng thường gặp của đơn vị "
        f"{vn_number(low)} – {vn_number(high)} (trung vị {vn_number(r['median'])}).",
        int(r["file_id"]), unexpected_count=1)
