"""Every layout and format staff send reads as the clean template does: the corpus of
`workbook_variants` (written here, not committed) through the reader, and through the real
nightly flow into `fact_indicator`."""

from __future__ import annotations

import io

import duckdb
import pytest

from common.datafolder import DataPaths
from extract.workbook import read_workbook
from tests.workbook_variants import (
    EXPECTED_PROBLEMS,
    EXPECTED_ROWS,
    LINES,
    REPORTER,
    UNIT_CODE,
    VARIANTS,
    write_variant,
)

FIGURES = ["indicator_code", "actual_month", "cumulative", "plan_value", "printed_rate"]


def read(path):
    return read_workbook(io.BytesIO(path.read_bytes()), path.name)


def figures(result) -> list[tuple]:
    return [tuple(None if v != v else v for v in row)  # NaN (no figure) as None
            for row in result.rows[FIGURES].itertuples(index=False)]


def test_the_corpus_has_twenty_layouts_and_formats_or_more():
    assert len(VARIANTS) >= 20
    assert {suffix for suffix, _ in VARIANTS.values()} == {".xlsx", ".xls", ".ods"}


def test_the_clean_template_reads_as_its_figures(tmp_path):
    result = read(write_variant("clean_xlsx", tmp_path))
    assert (result.reporter, result.unit_code, result.period_code, str(result.report_date)) \
        == (REPORTER, UNIT_CODE, "2022-M09", "2022-09-14")
    got = dict(zip([r[0] for r in figures(result)], figures(result), strict=True))
    assert got["vax_18_dose1"] == ("vax_18_dose1", 35, 6571, 6210, 105.8)
    assert got["tet_gifts_value"] == ("tet_gifts_value", 0, 1641750000, None, None)  # '-' = 0
    assert got["households"] == ("households", None, 2905, None, None)  # 'x' = no figure
    assert got["poor_households"] == ("poor_households", None, 12, None, None)  # empty
    assert figures(result) == EXPECTED_ROWS
    assert result.problems == []


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_reads_as_the_clean_template(tmp_path, name):
    clean = read(write_variant("clean_xlsx", tmp_path))
    result = read(write_variant(name, tmp_path))
    assert figures(result) == figures(clean) == EXPECTED_ROWS
    assert (result.reporter, result.period_code, result.report_date) == (
        clean.reporter, clean.period_code, clean.report_date)
    assert {p.rule for p in result.problems} == EXPECTED_PROBLEMS.get(name, set())


def test_every_variant_gives_the_clean_templates_fact_rows(tmp_path):
    """Each variant as another month of Long Thủy's reports, all in one nightly run: every
    month's fact_indicator rows are the clean template's."""
    from flows.nightly import run_nightly

    paths = DataPaths.of(tmp_path / "data")
    paths.inbox.mkdir(parents=True)
    months = {}
    for i, name in enumerate(sorted(VARIANTS)):
        year, month = 2022 + i // 12, i % 12 + 1
        write_variant(name, paths.inbox, month, year)
        months[f"{year}-M{month:02d}"] = name
    summary = run_nightly(paths)
    assert (summary["files_loaded"], summary["files_rejected"]) == (len(VARIANTS), 0)

    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        rows = con.execute(
            "select period_code, indicator_code, actual_value, plan_value from fact_indicator"
            " where reporter = ? order by period_code, indicator_code", [REPORTER]).fetchall()
    by_month: dict[str, set] = {}
    for period, code, value, plan in rows:
        by_month.setdefault(period, set()).add((code, value, plan))
    clean_month = next(p for p, n in months.items() if n == "clean_xlsx")
    expected = {(line.code, stored_value(line), float(line.plan) if line.plan else None)
                for line in LINES}
    assert by_month[clean_month] == expected
    assert {months[p]: by_month.get(p) for p in months} == {
        name: expected for name in months.values()}


def stored_value(line) -> float | None:
    """The month's value (commune-workbook.md): lũy kế for `last`, the flow for `sum`."""
    from common.catalog import load_catalog

    last = load_catalog().indicators[line.code].aggregation == "last"
    value = line.cumulative if last else line.month
    return float(value) if isinstance(value, int) else None
