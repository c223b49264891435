"""Closing a period and restating it: `baocao close` freezes the published figures of
2022-9M for the town; a corrected workbook of a month in it, run through the real nightly
flow, changes figures, and each change is recorded with the file that made it, shown by
`baocao status`, while `baocao closed` still prints the figures as sent."""

from __future__ import annotations

import re
import shutil

import duckdb
import openpyxl
from typer.testing import CliRunner

from baocao.cli import app
from common.datafolder import DataPaths

runner = CliRunner()
CORRECTED = "BC Long Thuy (sua).xlsx"


def _correct_a_workbook(paths: DataPaths) -> None:
    """Long Thủy's September workbook again, as a correction: households + 7, dated the
    28th (later than the original's date line)."""
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        archive_path, sheet, cell = con.execute("""
            select f.archive_path, i.source_sheet, i.source_cell
            from fact_indicator i join etl_file f on f.path = i.source_file
            where i.reporter = 'ubnd_25217' and i.period_code = '2022-M09'
              and i.indicator_code = 'households' and f.path like '%.xlsx'""").fetchone()
    book = openpyxl.load_workbook(paths.archived(archive_path))
    sheet = book[sheet]
    sheet[cell] = sheet[cell].value + 7
    dated = [c for row in sheet.iter_rows(max_row=8) for c in row
             if isinstance(c.value, str) and re.search(r"ngày \d+ tháng \d+ năm 2022", c.value)]
    assert int(re.search(r"ngày (\d+)", dated[0].value).group(1)) < 28
    dated[0].value = re.sub(r"ngày \d+", "ngày 28", dated[0].value)
    paths.inbox.mkdir(parents=True, exist_ok=True)
    book.save(paths.inbox / CORRECTED)


def test_a_correction_after_closing_is_a_restatement(demo_paths, tmp_path):
    from flows.nightly import run_nightly

    data = tmp_path / "data"
    shutil.copytree(demo_paths.data_dir, data)
    paths = DataPaths.of(data)
    result = runner.invoke(app, ["close", "--period", "2022-9M", "--unit", "688",
                                 "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        sent = dict(con.execute("select scope || ' ' || figure, closed_value from report_closed"
                                " where unit_code = '688' and period_code = '2022-9M'"
                                ).fetchall())
    assert sent["area households"] and sent["area received_total"] == 21473
    as_sent = runner.invoke(app, ["report", "--period", "2022-9M", "--unit", "688",
                                  "--data-dir", str(data)]).output

    _correct_a_workbook(paths)
    assert run_nightly(paths)["status"] == "succeeded"

    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        restated = con.execute("""
            select scope || ' ' || figure, closed_value, current_value, files
            from report_restatement order by 1""").fetchall()
        now = dict(con.execute("""
            select scope || ' ' || indicator_code, actual_value from report_indicator
            where unit_code = '688' and period_code = '2022-9M'""").fetchall())
    changed = sorted(k for k, v in sent.items() if k in now and now[k] != v)
    assert changed == ["area households"]  # a `last` stock: September's value is the 9M's
    assert restated == [("area households", sent["area households"],
                         sent["area households"] + 7, [CORRECTED])]

    result = runner.invoke(app, ["status", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "Số liệu đã chốt bị thay đổi" in result.output and CORRECTED in result.output

    result = runner.invoke(app, ["closed", "--period", "2022-9M", "--unit", "688",
                                 "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    sent_households = f"{int(sent['area households']):,}".replace(",", ".")
    assert f"toàn địa bàn · households: {sent_households}" in result.output

    result = runner.invoke(app, ["report", "--period", "2022-9M", "--unit", "688",
                                 "--as-closed", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert result.output == as_sent  # the report as it was sent, after the correction
    from baocao import report

    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        closed = report.fetch(con, "2022-9M", "688", as_closed=True)
        current = report.fetch(con, "2022-9M", "688")
    assert closed.indicators["households"]["actual"] == sent["area households"]
    assert current.indicators["households"]["actual"] == sent["area households"] + 7

    # A later run that changes nothing more records nothing more.
    assert run_nightly(paths)["status"] == "succeeded"
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from report_restatement").fetchone()[0] == 1
