"""Seed files of `warehouse/seeds/` as frames: reference data staff extend without code."""

from __future__ import annotations

import io
from importlib import resources

import pandas as pd


def seed_frame(name: str, **read_options) -> pd.DataFrame:
    text = resources.files("warehouse").joinpath("seeds", name).read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), **read_options)
