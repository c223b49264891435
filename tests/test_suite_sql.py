"""The source suites as SQL give Great Expectations' own findings, row for row, on the
demo's rows and on rows broken on purpose; and `check` validates without importing GX."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pandas as pd
import pytest

from expectations.gx_suites import for_gx, suite_columns, suite_params, validate
from expectations.suite_sql import validate_sql
from extract.inbox import InboxFile, extract_file
from transform.batch import build_batch

FIELDS = ("expectation", "severity", "success", "observed", "unexpected_count", "rows",
          "message")


@pytest.fixture(scope="module")
def demo_rows(demo_paths):
    seen = dt.datetime(2022, 10, 3)
    results = [extract_file(InboxFile(str(p), p.name, p.name, seen, seen), p)
               for p in sorted(demo_paths.inbox.iterdir())]
    batch = build_batch(results)
    return batch.dossiers.head(5000).reset_index(drop=True), batch.indicators


def _broken_dossiers(rows: pd.DataFrame) -> pd.DataFrame:
    bad = rows.head(60).astype({c: object for c in rows.columns
                                if isinstance(rows[c].dtype, pd.CategoricalDtype)})
    bad.loc[3, "channel"] = "fax"
    bad.loc[4, "unit_code"] = "99999"
    bad.loc[5, "received_at"] = pd.Timestamp("2031-01-01")
    bad.loc[6, "service_level"] = None
    bad.loc[7:9, "due_date"] = None
    bad.loc[8, "closed_at"] = pd.Timestamp("2001-01-01")
    bad.loc[9, "unit_code"] = None
    return bad


def _broken_indicators(rows: pd.DataFrame) -> pd.DataFrame:
    bad = rows.head(40).copy()
    bad.loc[2, "actual_month"] = -3
    bad.loc[3, "period_code"] = "2022-M13"
    bad.loc[4, "indicator_code"] = "zzz"
    bad.loc[5, "reporter"] = None
    return bad


@pytest.mark.parametrize("case", ["dossiers", "indicators", "broken dossiers",
                                  "broken indicators"])
def test_sql_and_gx_find_the_same(demo_rows, case):
    dossiers, indicators = demo_rows
    suite, frame = {
        "dossiers": ("one_stop_export", dossiers),
        "indicators": ("commune_workbook", indicators),
        "broken dossiers": ("one_stop_export", _broken_dossiers(dossiers)),
        "broken indicators": ("commune_workbook", _broken_indicators(indicators)),
    }[case]
    frame = for_gx(frame[[c for c in frame.columns if c in suite_columns(suite)]], suite)
    params = suite_params(pd.Timestamp("2026-12-02"))
    gx = {f.expectation: f for f in validate(frame, suite, params)}
    sql = {f.expectation: f for f in validate_sql(frame, suite, params)}
    assert gx.keys() == sql.keys()
    for name, finding in gx.items():
        assert {k: getattr(sql[name], k) for k in FIELDS} == {
            k: getattr(finding, k) for k in FIELDS}, name
    if case.startswith("broken"):
        assert any(not f.success for f in gx.values())


def test_check_imports_neither_prefect_nor_great_expectations(tmp_path):
    """`baocao check FILE` validates with the suites' SQL: no GX or Prefect start-up."""
    from tests.builders import workbook_rows, write_xlsx

    path = write_xlsx(tmp_path / "BC thang 5 - Thac Mo.xlsx", workbook_rows(
        "UBND PHƯỜNG THÁC MƠ", "Tháng 5 năm 2022",
        [["Tổng số hộ dân cư", "hộ", None, None, 2100, None]],
        date_line="Thác Mơ, ngày 14 tháng 5 năm 2022"))
    done = subprocess.run(
        [sys.executable, "-c",
         "import sys; from typer.testing import CliRunner; from baocao.cli import app;"
         f" r = CliRunner().invoke(app, ['check', {str(path)!r}]);"
         " print(r.exit_code, 'great_expectations' in sys.modules, 'prefect' in sys.modules)"],
        capture_output=True, text=True, check=True)
    assert done.stdout.split()[-3:] == ["0", "False", "False"], done.stdout + done.stderr
