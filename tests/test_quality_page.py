"""The quality page (`baocao quality`), GX Data Docs and the CLI summary, on the broken demo
run; and no personal data from the inputs in the page, the Data Docs or dq_result."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from baocao.cli import app
from common.datafolder import DataPaths
from common.text import fold
from tests.broken_demo import (
    DOSE,
    NOT_A_NUMBER,
    NOT_A_NUMBER_TEXT,
    OUTLIER,
    UNREADABLE,
    broken_run,
    demo_reports,
)
from tests.builders import dossier, write_one_stop_csv
from tests.personal_data import fragments, personal_values


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return broken_run(tmp_path_factory)


class _Page(HTMLParser):
    """The page as data: its text, and under each heading (a unit's h3, a section's h2) the
    rows of its tables."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.sections: dict[str, list[list[str]]] = {}
        self.tags: list[str] = []
        self._current: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self._row = []
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row and self._current:
            self.sections[self._current].append(self._row)
            self._row = None

    def handle_data(self, data):
        self.text.append(data)
        if self.tags and self.tags[-1] in ("h2", "h3") and data.strip():
            self._current = data.strip()
            self.sections.setdefault(self._current, [])
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def page(broken, tmp_path_factory) -> tuple[str, _Page]:
    out = tmp_path_factory.mktemp("page") / "quality.html"
    done = CliRunner().invoke(app, ["quality", "--run", "last", "--data-dir",
                                    str(broken.data_dir), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "Kiểm tra chất lượng số liệu: 1 lỗi" in done.output
    html = out.read_text(encoding="utf-8")
    parsed = _Page()
    parsed.feed(html)
    return html, parsed


def rows_of(page: _Page, unit: str) -> list[list[str]]:
    return page.sections[unit]


def test_page_lists_each_breakage_under_its_unit(broken, page):
    _, parsed = page
    reports = demo_reports(broken.inbox)
    dose = reports[DOSE]
    dose2 = dose.row("vax_18_dose2")
    (row,) = [r for r in rows_of(parsed, "UBND phường Thác Mơ") if r[1] == "tháng 05/2022"]
    assert row[:5] == ["Lỗi", "tháng 05/2022", dose.path.name, dose.extract.sheet,
                       dose2["cumulative_cell"]]
    assert "mũi 2 không được nhiều hơn" in row[5]
    assert row[6] == f"≤ {int(dose.row('vax_18_dose1')['cumulative']):,}".replace(",", ".")

    (row,) = [r for r in rows_of(parsed, "UBND xã Phước Tín") if "chưa gửi" in r[5]]
    assert row[:2] == ["Cảnh báo", "tháng 06/2022"] and row[6] == "hạn 16/06/2022"
    (row,) = [r for r in rows_of(parsed, "UBND xã Long Giang") if "muộn" in r[5]]
    assert row[1] == "tháng 04/2022" and "ký ngày 20/04/2022" in row[5]
    outlier = reports[OUTLIER[:2]]
    (row,) = [r for r in rows_of(parsed, "UBND phường Sơn Giang") if "bất thường" in r[5]]
    assert row[2:5] == [outlier.path.name, outlier.extract.sheet,
                        outlier.row(OUTLIER[2])["source_cell"]]
    assert row[6] == "0 – 6,19"
    text_file = reports[NOT_A_NUMBER[:2]]
    (row,) = [r for r in rows_of(parsed, "UBND phường Long Phước") if "không phải là số" in r[5]]
    assert row[0] == "Lỗi" and row[2] == text_file.path.name and NOT_A_NUMBER_TEXT in row[5]
    (row,) = rows_of(parsed, "Không gắn với đơn vị nào")
    assert row[2] == UNREADABLE and row[0] == "Lỗi"


def test_page_is_self_contained_vietnamese_and_formatted(page):
    html, parsed = page
    text = " ".join(parsed.text)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="vi">' in html
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert "http" not in html
    for phrase in ("Chất lượng số liệu kho báo cáo thị xã Phước Long", "Theo đơn vị",
                   "Tỷ lệ báo cáo của thị xã theo tháng", "Quy tắc kiểm tra"):
        assert phrase in text, phrase
    months = {r[0]: r for r in parsed.sections["Tỷ lệ báo cáo của thị xã theo tháng"]}
    assert months["tháng 06/2022"][1:] == ["10", "9", "9", "1", "0", "90%", "90%"]
    assert months["tháng 04/2022"][1:] == ["10", "10", "9", "0", "0", "100%", "90%"]


def test_data_docs_are_built_for_the_run(broken):
    site = broken.data_dir / "quality" / "data_docs"
    assert (site / "index.html").is_file()
    with duckdb.connect(str(broken.warehouse), read_only=True) as con:
        (run_id,) = con.execute("select run_id from dq_result limit 1").fetchone()
        suites = {s for (s,) in con.execute(
            "select distinct suite from dq_result where run_id = ?", [run_id]).fetchall()}
    pages = {p.parts[-4]: p for p in site.glob(f"validations/*/{run_id}/*/warehouse.html")}
    assert set(pages) == suites
    rules = pages["validation_rules"].read_text(encoding="utf-8")
    assert "mũi 2 không được nhiều hơn" in rules
    assert f"25216 ubnd_25216 {DOSE[1]} {demo_reports(broken.inbox)[DOSE].path.name}" in rules
    assert (site / "expectations" / "validation_rules.html").is_file()


def test_no_personal_data_in_page_data_docs_or_dq_result(broken, page):
    personal = personal_values(broken.inbox) | _signers(broken.inbox)
    assert len(personal) > 1000
    html, parsed = page
    found = [("page", v) for v in (fragments(" ".join(parsed.text)) | fragments(html))
             & personal]
    for path in (broken.data_dir / "quality").rglob("*"):
        if path.suffix in (".html", ".json"):
            found += [(str(path), v) for v in
                      fragments(path.read_text(encoding="utf-8")) & personal]
    with duckdb.connect(str(broken.warehouse), read_only=True) as con:
        for row in con.execute("select expectation, observed, message from dq_result"
                               " where observed is not null or message is not null").fetchall():
            found += [("dq_result", v) for v in fragments(" ".join(filter(None, row)))
                      & personal]
    assert found == []


def test_the_cli_prints_a_quality_summary_after_a_run(broken):
    with duckdb.connect(str(broken.warehouse), read_only=True) as con:
        errors, warnings = con.execute(
            "select count(*) filter (where severity = 'error'),"
            " count(*) filter (where severity = 'warning') from dq_result where not success"
        ).fetchone()
    done = CliRunner().invoke(app, ["run", "--data-dir", str(broken.data_dir)])
    assert done.exit_code == 0, done.output
    flat = " ".join(done.output.split())
    assert "Tệp mới: 0" in flat  # nothing new: the summary is that of the last check
    assert f"Kiểm tra chất lượng số liệu: {errors} lỗi, {warnings} cảnh báo" in flat
    assert "quy tắc kiểm tra: 1 lỗi" in flat and "baocao quality --run last" in flat


def _signers(inbox: Path) -> set[str]:
    """Names in the signature blocks of the report workbooks (who prepared and signed)."""
    names: set[str] = set()
    for report in demo_reports(inbox).values():
        rows = list(load_workbook(report.path, read_only=True).active.iter_rows(
            values_only=True))
        start = next((i for i, r in enumerate(rows)
                      if any(fold(c) == "nguoi lap bieu" for c in r if isinstance(c, str))),
                     None)
        if start is None:
            continue
        names |= {c for r in rows[start:] for c in r
                  if isinstance(c, str) and c != c.upper() and len(c) >= 6}
    return names


NEW_EXPORT = "hoso kenh la.csv"
COPY = "ban sao gui lai.xlsx"


@pytest.fixture(scope="module")
def second_night(broken, tmp_path_factory) -> DataPaths:
    """A copy of the broken demo's data folder after a second night, whose inbox holds a new
    export with channel words the reader does not know on 120 rows (one good row), and a
    renamed copy of a workbook loaded the first night."""
    data = tmp_path_factory.mktemp("second") / "data"
    shutil.copytree(broken.data_dir, data, ignore=shutil.ignore_patterns("work", "inbox"))
    inbox = data / "inbox"
    inbox.mkdir()
    write_one_stop_csv(inbox / NEW_EXPORT, [
        dossier(f"A{i}", "01/09/2022 08:00", "06/09/2022", channel="Tại quầy")
        for i in range(1, 121)] + [dossier("B1", "01/09/2022 08:00", "06/09/2022")])
    shutil.copy(demo_reports(broken.inbox)[DOSE].path, inbox / COPY)
    done = CliRunner().invoke(app, ["run", "--data-dir", str(data)])
    assert done.exit_code == 0, done.output
    return DataPaths.of(data)


def quality_page(paths: DataPaths, out: Path, *options: str) -> tuple[str, _Page]:
    done = CliRunner().invoke(app, ["quality", *options, "--data-dir", str(paths.data_dir),
                                    "--out", str(out)])
    assert done.exit_code == 0, done.output
    html = out.read_text(encoding="utf-8")
    parsed = _Page()
    parsed.feed(html)
    return html, parsed


def test_a_file_rejected_yesterday_and_still_rejected_shows_today(second_night, tmp_path):
    _, parsed = quality_page(second_night, tmp_path / "q.html", "--run", "last")
    rows = rows_of(parsed, "Không gắn với đơn vị nào")
    (unreadable,) = [r for r in rows if r[2] == UNREADABLE]
    assert unreadable[0] == "Lỗi" and "đến nay vẫn bị từ chối" in unreadable[5]
    # Rows rejected by the first night are that night's: not on today's page …
    assert not [r for r in parsed.sections.get("UBND phường Long Phước", [])
                if NOT_A_NUMBER_TEXT in r[5]]
    # … but on the page of the last two nights.
    _, both = quality_page(second_night, tmp_path / "q2.html", "--runs", "2")
    assert [r for r in rows_of(both, "UBND phường Long Phước") if NOT_A_NUMBER_TEXT in r[5]]
    assert [r for r in rows_of(both, "Không gắn với đơn vị nào") if r[2] == UNREADABLE]


def test_a_problem_on_many_rows_is_one_line_in_row_order(second_night, tmp_path):
    html, parsed = quality_page(second_night, tmp_path / "q.html")
    (row,) = [r for r in rows_of(parsed, "Không gắn với đơn vị nào")
              if r[2] == NEW_EXPORT and "Hình thức nộp" in r[5]]
    assert row[5] == "Hình thức nộp không xác định (ở 120 dòng)"
    # Numerically: H2 … H21, never H10, H100, H101 …
    assert row[4] == ", ".join(f"H{n}" for n in range(2, 22)) + ", … và 100 ô khác"
    assert len(html) < 50_000


def test_status_tells_what_became_of_each_file_of_the_second_night(broken, second_night):
    done = CliRunner().invoke(app, ["status", "--runs", "1", "--data-dir",
                                    str(second_night.data_dir)], env={"COLUMNS": "300"})
    assert done.exit_code == 0, done.output
    original = demo_reports(broken.inbox)[DOSE].path.name
    assert (f"• {COPY} (UBND phường Thác Mơ, tháng 05/2022): trùng nội dung với tệp "
            f"{original} (bỏ qua)") in done.output
    assert re.search(rf"• {NEW_EXPORT} \(danh sách hồ sơ một cửa\): đã nạp \(1 dòng; 120 "
                     r"dòng bị loại\)", done.output)
