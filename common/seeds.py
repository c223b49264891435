"""Seed files of `warehouse/seeds/`: reference data staff extend without code changes."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

import pandas as pd


def seed_text(name: str) -> str:
    return resources.files("warehouse").joinpath("seeds", name).read_text(encoding="utf-8")


def seed_rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(seed_text(name).splitlines()))


def seed_frame(name: str, **read_options) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(seed_text(name)), **read_options)


@cache
def setting(name: str) -> str:
    """A value of `warehouse/seeds/settings.csv`, configuration staff may change."""
    return {row["setting"]: row["value"] for row in seed_rows("settings.csv")}[name]
