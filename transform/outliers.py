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

import pandas as pd

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
