"""Reference data as the frames the seed tables are loaded from: the unit tree and its
roll-up bridge, the reporting calendar, the catalog, the civil-service working days and
the settings. Pure: frames out, no I/O but reading the seed files."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from common.area import current_area
from common.catalog import load_catalog, load_reporters
from common.periods import calendar
from common.seeds import seed_frame
from common.units import FOREVER, REORGANISATION_DATE, AdminUnit, unit_key, valid_on
from common.workdays import working_days

FIRST_YEAR, LAST_YEAR = 2021, 2026  # the calendar of dim_period


def admin_units(units: tuple[AdminUnit, ...]) -> pd.DataFrame:
    return pd.DataFrame([{
        "unit_key": unit_key(u), "unit_code": u.unit_code, "unit_name": u.unit_name,
        "unit_type": u.unit_type, "level": u.level, "parent_code": u.parent_code,
        "valid_from": u.valid_from, "valid_to": u.valid_to, "successor_code": u.successor_code,
        "in_area": u.in_area,
    } for u in units])


def _valid_unit(units: tuple[AdminUnit, ...], code: str | None, day: dt.date
                ) -> AdminUnit | None:
    return next((u for u in units if u.unit_code == code and valid_on(u, day)), None)


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
                current = _valid_unit(units, current.successor_code, era_start)
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
                current = _valid_unit(units, current.parent_code, era_start)
    return pd.DataFrame(rows).drop_duplicates(ignore_index=True)


def periods(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> pd.DataFrame:
    return pd.DataFrame([{
        "period_code": p.period_code, "period_type": p.period_type, "year": p.year,
        "start_date": p.start_date, "end_date": p.end_date,
    } for p in calendar(first_year, last_year)])


def indicators() -> pd.DataFrame:
    return pd.DataFrame([{
        "indicator_code": i.code, "name_vi": i.name_vi, "name_en": i.name_en,
        "unit_vi": i.unit_vi, "aggregation": i.aggregation, "domain": i.domain,
        "has_plan": i.has_plan, "reporter_scope": i.reporter_scope,
    } for i in load_catalog().indicators.values()])


def ratios() -> pd.DataFrame:
    return pd.DataFrame(load_catalog().ratios)


def reporters() -> pd.DataFrame:
    return pd.DataFrame([{
        "reporter": r.reporter, "unit_code": r.unit_code, "name_vi": r.name_vi,
        "scope": r.scope, "valid_from": r.valid_from, "valid_to": r.valid_to,
    } for r in load_reporters().values()], columns=["reporter", "unit_code", "name_vi", "scope",
                                                    "valid_from", "valid_to"]).astype(
        {"valid_from": "datetime64[s]", "valid_to": "datetime64[s]"})


def civil_service_days(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR + 1
                       ) -> pd.DataFrame:
    """Working days of civil servants: deadlines after the calendar's last month fall in
    the year after it."""
    return pd.DataFrame({"day": working_days(first_year, last_year).astype(object)})


def settings() -> pd.DataFrame:
    """settings.csv, with what the area's baocao.toml sets in its place (`[deadline]
    working_days`): the models read one table of settings."""
    frame = seed_frame("settings.csv", dtype=str)
    days = current_area().deadline_working_days
    if days is not None:
        frame.loc[frame["setting"] == "submission_deadline_working_days", "value"] = str(days)
    return frame


def seed_tables(units: tuple[AdminUnit, ...]) -> dict[str, pd.DataFrame]:
    """Every seed table by name (schema `seed`)."""
    return {
        "admin_unit": admin_units(units),
        "unit_rollup": unit_rollup(units),
        "period": periods(),
        "indicator": indicators(),
        "ratio": ratios(),
        "reporter": reporters(),
        "service_index": seed_frame("service_index.csv"),
        "setting": settings(),
        "working_day": civil_service_days(),
    }
