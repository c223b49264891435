"""The one-stop counting rules at every boundary of a period, on hand-written dossiers,
through the warehouse's own SQL (a fresh in-memory DuckDB per test)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from load import sequence, warehouse
from load.models import create_tables

# 2022-M09 runs 2022-08-15 (S) … 2022-09-14 (E).
S, E = "2022-08-15", "2022-09-14"
BEFORE_S, AFTER_E = "2022-08-14", "2022-09-15"


def figures(dossiers: list[dict], period: str = "2022-M09", unit: str = "688") -> dict:
    con = duckdb.connect()
    create_tables(con)
    con.execute("""insert into etl_file (path, archive_path, sha256, kind, exported_at,
                   file_mtime, first_seen_at, first_seen_run, status)
                   values ('x.csv', 'x.csv', 'abc', 'one_stop', '2022-10-03', '2022-10-03',
                           '2022-10-03', 'test', 'loaded')""")
    rows = pd.DataFrame([{
        "file_id": 1, "row_number": i + 2, "dossier_code": f"D{i}", "unit_code": "25217",
        "procedure_code": None, "procedure_name": None, "field": "Hộ tịch",
        "channel": d.get("channel", "direct"), "service_level": d.get("level", "2"),
        "online_eligible": d.get("level", "2") in ("3", "4"),
        "received_at": pd.Timestamp(d["r"]), "due_date": pd.Timestamp(d["u"]).date()
        if d.get("u") else None,
        "closed_at": pd.Timestamp(d["c"]) if d.get("c") else None,
        "outcome": d.get("outcome", "resolved" if d.get("c") else None),
    } for i, d in enumerate(dossiers)])
    if dossiers:
        # (the service-index columns an export may lack stay null)
        warehouse.insert_frame(con, "raw.dossier_row",
                               rows.reindex(columns=warehouse.RAW_DOSSIER))
    sequence.rebuild_models(con)
    cursor = con.execute("select * from report_one_stop where unit_code = ? and period_code = ?"
                         " and scope = 'area'", [unit, period])
    result = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
    assert result["received_total"] == (result["resolved_total"] + result["withdrawn"]
                                        + result["pending_total"])
    return result


def test_received_on_start_is_new_not_carried_over():
    f = figures([{"r": S + " 07:30", "u": "2022-08-20"}])
    assert (f["carried_over"], f["received_new"], f["pending_total"]) == (0, 1, 1)


def test_received_day_before_start_and_open_is_carried_over():
    f = figures([{"r": BEFORE_S + " 16:59", "u": "2022-08-20"}])
    assert (f["carried_over"], f["received_new"], f["pending_total"]) == (1, 0, 1)


def test_received_on_end_counts_after_end_does_not():
    f = figures([{"r": E + " 23:59:59"}, {"r": AFTER_E + " 00:00"}])
    assert (f["received_new"], f["pending_total"], f["received_total"]) == (1, 1, 1)


def test_closed_on_start_is_resolved_in_period_and_carried_over():
    f = figures([{"r": "2022-08-01", "c": S + " 10:00", "u": S}])
    assert (f["carried_over"], f["resolved_total"], f["resolved_on_time"]) == (1, 1, 1)


def test_closed_before_start_is_not_in_period():
    f = figures([{"r": "2022-08-01", "c": BEFORE_S, "u": "2022-08-20"}])
    assert f["received_total"] == f["resolved_total"] == f["pending_total"] == 0


def test_closed_on_end_is_resolved_after_end_is_pending():
    f = figures([{"r": "2022-09-01", "c": E + " 17:00", "u": E},
                 {"r": "2022-09-01", "c": AFTER_E + " 08:00", "u": E}])
    assert (f["resolved_total"], f["resolved_on_time"], f["pending_total"]) == (1, 1, 1)
    assert f["pending_within_due"] == 1  # due on E is still within due at E


def test_early_on_time_late():
    f = figures([{"r": "2022-09-01", "c": "2022-09-05", "u": "2022-09-06"},
                 {"r": "2022-09-01", "c": "2022-09-06 16:00", "u": "2022-09-06"},
                 {"r": "2022-09-01", "c": "2022-09-07 08:00", "u": "2022-09-06"}])
    assert (f["resolved_early"], f["resolved_on_time"], f["resolved_late"]) == (1, 1, 1)
    assert f["on_time_rate"] == pytest.approx(2 / 3)


def test_pending_overdue_when_due_before_end():
    f = figures([{"r": "2022-09-01", "u": "2022-09-13"}, {"r": "2022-09-01", "u": E}])
    assert (f["pending_overdue"], f["pending_within_due"]) == (1, 1)


def test_withdrawn_is_neither_resolved_nor_pending():
    f = figures([{"r": "2022-09-01", "c": "2022-09-03", "u": "2022-09-06",
                  "outcome": "withdrawn"}])
    assert (f["withdrawn"], f["resolved_total"], f["pending_total"]) == (1, 0, 0)


def test_no_close_date_is_pending_and_no_due_date_is_within_due():
    f = figures([{"r": "2022-09-01"}])
    assert (f["pending_total"], f["pending_within_due"], f["pending_overdue"]) == (1, 1, 0)


def test_resolved_without_due_date_counts_on_time():
    f = figures([{"r": "2022-09-01", "c": "2022-09-02"}])
    assert (f["resolved_on_time"], f["resolved_late"]) == (1, 0)


def test_not_received_counts_nowhere():
    f = figures([{"r": "2022-09-01", "outcome": "not_received", "channel": "online",
                  "level": "4"}])
    assert f["received_total"] == f["received_online"] == 0


def test_channels_and_online_rates():
    f = figures([{"r": "2022-09-01", "channel": "online", "level": "4"},
                 {"r": "2022-09-01", "channel": "direct", "level": "3"},
                 {"r": "2022-09-01", "channel": "direct", "level": "2"},
                 {"r": "2022-09-01", "channel": "postal", "level": "2"}])
    assert (f["received_online"], f["received_direct"], f["received_postal"]) == (1, 2, 1)
    assert f["online_rate"] == pytest.approx(1 / 4)
    assert f["online_rate_eligible"] == pytest.approx(1 / 2)


def test_commune_desk_counts_for_town_area_not_town_unit():
    dossiers = [{"r": "2022-09-01"}]
    assert figures(dossiers, unit="25217")["received_new"] == 1
    assert figures(dossiers, unit="688")["received_new"] == 1  # the town's area has the ward


def test_rates_are_null_without_denominator():
    f = figures([])
    assert f["on_time_rate"] is None and f["online_rate"] is None
