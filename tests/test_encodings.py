"""CSV files saved in the encodings staff's Windows and Excel write: the same one-stop export
and the same report, saved as UTF-8, Windows-1258, Windows-1252, and in the 8-bit text of
the old VNI and TCVN3 (ABC) fonts, read as the same rows; a file that is no text, or no
Vietnamese text in any encoding we know, is rejected telling staff how to re-save it.

Every file is written here from inline rows. Windows-1258 holds every Vietnamese letter, but
only some precomposed: the others are written as Windows writes them, a letter and a
combining tone mark (`windows_1258`). VNI and TCVN3 text is made by the encoders of
`tests.workbook_variants` and saved as Windows-1252 bytes, as a legacy-font sheet saved as
CSV holds it.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from common.datafolder import DataPaths
from extract import one_stop, tabular, text_encoding
from extract.inbox import FileResult, InboxFile, extract_file
from extract.one_stop import read_one_stop_csv
from extract.tabular import read_csv_head
from extract.text_encoding import RESAVE, Score, score
from flows.nightly import run_nightly
from load.archive import sha256_of
from tests.builders import ONE_STOP_HEADER, csv_bytes, dossier, workbook_rows, write_xlsx
from tests.workbook_variants import tcvn3, vni

_TONES = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> str:
    """Text as Windows-1258 stores it: a letter it has precomposed as it is, any other as
    its letter without tone (`ê`, `ơ`, `ă`) and the tone as a combining mark."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            char.encode("cp1258")
            out.append(char)
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            out.append(unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
                       + "".join(p for p in parts if p in _TONES))
    return "".join(out)


def windows_1252(text: str) -> str:
    """What Windows-1252 can hold of Vietnamese text: a letter it lacks keeps only the marks
    it has (`ồ` → `ô`, `ư` → `u`, `ạ` → `a`), `đ` becomes `d`."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char.replace("đ", "d").replace("Đ", "D"))
        out.append(next(c for k in range(len(parts), 0, -1)
                        if _fits(c := unicodedata.normalize("NFC", parts[:k]), "cp1252")))
    return "".join(out)


def _fits(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


# Text → bytes of each encoding, as a file saved in it holds them.
ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-bom": lambda text: text.encode("utf-8-sig"),
    "cp1258": lambda text: windows_1258(text).encode("cp1258"),
    "vni": lambda text: vni(text).encode("cp1252"),
    "tcvn3": lambda text: tcvn3(text).encode("cp1252"),
    "vni-in-utf-8": lambda text: vni(text).encode("utf-8"),  # a VNI sheet saved "CSV UTF-8"
}
READINGS = {"utf-8": "UTF-8", "utf-8-bom": "UTF-8", "cp1258": "Windows-1258", "vni": "VNI",
            "tcvn3": "TCVN3 (ABC)", "vni-in-utf-8": "VNI + UTF-8"}


def export_rows(copies: int = 1) -> list[list[str]]:
    """A one-stop export with a title block, Vietnamese units, statuses, channels, levels and
    applicants, a procedure name holding a line break (one row on two lines) and a bad row
    (an unknown status); `copies` repeats the dossiers under other codes."""
    rows = []
    for n in range(copies):
        rows += [
            dossier(f"H{n}-01", "01/09/2022 08:00", "06/09/2022", "05/09/2022 10:00",
                    "Đã trả kết quả", applicant="Trần Thị Bích"),
            dossier(f"H{n}-02", "02/09/2022", "08/09/2022", "", "Đang xử lý", "Trực tuyến",
                    "Toàn trình", "UBND xã Phước Tín", "Lê Hoàng Phúc"),
            dossier(f"H{n}-03", "05/09/2022 14:30", "12/09/2022", "09/09/2022",
                    "Công dân yêu cầu rút hồ sơ", "Dịch vụ bưu chính công ích", "Một phần",
                    "Bộ phận một cửa thị xã Phước Long", "Phạm Thị Ngọc Hân"),
            dossier(f"H{n}-04", "06/09/2022", "13/09/2022", "", "Chờ phê duyệt",
                    applicant="Đỗ Quốc Huy"),
            dossier(f"H{n}-05", "07/09/2022", "14/09/2022", "", "Yêu cầu bổ sung giấy tờ",
                    unit="UBND phường Thác Mơ", applicant="Võ Thị Thuỷ"),
            dossier(f"H{n}-06", "08/09/2022", "", "", "Mới đăng ký", "Trực tuyến", "4",
                    "UBND phường Long Thủy", "Nguyễn Văn Dũng"),
        ]
        rows[-4][2] = "Chứng thực bản sao\ntừ bản chính"
    return [["DANH SÁCH HỒ SƠ"], ["Ngày xuất: 03/10/2022 07:15"], ONE_STOP_HEADER, *rows]


def write(path: Path, rows: list[list[str]], encoding: str) -> Path:
    path.write_bytes(ENCODINGS[encoding](csv_bytes(rows, encoding="utf-8").decode()))
    return path


def inbox_file(path: Path) -> InboxFile:
    seen = dt.datetime(2022, 10, 3, 8, 0)
    return InboxFile(str(path), sha256_of(path), path.name, seen, seen)


def problems(result) -> list[tuple]:
    return [(p.rule, p.severity, p.row_number, p.cell) for p in result.problems]


def assert_same(result, expected) -> None:
    pd.testing.assert_frame_equal(result.dossiers, expected.dossiers)
    assert problems(result) == problems(expected)
    assert (result.rows_read, result.exported_at) == (expected.rows_read, expected.exported_at)


@pytest.fixture
def bulk_only(monkeypatch):
    """Fail a test whose export would leave DuckDB's bulk read for the csv module."""
    def general_reader(path):
        raise AssertionError(f"{path} went through the general reader")
    monkeypatch.setattr(one_stop, "_from_general_reader", general_reader)


@pytest.mark.parametrize("encoding", [e for e in ENCODINGS if e != "utf-8"])
def test_one_stop_export_reads_the_same_in_every_encoding(tmp_path, encoding, bulk_only,
                                                         monkeypatch):
    expected = read_one_stop_csv(write(tmp_path / "utf8.csv", export_rows(), "utf-8"))
    assert expected.dossiers["unit_code"].tolist() == ["25217", "25249", "688", "25216",
                                                       "25217"]
    assert problems(expected) == [("unknown_status", "error", 7, "M7")]  # H0-04
    monkeypatch.setattr(text_encoding, "CHUNK_BYTES", 97)  # a UTF-8 copy in many pieces
    path = write(tmp_path / f"{encoding}.csv", export_rows(), encoding)
    assert read_csv_head(path).reading.name == READINGS[encoding]
    assert_same(read_one_stop_csv(path), expected)


def test_a_large_windows_1258_export_is_copied_line_for_line(tmp_path):
    """Beyond the head that detection reads: the rows keep their numbers, and a byte that
    Windows-1258 lacks, far down the file, rejects it naming its line."""
    rows = export_rows(copies=1200)
    expected = read_one_stop_csv(write(tmp_path / "utf8.csv", rows, "utf-8"))
    path = write(tmp_path / "cp1258.csv", rows, "cp1258")
    assert path.stat().st_size > text_encoding.HEAD_BYTES
    assert_same(read_one_stop_csv(path), expected)
    assert problems(expected)[-1] == ("unknown_status", "error", 7201, "M7201")  # H1199-04

    path.write_bytes(path.read_bytes() + b"H9,\x81\r\n")
    result = extract_file(inbox_file(path), path)
    assert (result.kind, result.rejected) == ("unknown", True)
    lines = len(rows) + 1200  # one procedure name of each copy holds a line break
    assert result.error.startswith(f"Không đọc được tệp: dòng {lines + 1} có ký tự không "
                                   "đọc được theo bảng mã Windows-1258")


def test_windows_1252_holds_what_it_can_and_reads_the_same(tmp_path, bulk_only):
    """Windows-1252 cannot hold every Vietnamese letter: the export is written as it can
    hold it (`windows_1252`: `Đã trả kết quả` is `Dã tra kêt qua`), once in Windows-1252
    and once in UTF-8, and both read the same. Units, statuses and channels are matched by
    their folded text, so they also give the units, channels and outcomes of the full
    Vietnamese export; the procedure's name keeps the letters Windows-1252 left."""
    rows = [[windows_1252(cell) for cell in row] for row in export_rows()]
    path = tmp_path / "cp1252.csv"
    path.write_bytes(csv_bytes(rows, encoding="cp1252"))
    expected = read_one_stop_csv(write(tmp_path / "utf8.csv", rows, "utf-8"))
    assert read_csv_head(path).reading.name == "Windows-1252"
    result = read_one_stop_csv(path)
    assert_same(result, expected)
    full = read_one_stop_csv(write(tmp_path / "full.csv", export_rows(), "utf-8"))
    columns = ["dossier_code", "unit_code", "channel", "outcome", "received_at", "row_number"]
    pd.testing.assert_frame_equal(result.dossiers[columns], full.dossiers[columns])
    assert result.dossiers["procedure_name"].tolist()[:2] == ["Dang ký khai sinh"] * 2


@pytest.mark.parametrize("encoding", ["cp1258", "tcvn3"])
def test_a_report_saved_as_csv_reads_the_same_values(tmp_path, encoding):
    rows = workbook_rows("UBND PHƯỜNG LONG THỦY", "Tháng 9 năm 2022", [
        ["Tiêm vắc xin phòng Covid-19 cho người từ 18 tuổi trở lên - mũi 1", "người",
         "6.210", "35", "6.571", "105,8"],
        ["Số cơ sở được kiểm tra, giám sát vệ sinh an toàn thực phẩm", "cơ sở", "", "-",
         "12", ""],
        ["Số lao động được giải quyết việc làm", "người", "500", "42", "371", "74,2"],
        ["Tổng số hộ dân cư", "hộ", "", "", "x", ""]])
    rows = [["" if cell is None else cell for cell in row] for row in rows]
    folder = tmp_path / encoding
    folder.mkdir()
    results = [extract_file(inbox_file(path), path) for path in (
        write(tmp_path / "BC thang 9 - Long Thuy.csv", rows, "utf-8"),
        write(folder / "BC thang 9 - Long Thuy.csv", rows, encoding))]
    expected, got = (r.extract for r in results)
    assert [r.kind for r in results] == ["workbook", "workbook"]
    assert (got.reporter, got.unit_code, got.period_code) == ("ubnd_25217", "25217",
                                                              "2022-M09")
    pd.testing.assert_frame_equal(got.rows, expected.rows)
    assert got.rows.set_index("indicator_code").loc["vax_18_dose1", [
        "plan_value", "actual_month", "cumulative"]].tolist() == [6210, 35, 6571]
    assert problems(got) == problems(expected)


def test_a_tab_separated_txt_in_windows_1258_reads_as_its_utf8_twin(tmp_path):
    """Excel's "Text (Tab delimited)" on a Vietnamese Windows: a .txt in Windows-1258."""
    data = csv_bytes(export_rows(), delimiter="\t", encoding="utf-8").decode()
    paths = [tmp_path / "utf8.txt", tmp_path / "hoso.txt"]
    paths[0].write_bytes(data.encode("utf-8"))
    paths[1].write_bytes(windows_1258(data).encode("cp1258"))
    expected, got = (extract_file(inbox_file(path), path) for path in paths)
    assert (got.kind, got.rejected) == ("one_stop", False)
    assert_same(got.extract, expected.extract)


def rejected_with_resave_message(result: FileResult) -> str:
    assert (result.kind, result.rejected) == ("unknown", True)
    assert [p.rule for p in result.problems] == ["unreadable_file"]
    assert result.error.startswith("Không đọc được tệp: ")
    assert result.error.endswith(RESAVE)
    assert "Lưu thành (Save As) → CSV UTF-8 (Comma delimited) (*.csv)" in result.error
    assert not {"codec", "decode", "byte", "position", "utf-8"} & set(result.error.split())
    return result.error


def test_random_bytes_or_a_workbook_named_csv_are_rejected_saying_how_to_resave(tmp_path):
    noise = tmp_path / "hoso.csv"
    noise.write_bytes(random.Random(7).randbytes(20_000))
    workbook = write_xlsx(tmp_path / "export.xlsx", [ONE_STOP_HEADER])
    renamed = workbook.rename(tmp_path / "export.csv")
    for path in (noise, renamed):
        assert "không phải văn bản CSV" in rejected_with_resave_message(
            extract_file(inbox_file(path), path))


def test_text_that_is_vietnamese_in_no_encoding_is_rejected(tmp_path):
    """Windows-1252 bytes of German text: they decode, but as no Vietnamese."""
    path = tmp_path / "danh_sach.csv"
    path.write_bytes(csv_bytes([["Größe", "Straße", "Grüße"]] * 30, encoding="cp1252"))
    assert "không nhận ra bảng mã" in rejected_with_resave_message(
        extract_file(inbox_file(path), path))


def test_text_that_two_encodings_read_as_vietnamese_is_rejected_not_guessed(tmp_path):
    """`lý sõ` in Windows-1252 is `lư sơ` in Windows-1258: both Vietnamese, and nothing
    else in the file tells them apart."""
    path = tmp_path / "mo_ho.csv"
    path.write_bytes(csv_bytes([["Ma ho so", "Ghi chu"]] + [["A1", "lý sõ"]] * 30,
                               encoding="cp1252"))
    message = rejected_with_resave_message(extract_file(inbox_file(path), path))
    assert "đọc theo Windows-1258 hay Windows-1252 đều ra chữ tiếng Việt" in message


def test_a_utf8_export_is_read_once_from_its_head_and_never_copied(tmp_path, monkeypatch,
                                                                  bulk_only):
    heads = []
    detect = tabular.detect

    def spy(head, complete):
        heads.append(len(head))
        return detect(head, complete)

    def no_copy(path, reading):
        raise AssertionError("a UTF-8 file was copied")
    monkeypatch.setattr(tabular, "detect", spy)
    monkeypatch.setattr(tabular, "utf8_copy", no_copy)
    path = write(tmp_path / "lon.csv", export_rows(copies=1200), "utf-8")
    assert path.stat().st_size > text_encoding.HEAD_BYTES
    result = extract_file(inbox_file(path), path)
    assert (result.kind, len(result.extract.dossiers)) == ("one_stop", 5 * 1200)
    assert heads == [text_encoding.HEAD_BYTES]


def test_wrong_readings_make_words_that_vietnamese_never_spells():
    # words beyond ASCII, of them syllables, header cells ('Mã hồ sơ')
    assert score("Mã hồ sơ, Tiêm vắc xin, Đã ký, Nguyễn, khuya, thuở, hoà") == Score(10, 10, 1)
    # Windows-1258 read as 1252, TCVN3 and VNI as 1252, Windows-1252 as 1258, German
    assert score("MaÞ hôÌ sõ, Tiªm v¾c xin, Tieâm vaéc xin, Dă kư, Größe") == Score(10, 1, 0)
    assert score("STT;Mã hồ sơ;Ngày tiếp nhận;Trạng thái;Chỉ tiêu").headers == 4


def test_nightly_loads_a_windows_1258_export_as_its_utf8_twin(tmp_path):
    loaded = {}
    for encoding in ("utf-8", "cp1258"):
        paths = DataPaths.of(tmp_path / encoding / "data")
        paths.inbox.mkdir(parents=True)
        write(paths.inbox / "DanhSachHoSo.csv", export_rows(), encoding)
        summary = run_nightly(paths)
        assert (summary["status"], summary["files_rejected"]) == ("succeeded", 0)
        with duckdb.connect(str(paths.warehouse), read_only=True) as con:
            facts = con.execute("select dossier_code, unit_key, channel, outcome"
                                " from main.fact_dossier order by 1").fetchall()
        loaded[encoding] = (summary["rows_loaded"], summary["rows_rejected"], facts)
    assert loaded["cp1258"] == loaded["utf-8"]
    assert loaded["utf-8"][0] == 5
