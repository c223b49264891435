"""Overlapping exports through the real nightly flow: the newest export's row of a dossier
wins, whatever order the files arrive in, and each dossier is counted once."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import duckdb

from common.datafolder import DataPaths
from flows.nightly import run_nightly
from tests.builders import ONE_STOP_HEADER, dossier, write_one_stop_csv, write_xlsx

# The export of 5 July 2022 (its title block says so) and the one of 3 October 2022 (no
# title block: its age is the file's modification time).
JULY = [
    dossier("O1", "01/06/2022 08:00", "10/06/2022", status="Đang xử lý"),
    dossier("O2", "02/06/2022 09:00", "12/06/2022", "11/06/2022 10:00", "Đã trả kết quả"),
    dossier("O3", "03/06/2022 09:00", "20/06/2022", "20/06/2022 15:00", "Đã có kết quả"),
    dossier("O5", "03/07/2022 21:00", status="Mới đăng ký", channel="Trực tuyến", level="4"),
]
OCTOBER = [
    dossier("O1", "01/06/2022 08:00", "10/06/2022", "13/06/2022 10:00", "Đã trả kết quả"),
    dossier("O2", "02/06/2022 09:00", "12/06/2022", "11/06/2022 10:00", "Đã trả kết quả"),
    dossier("O4", "01/09/2022 08:00", "30/09/2022", status="Đang xử lý"),
    dossier("O5", "04/07/2022 08:00", "10/07/2022", "08/07/2022 09:00", "Đã trả kết quả",
            channel="Trực tuyến", level="4"),
]


def test_newest_export_wins_and_each_dossier_counts_once(tmp_path):
    paths = DataPaths.of(tmp_path / "data")
    paths.inbox.mkdir(parents=True)
    october = write_one_stop_csv(paths.inbox / "hoso_03-10-2022.csv", OCTOBER)
    stamp = dt.datetime(2022, 10, 3, 7, 15, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).timestamp()
    os.utime(october, (stamp, stamp))
    assert run_nightly(paths)["status"] == "succeeded"
    # The older export arrives a night later (a member of staff finds it in an e-mail).
    write_xlsx(paths.inbox / "DS ho so T7.xlsx",
               [["DANH SÁCH HỒ SƠ"], ["Ngày xuất: 05/07/2022 07:15"], [], ONE_STOP_HEADER,
                *JULY])
    assert run_nightly(paths)["status"] == "succeeded"

    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        ages = dict(con.execute("select path like '%.xlsx', exported_at from etl_file"
                                ).fetchall())
        facts = {code: (outcome, str(closed), source.endswith(".csv"))
                 for code, outcome, closed, source in con.execute(
                     "select dossier_code, outcome, closed_at, source_file from fact_dossier"
                 ).fetchall()}
        staged = con.execute("select count(*) from raw.dossier_row").fetchone()[0]
        year = con.execute(
            "select received_total, resolved_total, pending_total, withdrawn, resolved_late"
            " from report_one_stop where period_code = '2022-Y' and unit_code = '688'"
            " and scope = 'area'").fetchone()
    # Dated by content: the title block's 'Ngày xuất', the date in the CSV's name (never its
    # modification time, which a copy changes).
    assert ages == {True: dt.datetime(2022, 7, 5, 7, 15), False: dt.datetime(2022, 10, 3)}
    assert staged == 8  # every row of both exports is kept in staging …
    assert facts == {  # … and each dossier has one state, the newest
        "O1": ("resolved", "2022-06-13 10:00:00", True),
        "O2": ("resolved", "2022-06-11 10:00:00", True),
        "O3": ("resolved", "2022-06-20 15:00:00", False),
        "O4": (None, "None", True),
        "O5": ("resolved", "2022-07-08 09:00:00", True),
    }
    # O1…O5 received once each; O1 closed late (13/06 after its due day 10/06).
    assert year == (5, 4, 1, 0, 1)
