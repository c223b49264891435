"""The fixed texts of the monthly report template (commune-workbook.md), whoever fills it in
and however they lay it out: the demo's workbooks, the layout variants and the tests' tiny
workbooks all print these."""

from __future__ import annotations

TOWN_COUNCIL = "UBND THỊ XÃ PHƯỚC LONG"  # row 1 of a commune's title block
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TITLE = "BÁO CÁO SỐ LIỆU KẾT QUẢ THỰC HIỆN CÔNG TÁC DÂN VẬN CHÍNH QUYỀN"
# The table header as the template has it, then as two clerks have retyped it.
HEADERS = (
    ("STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện trong tháng", "Lũy kế",
     "Tỷ lệ (%)", "Ghi chú"),
    ("STT", "Chỉ tiêu", "ĐVT", "Kế hoạch", "Trong tháng", "Lũy kế từ đầu năm", "Tỷ lệ (%)",
     "Ghi chú"),
    ("STT", "Chỉ tiêu", "ĐVT", "Kế hoạch", "Thực hiện trong tháng", "Lũy kế", "Tỷ lệ (%)",
     "Ghi chú"),
)
# The section an indicator stands in, by the catalog's domain, numbered I, II, …
SECTIONS = {"health": "Y TẾ", "welfare": "AN SINH XÃ HỘI", "labour": "LAO ĐỘNG - VIỆC LÀM",
            "poverty": "GIẢM NGHÈO"}
ROMAN = ("I", "II", "III", "IV", "V", "VI")
PREPARED_BY = "NGƯỜI LẬP BIỂU"  # the signature block: the clerk on the left …
ON_BEHALF = "TM. ỦY BAN NHÂN DÂN"  # … the commune's chair on the right
