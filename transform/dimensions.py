"""Dimension frames built from reference data: units, periods, indicators, reporters, and
the bridges that roll facts up to report units and periods. Pure: frames out, no I/O."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from extract.reference import (
    REORGANISATION_DATE,
    AdminUnit,
    load_catalog,
    load_reporters,
)
from transform.due_dates import due_days
from transform.periods import calendar
from transform.seeds import seed_frame

FOREVER = dt.date(9999, 12, 31)


def unit_key(unit: AdminUnit) -> int:
    """Stable surrogate: the code, then the year the version started (0: since before
    records). 25217 was Long Thủy (252170000) and is Phường Phước Long (252172025)."""
    return int(unit.unit_code) * 10000 + (unit.valid_from.year if unit.valid_from else 0)


def dim_admin_unit(units: tuple[AdminUnit, ...]) -> pd.DataFrame:
    return pd.DataFrame([{
        "unit_key": unit_key(u), "unit_code": u.unit_code, "unit_name": u.unit_name,
        "unit_type": u.unit_type, "level": u.level, "parent_code": u.parent_code,
        "valid_from": u.valid_from, "valid_to": u.valid_to, "successor_code": u.successor_code,
    } for u in units])


def _valid_on(units: tuple[AdminUnit, ...], code: str | None, day: dt.date) -> AdminUnit | None:
    for u in units:
        if u.unit_code == code and (u.valid_from or dt.date.min) <= day <= (u.valid_to or FOREVER):
            return u
    return None


def unit_rollup(units: tuple[AdminUnit, ...]) -> pd.DataFrame:
    """Which report unit each fact's unit counts towards, by scope, for report periods
    ending within [valid_from, valid_to]: itself (`unit`) and itself plus every ancestor
    (`area`); after a merger, its successor takes its place."""
    eras = [(dt.date(1900, 1, 1), REORGANISATION_DATE - dt.timedelta(days=1)),
            (REORGANISATION_DATE, FOREVER)]
    rows = []
    for era_start, era_end in eras:
        for fact_unit in units:
            current = fact_unit
            if (current.valid_to or FOREVER) < era_start:
                current = _valid_on(units, current.successor_code, era_start)
            elif (current.valid_from or dt.date.min) > era_end:
                continue
            first = True
            while current is not None:
                scopes = ["unit", "area"] if first else ["area"]
                for scope in scopes:
                    rows.append({"fact_unit_key": unit_key(fact_unit),
                                 "report_unit_key": unit_key(current), "scope": scope,
                                 "valid_from": era_start, "valid_to": era_end})
                first = False
                current = _valid_on(units, current.parent_code, era_start)
    return pd.DataFrame(rows).drop_duplicates(ignore_index=True)


def dim_period(first_year: int = 2021, last_year: int = 2026) -> pd.DataFrame:
    return pd.DataFrame([{
        "period_code": p.period_code, "period_type": p.period_type, "year": p.year,
        "start_date": p.start_date, "end_date": p.end_date,
    } for p in calendar(first_year, last_year)])


def period_months(first_year: int = 2021, last_year: int = 2026) -> pd.DataFrame:
    return pd.DataFrame([{"period_code": p.period_code, "month_code": m}
                         for p in calendar(first_year, last_year) for m in p.months])


def dim_indicator() -> pd.DataFrame:
    return pd.DataFrame([{
        "indicator_code": i.code, "name_vi": i.name_vi, "name_en": i.name_en,
        "unit_vi": i.unit_vi, "aggregation": i.aggregation, "domain": i.domain,
        "has_plan": i.has_plan, "reporter_scope": i.reporter_scope,
    } for i in load_catalog().indicators.values()])


def dim_ratio() -> pd.DataFrame:
    return pd.DataFrame(load_catalog().ratios)


def dim_reporter() -> pd.DataFrame:
    return pd.DataFrame([{
        "reporter": r.reporter, "unit_code": r.unit_code, "name_vi": r.name_vi,
        "scope": r.scope, "expected_from": r.expected_from,
    } for r in load_reporters().values()])


def setting(name: str) -> str:
    """A value of `warehouse/seeds/settings.csv`, configuration staff may change."""
    settings = seed_frame("settings.csv", dtype=str).set_index("setting")["value"]
    return settings[name]


def submission_deadlines(working_days: int | None = None, first_year: int = 2021,
                         last_year: int = 2026) -> pd.DataFrame:
    """Deadline of each monthly report: by default 2 working days after the 14th cut-off
    (`settings.csv`), on the civil-service calendar the one-stop due dates use."""
    if working_days is None:
        working_days = int(setting("submission_deadline_working_days"))
    months = [p for p in calendar(first_year, last_year) if p.period_type == "month"]
    cutoffs = np.array([p.end_date for p in months], dtype="datetime64[D]")
    return pd.DataFrame({
        "month_code": [p.period_code for p in months],
        "deadline": due_days(cutoffs, np.full(len(months), working_days)).astype(object),
    })
