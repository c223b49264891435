"""The catalog: indicators (names, synonyms, `sum`/`last`, plan, reporter scope), derived
ratios and the reporters expected to send monthly reports. CSV files in `warehouse/seeds/`
that staff extend without code changes; an indicator catalog kept outside the package is
used instead when `BAOCAO_CATALOG=/path/to/indicators.csv` is set."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from common.seeds import seed_rows
from common.text import fold

# An indicator catalog kept outside the package (staff's copy of indicators.csv), if set.
CATALOG_ENV = "BAOCAO_CATALOG"


def _synonyms(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split("|") if part.strip()]


@dataclass(frozen=True)
class Indicator:
    code: str
    name_vi: str
    name_en: str
    unit_vi: str
    aggregation: str  # 'sum' or 'last'
    domain: str
    has_plan: bool
    reporter_scope: str  # 'commune' or 'town'
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    indicators: dict[str, Indicator]
    ratios: list[dict[str, str]]

    @cached_property
    def index(self) -> dict[str, str]:
        """Folded name or synonym → indicator code."""
        out: dict[str, str] = {}
        for ind in self.indicators.values():
            for text in (ind.name_vi, *ind.synonyms):
                out[fold(text)] = ind.code
        return out


def _catalog_rows() -> list[dict[str, str]]:
    override = os.environ.get(CATALOG_ENV)
    if override:
        return list(csv.DictReader(Path(override).read_text(encoding="utf-8").splitlines()))
    return seed_rows("indicators.csv")


@cache
def load_catalog() -> Catalog:
    indicators = {
        row["indicator_code"]: Indicator(
            code=row["indicator_code"],
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            unit_vi=row["unit_vi"],
            aggregation=row["aggregation"],
            domain=row["domain"],
            has_plan=row["has_plan"].strip().lower() == "true",
            reporter_scope=row["reporter_scope"],
            synonyms=tuple(_synonyms(row["synonyms"])),
        )
        for row in _catalog_rows()
    }
    return Catalog(indicators=indicators, ratios=seed_rows("ratios.csv"))


@dataclass(frozen=True)
class Reporter:
    reporter: str
    unit_code: str
    name_vi: str
    scope: str  # 'commune' or 'town'
    expected_from: str  # first month it is expected to report, e.g. '2022-M01'
    title_synonyms: tuple[str, ...]


@cache
def load_reporters() -> dict[str, Reporter]:
    return {
        row["reporter"]: Reporter(
            reporter=row["reporter"],
            unit_code=row["unit_code"],
            name_vi=row["name_vi"],
            scope=row["scope"],
            expected_from=row["expected_from"],
            title_synonyms=tuple(_synonyms(row["title_synonyms"])),
        )
        for row in seed_rows("reporters.csv")
    }
