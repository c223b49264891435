"""The report as the Word document that is signed and sent (Decree 30/2020/NĐ-CP layout).

The layout is a docxtpl template: DATA_DIR/templates/bao-cao.docx when staff have put one
there (a heading, the recipients or the signer changed in Word, no code), otherwise the
default that `baocao.templates.bao_cao_docx` builds. The text is `report.compose`'s, the
same sentences as the printed report.
"""

from __future__ import annotations

import io
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import TemplateError

from baocao.report import Report, Unit
from baocao.templates import bao_cao_docx
from common.vn_format import vn_date, vn_period

TEMPLATE = Path("templates") / "bao-cao.docx"  # under DATA_DIR

# The Party committee at the unit's level, among the recipients.
_PARTY = {"Tỉnh": "Tỉnh ủy", "Thành phố": "Thành ủy", "Thị xã": "Thị ủy", "Huyện": "Huyện ủy",
          "Quận": "Quận ủy"}


class TemplateProblem(ValueError):
    """A template that cannot be filled (a tag broken while editing it in Word)."""


def template_in(data_dir: Path) -> Path | None:
    """The staff's template of this data folder, if they put one there."""
    path = data_dir / TEMPLATE
    return path if path.is_file() else None


def recipients(unit: Unit) -> list[str]:
    """'Nơi nhận' before 'Lưu: VT' (which the template writes)."""
    party = (f"Đảng ủy {unit.kind}" if unit.level == "commune"
             else _PARTY.get(unit.unit_type, "Cấp ủy"))
    above = [f"UBND {unit.parent} (b/c)"] if unit.parent else []
    return [*above, f"TT. {party} (b/c)", f"TT. HĐND {unit.in_sentence}",
            f"CT, các PCT UBND {unit.in_sentence}"]


def context(report: Report) -> dict[str, object]:
    """The template's fields (docs/reports.md lists them for staff editing a template)."""
    data, unit = report.data, report.data.unit
    return {
        "ten_don_vi_in_hoa": unit.name.upper(),
        "don_vi": unit.in_sentence,
        "dia_danh": unit.place,
        "ky": vn_period(data.period_code),
        "ma_ky": data.period_code,
        "tu_ngay": vn_date(data.start_date),
        "den_ngay": vn_date(data.end_date),
        "ghi_chu_so_lieu": report.as_of or "",
        "cac_muc": [{"so": i, "tieu_de": s.title, "noi_dung": s.text, "ghi_chu": s.notes}
                    for i, s in enumerate(report.sections, start=1)],
        "chua_co_so_lieu": report.missing or "",
        "noi_nhan": recipients(unit),
        "nguoi_ky": "",
    }


def write(report: Report, path: Path, template: Path | None = None) -> Path:
    source = template if template is not None else io.BytesIO(bao_cao_docx.build())
    document = DocxTemplate(source)
    try:
        # autoescape: a name with '&' or '<' must stay text, not break the document's XML
        document.render(context(report), autoescape=True)
    except TemplateError as exc:
        raise TemplateProblem(
            f"Mẫu báo cáo {template or 'mặc định'} có thẻ {{{{ … }}}} hoặc {{%p … %}} bị hỏng"
            f" (thường do Word tách thẻ khi sửa; hãy gõ lại cả thẻ): {exc}") from exc
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path
