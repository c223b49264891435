"""A corrected report replaces the earlier one for the same reporter and month as a whole:
newest by the title block's date line, then by first sight. Every file stays in etl_file.
Through the real nightly flow, run after run on one data folder."""

from __future__ import annotations

import duckdb

from common.datafolder import DataPaths
from tests.builders import workbook_rows, write_xlsx

FOOD = "Số cơ sở được kiểm tra, giám sát vệ sinh an toàn thực phẩm"
JOBS = "Số lao động được giải quyết việc làm"
ROUNDS = "Số đợt tiêm mũi nhắc lại"  # a town indicator: out of a commune's scope


def long_thuy(inbox, name: str, day: int, households: int, extra=()) -> None:
    rows = workbook_rows("UBND PHƯỜNG LONG THỦY", "Tháng 9 năm 2022", [
        ["Tổng số hộ dân cư", "hộ", None, None, households, None],
        [FOOD, "cơ sở", None, 12, 87, None], [ROUNDS, "đợt", None, None, 11, None], *extra],
        date_line=f"Long Thủy, ngày {day} tháng 9 năm 2022")
    write_xlsx(inbox / name, rows)


def state(paths: DataPaths) -> tuple[dict[str, str], dict[str, float], float]:
    """Each file's status, Long Thủy's September facts, and the report's household count."""
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        files = dict(con.execute(
            "select regexp_extract(path, '[^/]+$'), status from etl_file").fetchall())
        facts = dict(con.execute(
            "select indicator_code, actual_value from fact_indicator"
            " where reporter = 'ubnd_25217' and period_code = '2022-M09'").fetchall())
        (report,) = con.execute(
            "select actual_value from report_indicator where unit_code = '25217'"
            " and period_code = '2022-M09' and scope = 'unit'"
            " and indicator_code = 'households'").fetchone()
    return files, facts, report


def test_the_newest_file_for_a_reporter_and_month_wins_as_a_whole(tmp_path):
    from flows.nightly import run_nightly

    paths = DataPaths.of(tmp_path / "data")
    paths.inbox.mkdir(parents=True)
    first = "BC thang 9 - Long Thuy.xlsx"
    long_thuy(paths.inbox, first, 13, 2950, extra=[[JOBS, "người", 500, 42, 371, None]])
    run_nightly(paths)
    files, facts, report = state(paths)
    assert files == {first: "loaded"}
    assert (facts, report) == ({"households": 2950, "food_safety_inspected": 12,
                                "jobs_created": 42}, 2950)

    # The correction, dated later: it replaces the first file whole (jobs_created goes).
    corrected = "BC thang 9 - Long Thuy (sua).xlsx"
    long_thuy(paths.inbox, corrected, 16, 2905)
    run_nightly(paths)
    files, facts, report = state(paths)
    assert files == {first: "superseded", corrected: "loaded"}
    assert (facts, report) == ({"households": 2905, "food_safety_inspected": 12}, 2905)

    # An old copy forwarded again arrives last but is dated earlier: it does not win.
    old_copy = "Fw BC thang 9 - Long Thuy.xlsx"
    long_thuy(paths.inbox, old_copy, 12, 2899)
    run_nightly(paths)
    files, facts, report = state(paths)
    assert files == {first: "superseded", corrected: "loaded", old_copy: "superseded"}
    assert report == 2905

    # Same date line as the correction: the one seen later wins.
    addendum = "BC thang 9 - Long Thuy (bo sung).xlsx"
    long_thuy(paths.inbox, addendum, 16, 2906)
    run_nightly(paths)
    files, facts, report = state(paths)
    assert files == {first: "superseded", corrected: "superseded", old_copy: "superseded",
                     addendum: "loaded"}
    assert (facts["households"], report) == (2906, 2906)
    assert "vax_rounds_booster" not in facts  # out of a commune's scope: ignored


def test_two_versions_in_one_run_the_later_date_line_wins(tmp_path):
    from flows.nightly import run_nightly

    paths = DataPaths.of(tmp_path / "data")
    paths.inbox.mkdir(parents=True)
    # The inbox is read in name order: the newer file is seen first.
    long_thuy(paths.inbox, "A - BC thang 9 - Long Thuy (sua).xlsx", 16, 2905)
    long_thuy(paths.inbox, "B - BC thang 9 - Long Thuy.xlsx", 13, 2950)
    run_nightly(paths)
    files, _, report = state(paths)
    assert files == {"A - BC thang 9 - Long Thuy (sua).xlsx": "loaded",
                     "B - BC thang 9 - Long Thuy.xlsx": "superseded"}
    assert report == 2905
