"""What one-stop exports write, mapped to what the warehouse stores: header synonyms (only
these columns are ever read; personal data and free text are not among them), statuses,
channels, online flags and service levels. Data to extend when a new system's export
arrives."""

from __future__ import annotations

from common.text import fold
from extract.headers import synonym_index

# Canonical field → header texts seen in exports. Columns not listed (personal data, free
# text, STT, unknown extras) are never read.
HEADERS: dict[str, list[str]] = {
    "dossier_code": ["Mã hồ sơ", "Số hồ sơ"],
    "procedure_code": ["Mã thủ tục", "Mã TTHC"],
    "procedure_name": ["Tên thủ tục", "Thủ tục hành chính", "Tên thủ tục hành chính",
                       "Tên TTHC"],
    "field": ["Lĩnh vực"],
    "receiving_unit": ["Đơn vị tiếp nhận", "Cơ quan tiếp nhận", "Nơi tiếp nhận"],
    "processing_unit": ["Cơ quan thụ lý", "Đơn vị xử lý", "Đơn vị/cá nhân giải quyết"],
    "channel": ["Hình thức nộp", "Kênh nộp", "Kênh thực hiện", "Hình thức tiếp nhận"],
    "online_flag": ["Trực tuyến"],
    "service_level": ["Mức độ", "Mức độ DVC"],
    "received_at": ["Ngày tiếp nhận", "Ngày nhận"],
    "due_date": ["Ngày hẹn trả", "Hạn xử lý", "Hạn trả kết quả", "Hạn giải quyết"],
    "extended_due_date": ["Ngày gia hạn"],
    "finished_at": ["Ngày có kết quả", "Ngày hoàn thành", "Ngày kết thúc xử lý",
                    "Ngày kết thúc"],
    "handed_over_at": ["Ngày trả", "Ngày trả kết quả"],
    "status": ["Trạng thái", "Tình trạng"],
    # Decision 766 inputs (one_stop_flags): read only where an export carries them.
    "has_fee": ["Có phí, lệ phí", "Có phí", "Phí, lệ phí", "Có nghĩa vụ tài chính"],
    "paid_online": ["Đã thanh toán trực tuyến", "Thanh toán trực tuyến"],
    "payment_method": ["Hình thức thanh toán", "Phương thức thanh toán"],
    "digitised_receipt": ["Số hóa thành phần hồ sơ", "Số hóa hồ sơ", "Đã số hóa hồ sơ"],
    "receipt_files": ["Số tệp đính kèm", "Tệp đính kèm", "Thành phần hồ sơ đính kèm"],
    "digitised_result": ["Kết quả điện tử", "Số hóa kết quả", "Đã số hóa kết quả"],
}
HEADER_INDEX = synonym_index(HEADERS)
REQUIRED = {"dossier_code", "received_at", "status"}

# Status text → outcome. None is an open dossier.
STATUS_OUTCOME: dict[str, str | None] = {
    **{fold(s): "not_received" for s in ["Mới đăng ký", "Không được tiếp nhận"]},
    **{fold(s): None for s in ["Được tiếp nhận", "Đang xử lý", "Chờ bổ sung",
                                "Yêu cầu bổ sung giấy tờ",
                                "Yêu cầu thực hiện nghĩa vụ tài chính"]},
    **{fold(s): "resolved" for s in ["Đã có kết quả", "Đã xử lý xong", "Đã trả kết quả"]},
    **{fold(s): "withdrawn" for s in ["Rút hồ sơ", "Công dân yêu cầu rút hồ sơ",
                                       "Trả lại hồ sơ", "Từ chối", "Dừng xử lý"]},
}
OUTCOMES = ["resolved", "withdrawn", "not_received"]
CHANNELS = {
    **{fold(s): "online" for s in ["Trực tuyến", "2"]},
    **{fold(s): "direct" for s in ["Trực tiếp", "1"]},
    **{fold(s): "postal" for s in ["Dịch vụ bưu chính công ích", "Bưu chính", "BCCI", "3"]},
}
ONLINE_FLAG_TRUE = {fold(s) for s in ["Có", "x", "1", "True", "Yes"]}
SERVICE_LEVELS = {"": "2", "2": "2", "3": "3", "4": "4", "mot phan": "3", "toan trinh": "4",
                  "muc 2": "2", "muc 3": "3", "muc 4": "4"}
# Yes/no cells of the Decision 766 columns; a number counts files or an amount, so any
# non-zero number is a yes. A blank cell in a column the export has is a no; a text in
# neither list is not known (null, as if the column were absent for that dossier).
FLAG_TRUE = {fold(s) for s in ["Có", "x", "1", "True", "Yes", "Đã thanh toán",
                                "Đã số hóa", "Có số hóa", "Có kết quả điện tử"]}
FLAG_FALSE = {fold(s) for s in ["", "Không", "0", "False", "No", "Chưa", "Chưa thanh toán",
                                 "Chưa số hóa", "Không có", "Miễn phí", "Miễn"]}
# Payment channel words: online (the portal, its payment platform) or not.
PAYMENT_ONLINE = {fold(s) for s in ["Trực tuyến", "Thanh toán trực tuyến", "Online",
                                     "PayGov", "Cổng thanh toán", "Cổng DVC quốc gia"]}
PAYMENT_OFFLINE = {fold(s) for s in ["", "Tiền mặt", "Trực tiếp", "Chuyển khoản",
                                      "Tại quầy", "Bưu chính"]}
# The warehouse's flags and the export fields each is read from (either may say yes).
FLAG_SOURCES = {"has_fee": ["has_fee"], "paid_online": ["paid_online", "payment_method"],
                "digitised_receipt": ["digitised_receipt", "receipt_files"],
                "digitised_result": ["digitised_result"]}
DATE_FIELDS = ["received_at", "due_date", "extended_due_date", "finished_at", "handed_over_at"]

DOSSIER_COLUMNS = ["dossier_code", "unit_code", "procedure_code", "procedure_name", "field",
                   "channel", "service_level", "online_eligible", "received_at", "due_date",
                   "closed_at", "outcome", "has_fee", "paid_online", "digitised_receipt",
                   "digitised_result", "row_number"]
CONTENT_COLUMNS = [c for c in DOSSIER_COLUMNS if c != "row_number"]
