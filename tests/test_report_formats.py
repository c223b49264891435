"""What people read and sign: the report reads right for any unit and period (no sentence
without its figures, wording by the unit's level), the town's 9-month text is unchanged, the
Word document follows Decree 30/2020/NĐ-CP, and the Excel/CSV exports keep numbers as
numbers and text as text, never as a formula."""

from __future__ import annotations

import csv
import html
import re
import shutil
import subprocess
import sys

import docx
import duckdb
import openpyxl
import pytest
from docx.shared import Pt
from typer.testing import CliRunner

from baocao import export, form06a, report, report_docx
from baocao.cli import app
from baocao.templates import bao_cao_docx
from tests import test_demo_pipeline

runner = CliRunner()

# The town's 2022-9M report as printed before reports learnt other units and periods:
# every character kept (the seed's figures, their order and wording).
TOWN_9M = (
    "BÁO CÁO KẾT QUẢ THỰC HIỆN — THỊ XÃ PHƯỚC LONG\n"
    "Kỳ báo cáo 2022-9M: từ ngày 15/12/2021 đến ngày 14/09/2022\n"
    "\n"
    "1. Giải quyết thủ tục hành chính (bộ phận một cửa thị xã và các xã, phường): "
    "tổng số hồ sơ tiếp nhận 21.473 hồ sơ (kỳ trước chuyển sang 619; tiếp nhận mới "
    "20.854, trong đó trực tuyến 5.670, trực tiếp 15.184, qua bưu chính công ích 0). "
    "Đã giải quyết 21.114 hồ sơ, trong đó sớm và đúng hạn 20.861 hồ sơ, đạt 98,8%; "
    "quá hạn 253 hồ sơ, chiếm 1,2%. Đang giải quyết 357 hồ sơ (trong hạn 333, quá "
    "hạn 24). Tỷ lệ hồ sơ trực tuyến đạt 100% trên số hồ sơ của thủ tục mức độ 3, 4 "
    "và 27,19% trên tổng số hồ sơ mức độ 2, 3, 4.\n"
    "   Đối chiếu: 21.473 tiếp nhận = 21.114 đã giải quyết + 2 rút/trả lại hồ sơ + "
    "357 đang giải quyết.\n"
    "\n"
    "2. Y tế: tiêm vắc xin phòng Covid-19 cho người từ 18 tuổi trở lên được 24 đợt "
    "(mũi 1: 46.000 người, đạt 105,8%; mũi 2: 45.337 người, đạt 98,55%), 11 đợt tiêm "
    "mũi nhắc lại (23.709 người, đạt 51,2%) và mũi bổ sung (13.642 người); trẻ từ 12 "
    "đến dưới 18 tuổi được 3 đợt (mũi 1: 7.458 người, đạt 99%; mũi 2: 7.143 người, "
    "đạt 94,8%); trẻ từ 5 đến dưới 12 tuổi được 4 đợt (mũi 1: 3.978 người, đạt "
    "50,07%). Số ca F0 đang cách ly, điều trị: 0. Số cơ sở được kiểm tra, giám sát "
    "vệ sinh an toàn thực phẩm: 174 cơ sở.\n"
    "\n"
    "3. An sinh xã hội: tổng số phần quà Tết 3.640 phần, trị giá 1.641.750.000 đồng; "
    "Thị ủy hỗ trợ riêng 166 phần quà, trị giá 166.000.000 đồng (56 hộ nghèo, 99 hộ "
    "cận nghèo, 11 trẻ em mồ côi cả cha lẫn mẹ).\n"
    "\n"
    "4. Lao động - việc làm: giải quyết việc làm cho 2.585 lao động, đạt 73,86% (kế "
    "hoạch giao 3.500 lao động); giải ngân 13.125.000.000 đồng vốn vay giải quyết "
    "việc làm cho 240 lao động. Đào tạo nghề cho 225 lao động, đạt 64,29% (kế hoạch "
    "giao 350 lao động).\n"
    "\n"
    "5. Giảm nghèo: tỷ lệ hộ nghèo giảm từ 0,39% xuống còn 0,23%; tỷ lệ hộ cận nghèo "
    "từ 0,69% xuống còn 0,48% (giảm 23 hộ nghèo; 30 hộ cận nghèo). 07/07 xã, phường "
    "không có hộ nghèo, hộ cận nghèo phát sinh mới."
)

UNITS = ["688", "25219", "25217"]  # the town, Phường Phước Bình, Phường Long Thủy
PERIODS = ["2022-M03", "2022-Q2", "2022-9M"]
FORMULA = "=1+1"


def _body(text: str) -> str:
    """The report without its title line, whose dash is a title's, not a missing figure."""
    return text.split("\n", 1)[1]


def test_the_towns_nine_months_text_is_unchanged(demo_db):
    assert report.render(report.fetch(demo_db, "2022-9M", "688")) == TOWN_9M


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("period", PERIODS)
def test_no_sentence_without_its_figures(demo_db, unit, period):
    data = report.fetch(demo_db, period, unit)
    text = report.render(data)
    assert "—" not in _body(text) and "None" not in text and "nan" not in text
    assert "00/00" not in text and not re.search(r"\(\s*\)|, \)|\(, ", text)
    ind = data.indicators

    def missing(*codes: str) -> bool:
        return all(ind.get(c, {}).get("actual") is None for c in codes)

    if missing("vax_rounds_18", "vax_rounds_booster", "vax_rounds_12_17", "vax_rounds_5_11"):
        assert "đợt" not in text
    if missing("party_gifts_poor", "party_gifts_near_poor", "party_gifts_orphan"):
        assert "Thị ủy" not in text
    if missing("jobs_created"):
        assert "giải quyết việc làm cho" not in text
    sections = re.findall(r"^(\d)\. ", text, flags=re.M)
    assert sections == [str(i) for i in range(1, len(sections) + 1)]  # numbered in order


@pytest.mark.parametrize("unit", ["25219", "25217"])
def test_a_wards_report_speaks_of_the_ward(demo_db, unit):
    text = report.render(report.fetch(demo_db, "2022-Q2", unit))
    assert "(bộ phận một cửa của phường)" in text
    assert "thị xã" not in text and "xã, phường" not in text
    assert "Trên địa bàn phường không có hộ nghèo, hộ cận nghèo phát sinh mới." in text


def test_the_towns_own_desk_and_a_period_without_workbooks(demo_db):
    own = report.render(report.fetch(demo_db, "2022-Q2", "688", scope="unit"))
    assert "(bộ phận một cửa thị xã):" in own and "xã, phường không có" not in own
    october = report.render(report.fetch(demo_db, "2022-M10", "688"))
    assert "Số liệu đến ngày 03/10/2022: kỳ báo cáo chưa có đủ số liệu." in october
    assert "Kỳ này chưa có số liệu về y tế, an sinh xã hội" in october
    assert "2. Y tế" not in october and "—" not in _body(october)


@pytest.mark.parametrize("layout", ["md", "html", "docx"])
def test_every_layout_carries_the_seed_figures(demo_db, tmp_path, monkeypatch, layout):
    """The phrase list of test_demo_pipeline, asserted on each layout's text."""
    data = report.fetch(demo_db, "2022-9M", "688")
    if layout == "md":
        text = report.render_markdown(data).replace("\\", "")
    elif layout == "html":
        text = html.unescape(re.sub(r"<[^>]+>", "", report.render_html(data)))
    else:
        path = report_docx.write(report.compose(data), tmp_path / "bc.docx")
        text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    monkeypatch.setattr(report, "render", lambda _data: text)
    test_demo_pipeline.test_printed_report_reads_like_the_article(demo_db)


def _docx_text(document) -> str:
    cells = [p.text for t in document.tables for c in t._cells for p in c.paragraphs]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _runs(document):
    yield from (r for p in document.paragraphs for r in p.runs)
    yield from (r for t in document.tables for c in t._cells for p in c.paragraphs
                for r in p.runs)


def test_the_word_document_follows_decree_30(demo_paths, tmp_path):
    out = tmp_path / "bao-cao.docx"
    done = runner.invoke(app, ["report", "--period", "2022-9M", "--unit", "688", "--format",
                               "docx", "--out", str(out), "--data-dir",
                               str(demo_paths.data_dir)])
    assert done.exit_code == 0, done.output
    document = docx.Document(str(out))
    text = _docx_text(document)
    for phrase in ["ỦY BAN NHÂN DÂN", "THỊ XÃ PHƯỚC LONG", "Số: …/BC-UBND",
                   "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "Phước Long, ngày … tháng … năm …", "BÁO CÁO",
                   "Kết quả thực hiện các chỉ tiêu kinh tế - xã hội và giải quyết thủ tục "
                   "hành chính 9 tháng năm 2022", "từ ngày 15/12/2021 đến ngày 14/09/2022",
                   "21.473", "98,8%", "07/07 xã, phường", "Nơi nhận:",
                   "UBND tỉnh Bình Phước (b/c)", "Lưu: VT.", "TM. ỦY BAN NHÂN DÂN",
                   "CHỦ TỊCH", "./."]:
        assert phrase in text, phrase
    assert "{{" not in text and "{%" not in text and "—" not in text
    assert document.styles["Normal"].font.name == "Times New Roman"
    runs = list(_runs(document))
    assert runs and all(r.font.name in (None, "Times New Roman") for r in runs)
    assert all(Pt(11) <= r.font.size <= Pt(14) for r in runs if r.text.strip())
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


def test_a_wards_word_document(demo_db, tmp_path):
    path = report_docx.write(report.compose(report.fetch(demo_db, "2022-Q2", "25219")),
                             tmp_path / "phuong.docx")
    text = _docx_text(docx.Document(str(path)))
    for phrase in ["PHƯỜNG PHƯỚC BÌNH", "Phước Bình, ngày", "quý 2/2022",
                   "Ủy ban nhân dân phường Phước Bình báo cáo",
                   "(bộ phận một cửa của phường)", "UBND thị xã Phước Long (b/c)",
                   "TT. Đảng ủy phường (b/c)", "TT. HĐND phường Phước Bình"]:
        assert phrase in text, phrase
    assert "—" not in text


def test_staff_change_the_heading_in_word_without_code(demo_paths, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(demo_paths.warehouse, data / "warehouse.duckdb")
    template = tmp_path / "mau.docx"
    template.write_bytes(bao_cao_docx.build())
    edited = docx.Document(str(template))
    title = next(p for p in edited.paragraphs if p.text == "BÁO CÁO")
    title.runs[0].text = "BÁO CÁO NHANH"
    (data / "templates").mkdir()
    edited.save(str(data / "templates" / "bao-cao.docx"))
    out = tmp_path / "bc.docx"
    done = runner.invoke(app, ["report", "--period", "2022-Q2", "--out", str(out),
                               "--data-dir", str(data)])  # the suffix says Word
    assert done.exit_code == 0, done.output
    assert "templates/bao-cao.docx" in done.output
    assert "BÁO CÁO NHANH" in [p.text for p in docx.Document(str(out)).paragraphs]
    broken = docx.Document(str(template))
    next(p for p in broken.paragraphs if "{%p for muc" in p.text).runs[0].text = "{%p for muc"
    broken.save(str(data / "templates" / "bao-cao.docx"))
    done = runner.invoke(app, ["report", "--period", "2022-Q2", "--out", str(out),
                               "--data-dir", str(data)])
    assert done.exit_code == 1 and "bị hỏng" in done.output


def test_report_layouts_to_files_and_refusals(demo_paths, tmp_path):
    base = ["report", "--period", "2022-Q2", "--unit", "25219", "--data-dir",
            str(demo_paths.data_dir)]
    for suffix, mark in ((".md", "# BÁO CÁO"), (".html", '<html lang="vi">'),
                         (".txt", "1. Giải quyết")):
        out = tmp_path / f"bc{suffix}"
        done = runner.invoke(app, [*base, "--out", str(out)])
        assert done.exit_code == 0, done.output
        assert mark in out.read_text(encoding="utf-8")
    for extra, words in ((["--format", "docx"], "Báo cáo Word cần --out"),
                         (["--format", "pdf"], "Không có định dạng 'pdf'"),
                         (["--format", "md", "--out", str(tmp_path / "x.docx")],
                          "có phải"),
                         (["--scope", "toan"], "--scope")):
        done = runner.invoke(app, [*base, *extra])
        assert done.exit_code == 2 and words in done.output, done.output
    outside = runner.invoke(app, ["report", "--period", "2022-9M", "--unit", "70",
                                  "--data-dir", str(demo_paths.data_dir)])
    assert outside.exit_code == 1 and "không thuộc địa bàn" in outside.output


# ---------------------------------------------------------------- exports

def _cells(path):
    sheet = openpyxl.load_workbook(path).active
    return sheet, [c for row in sheet.iter_rows() for c in row if c.value is not None]


def test_the_excel_export_keeps_numbers_as_numbers(demo_paths, tmp_path):
    out = tmp_path / "mot-cua.xlsx"
    done = runner.invoke(app, ["export", "one_stop", "--period", "2022-9M", "--unit", "688",
                               "--out", str(out), "--data-dir", str(demo_paths.data_dir)])
    assert done.exit_code == 0, done.output
    sheet, cells = _cells(out)
    assert "Thị xã Phước Long" in sheet["A1"].value and "9 tháng năm 2022" in sheet["A1"].value
    assert "Số liệu đến ngày 03/10/2022" in sheet["A2"].value
    headings = [c.value for c in sheet[4]]
    assert "Tổng số hồ sơ phải giải quyết" in headings and "received_total" not in headings
    row = {h: c for h, c in zip(headings, sheet[5], strict=True)}
    assert row["Tổng số hồ sơ phải giải quyết"].value == 21473
    assert row["Tổng số hồ sơ phải giải quyết"].data_type == "n"
    assert row["Tổng số hồ sơ phải giải quyết"].number_format == "#,##0"
    for rate in ("Tỷ lệ giải quyết đúng hạn", "Tỷ lệ hồ sơ trực tuyến"):
        assert row[rate].data_type == "n" and "%" in row[rate].number_format, rate
    assert row["Mã đơn vị hành chính"].value == "688"  # a code stays text
    assert all(c.data_type != "f" for c in cells)


def test_exports_of_every_view(demo_db, tmp_path):
    for view in export.views(demo_db):
        table = export.fetch(demo_db, view, "2022-9M", "688")
        _sheet, cells = _cells(export.write(table, tmp_path / f"{view}.xlsx"))
        assert table.rows and all(c.data_type != "f" for c in cells), view
        assert all(" — " not in c.heading and not c.heading.isascii() for c in table.columns)
    with pytest.raises(LookupError, match="không thuộc địa bàn"):
        export.fetch(demo_db, "report_one_stop", "2022-9M", "70")
    with pytest.raises(LookupError, match="không có dòng nào"):
        export.fetch(demo_db, "report_indicator", "2023-M01")


@pytest.fixture()
def formula_warehouse(demo_paths, tmp_path):
    """A copy of the demo warehouse where a ward's name and a field's name begin with '='
    (as a workbook or an export anyone writes could make them)."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(demo_paths.warehouse, data / "warehouse.duckdb")
    with duckdb.connect(str(data / "warehouse.duckdb")) as con:
        for (table,) in con.execute(
                "select table_name from duckdb_columns() where schema_name = 'main'"
                " and column_name = 'unit_name' and table_name in (select table_name from"
                " duckdb_tables() where schema_name = 'main')").fetchall():
            con.execute(f"update main.{table} set unit_name = ? where unit_code = '25219'",
                        [FORMULA])
        con.execute("update main.report_one_stop_by_field set field = '@SUM(1+1)'"
                    " where unit_code = '25219' and field = 'Chứng thực'")
    return data


def test_a_name_beginning_with_equals_stays_text(formula_warehouse, tmp_path):
    args = ["--period", "2022-9M", "--data-dir", str(formula_warehouse)]
    xlsx, text = tmp_path / "bao-cao.xlsx", tmp_path / "bao-cao.csv"
    for out in (xlsx, text):
        done = runner.invoke(app, ["export", "report_one_stop", *args, "--out", str(out)])
        assert done.exit_code == 0, done.output
    sheet, cells = _cells(xlsx)
    assert all(c.data_type != "f" for c in cells)
    named = [c for c in cells if c.value == FORMULA]
    assert named and all(c.data_type == "s" for c in named)
    with text.open(encoding="utf-8-sig", newline="") as lines:
        rows = list(csv.reader(lines))
    assert rows[0][:4] == ["Mã đơn vị hành chính", "Tên đơn vị hành chính", "Kỳ báo cáo",
                           "Phạm vi"]
    assert ["25219", "'" + FORMULA] in [r[:2] for r in rows]
    assert "Phường Thác Mơ" in [r[1] for r in rows]  # other text unprefixed

    form = tmp_path / "II06a.xlsx"
    done = runner.invoke(app, ["form-06a", *args, "--unit", "25219", "--out", str(form)])
    assert done.exit_code == 0, done.output
    sheet, cells = _cells(form)
    assert all(c.data_type != "f" for c in cells)
    assert "@SUM(1+1)" in [c.value for c in cells]
    assert any(FORMULA in str(c.value) for c in cells)
    assert sheet["M1"].value == form06a.FORM_CODE


def test_export_refuses_what_it_cannot_write(demo_paths, tmp_path):
    base = ["--period", "2022-9M", "--data-dir", str(demo_paths.data_dir)]
    for args, words in ((["onestop", "--out", str(tmp_path / "x.xlsx")],
                         "có phải 'report_one_stop'"),
                        (["one_stop", "--out", str(tmp_path / "x.pdf")], "--out"),
                        (["one_stop"], "--out")):
        done = runner.invoke(app, ["export", *args, *base])
        assert done.exit_code == 2 and words in done.output, done.output


def test_reports_and_exports_need_neither_prefect_nor_great_expectations():
    code = ("import sys; import baocao.cli, baocao.report, baocao.report_docx, baocao.export,"
            " baocao.form06a; bad = sorted({m.split('.')[0] for m in sys.modules} &"
            " {'prefect', 'great_expectations'}); print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
