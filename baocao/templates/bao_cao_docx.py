"""The default Word template of the signed report (`bao-cao.docx`), in the layout of Decree
30/2020/NĐ-CP (Appendix I): issuing body and number on the left, the national motto and the
place and date on the right, the document type and summary, the body, the recipients and
the signer's title; A4, Times New Roman.

It is the source of the template, built in memory at each use, so the repository holds no
binary and a change of layout is a reviewed change of code. Staff who want another heading
or other recipients write it out once, edit it in Word and save it as
DATA_DIR/templates/bao-cao.docx, which is used instead:

    python -m baocao.templates.bao_cao_docx data/templates/bao-cao.docx

The `{{ … }}` and `{%p … %}` tags are docxtpl's (Jinja2); docs/reports.md lists the fields.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt

FONT = "Times New Roman"
TEXT_WIDTH = Cm(16.5)  # A4 less the left (3 cm) and right (1.5 cm) margins


def build() -> bytes:
    doc = Document()
    _page(doc)
    _heading(doc)
    _title(doc)
    _body(doc)
    _closing(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):  # Vietnamese in every script
        fonts.set(qn(script), FONT)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def _para(container, text: str = "", size: float = 14, bold: bool = False,
          italic: bool = False, align=WD_ALIGN_PARAGRAPH.CENTER, before: float = 0,
          after: float = 0):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(after)
    if text:
        _run(paragraph, text, size, bold, italic)
    return paragraph


def _run(paragraph, text: str, size: float, bold: bool = False, italic: bool = False):
    run = paragraph.add_run(text)  # one run per tag: docxtpl needs a tag whole in a run
    run.font.name, run.font.size, run.bold, run.italic = FONT, Pt(size), bold, italic
    return run


def _rule(container, width: Cm, within: Cm) -> None:
    """The short solid line under a heading (Decree 30): the bottom border of an empty
    paragraph indented to `width`, centred in `within`."""
    paragraph = _para(container, size=2)
    margin = Emu(int((within - width) / 2))
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = margin
    paragraph.paragraph_format.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _table(doc, widths: list[Cm]):
    table = doc.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = cell.width = width  # the grid for LibreOffice, the cell for Word
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)  # filled below
    return table.rows[0].cells


def _heading(doc) -> None:
    left_width, right_width = Cm(6.6), Cm(9.9)  # room for a ward's name on one line
    left, right = _table(doc, [left_width, right_width])
    _para(left, "ỦY BAN NHÂN DÂN", 13, bold=True)
    _para(left, "{{ ten_don_vi_in_hoa }}", 13, bold=True)
    _rule(left, Cm(2.2), left_width)
    _para(left, "Số: …/BC-UBND", 13, before=6)
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)  # 12–13 pt: one line
    _para(right, "Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    _rule(right, Cm(6.3), right_width)
    _para(right, "{{ dia_danh }}, ngày … tháng … năm …", 14, italic=True, before=6)


def _title(doc) -> None:
    _para(doc, "BÁO CÁO", 14, bold=True, before=18)
    _para(doc, "Kết quả thực hiện các chỉ tiêu kinh tế - xã hội và giải quyết thủ tục hành "
          "chính {{ ky }}", 14, bold=True)
    _rule(doc, Cm(3.5), TEXT_WIDTH)
    _para(doc, after=6)


def _text(doc, text: str = "", italic: bool = False):
    """A paragraph of the body: justified, first line indented, 6 pt between paragraphs."""
    paragraph = _para(doc, text, 14, italic=italic, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                      after=6)
    paragraph.paragraph_format.first_line_indent = Cm(1.27)
    paragraph.paragraph_format.line_spacing = 1.15
    return paragraph


def _body(doc) -> None:
    _tag(doc, "{%p if ghi_chu_so_lieu %}")
    _text(doc, "{{ ghi_chu_so_lieu }}", italic=True)
    _tag(doc, "{%p endif %}")
    _text(doc, "Ủy ban nhân dân {{ don_vi }} báo cáo kết quả thực hiện {{ ky }} (số liệu từ "
          "ngày {{ tu_ngay }} đến ngày {{ den_ngay }}) như sau:")
    _tag(doc, "{%p for muc in cac_muc %}")
    section = _text(doc)
    _run(section, "{{ muc.so }}. {{ muc.tieu_de }}:", 14, bold=True)
    _run(section, " {{ muc.noi_dung }}", 14)
    _tag(doc, "{%p for dong in muc.ghi_chu %}")
    _text(doc, "{{ dong }}", italic=True)
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if chua_co_so_lieu %}")
    _text(doc, "{{ chua_co_so_lieu }}", italic=True)
    _tag(doc, "{%p endif %}")
    _text(doc, "Trên đây là báo cáo kết quả thực hiện {{ ky }} của Ủy ban nhân dân "
          "{{ don_vi }}./.")


def _tag(container, tag: str) -> None:
    """A docxtpl paragraph tag: the paragraph holding it disappears when rendered."""
    _para(container, tag, 14, align=WD_ALIGN_PARAGRAPH.LEFT)


def _closing(doc) -> None:
    _para(doc, after=6)
    recipients, signer = _table(doc, [Cm(8.5), Cm(8.0)])
    _para(recipients, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _tag(recipients, "{%p for nhan in noi_nhan %}")
    _para(recipients, "- {{ nhan }};", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _tag(recipients, "{%p endfor %}")
    _para(recipients, "- Lưu: VT.", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(signer, "TM. ỦY BAN NHÂN DÂN", 14, bold=True)
    _para(signer, "CHỦ TỊCH", 14, bold=True)
    for _ in range(4):  # room for the signature and the seal
        _para(signer, size=14)
    _para(signer, "{{ nguoi_ky }}", 14, bold=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("Cách dùng: python -m baocao.templates.bao_cao_docx TỆP.docx")
    target = Path(sys.argv[1])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build())
    print(f"Đã ghi mẫu báo cáo {target}: sửa trong Word rồi đặt vào DATA_DIR/templates/"
          "bao-cao.docx.")
