"""Hostile and broken files beside a clean report, through one real nightly run: each is
refused before any parser by `extract.file_guard`, with its own rule and a Vietnamese reason,
the clean report is loaded, and the run's memory stays bounded. The corpus is written here
(streaming where it is big), never committed."""

from __future__ import annotations

import hashlib
import io
import os
import re
import resource
import shutil
import struct
import threading
import unicodedata
import zipfile
import zlib
from pathlib import Path

import duckdb
import msoffcrypto
import olefile
import pytest
import xlrd
import xlwt
from cryptography.hazmat.primitives.ciphers import Cipher
from msoffcrypto.format.ooxml import OOXMLFile
from msoffcrypto.method.rc4 import ARC4, DocumentRC4, _makekey
from typer.testing import CliRunner

from baocao.cli import app
from common.datafolder import DataPaths
from extract import file_guard
from extract.inbox import FileResult
from tests.builders import ONE_STOP_HEADER, csv_bytes, dossier, workbook_rows, write_xlsx

MB = 1 << 20
FOOD = "Số cơ sở được kiểm tra, giám sát vệ sinh an toàn thực phẩm"
SHEET = "xl/worksheets/sheet1.xml"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def clean_report(path: Path, food: int = 7) -> Path:
    return write_xlsx(path, workbook_rows(
        "UBND PHƯỜNG THÁC MƠ", "Tháng 5 năm 2022", [[FOOD, "cơ sở", None, food, food, None]],
        date_line="Thác Mơ, ngày 14 tháng 5 năm 2022"))


# ------------------------------------------------------------------ the corpus


def rewrite(source: Path, target: Path, parts: dict[str, bytes]) -> Path:
    """A copy of a workbook package with some parts replaced."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, parts.get(info.filename, old.read(info)))
    return target


def with_doctype(source: Path, target: Path, doctype: bytes, reference: bytes) -> Path:
    """The workbook with a DTD injected into its sheet and an entity used in a cell."""
    with zipfile.ZipFile(source) as book:
        sheet = book.read(SHEET)
    declared = sheet.index(b"?>") + 2 if sheet.startswith(b"<?xml") else 0
    sheet = (sheet[:declared] or XML_DECLARATION) + doctype + sheet[declared:]
    sheet = sheet.replace(b"</sheetData>", b'<row r="99"><c r="A99" t="inlineStr"><is><t>'
                          + reference + b"</t></is></c></row></sheetData>", 1)
    assert doctype in sheet and reference in sheet
    return rewrite(source, target, {SHEET: sheet})


def xxe(source: Path, target: Path) -> Path:
    return with_doctype(source, target, b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM '
                        b'"file:///etc/passwd">]>\n', b"&xxe;")


def billion_laughs(source: Path, target: Path) -> Path:
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10)))
        for i in range(1, 10))
    return with_doctype(source, target, b"<!DOCTYPE worksheet [" + entities + b"]>\n",
                        b"&lol9;")


def zip_bomb(source: Path, target: Path, megabytes: int) -> Path:
    """A valid-looking workbook whose sheet unzips to `megabytes` MB of zeros (a cell of one
    long number), written a megabyte at a time."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != SHEET:
                new.writestr(info.filename, old.read(info))
        with new.open(SHEET, "w") as sheet:
            sheet.write(XML_DECLARATION + b'<worksheet xmlns="http://schemas.openxmlformats.'
                        b'org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1">'
                        b"<v>1")
            zeros = b"0" * MB
            for _ in range(megabytes):
                sheet.write(zeros)
            sheet.write(b"</v></c></row></sheetData></worksheet>")
    return target


def far_cell(target: Path) -> Path:
    """A tiny workbook with one cell at the sheet's last row and column: a reader that
    builds the grid from A1 builds 17 billion cells."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "Báo cáo"
    book.active["XFD1048576"] = 1
    book.save(target)
    return target


def encrypted_xlsx(source: Path, target: Path) -> Path:
    with source.open("rb") as plain, target.open("wb") as out:
        OOXMLFile(plain).encrypt(PASSWORD, out)
    return target


# BIFF records Excel never encrypts (BOF, FILEPASS, UsrExcl, FileLock, InterfaceHdr,
# RRDInfo, RRDHead); of BoundSheet8 the first four bytes (the sheet's offset) stay plain.
PLAIN_RECORDS = {0x0809, 0x002F, 0x0194, 0x0195, 0x00E1, 0x0196, 0x0138}
BOUNDSHEET = 0x0085
PASSWORD = "Mat-khau-123"


def encrypted_xls(target: Path) -> Path:
    """An .xls saved with a password as Excel 97-2003 does it (RC4, MS-XLS 2.2.10): a
    FILEPASS record after BOF with salt and encrypted verifier, every other record's data
    XORed with the RC4 key stream of its position. msoffcrypto-tool only decrypts .xls, so
    the key stream is its decryption of zeros. The FILEPASS record takes the room of the
    interface and write-access records after BOF, shortened, so no offset in the stream
    moves."""
    book = xlwt.Workbook()
    book.add_sheet("Sheet1").write(0, 0, "Báo cáo")
    book.save(str(target))
    with olefile.OleFileIO(str(target), write_mode=True) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
        records, position = [], 20  # after BOF (4 + 16 bytes)
        while len(records) < 4:
            kind, length = struct.unpack_from("<HH", stream, position)
            records.append((kind, bytes(stream[position + 4:position + 4 + length])))
            position += 4 + length
        assert [kind for kind, _ in records] == [0xE1, 0xC1, 0xE2, 0x5C]
        salt, verifier = os.urandom(16), os.urandom(16)
        encryptor = Cipher(ARC4(_makekey(PASSWORD, salt, 0)), mode=None).encryptor()
        filepass = (struct.pack("<HHH", 1, 1, 1) + salt + encryptor.update(verifier)
                    + encryptor.update(hashlib.md5(verifier).digest()))
        kept = b"".join(struct.pack("<HH", kind, len(data)) + data for kind, data in records[:3])
        room = position - 20 - (4 + len(filepass)) - len(kept) - 4
        stream[20:position] = (struct.pack("<HH", 0x2F, len(filepass)) + filepass + kept
                               + struct.pack("<HH", 0x5C, room) + records[3][1][:room])
        # xlwt pads the stream with zeros: one filler record holds them, so that every
        # byte belongs to a record, as in a file Excel writes.
        position = 0
        while True:
            kind, length = struct.unpack_from("<HH", stream, position)
            position += 4 + length
            if kind == 0x000A and not any(stream[position:]):
                break
        assert len(stream) - position >= 4
        stream[position:position + 4] = struct.pack("<HH", 0, len(stream) - position - 4)
        key = DocumentRC4.decrypt(PASSWORD, salt, io.BytesIO(bytes(len(stream))),
                                  blocksize=1024).read()
        position = 0
        while position + 4 <= len(stream):
            kind, length = struct.unpack_from("<HH", stream, position)
            start, end = position + 4 + (4 if kind == BOUNDSHEET else 0), position + 4 + length
            if kind not in PLAIN_RECORDS:
                stream[start:end] = bytes(a ^ b for a, b in zip(stream[start:end],
                                                                key[start:end], strict=True))
            position = end
        ole.write_stream("Workbook", bytes(stream))
    return target


def pdf(target: Path) -> Path:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, start)
    target.write_bytes(bytes(out))
    return target


def png(target: Path) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))

    target.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2,
                                                                         0, 0, 0))
                       + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
                       + chunk(b"IEND", b""))
    return target


def docx(target: Path) -> Path:
    word = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", XML_DECLARATION.decode() + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Override PartName="/word/document.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
            "/></Types>"))
        package.writestr("_rels/.rels", XML_DECLARATION.decode() + (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'))
        package.writestr("word/document.xml", XML_DECLARATION.decode() + (
            f'<w:document xmlns:w="{word}"><w:body><w:p><w:r><w:t>Báo cáo tháng 5</w:t></w:r>'
            "</w:p></w:body></w:document>"))
    return target


def web_page(target: Path) -> Path:
    target.write_text("<!DOCTYPE html><html><head><title>Đăng nhập</title></head><body><form>"
                      "<input name='user'></form></body></html>", encoding="utf-8")
    return target


def zipped(source: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(source, "BC thang 5 - Thac Mo.xlsx")
    return target


def too_large(target: Path, megabytes: int) -> Path:
    """A zip's first bytes, then nothing (a sparse file: no disk or time spent)."""
    with target.open("wb") as out:
        out.write(b"PK\x03\x04")
        out.truncate(megabytes * MB)
    return target


def stream_csv(target: Path, head: bytes, piece: bytes, times: int, tail: bytes = b"") -> Path:
    with target.open("wb") as out:
        out.write(head)
        for _ in range(times):
            out.write(piece)
        out.write(tail)
    return target


def one_stop_rows() -> bytes:
    return csv_bytes([ONE_STOP_HEADER, *(dossier(f"HS-{i:04d}", "02/05/2022")
                                         for i in range(20))])


# Odd names a phone or a mail client gives files; the hostile content goes under them.
LONG = unicodedata.normalize("NFC", "Báo cáo kết quả thực hiện nhiệm vụ tháng 5 năm 2022 ") * 4
ODD = {
    "dash": "-BC thang 5 (nén).xlsx",
    "emoji": "Báo cáo 📊 tháng 5.xlsx",
    "nfd": unicodedata.normalize("NFD", "ảnh chụp báo cáo tháng 5.xlsx"),
    "dots": "bao..cao..thang 5..xlsx",
    "long": LONG[:150].strip() + ".xlsx",
}


def hostile_inbox(inbox: Path, work: Path) -> dict[str, str]:
    """Writes the corpus; returns each file's name and the rule that must refuse it."""
    work.mkdir(parents=True)
    clean = clean_report(work / "clean.xlsx")
    files = {
        ODD["dash"]: (zip_bomb(clean, work / "bomb.xlsx", 300), "suspicious_archive"),
        "BC thang 5 - XXE.xlsx": (xxe(clean, work / "xxe.xlsx"), "unsafe_xml"),
        "BC thang 5 - lol.xlsx": (billion_laughs(clean, work / "lol.xlsx"), "unsafe_xml"),
        "BC thang 5 - mat khau.xlsx": (encrypted_xlsx(clean, work / "enc.xlsx"),
                                       "password_protected"),
        "BC thang 5 - mat khau.xls": (encrypted_xls(work / "enc.xls"), "password_protected"),
        ODD["emoji"]: (pdf(work / "doc.pdf"), "not_a_spreadsheet"),
        ODD["nfd"]: (png(work / "photo.png"), "not_a_spreadsheet"),
        ODD["long"]: (docx(work / "doc.docx"), "not_a_spreadsheet"),
        "dang nhap.xls": (web_page(work / "page.html"), "not_a_spreadsheet"),
        "BC thang 5 (nen).xlsx": (zipped(clean, work / "nested.zip"), "not_a_spreadsheet"),
        "BC thang 5 - o xa.xlsx": (far_cell(work / "far.xlsx"), "sheet_too_large"),
        "rat lon.xlsx": (too_large(work / "large.xlsx", 60), "too_large"),
        "rong.xlsx": (work / "empty.xlsx", "empty_file"),
        "hoso_dong_dai.csv": (stream_csv(work / "line.csv", b"STT,Ma ho so\n", b"a" * MB, 100),
                              "csv_limits"),
        "hoso_nul.csv": (stream_csv(work / "nul.csv", one_stop_rows(), b"\x00" * 4096, 1),
                         "csv_limits"),
        "hoso_muoi_trieu_cot.csv": (stream_csv(work / "wide.csv", b"", b"1," * (MB // 2), 20,
                                               b"1\n"), "csv_limits"),
    }
    (work / "empty.xlsx").write_bytes(b"")
    cut = clean.read_bytes()
    (work / "cut.xlsx").write_bytes(cut[:len(cut) // 2])
    files[ODD["dots"]] = (work / "cut.xlsx", "damaged_file")
    original = encrypted_xls(work / "cut.xls").read_bytes()
    (work / "cut.xls").write_bytes(original[:len(original) // 2])
    files["BC thang 5 - tai do.xls"] = (work / "cut.xls", "damaged_file")
    inbox.mkdir(parents=True)
    for name, (path, _) in files.items():
        shutil.move(path, inbox / name)
    shutil.copyfile(clean, inbox / "BC thang 5 - Thac Mo.xlsx")
    return {name: rule for name, (_, rule) in files.items()}


# ------------------------------------------------------------------ memory


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


class PeakRss:
    """The process's resident memory, sampled every 10 ms in a thread while it runs."""

    def __enter__(self):
        self.before = self.peak = rss_mb()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while not self.done.wait(0.01):
            self.peak = max(self.peak, rss_mb())

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self.peak = max(self.peak, rss_mb())


# ------------------------------------------------------------------ the run


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """One nightly run over the corpus and a clean report; the reader's results recorded."""
    import flows.nightly as nightly

    root = tmp_path_factory.mktemp("hostile")
    paths = DataPaths.of(root / "data")
    expected = hostile_inbox(paths.inbox, root / "work")
    results: dict[str, FileResult] = {}
    extract_file = nightly.extract_file

    def recording(file, path, streaming=None):
        result = extract_file(file, path, streaming)
        results[Path(file.path).name] = result
        return result

    nightly.extract_file = recording
    try:
        with PeakRss() as memory:
            summary = nightly.run_nightly(paths)
    finally:
        nightly.extract_file = extract_file
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        rows = {Path(p).name: (status, error) for p, status, error in con.execute(
            "select path, status, error from etl_file").fetchall()}
    return paths, expected, summary, results, rows, memory


def test_every_hostile_file_is_refused_with_its_own_rule_and_the_clean_one_loads(hostile_run):
    paths, expected, summary, results, rows, _ = hostile_run
    assert summary["status"] == "succeeded"
    assert rows["BC thang 5 - Thac Mo.xlsx"] == ("loaded", None)
    assert {name: [p.rule for p in results[name].problems] for name in expected} == {
        name: [rule] for name, rule in expected.items()}
    for name in expected:
        status, error = rows[name]
        assert status == "rejected"
        assert error == results[name].problems[0].message
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from fact_indicator").fetchone()[0] > 0


def test_each_reason_says_in_vietnamese_what_the_file_is_and_what_to_do(hostile_run):
    _, expected, _, _, rows, _ = hostile_run
    errors = {name: rows[name][1] for name in expected}
    assert "Tệp này là tài liệu PDF, không phải bảng tính" in errors[ODD["emoji"]]
    assert "ảnh PNG" in errors[ODD["nfd"]]
    assert "văn bản Word (.docx)" in errors[ODD["long"]]
    assert "trang web (HTML)" in errors["dang nhap.xls"]
    assert "tệp nén ZIP" in errors["BC thang 5 (nen).xlsx"]
    assert "giải nén ra 300 MB (giới hạn 200 MB mỗi phần)" in errors[ODD["dash"]]
    assert "đặt mật khẩu" in errors["BC thang 5 - mat khau.xlsx"]
    assert errors["BC thang 5 - mat khau.xls"] == errors["BC thang 5 - mat khau.xlsx"]
    assert "DTD" in errors["BC thang 5 - XXE.xlsx"]
    assert "chưa tải về hết" in errors[ODD["dots"]]
    assert errors["BC thang 5 - tai do.xls"] == errors[ODD["dots"]]
    assert "kéo tới dòng 1.048.576, cột 16.384" in errors["BC thang 5 - o xa.xlsx"]
    assert "60 MB, giới hạn cho bảng tính là 50 MB" in errors["rat lon.xlsx"]
    assert "Tệp rỗng" in errors["rong.xlsx"]
    assert "dòng 2 dài hơn 1.024 KB" in errors["hoso_dong_dai.csv"]
    assert "byte rỗng (NUL)" in errors["hoso_nul.csv"]
    assert re.search(r"có dòng tới [\d.]+ cột trở lên \(giới hạn 1\.000 cột\)",
                     errors["hoso_muoi_trieu_cot.csv"])
    for error in errors.values():
        assert re.search(r"Hãy|hãy", error)  # what to do
        assert not re.search(r"Cannot|detect|zip file|Error|sector", error)  # no library text


def test_the_run_stays_within_a_few_hundred_megabytes(hostile_run):
    *_, memory = hostile_run
    print(f"RSS before the run {memory.before:.0f} MB, peak {memory.peak:.0f} MB "
          f"(+{memory.peak - memory.before:.0f} MB); ru_maxrss "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    assert memory.peak - memory.before < 400


def test_baocao_check_prints_the_same_reason(hostile_run):
    paths, _, _, _, rows, _ = hostile_run
    for name in ("BC thang 5 - mat khau.xlsx", ODD["emoji"]):
        result = CliRunner().invoke(app, ["check", str(paths.inbox / name)],
                                    env={"COLUMNS": "1000"})
        assert result.exit_code == 1
        assert rows[name][1] in re.sub(r"\s+", " ", result.output)


# ------------------------------------------------------------------ the guard alone


def test_an_entry_that_inflates_past_its_declared_size_is_refused(tmp_path):
    """The directory says 1 KB, with the checksum of the first kilobyte; the data inflates
    to 5 MB: a bomb that lies about its size to slip under the limits."""
    bomb = zip_bomb(clean_report(tmp_path / "clean.xlsx"), tmp_path / "bomb.xlsx", 5)
    data = bytearray(bomb.read_bytes())
    with zipfile.ZipFile(bomb) as book:
        info = book.getinfo(SHEET)
        crc = zlib.crc32(book.open(info).read(1024))
    entry = next(m.start() for m in re.finditer(rb"PK\x01\x02", data)
                 if data[m.start() + 46:].startswith(SHEET.encode()))
    for record, (crc_at, size_at) in ((entry, (16, 24)), (info.header_offset, (14, 22))):
        struct.pack_into("<I", data, record + crc_at, crc)
        struct.pack_into("<I", data, record + size_at, 1024)
    bomb.write_bytes(bytes(data))
    with zipfile.ZipFile(bomb) as book:
        assert len(book.read(SHEET)) == 1024  # zipfile believes it
    problem = file_guard.refusal(bomb, "bomb.xlsx")
    assert problem.rule == "suspicious_archive"
    assert f"phần '{SHEET}' giải nén ra nhiều hơn kích thước nó tự khai (1.024 byte)" in \
        problem.message


def test_the_encrypted_workbooks_are_real_and_open_with_their_password(tmp_path):
    for path in (encrypted_xls(tmp_path / "enc.xls"),
                 encrypted_xlsx(clean_report(tmp_path / "clean.xlsx"), tmp_path / "enc.xlsx")):
        with path.open("rb") as handle:
            office = msoffcrypto.OfficeFile(handle)
            assert office.is_encrypted()
            office.load_key(password=PASSWORD)
            plain = io.BytesIO()
            office.decrypt(plain)
        if path.suffix == ".xls":
            assert xlrd.open_workbook(file_contents=plain.getvalue()).sheet_by_index(
                0).cell_value(0, 0) == "Báo cáo"
        assert file_guard.refusal(path, path.name).rule == "password_protected"


@pytest.mark.parametrize("name", ["clean.xlsx", "clean.csv", "clean.xls"])
def test_clean_files_pass(tmp_path, name):
    path = tmp_path / name
    if name.endswith(".xlsx"):
        clean_report(path)
    elif name.endswith(".csv"):
        path.write_bytes(one_stop_rows())
    else:
        book = xlwt.Workbook()
        book.add_sheet("Sheet1").write(3, 2, 12.5)
        book.save(str(path))
    assert file_guard.refusal(path, name) is None


def test_a_sheet_with_cells_placed_by_order_is_measured_as_the_reader_places_them(tmp_path):
    """Cells without `r` go after the one before: 600 of them in one row are 600 columns."""
    source = clean_report(tmp_path / "clean.xlsx")
    cells = b"<c><v>1</v></c>" * 600
    sheet = (XML_DECLARATION + b'<worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData><row>' + cells
             + b"</row></sheetData></worksheet>")
    path = rewrite(source, tmp_path / "wide.xlsx", {SHEET: sheet})
    problem = file_guard.refusal(path, "wide.xlsx")
    assert problem.rule == "sheet_too_large" and "cột 600" in problem.message
