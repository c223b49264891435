"""Due dates from the legal time limit, for dossiers exported without one.

Some systems leave "Ngày hẹn trả" empty (older exports, paper dossiers keyed in late). The
procedure catalog (`warehouse/seeds/procedures.csv`) gives each procedure's legal time limit
in working days; the due day is then that many working days after the day of receipt,
skipping weekends, Vietnamese public holidays (`holidays`, country VN) and the days the
government swaps each year (`warehouse/seeds/holiday_overrides.csv`: `off` for an extra
day off, `work` for a Saturday worked in exchange). Vectorised: one sorted array of working
days and `searchsorted`, whatever the number of dossiers.
"""

from __future__ import annotations

from functools import cache

import holidays
import numpy as np
import pandas as pd

from common.seeds import seed_frame


@cache
def load_procedures() -> pd.DataFrame:
    """procedure_code, procedure_name, field, working_days (0: the same day)."""
    return seed_frame("procedures.csv", dtype={"procedure_code": str, "working_days": int})


@cache
def load_holiday_overrides() -> pd.DataFrame:
    """day, kind ('off' or 'work'), note."""
    return seed_frame("holiday_overrides.csv", parse_dates=["day"])


@cache
def working_days(first_year: int, last_year: int) -> np.ndarray:
    """Every working day of civil servants from 1 Jan `first_year` to 31 Dec `last_year`."""
    days = np.arange(f"{first_year}-01-01", f"{last_year + 1}-01-01", dtype="datetime64[D]")
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (3)
    overrides = load_holiday_overrides()
    by_kind = {kind: overrides.loc[overrides["kind"] == kind, "day"].to_numpy("datetime64[D]")
               for kind in ("off", "work")}
    public = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
    off = np.concatenate([np.array(sorted(public), dtype="datetime64[D]"), by_kind["off"]])
    working = ((weekday < 5) & ~np.isin(days, off)) | np.isin(days, by_kind["work"])
    return days[working]


def due_days(received: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """The day `limit` working days after each day of receipt (`datetime64[D]`); for a limit
    of 0 (same-day procedures) the day of receipt, or the next working day after a day off."""
    years = received.astype("datetime64[Y]").astype(np.int64) + 1970
    calendar = working_days(int(years.min()), int(years.max()) + 1)
    on_or_before = np.searchsorted(calendar, received, side="right")
    on_or_after = np.searchsorted(calendar, received, side="left")
    return calendar[np.where(limits == 0, on_or_after, on_or_before + limits - 1)]


def fill_missing_due_dates(dossiers: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Give received dossiers without a due date the one their procedure's time limit sets;
    returns the frame and how many were filled. Dossiers of procedures not in the catalog,
    and submissions never received (no time runs for them), keep none."""
    limits = dict(zip(*load_procedures()[["procedure_code", "working_days"]].T.to_numpy(),
                      strict=True))
    limit = dossiers["procedure_code"].map(limits)
    missing = (dossiers["due_date"].isna() & limit.notna() & dossiers["received_at"].notna()
               & (dossiers["outcome"] != "not_received"))
    if not missing.any():
        return dossiers, 0
    received = dossiers.loc[missing, "received_at"].to_numpy("datetime64[D]")
    due = due_days(received, limit[missing].to_numpy(np.int64))
    filled = dossiers.copy()
    filled.loc[missing, "due_date"] = due.astype(filled["due_date"].dtype)
    return filled, int(missing.sum())
