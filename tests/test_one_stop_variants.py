"""Every export variant the office receives gives the same figures as the same dossiers in
the spine's format. Each test writes real files (csv in each encoding and delimiter, xlsx,
xls with xlwt, HTML saved as .xls), runs them through extract → GX → stage → load →
models into a fresh DuckDB file, and compares the whole of report_one_stop."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import xlwt

from expectations.staged import validate_batch
from extract.inbox import InboxFile, extract_file
from load import sequence
from load.archive import sha256_of
from load.models import create_tables
from tests.builders import ONE_STOP_HEADER, csv_bytes, dossier, write_one_stop_csv, write_xlsx
from transform.batch import build_batch

D, T = dt.date, dt.datetime


@dataclass(frozen=True)
class Dossier:
    code: str
    received: dt.datetime
    due: dt.date | None
    finished: dt.datetime | None
    status: str
    channel: str = "direct"  # online, direct, postal
    level: str = "2"
    unit: str = "UBND phường Long Thủy"
    extended: dt.date | None = None  # Ngày gia hạn: replaces the due date
    handed: dt.datetime | None = None  # Ngày trả: after the finish, which wins


# Every status family, channel, level, a carried-over dossier, an extended due date and a
# hand-over after the finish, around 2022-M09 (15/08 … 14/09/2022).
DOSSIERS = [
    Dossier("H01", T(2022, 8, 20, 8, 35, 12), D(2022, 8, 25), T(2022, 8, 24, 10, 0),
            "Đã trả kết quả", "online", "4", handed=T(2022, 8, 26, 9, 0)),
    Dossier("H02", T(2022, 8, 22, 9, 0), D(2022, 8, 29), T(2022, 8, 29, 16, 30),
            "Đã có kết quả"),
    Dossier("H03", T(2022, 8, 23, 14, 5, 59), D(2022, 8, 30), T(2022, 9, 2, 8, 0),
            "Đã xử lý xong", "postal", "3", unit="Bộ phận một cửa thị xã Phước Long"),
    Dossier("H04", T(2022, 8, 25, 10, 0), D(2022, 9, 5), T(2022, 8, 30, 10, 0),
            "Công dân yêu cầu rút hồ sơ", "online", "3"),
    Dossier("H05", T(2022, 9, 1, 7, 45), D(2022, 9, 8), T(2022, 9, 6, 15, 0),
            "Trả lại hồ sơ"),
    Dossier("H06", T(2022, 8, 16, 8, 0), D(2022, 9, 9), None, "Đang xử lý",
            unit="UBND xã Phước Tín"),
    Dossier("H07", T(2022, 9, 5, 8, 0), D(2022, 9, 20), None, "Chờ bổ sung", "online", "4"),
    Dossier("H08", T(2022, 7, 10, 9, 30), D(2022, 7, 25), None, "Yêu cầu bổ sung giấy tờ"),
    Dossier("H09", T(2022, 9, 10, 21, 14, 3), None, None, "Mới đăng ký", "online", "4"),
    Dossier("H10", T(2022, 8, 18, 22, 0), None, None, "Không được tiếp nhận", "online", "3"),
    Dossier("H11", T(2022, 8, 26, 8, 0), D(2022, 9, 1), T(2022, 9, 12, 10, 0),
            "Đã trả kết quả", extended=D(2022, 9, 20), handed=T(2022, 9, 13, 8, 0)),
    Dossier("H12", T(2022, 9, 14, 16, 45, 12), D(2022, 9, 16), None, "Được tiếp nhận",
            "postal", "2", unit="Bộ phận một cửa thị xã Phước Long"),
    Dossier("H13", T(2022, 8, 1, 10, 0), D(2022, 8, 31), None,
            "Yêu cầu thực hiện nghĩa vụ tài chính", unit="Bộ phận một cửa thị xã Phước Long"),
    Dossier("H14", T(2022, 9, 7, 9, 0), D(2022, 9, 14), T(2022, 9, 9, 9, 0), "Từ chối"),
    Dossier("H15", T(2022, 9, 7, 9, 0), D(2022, 9, 14), T(2022, 9, 14, 11, 0),
            "Đã trả kết quả", "online", "4", handed=T(2022, 9, 16, 10, 0)),
    Dossier("H16", T(2022, 10, 1, 9, 0), D(2022, 10, 5), T(2022, 10, 2, 9, 0),
            "Dừng xử lý", "direct", "2", unit="UBND xã Phước Tín"),
]
CHANNEL_TEXT = {"online": "Trực tuyến", "direct": "Trực tiếp",
                "postal": "Dịch vụ bưu chính công ích"}
CHANNEL_CODE = {"direct": 1, "online": 2, "postal": 3}
LEVEL_WORDS = {"2": "", "3": "Một phần", "4": "Toàn trình"}
TITLE = [["HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TỈNH BÌNH PHƯỚC"],
         ["DANH SÁCH HỒ SƠ"], ["Từ ngày 01/06/2022 đến ngày 02/10/2022"],
         ["Ngày xuất: 03/10/2022 07:15"], []]


def due_of(d: Dossier) -> dt.date | None:
    return d.extended or d.due


def text(value: dt.date | None, pattern: str) -> str:
    return value.strftime(pattern) if value else ""


def spine_rows(dossiers: list[Dossier]) -> list[list[str]]:
    """The same dossiers as the spine's export (builders.ONE_STOP_HEADER)."""
    return [dossier(d.code, text(d.received, "%d/%m/%Y %H:%M"), text(due_of(d), "%d/%m/%Y"),
                    text(d.finished, "%d/%m/%Y %H:%M"), d.status, CHANNEL_TEXT[d.channel],
                    d.level, d.unit) for d in dossiers]


def personal(i: int) -> list[str]:
    return [f"Nguyễn Văn Thử {i}", f"0791234567{i:02d}", f"09123456{i:02d}"]


def table(columns: list[tuple[str, object]], dossiers: list[Dossier], shuffle: int | None = None
          ) -> list[list[object]]:
    """Header + one row per dossier; `columns` are (header, d → value); optionally in a
    shuffled column order."""
    order = list(range(len(columns)))
    if shuffle is not None:
        random.Random(shuffle).shuffle(order)
    header = [columns[i][0] for i in order]
    rows = [[columns[i][1](d, n) for i in order] for n, d in enumerate(dossiers, start=1)]
    return [header, *rows]


def common(received: str, due: str, finished: str, channel=None, level=None,
           unit_header: str = "Đơn vị tiếp nhận") -> list[tuple[str, object]]:
    """Columns of a variant: header texts and how each value is written."""
    def when(pattern: str, field: str):
        if pattern == "cell":  # an Excel date cell
            return lambda d, n: getattr(d, field)
        return lambda d, n: text(getattr(d, field), pattern)

    return [
        ("STT", lambda d, n: n),
        ("Mã hồ sơ", lambda d, n: d.code),
        ("Tên thủ tục", lambda d, n: "Đăng ký khai sinh"),
        ("Lĩnh vực", lambda d, n: "Hộ tịch"),
        ("Người nộp", lambda d, n: personal(n)[0]),
        ("Số CCCD", lambda d, n: personal(n)[1]),
        ("Số điện thoại", lambda d, n: personal(n)[2]),
        (unit_header, lambda d, n: d.unit),
        ("Hình thức nộp", channel or (lambda d, n: CHANNEL_TEXT[d.channel])),
        ("Mức độ", level or (lambda d, n: d.level)),
        ("Ngày tiếp nhận", when(received, "received")),
        ("Ngày hẹn trả", when(due, "due")),
        ("Ngày gia hạn", when(due, "extended")),
        ("Ngày có kết quả", when(finished, "finished")),
        ("Ngày trả", when(finished, "handed")),
        ("Trạng thái", lambda d, n: d.status),
    ]


def renamed(columns, names: dict[str, str]):
    return [(names.get(h, h), f) for h, f in columns]


def without(columns, *headers: str):
    return [(h, f) for h, f in columns if h not in headers]


def write_csv(path: Path, rows: list[list[object]], delimiter: str, encoding: str) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xls(path: Path, rows: list[list[object]]) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("DanhSachHoSo")
    styles = {T: xlwt.easyxf(num_format_str="dd/mm/yyyy hh:mm:ss"),
              D: xlwt.easyxf(num_format_str="dd/mm/yyyy")}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value not in (None, ""):
                style = styles.get(type(value))
                sheet.write(r, c, value, style) if style else sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_html_xls(path: Path, rows: list[list[object]]) -> Path:
    """What some systems call an Excel export: an HTML page under an .xls name, the title
    block outside the table and a row spanning the table above the header."""
    def cells(row, tag):
        return "".join(f"<{tag}>{'' if v is None else v}</{tag}>" for v in row)

    body = "".join(f"<tr>{cells(r, 'td')}</tr>" for r in rows[1:])
    page = ("<html><head><meta charset='utf-8'></head><body>"
            "<h3>HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH</h3>"
            "<p>Ngày xuất: 03/10/2022 07:15</p><table border='1'>"
            f"<tr><td colspan='{len(rows[0])}'>DANH SÁCH HỒ SƠ</td></tr>"
            f"<tr>{cells(rows[0], 'th')}</tr>{body}</table></body></html>")
    path.write_text(page, encoding="utf-8")
    return path


def load(folder: Path, *files: Path) -> duckdb.DuckDBPyConnection:
    """Files → extract → GX → stage → load → models, in a fresh DuckDB file."""
    seen = T(2022, 10, 3, 8, 0)
    inbox = [InboxFile(path=str(f), sha256=sha256_of(f), archive_path=f.name,
                       file_mtime=seen, first_seen_at=seen) for f in files]
    results = [extract_file(f, Path(f.path)) for f in inbox]
    batch = validate_batch(build_batch(results), pd.Timestamp(seen))
    con = duckdb.connect(str(folder / f"{files[0].stem}.duckdb"))
    create_tables(con)
    sequence.build(con, "test", batch)
    return con


def report(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("select * from report_one_stop order by period_code, unit_key, scope"
                       ).fetchall()


def loaded(con: duckdb.DuckDBPyConnection) -> tuple[int, list]:
    rows = con.execute("select count(*) from fact_dossier").fetchone()[0]
    return rows, con.execute("select rule, row_number from rejected_row").fetchall()


@pytest.fixture(scope="module")
def spine(tmp_path_factory):
    """report_one_stop of the dossiers in the spine's format (and with postal as direct,
    for exports whose online flag cannot say postal)."""
    folder = tmp_path_factory.mktemp("spine")
    out = {}
    for name, dossiers in {"all": DOSSIERS, "no_postal": no_postal(DOSSIERS)}.items():
        con = load(folder, write_one_stop_csv(folder / f"{name}.csv", spine_rows(dossiers)))
        out[name] = report(con)
        con.close()
    return out


def no_postal(dossiers: list[Dossier]) -> list[Dossier]:
    return [replace(d, channel="direct") if d.channel == "postal" else d for d in dossiers]


def test_spine_baseline_counts_every_family(spine):
    (row,) = [r for r in spine["all"] if r[3] == "2022-M09" and r[1] == "688" and r[4] == "area"]
    names = ["carried_over", "received_new", "received_online", "received_direct",
             "received_postal", "received_total", "resolved_total", "resolved_early",
             "resolved_on_time", "resolved_late", "withdrawn", "pending_total",
             "pending_within_due", "pending_overdue"]
    # H08, H13 carried over; H09, H10 never received; H16 after the period.
    assert dict(zip(names, row[5:19], strict=True)) == {
        "carried_over": 2, "received_new": 11, "received_online": 4, "received_direct": 5,
        "received_postal": 2, "received_total": 13, "resolved_total": 5, "resolved_early": 2,
        "resolved_on_time": 2, "resolved_late": 1, "withdrawn": 3, "pending_total": 5,
        "pending_within_due": 2, "pending_overdue": 3}


def test_csv_semicolon_title_block_synonyms_any_order(tmp_path, spine):
    columns = renamed(common("%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%d/%m/%Y %H:%M:%S",
                             channel=lambda d, n: CHANNEL_CODE[d.channel],
                             level=lambda d, n: LEVEL_WORDS[d.level]),
                      {"Mã hồ sơ": "Số hồ sơ", "Tên thủ tục": "Tên thủ tục hành chính",
                       "Người nộp": "Chủ hồ sơ", "Số CCCD": "Số giấy tờ",
                       "Đơn vị tiếp nhận": "Cơ quan tiếp nhận", "Hình thức nộp": "Kênh nộp",
                       "Mức độ": "Mức độ DVC", "Ngày tiếp nhận": "Ngày nhận",
                       "Ngày hẹn trả": "Hạn trả kết quả", "Ngày có kết quả": "Ngày hoàn thành",
                       "Ngày trả": "Ngày trả kết quả", "Trạng thái": "Tình trạng"})
    rows = [[c] for c in ["HỆ THỐNG MỘT CỬA", "Ngày xuất: 03/10/2022"]] + table(
        columns, DOSSIERS, shuffle=7)
    con = load(tmp_path, write_csv(tmp_path / "export.csv", rows, ";", "utf-8"))
    assert loaded(con) == (len(DOSSIERS), [])
    assert report(con) == spine["all"]


def test_excel_unicode_text_utf16_tab_nfd_headers(tmp_path, spine):
    columns = [(unicodedata.normalize("NFD", h).upper(), f) for h, f in renamed(
        common("%d/%m/%Y", "%d/%m/%Y", "%d/%m/%Y"),
        {"Đơn vị tiếp nhận": "Đơn vị/cá nhân giải quyết"})]
    dossiers = [replace(d, unit=d.unit.replace("Thủy", "Thuỷ")) for d in DOSSIERS]
    con = load(tmp_path, write_csv(tmp_path / "hoso.txt", table(columns, dossiers), "\t",
                                   "utf-16"))
    assert loaded(con) == (len(DOSSIERS), [])
    assert report(con) == spine["all"]


def test_csv_utf8_bom_tab_with_online_flag(tmp_path, spine):
    flag = without(common("%d/%m/%Y %H:%M", "%d/%m/%Y", "%d/%m/%Y %H:%M"), "Hình thức nộp")
    flag.insert(3, ("Trực tuyến", lambda d, n: "x" if d.channel == "online" else ""))
    con = load(tmp_path, write_csv(tmp_path / "hoso.csv", table(flag, DOSSIERS, shuffle=3),
                                   "\t", "utf-8-sig"))
    assert loaded(con) == (len(DOSSIERS), [])
    assert report(con) == spine["no_postal"]


def test_xlsx_with_date_cells_codes_and_title_block(tmp_path, spine):
    columns = common("cell", "cell", "cell", channel=lambda d, n: CHANNEL_CODE[d.channel],
                     level=lambda d, n: int(d.level))
    con = load(tmp_path, write_xlsx(tmp_path / "DanhSachHoSo.xlsx",
                                    TITLE + table(columns, DOSSIERS, shuffle=11)))
    assert loaded(con) == (len(DOSSIERS), [])
    assert report(con) == spine["all"]
    exported = con.execute("select exported_at from etl_file").fetchone()[0]
    assert exported == T(2022, 10, 3, 7, 15)


def test_old_xls_with_date_cells_and_yes_no_flag(tmp_path, spine):
    columns = without(common("cell", "cell", "cell", unit_header="Cơ quan thụ lý"),
                      "Hình thức nộp")
    columns.append(("Trực tuyến", lambda d, n: "Có" if d.channel == "online" else "Không"))
    con = load(tmp_path, write_xls(tmp_path / "DS ho so.xls", table(columns, DOSSIERS)))
    assert loaded(con) == (len(DOSSIERS), [])
    assert report(con) == spine["no_postal"]


def test_html_table_saved_as_xls(tmp_path, spine):
    columns = common("%d/%m/%Y %H:%M", "%d/%m/%Y", "%d/%m/%Y %H:%M")
    con = load(tmp_path, write_html_xls(tmp_path / "BaoCaoHoSo.xls", table(columns, DOSSIERS)))
    assert loaded(con) == (len(DOSSIERS), [])
    assert report(con) == spine["all"]
    assert con.execute("select exported_at from etl_file").fetchone()[0] == T(2022, 10, 3, 7, 15)


def test_hand_over_date_closes_when_there_is_no_finish_column(tmp_path, spine):
    """Without 'Ngày có kết quả' the closing date is in 'Ngày trả'."""
    columns = [(h, f) for h, f in common("%d/%m/%Y %H:%M", "%d/%m/%Y", "%d/%m/%Y %H:%M")
               if h != "Ngày trả"]
    columns = renamed(columns, {"Ngày có kết quả": "Ngày trả"})
    con = load(tmp_path, write_csv(tmp_path / "tra.csv", table(columns, DOSSIERS), ",",
                                   "utf-8-sig"))
    assert loaded(con) == (len(DOSSIERS), [])
    assert report(con) == spine["all"]


def test_finish_wins_over_hand_over_and_extension_over_due(tmp_path):
    columns = common("%d/%m/%Y %H:%M", "%d/%m/%Y", "%d/%m/%Y %H:%M")
    con = load(tmp_path, write_csv(tmp_path / "x.csv", table(columns, DOSSIERS), ",", "utf-8"))
    got = dict(((c, (str(x), str(u))) for c, x, u in con.execute(
        "select dossier_code, closed_at, due_date from fact_dossier"
        " where dossier_code in ('H11', 'H15')").fetchall()))
    assert got == {"H11": ("2022-09-12 10:00:00", "2022-09-20"),
                   "H15": ("2022-09-14 11:00:00", "2022-09-14")}


def test_bad_rows_are_rejected_with_reason_row_and_cell_the_rest_loads(tmp_path):
    rows = [["Danh sách hồ sơ"], ONE_STOP_HEADER,
            dossier("B1", "01/09/2022 08:00", "06/09/2022", "05/09/2022 10:00", "Đã trả kết quả",
                    applicant="Lê Thị Riêng Tư", id_number="079300000001"),
            dossier("B2", "01/09/2022", "06/09/2022", "", "Đã có kết quả"),
            dossier("B3", "31/02/2022", "06/09/2022"),
            dossier("B4", "05/09/2022", "06/09/2022", "01/09/2022", "Đã có kết quả"),
            dossier("B5", "05/09/2022", status="Chờ phê duyệt"),
            dossier("B6", "05/09/2022", channel="Fax"),
            dossier("", "05/09/2022"),
            dossier("B8", "05/09/2022", "09/09/2022"),
            dossier("B8", "05/09/2022", "12/09/2022"),
            dossier("B9", "06/09/2022"), dossier("B9", "06/09/2022")]
    con = load(tmp_path, write_xlsx(tmp_path / "loi.xlsx", rows, sheet="HoSo"))
    assert con.execute("select dossier_code from fact_dossier order by 1").fetchall() == [
        ("B1",), ("B9",)]
    rejected = con.execute("select sheet, row_number, cell, rule, reason, raw_row"
                           " from rejected_row order by row_number").fetchall()
    assert [r[:4] for r in rejected] == [
        ("HoSo", 4, "L4", "closed_without_date"), ("HoSo", 5, "J5", "unparseable_date"),
        ("HoSo", 6, "L6", "finished_before_received"), ("HoSo", 7, "M7", "unknown_status"),
        ("HoSo", 8, "H8", "unknown_channel"), ("HoSo", 9, "B9", "missing_dossier_code"),
        ("HoSo", 10, "B10", "conflicting_duplicate"),
        ("HoSo", 11, "B11", "conflicting_duplicate")]
    assert rejected[1][4] == "Ngày không đọc được (cần dạng ngày/tháng/năm) (cột Ngày tiếp nhận)"
    assert json.loads(rejected[1][5])["received_at"] == "31/02/2022"
    stored = " ".join(str(v) for r in con.execute("select * from rejected_row").fetchall()
                      for v in r)
    assert not {"Lê Thị Riêng Tư", "079300000001", "Nguyễn Văn An", "079123456789"} & {
        v for r in con.execute("select * from rejected_row").fetchall() for v in r} and (
        "Riêng Tư" not in stored and "0793000" not in stored)


@pytest.mark.parametrize("shape", ["line breaks", "and a short row", "and an empty line"])
def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path, shape):
    """A cell holding a line break is still one row; a short row is padded; an empty line
    is a row (Excel shows it) though no dossier."""
    rows = [["DANH SÁCH HỒ SƠ"], ["Mã hồ sơ", "Nội dung", "Đơn vị tiếp nhận", "Hình thức nộp",
                                  "Ngày tiếp nhận", "Trạng thái"]]
    rows += [[f"L{i}", "Khai sinh\ncho cháu An" if i % 50 == 1 else "Khai tử",
              "UBND phường Long Thủy", "Trực tiếp", "31/02/2022" if i % 70 == 69 else "01/09/2022",
              "Đang xử lý"] for i in range(300)]
    if shape != "line breaks":
        rows[100] = rows[100][:3]  # row 101: no channel, date or status
    if shape == "and an empty line":
        rows.insert(200, [])
    path = write_csv(tmp_path / "xuong_dong.csv", rows, ",", "utf-8-sig")
    con = load(tmp_path, path)
    expected = [("unparseable_date", n) for n in (72, 142, 212, 282)]
    if shape != "line breaks":
        expected.insert(1, ("unknown_status", 101))
    if shape == "and an empty line":
        expected = [(rule, n + (n > 200)) for rule, n in expected]
    assert con.execute("select rule, row_number from rejected_row order by row_number"
                       ).fetchall() == expected
    assert con.execute("select count(*) from fact_dossier").fetchone()[0] == 300 - len(expected)


def test_file_without_a_dossier_header_is_rejected_naming_found_and_missing(tmp_path):
    path = tmp_path / "khong_ro.csv"
    path.write_bytes(csv_bytes([["DANH SÁCH HỒ SƠ"], [],
                                ["STT", "Mã hồ sơ", "Lĩnh vực", "Tên công dân", "Ngày nộp",
                                 "Tình trạng hồ sơ"],
                                ["1", "A1", "Hộ tịch", "Nguyễn Văn An", "01/09/2022",
                                 "Đang xử lý"]]))
    seen = T(2022, 10, 3, 8)
    result = extract_file(InboxFile(str(path), sha256_of(path), path.name, seen, seen),
                          path)
    assert (result.kind, result.rejected) == ("one_stop", True)
    assert result.error == (
        "Không tìm thấy dòng tiêu đề của danh sách hồ sơ. Thiếu cột: Ngày tiếp nhận, Trạng"
        " thái. Dòng 3 có các cột: STT; Mã hồ sơ; Lĩnh vực; Tên công dân; Ngày nộp; Tình"
        " trạng hồ sơ")
