"""A realistic, seeded demo inbox for the Phước Long reporting warehouse.

The warehouse is fed by whatever staff drop into an inbox folder: the nightly exports of the
province's one-stop system (one row per dossier, `.xlsx` and `.csv`, overlapping windows)
and the monthly report workbooks of the 7 communes/wards and of the town's departments.
`write_demo_inbox` writes such an inbox for September 2021 – October 2022 from which the
pipeline must reproduce every figure of the seed article for `2022-9M` exactly
(`shared/spec/reference-figures.md`), while it carries the mess real inboxes carry:
exports that overlap and show older states of the same dossier, header synonyms, dates as
cells or as text, Vietnamese number text, `-` for zero, a corrected resubmission, rows
that count nowhere, and fake personal data that must never reach the warehouse.

The exact figures are fixed first and the noise is fitted around them (exact
apportionment, then plausible dates, times and statuses), so every seed yields the same
totals and only the details move. All randomness comes from one `random.Random(seed)` and
no file carries the wall clock (zip entry times and document properties are the file's
own arrival time), so one seed gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import os
import random
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TypeVar
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

# ------------------------------------------------------------------------------ calendar

TZ_VN = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")  # UTC+7, no daylight saving
PERIOD_START = date(2021, 12, 15)  # 2022-9M under the Decree 09 cut-off (periods.md)
PERIOD_END = date(2022, 9, 14)
FIRST_DAY = date(2021, 9, 1)  # the oldest export's window starts here
LAST_DAY = date(2022, 10, 2)  # the newest export is taken on the morning of 3 Oct 2022
YEAR = 2022

# Days off of civil servants in 2021-2022 that fall on weekdays. Hard-coded rather than
# taken from the `holidays` package, so that a package update can never move a due date
# and with it the demo's figures.
_HOLIDAYS = frozenset({
    date(2021, 9, 2), date(2021, 9, 3), date(2022, 1, 3),
    *(date(2022, 1, 31) + timedelta(days=i) for i in range(5)),  # Tết Nhâm Dần, 1 Feb
    date(2022, 4, 11), date(2022, 5, 2), date(2022, 5, 3), date(2022, 9, 1), date(2022, 9, 2),
})


class _Calendar:
    """Working days: legal time limits, processing times and hand-overs count in them."""

    def __init__(self, first: date, last: date) -> None:
        span = (first + timedelta(days=i) for i in range((last - first).days + 1))
        self.days = [d for d in span if d.weekday() < 5 and d not in _HOLIDAYS]
        self._index = {d: i for i, d in enumerate(self.days)}

    def index(self, day: date) -> int:
        """Position of `day`, or of the next working day when `day` is a day off."""
        while day not in self._index:
            day += timedelta(days=1)
        return self._index[day]

    def add(self, day: date, n: int) -> date:
        """`n` working days after `day`; `day` itself for 0 (same-day procedures)."""
        if n == 0:
            return day
        # A dossier received on a Saturday starts counting on the next working day.
        start = self.index(day)
        return self.days[start + n if day in self._index else start + n - 1]

    def between(self, first: date, last: date) -> list[date]:
        """The working days from `first` to `last`, both included."""
        return self.days[self.index(first):self.index(last + timedelta(days=1))]


# ------------------------------------------------------------------------ reference data

_SEEDS = Path(__file__).resolve().parent.parent / "warehouse" / "seeds"


def _read_seed(name: str) -> list[dict[str, str]]:
    with (_SEEDS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class _Indicator:
    """What a workbook row shows of a catalog indicator; its figures come from this module."""

    name: str
    synonyms: tuple[str, ...]
    unit: str
    domain: str  # decides the section (Y TẾ, AN SINH XÃ HỘI, …) the row stands in


def _catalog() -> dict[str, _Indicator]:
    """The indicator catalog in its own order: workbook rows follow it."""
    return {
        row["indicator_code"]: _Indicator(
            row["name_vi"], tuple(s.strip() for s in row["synonyms"].split("|") if s.strip()),
            row["unit_vi"], row["domain"])
        for row in _read_seed("indicators.csv")
    }


@dataclass(frozen=True)
class _Habits:
    """How one reporter fills the template; staff keep their habits from month to month."""

    file_name: str  # str.format pattern with {m}, the report month
    upper_title: bool = True  # "UBND PHƯỜNG LONG THỦY" rather than "UBND phường Long Thủy"
    period_style: int = 0  # index into _PERIOD_LINES
    text_numbers: float = 0.0  # share of number cells typed as Vietnamese text ("6.210")
    money_suffix: bool = False  # amounts typed as "1.641.750.000 đồng"
    header: int = 0  # index into _HEADERS
    lead_lines: tuple[str, ...] = ()  # lines between the period line and the table
    number_row: bool = False  # a "(1) (2) …" row under the header
    synonyms: tuple[str, ...] = ()  # indicators written with a catalog synonym
    rate_digits: int = 1
    reference_no: bool = False  # a "Số: …/BC-UBND" line


@dataclass(frozen=True)
class _Commune:
    code: str
    prefix: str  # agency part of the one-stop system's dossier codes
    share: float  # share of the town's dossiers received at this desk
    households: int  # rough size, spreads the town totals over communes
    poverty: float  # rural communes have more poor households
    ward: bool
    habits: _Habits


_TO_TOWN = "Kính gửi: Ủy ban nhân dân thị xã Phước Long"
_COMMUNES = (
    _Commune("25216", "000.21.17.H10", 0.12, 2450, 0.6, True, _Habits(
        "BC thang {m} - Thac Mo.xlsx")),
    _Commune("25217", "000.25.17.H10", 0.14, 2900, 0.4, True, _Habits(
        "BC thang {m} - Long Thuy.xlsx", text_numbers=0.05, reference_no=True)),
    _Commune("25219", "000.22.17.H10", 0.13, 2700, 1.0, True, _Habits(
        "Báo cáo tháng {m:02d}-2022 P.Phước Bình.xlsx", period_style=1, text_numbers=0.3,
        header=1, synonyms=("food_safety_inspected", "households"), rate_digits=2)),
    _Commune("25220", "000.23.17.H10", 0.11, 2300, 1.0, True, _Habits(
        "bao cao T{m:02d}.2022 Long Phuoc.xlsx", period_style=2, header=2,
        lead_lines=(_TO_TOWN,))),
    _Commune("25237", "000.24.17.H10", 0.08, 1500, 1.2, True, _Habits(
        "BaoCao_DVCQ_T{m}_2022_SonGiang.xlsx", text_numbers=0.1, number_row=True,
        reference_no=True)),
    _Commune("25245", "000.26.17.H10", 0.06, 1300, 1.8, False, _Habits(
        "LongGiang_DVCQ_thang{m:02d}.2022.xlsx", upper_title=False, period_style=1,
        text_numbers=0.5, money_suffix=True, header=1,
        lead_lines=(_TO_TOWN, "Đơn vị báo cáo: UBND xã Long Giang"), synonyms=("tet_gifts",),
        rate_digits=2)),
    _Commune("25249", "000.27.17.H10", 0.06, 1200, 2.0, False, _Habits(
        "bao cao T{m:02d}.2022 Phuoc Tin.xlsx", upper_title=False, period_style=2,
        text_numbers=0.2, money_suffix=True, header=2)),
)
_TOWN_SHARE = 0.30  # the town desk takes land, building and business dossiers
_TOWN_PREFIX = "000.00.17.H10"
_TOWN_DESK = "Bộ phận một cửa thị xã Phước Long"

# Town departments: reporter → (row 1 of the title block, which of the reporter's titles in
# reporters.csv row 2 shows (0: name_vi, k: k-th title synonym), signer's title, habits).
_DEPARTMENTS = {
    "ttyt_688": ("UBND THỊ XÃ PHƯỚC LONG", 0, "GIÁM ĐỐC",
                 _Habits("TTYT bc thang {m}.xlsx")),
    "ldtbxh_688": ("UBND THỊ XÃ PHƯỚC LONG", 2, "TRƯỞNG PHÒNG",
                   _Habits("LĐTBXH - BC DVCQ tháng {m}.2022.xlsx", period_style=1, header=1)),
    "vptu_688": ("ĐẢNG BỘ TỈNH BÌNH PHƯỚC", 0, "CHÁNH VĂN PHÒNG",
                 _Habits("VP Thi uy - bao cao T{m}.2022.xlsx", period_style=2,
                         text_numbers=0.4)),
}
# Months in which the labour office's clerk types its short title as is
# ("Phòng Lao động - TB&XH thị xã", its first title synonym).
_LABOUR_SHORT_TITLE_MONTHS = (3, 7)

_TITLE = "BÁO CÁO SỐ LIỆU KẾT QUẢ THỰC HIỆN CÔNG TÁC DÂN VẬN CHÍNH QUYỀN"
_PERIOD_LINES = ("Tháng {m} năm 2022", "tháng {m:02d}/2022", "Kỳ báo cáo: T{m}/2022")
_HEADERS = (
    ("STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện trong tháng", "Lũy kế",
     "Tỷ lệ (%)", "Ghi chú"),
    ("STT", "Chỉ tiêu", "ĐVT", "Kế hoạch", "Trong tháng", "Lũy kế từ đầu năm", "Tỷ lệ (%)",
     "Ghi chú"),
    ("STT", "Chỉ tiêu", "ĐVT", "Kế hoạch", "Thực hiện trong tháng", "Lũy kế", "Tỷ lệ (%)",
     "Ghi chú"),
)
_SECTIONS = {"health": "Y TẾ", "welfare": "AN SINH XÃ HỘI", "labour": "LAO ĐỘNG - VIỆC LÀM",
             "poverty": "GIẢM NGHÈO"}
_ROMAN = ("I", "II", "III", "IV", "V", "VI")


@dataclass(frozen=True)
class _Procedure:
    code: str
    name: str
    field: str
    level: int  # 2: paper only; 3: partly online (một phần); 4: fully online (toàn trình)
    days: int  # legal time limit in working days; 0 is same day
    town: bool  # handled at the town desk, else at the commune desks
    weight: float  # relative volume among the desk's procedures of the same channel
    topic: str  # template of the free-text description


_LABOUR = "Lao động - Thương binh và Xã hội"
_LAND = "Đất đai"
# National-style codes and names; channel follows the level (levels 3/4 are only filed
# online, level 2 only in person), so the online rate among eligible dossiers is 100 %.
_PROCEDURES = (
    _Procedure("1.001193", "Đăng ký khai sinh", "Hộ tịch", 4, 1, False, 8, "birth"),
    _Procedure("1.000894", "Đăng ký kết hôn", "Hộ tịch", 3, 3, False, 3, "marriage"),
    _Procedure("1.000656", "Đăng ký khai tử", "Hộ tịch", 4, 1, False, 2.5, "death"),
    _Procedure("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", 4, 3, False,
               6, "marital"),
    _Procedure("1.004859", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", 4, 1, False, 4,
               "extract"),
    _Procedure("1.001022", "Đăng ký lại khai sinh", "Hộ tịch", 3, 5, False, 1, "rebirth"),
    _Procedure("1.000593", "Xác nhận thông tin hộ tịch", "Hộ tịch", 4, 3, False, 1,
               "civil_info"),
    _Procedure("2.000908", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ "
               "chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận", "Chứng thực", 2, 0, False,
               40, "copy"),
    _Procedure("2.001035", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", 2, 0,
               False, 12, "signature"),
    _Procedure("2.001019", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, "
               "quyền sử dụng đất và nhà ở", "Chứng thực", 2, 2, False, 5, "contract"),
    _Procedure("2.001016", "Chứng thực di chúc", "Chứng thực", 2, 2, False, 0.5, "will"),
    _Procedure("1.001776", "Hòa giải tranh chấp đất đai", _LAND, 2, 45, False, 0.6,
               "mediation"),
    _Procedure("1.001699", "Xác nhận hộ gia đình làm nông nghiệp, lâm nghiệp, ngư nghiệp, "
               "diêm nghiệp có mức sống trung bình", _LABOUR, 2, 5, False, 2, "farm"),
    _Procedure("1.010805", "Công nhận hộ thoát nghèo, hộ thoát cận nghèo trong năm", _LABOUR,
               2, 12, False, 0.3, "exit_poverty"),
    _Procedure("2.000286", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng",
               _LABOUR, 3, 20, False, 1.5, "allowance"),
    _Procedure("1.001758", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", _LABOUR, 3,
               8, False, 1, "funeral"),
    _Procedure("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ "
               "chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận", "Chứng thực", 2, 0,
               True, 3, "copy_foreign"),
    _Procedure("2.000884", "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch "
               "thuật của Phòng Tư pháp", "Chứng thực", 2, 0, True, 4, "translation"),
    _Procedure("1.001612", "Đăng ký thành lập hộ kinh doanh", "Kinh doanh", 4, 3, True, 8,
               "shop_new"),
    _Procedure("1.001266", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Kinh doanh", 4,
               3, True, 4, "shop_change"),
    _Procedure("2.000720", "Thông báo tạm ngừng hoạt động hộ kinh doanh", "Kinh doanh", 3, 3,
               True, 1.5, "shop_pause"),
    _Procedure("1.009994", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "Xây dựng", 3,
               15, True, 5, "build"),
    _Procedure("1.009995", "Cấp giấy phép sửa chữa, cải tạo đối với nhà ở riêng lẻ",
               "Xây dựng", 2, 15, True, 1, "repair"),
    _Procedure("1.004227", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn "
               "liền với đất", _LAND, 2, 10, True, 25, "transfer"),
    _Procedure("1.004203", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà "
               "ở và tài sản khác gắn liền với đất lần đầu", _LAND, 2, 30, True, 4,
               "first_cert"),
    _Procedure("1.003003", "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có "
               "thẩm quyền đối với hộ gia đình, cá nhân", _LAND, 2, 15, True, 6, "land_use"),
    _Procedure("1.004206", "Tách thửa hoặc hợp thửa đất", _LAND, 2, 15, True, 6, "split"),
    _Procedure("1.001009", "Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất", _LAND, 3,
               10, True, 1.5, "lost_cert"),
    _Procedure("2.000591", "Cấp Giấy phép bán lẻ sản phẩm rượu", "Lưu thông hàng hóa trong "
               "nước", 3, 10, True, 0.6, "liquor"),
    _Procedure("1.005136", "Giải quyết trợ cấp một lần đối với người có thành tích tham gia "
               "kháng chiến", _LABOUR, 3, 20, True, 0.5, "veteran"),
)

# ---------------------------------------------------------------------- fake people

_FAMILIES = (
    ("Nguyễn", 31), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Huỳnh", 4), ("Hoàng", 3),
    ("Phan", 4), ("Vũ", 2), ("Võ", 4), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2),
    ("Ngô", 2), ("Dương", 1.5), ("Lý", 1), ("Đào", 1), ("Đinh", 1.2), ("Mai", 0.8),
    ("Trương", 1.2), ("Lâm", 0.8), ("Cao", 0.6), ("Lương", 0.6), ("Châu", 0.5), ("Hà", 0.6),
    ("Tô", 0.4), ("Kiều", 0.3), ("Vương", 0.3), ("Lưu", 0.5), ("Quách", 0.3), ("Tạ", 0.4),
    ("Điểu", 2.5),  # the S'tiêng family name common in Bình Phước
)
_MIDDLE_MALE = ("Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công", "Đình",
                "Ngọc", "Xuân", "Thanh", "Hoàng", "Trọng", "Tấn", "Anh", "Gia", "Quang", "Duy")
_MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Hồng",
                  "Bích", "Thùy", "Phương", "Minh", "Hoài", "Diễm", "Khánh", "Bảo", "Cẩm")
_GIVEN_MALE = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hào", "Hiếu", "Hòa", "Hoàng", "Hùng",
    "Huy", "Khang", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Lợi", "Luân", "Minh",
    "Nam", "Nghĩa", "Nhân", "Phát", "Phong", "Phúc", "Phước", "Quân", "Quang", "Sang", "Sơn",
    "Tài", "Tâm", "Tân", "Thắng", "Thành", "Thiện", "Thịnh", "Toàn", "Trí", "Trung", "Tuấn",
    "Tùng", "Vinh", "Vũ", "Việt", "Bảo", "Duy", "Hưng", "Lực", "Mạnh", "Tiến", "Tín")
_GIVEN_FEMALE = (
    "Anh", "Ánh", "Bích", "Châu", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng",
    "Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga",
    "Ngân", "Ngọc", "Nhung", "Nhi", "Oanh", "Phượng", "Quyên", "Quỳnh", "Tâm", "Thảo",
    "Thủy", "Thúy", "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Hậu",
    "Lệ", "Nhàn", "Sương", "Thơm")
_PHONE_PREFIXES = ("032", "033", "034", "035", "036", "037", "038", "039", "070", "076",
                   "077", "078", "079", "081", "082", "083", "084", "085", "086", "088",
                   "089", "090", "091", "093", "094", "096", "097", "098")
_STREETS = ("Lê Quý Đôn", "Hai Bà Trưng", "Trần Hưng Đạo", "Lý Thường Kiệt", "Nguyễn Huệ",
            "Phạm Ngọc Thạch", "Lê Lợi", "Nguyễn Trãi", "Điểu Ong", "Ngô Quyền", "ĐT 741",
            "Trần Phú", "Hồ Xuân Hương", "Nguyễn Du")
_ELSEWHERE = ("xã Phú Nghĩa, huyện Bù Gia Mập", "xã Đa Kia, huyện Bù Gia Mập",
              "phường Tân Bình, thành phố Đồng Xoài", "xã Bình Tân, huyện Phú Riềng",
              "thị trấn Thanh Bình, huyện Bù Đốp")
_SHOPS = ("Tạp hóa", "Quán cà phê", "Tiệm sửa xe", "Cửa hàng vật liệu xây dựng", "Quán cơm",
          "Tiệm tóc", "Cửa hàng điện thoại", "Đại lý phân bón", "Tiệm may", "Quán ăn sáng")
_DOCUMENTS = ("căn cước công dân", "giấy khai sinh", "bằng tốt nghiệp THPT", "sổ hộ khẩu",
              "giấy chứng nhận quyền sử dụng đất", "học bạ", "giấy đăng ký xe")

_OPEN_STATUSES = ("Đang xử lý",) * 14 + ("Chờ bổ sung",) * 2 + ("Yêu cầu bổ sung giấy tờ",) * 2
_TAX_STATUS = "Yêu cầu thực hiện nghĩa vụ tài chính"  # land dossiers wait for the tax notice
_HANDED = "Đã trả kết quả"
_READY = ("Đã có kết quả", "Đã có kết quả", "Đã xử lý xong")  # result ready, not yet handed
_JUST_RECEIVED = "Được tiếp nhận"
_NEW_SUBMISSION = "Mới đăng ký"
_REFUSED = "Không được tiếp nhận"


def _ascii(text: str) -> str:
    """Vietnamese text without diacritics (for e-mail addresses and ASCII file names)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


class _People:
    """Fake applicants: many distinct names, IDs, phones and addresses from common parts."""

    def __init__(self, rng: random.Random, places: Sequence[tuple[str, bool]]) -> None:
        self.rng = rng
        self.places = places  # (commune name, is a ward), for addresses
        self._families = [f for f, _ in _FAMILIES]
        self._family_weights = _cumulative([w for _, w in _FAMILIES])

    def family(self) -> str:
        return self.rng.choices(self._families, cum_weights=self._family_weights)[0]

    def name(self, male: bool, family: str | None = None) -> str:
        rng = self.rng
        middle = rng.choice(_MIDDLE_MALE if male else _MIDDLE_FEMALE)
        given = rng.choice(_GIVEN_MALE if male else _GIVEN_FEMALE)
        return f"{family or self.family()} {middle} {given}"

    def id_number(self, male: bool) -> str:
        """A 12-digit citizen ID: province (070 is Bình Phước), sex/century, birth year."""
        rng = self.rng
        province = "070" if rng.random() < 0.8 else rng.choice(("001", "038", "040", "042",
                                                                "044", "052", "075", "079"))
        born = rng.randint(1950, 2004)
        sex_century = (0 if male else 1) + (2 if born >= 2000 else 0)
        return f"{province}{sex_century}{born % 100:02d}{rng.randint(0, 999_999):06d}"

    def phone(self) -> str:
        return f"{self.rng.choice(_PHONE_PREFIXES)}{self.rng.randint(0, 9_999_999):07d}"

    def email(self, name: str) -> str:
        rng = self.rng
        parts = _ascii(name).lower().split()
        local = (f"{parts[-1]}{parts[0]}{rng.randint(70, 2005)}" if rng.random() < 0.6
                 else f"{parts[-1]}.{parts[0]}{rng.randint(1, 99)}")
        return f"{local}@{rng.choice(('gmail.com', 'gmail.com', 'gmail.com', 'yahoo.com'))}"

    def address(self, commune: int | None) -> str:
        """An address in the commune (index into places), anywhere in town for None."""
        rng = self.rng
        if commune is None:
            if rng.random() < 0.05:
                return f"{rng.choice(_ELSEWHERE)}, tỉnh Bình Phước"
            commune = rng.randrange(len(self.places))
        name, ward = self.places[commune]
        tail = "thị xã Phước Long, tỉnh Bình Phước"
        if not ward:
            return f"Thôn {rng.randint(1, 9)}, xã {name}, {tail}"
        if rng.random() < 0.3:
            street = f"Số {rng.randint(1, 250)}, đường {rng.choice(_STREETS)}"
            return f"{street}, khu phố {rng.randint(1, 6)}, phường {name}, {tail}"
        return f"Tổ {rng.randint(1, 12)}, khu phố {rng.randint(1, 6)}, phường {name}, {tail}"


def _describe(topic: str, rng: random.Random, people: _People, name: str, male: bool) -> str:
    """The free-text description ("Nội dung") as staff type it: it names people."""
    family = name.split()[0]
    elder = "ông" if male else "bà"
    plot = f"thửa đất số {rng.randint(1, 480)}, tờ bản đồ số {rng.randint(1, 62)}"
    shop = f"{rng.choice(_SHOPS)} {name.split()[-1]}"
    match topic:
        case "birth":
            return f"Đăng ký khai sinh cho cháu {people.name(rng.random() < 0.5, family)}"
        case "marriage":
            other = people.name(not male)
            husband, wife = (name, other) if male else (other, name)
            return f"Đăng ký kết hôn giữa anh {husband} và chị {wife}"
        case "death":
            dead_male = rng.random() < 0.55
            return (f"Đăng ký khai tử cho {'ông' if dead_male else 'bà'} "
                    f"{people.name(dead_male, family)}")
        case "marital":
            purpose = rng.choice(("làm thủ tục kết hôn", "vay vốn ngân hàng",
                                  "chuyển nhượng quyền sử dụng đất"))
            return f"Xác nhận tình trạng hôn nhân cho {name} để {purpose}"
        case "extract":
            kind = rng.choice(("khai sinh", "khai sinh", "kết hôn"))
            return f"Cấp bản sao trích lục {kind} cho {name}"
        case "rebirth":
            return f"Đăng ký lại khai sinh cho {name}"
        case "civil_info":
            return f"Xác nhận thông tin hộ tịch của {name}"
        case "copy" | "copy_foreign":
            count = rng.randint(1, 6)
            document = (rng.choice(_DOCUMENTS) if topic == "copy"
                        else rng.choice(("hộ chiếu", "bằng đại học nước ngoài")))
            return f"Chứng thực {count} bản sao {document} của {name}"
        case "signature":
            paper = rng.choice(("giấy ủy quyền", "đơn xin việc", "tờ khai", "giấy cam kết"))
            return f"Chứng thực chữ ký của {name} trên {paper}"
        case "translation":
            return f"Chứng thực chữ ký người dịch bản dịch giấy tờ của {name}"
        case "contract":
            deal = rng.choice(("chuyển nhượng quyền sử dụng đất", "tặng cho quyền sử dụng đất",
                               "mua bán xe mô tô", "ủy quyền"))
            return f"Chứng thực hợp đồng {deal} giữa {name} và {people.name(rng.random() < 0.5)}"
        case "will":
            return f"Chứng thực di chúc của {elder} {name}"
        case "mediation":
            return f"Hòa giải tranh chấp đất đai giữa hộ {elder} {name} và hộ {people.name(True)}"
        case "farm":
            return f"Xác nhận hộ gia đình {elder} {name} làm nông nghiệp có mức sống trung bình"
        case "exit_poverty":
            return f"Đề nghị công nhận hộ thoát nghèo cho hộ {elder} {name}"
        case "allowance":
            return f"Đề nghị hưởng trợ cấp xã hội hàng tháng cho {people.name(rng.random() < 0.5)}"
        case "funeral":
            return f"Hỗ trợ chi phí mai táng cho {people.name(rng.random() < 0.5, family)}"
        case "shop_new":
            return f"Đăng ký thành lập hộ kinh doanh {shop} của {name}"
        case "shop_change":
            return f"Thay đổi địa điểm kinh doanh của hộ kinh doanh {shop}"
        case "shop_pause":
            return f"Tạm ngừng kinh doanh hộ kinh doanh {shop}"
        case "build":
            return f"Cấp giấy phép xây dựng nhà ở riêng lẻ cho hộ {elder} {name} tại {plot}"
        case "repair":
            return f"Cấp giấy phép sửa chữa, cải tạo nhà ở của hộ {elder} {name}"
        case "transfer":
            return f"Đăng ký biến động chuyển nhượng {plot} từ {people.name(True)} sang {name}"
        case "first_cert":
            return f"Cấp giấy chứng nhận quyền sử dụng đất lần đầu cho hộ {name}, {plot}"
        case "land_use":
            return (f"Chuyển mục đích sử dụng đất từ đất trồng cây lâu năm sang đất ở, {plot}, "
                    f"hộ {elder} {name}")
        case "split":
            return f"Tách thửa {plot} của {elder} {name}"
        case "lost_cert":
            return f"Cấp lại giấy chứng nhận quyền sử dụng đất bị mất cho {name}"
        case "liquor":
            return f"Cấp giấy phép bán lẻ rượu cho hộ kinh doanh {shop}"
        case "veteran":
            return f"Đề nghị trợ cấp một lần cho người có thành tích kháng chiến {elder} {name}"
    raise ValueError(f"unknown description topic {topic!r}")


# ---------------------------------------------------------------------- small helpers


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """Integers proportional to `weights` that add up to exactly `total` (largest remainder)."""
    scale = sum(weights)
    raw = [total * w / scale for w in weights]
    out = [int(x) for x in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in by_remainder[:total - sum(out)]:
        out[i] += 1
    return out


def _split_capped(total: int, weights: Sequence[float], caps: Sequence[int]) -> list[int]:
    """Like `_split`, but no share exceeds its cap (a commune cannot lose more poor
    households than it has): the overflow goes to the shares that still have room."""
    out = [0] * len(weights)
    left = total
    while left:
        room = [w if out[i] < caps[i] else 0.0 for i, w in enumerate(weights)]
        for i, extra in enumerate(_split(left, room)):
            out[i] += min(extra, caps[i] - out[i])
        left = total - sum(out)
    return out


_T = TypeVar("_T")


def _pick(rng: random.Random, pool: Sequence[_T], k: int,
          weights: Sequence[float] | None = None) -> list[_T]:
    """`k` items drawn without replacement, with probability ∝ weight (Efraimidis–Spirakis),
    returned in pool order."""
    if k > len(pool):
        raise RuntimeError(f"demo inbox: cannot pick {k} of {len(pool)} candidates")
    weights = weights or [1.0] * len(pool)
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0),
                   reverse=True)
    return [pool[i] for i in sorted(i for _, i in keyed[:k])]


def _vn_int(value: int) -> str:
    """6210 → "6.210" (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def _vn_decimal(value: float, digits: int) -> str:
    """105.83 → "105,8" (Vietnamese decimal comma)."""
    return f"{value:.{digits}f}".replace(".", ",")


def _office_time(rng: random.Random, day: date, after: datetime | None = None) -> datetime:
    """A moment during office hours (07:30–11:30, 13:30–16:30) of `day`, after `after`."""
    if after is not None and after.date() == day:
        start = after + timedelta(minutes=rng.randint(5, 40))
        end = max(start, datetime.combine(day, time(16, 30)))
        return start + timedelta(seconds=rng.randint(0, int((end - start).total_seconds())))
    saturday = day.weekday() == 5  # desks open on Saturday mornings only
    if saturday or rng.random() < 0.62:
        minute = 450 + rng.randint(0, 239)
    else:
        minute = 810 + rng.randint(0, 179)
    return datetime.combine(day, time()) + timedelta(minutes=minute, seconds=rng.randint(0, 59))


def _epoch(moment: datetime) -> float:
    """POSIX time of a local (Asia/Ho_Chi_Minh) wall-clock moment."""
    return moment.replace(tzinfo=TZ_VN).timestamp()


def _zip(parts: Sequence[tuple[str, bytes]], stamp: datetime) -> bytes:
    """An OOXML package whose entries all carry `stamp`, never the time of writing."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _save_openpyxl(workbook: Workbook, path: Path, stamp: datetime) -> None:
    """Save with fixed document properties and zip times, so the bytes depend on the seed
    only (`Workbook.save` would stamp the current time into both)."""
    utc = stamp.replace(tzinfo=TZ_VN).astimezone(UTC).replace(tzinfo=None)
    workbook.properties.created = workbook.properties.modified = utc
    workbook.properties.creator = workbook.properties.lastModifiedBy = "Administrator"
    raw = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    with zipfile.ZipFile(raw) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    path.write_bytes(_zip(parts, stamp))


# ------------------------------------------------------------------- one-stop dossiers


@dataclass(frozen=True)
class _Desk:
    name: str  # receiving unit as the one-stop system writes it
    prefix: str
    share: float
    commune: int | None  # index into the commune list; None for the town desk


@dataclass(slots=True)
class _Dossier:
    desk: _Desk
    proc: _Procedure
    online: bool
    received: datetime  # for a submission never accepted: when it was submitted
    due: date | None
    plan: date | None = None  # closing day while outcomes are being fitted
    closed: datetime | None = None
    outcome: str | None = None  # "resolved", "withdrawn", "not_received"; None while open
    end_status: str = ""  # status text of a withdrawn dossier
    ready_status: str = ""
    open_status: str = ""
    handed: datetime | None = None
    refused_at: datetime | None = None  # when a submission was turned down
    code: str = ""
    applicant: str = ""
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    content: str = ""


# The figures of the seed article (reference-figures.md) that the dossiers must produce.
_NEW = 20_854
_NEW_ONLINE = 5_670
_CARRIED = 619
_LATE = 253
_PENDING = 357
_CARRIED_LATE = 100  # overdue at the period start (year-end backlog), resolved late in it
_PENDING_OVERDUE = 24  # pending at the period end and already past due

# Relative volume per calendar month: the Covid-19 distancing of autumn 2021, the year-end
# rush, the pre-Tết peak and the Tết lull.
_MONTH_VOLUME = {(2021, 9): 0.5, (2021, 10): 0.75, (2021, 11): 0.95, (2021, 12): 1.3,
                 (2022, 1): 1.2, (2022, 2): 0.75, (2022, 3): 1.1}
_WEEKDAY_VOLUME = (1.15, 1.05, 1.0, 1.0, 0.85, 0.05, 0.0)  # Saturday: the town desk only


def _daily_counts(rng: random.Random) -> dict[date, int]:
    """Dossiers received per day: exactly `_NEW` inside the period, the rest at the same
    rate outside it."""
    days = [FIRST_DAY + timedelta(days=i) for i in range((LAST_DAY - FIRST_DAY).days + 1)]
    weight = {}
    for day in days:
        w = _MONTH_VOLUME.get((day.year, day.month), 1.0) * _WEEKDAY_VOLUME[day.weekday()]
        if day in _HOLIDAYS:
            w = 0.0
        elif date(2022, 1, 24) <= day <= date(2022, 1, 28):
            w *= 1.3  # last week before Tết
        elif date(2022, 2, 7) <= day <= date(2022, 2, 11):
            w *= 0.7  # first week after Tết
        weight[day] = w * rng.lognormvariate(0, 0.15)
    inside = [d for d in days if PERIOD_START <= d <= PERIOD_END]
    rate = _NEW / sum(weight[d] for d in inside)
    counts = dict(zip(inside, _split(_NEW, [weight[d] for d in inside]), strict=True))
    for part in ([d for d in days if d < PERIOD_START], [d for d in days if d > PERIOD_END]):
        total = round(rate * sum(weight[d] for d in part))
        counts.update(zip(part, _split(total, [weight[d] for d in part]), strict=True))
    return counts


class _DossierSimulation:
    """Dossiers from receipt to hand-over, fitted to the exact figures of `2022-9M`."""

    def __init__(self, rng: random.Random, desks: Sequence[_Desk], people: _People) -> None:
        self.rng = rng
        self.cal = _Calendar(date(2021, 8, 1), date(2023, 3, 31))
        self.desks = desks
        self.people = people
        self._menus: dict[tuple[bool, bool, bool], tuple[list[_Procedure], list[float]]] = {}

    def run(self) -> list[_Dossier]:
        dossiers = self._receive()
        before = [d for d in dossiers if d.received.date() < PERIOD_START]
        inside = [d for d in dossiers if PERIOD_START <= d.received.date() <= PERIOD_END]
        after = [d for d in dossiers if d.received.date() > PERIOD_END]
        self._fit_before(before)
        self._fit_inside(inside)
        self._fit_after(after)
        dossiers += self._submissions_never_received()
        dossiers.sort(key=lambda d: d.received)
        for dossier in dossiers:
            self._finish(dossier)
        self._number(dossiers)
        return dossiers

    # -- receipt

    def _menu(self, town: bool, online: bool, december: bool
              ) -> tuple[list[_Procedure], list[float]]:
        """Procedures a desk offers on a channel, with their weights (cached)."""
        key = (town, online, december)
        if key not in self._menus:
            procs = [p for p in _PROCEDURES if p.town == town and (p.level >= 3) == online]
            # Land dossiers pile up in December, before the new land-price table applies.
            weights = [p.weight * (3.0 if december and p.field == _LAND else 1.0) for p in procs]
            self._menus[key] = (procs, _cumulative(weights))
        return self._menus[key]

    def _receive(self) -> list[_Dossier]:
        rng, cal = self.rng, self.cal
        town = [d for d in self.desks if d.commune is None]
        shares = _cumulative([d.share for d in self.desks])
        drafts: list[tuple[_Desk, datetime]] = []
        for day, count in _daily_counts(rng).items():
            for _ in range(count):
                desk = (town[0] if day.weekday() == 5
                        else rng.choices(self.desks, cum_weights=shares)[0])
                drafts.append((desk, _office_time(rng, day)))
        drafts.sort(key=lambda draft: draft[1])
        online = self._channels(drafts)
        dossiers = []
        for (desk, received), is_online in zip(drafts, online, strict=True):
            procs, weights = self._menu(desk.commune is None, is_online, received.month == 12)
            proc = rng.choices(procs, cum_weights=weights)[0]
            due = cal.add(received.date(), proc.days)
            dossiers.append(_Dossier(desk, proc, is_online, received, due))
        return dossiers

    def _channels(self, drafts: Sequence[tuple[_Desk, datetime]]) -> list[bool]:
        """Online or not: exactly `_NEW_ONLINE` of the new dossiers of the period, more as
        the year goes on (the 92-day online-services campaign of June–August 2022)."""
        rng = self.rng
        inside = [i for i, (_, r) in enumerate(drafts) if PERIOD_START <= r.date() <= PERIOD_END]
        span = (PERIOD_END - PERIOD_START).days

        def pull(i: int) -> float:
            desk, received = drafts[i]
            progress = (received.date() - PERIOD_START).days / span
            campaign = 1.4 if date(2022, 6, 1) <= received.date() <= date(2022, 8, 31) else 1.0
            return (0.8 if desk.commune is None else 1.0) * (0.7 + 0.6 * progress) * campaign

        chosen = set(_pick(rng, inside, _NEW_ONLINE, [pull(i) for i in inside]))
        online = []
        for i, (_, received) in enumerate(drafts):
            if received.date() < PERIOD_START:
                online.append(rng.random() < 0.18)
            elif received.date() > PERIOD_END:
                online.append(rng.random() < 0.34)
            else:
                online.append(i in chosen)
        return online

    # -- outcomes

    def _natural_day(self, dossier: _Dossier) -> date:
        """Closing day of a dossier handled in time: a third on the due day (more in the
        year-end rush of December), the others earlier."""
        rng, limit = self.rng, dossier.proc.days
        on_due_day = 0.6 if dossier.received.month == 12 else 0.35
        if limit == 0 or rng.random() < on_due_day:
            spent = limit
        else:
            spent = rng.randint(limit * 3 // 10 if limit >= 5 else 0, limit - 1)
        return self.cal.add(dossier.received.date(), spent)

    def _withdraw(self, pool: Sequence[_Dossier], statuses: Sequence[str], last: date) -> None:
        for dossier, status in zip(_pick(self.rng, pool, len(statuses)), statuses, strict=True):
            start = dossier.received.date()
            dossier.plan = self.cal.add(start, self.rng.randint(1, 4))
            if dossier.plan > last:
                raise RuntimeError("demo inbox: a withdrawal would leave its period")
            dossier.outcome, dossier.end_status = "withdrawn", status

    def _late(self, dossier: _Dossier, last: date) -> None:
        """Close a dossier 1–8 working days after its due day, but by `last`."""
        room = len(self.cal.between(dossier.due + timedelta(days=1), last))
        dossier.plan = self.cal.add(dossier.due, self.rng.randint(1, min(8, room)))

    def _fit_before(self, dossiers: list[_Dossier]) -> None:
        """Received before the period: exactly `_CARRIED` still open at its start, all of
        them resolved in it (`_CARRIED_LATE` of them late); the rest closed before it."""
        rng, cal, start = self.rng, self.cal, PERIOD_START
        eve = start - timedelta(days=1)
        self._withdraw([d for d in dossiers if d.received.date() < date(2021, 11, 15)],
                       ("Rút hồ sơ", "Từ chối"), eve)
        free = [d for d in dossiers if d.outcome is None]
        stuck = [d for d in free
                 if d.proc.days >= 3 and start - timedelta(days=45) <= d.due < start]
        for dossier in _pick(rng, stuck, _CARRIED_LATE, [d.proc.days for d in stuck]):
            dossier.plan = rng.choice(cal.between(start, cal.add(start, 30)))
        free = [d for d in free if d.plan is None]
        for dossier in free:
            dossier.plan = self._natural_day(dossier)
        self._fit_boundary(free, _CARRIED - _CARRIED_LATE, eve)
        # A few overdue dossiers that closed before the period: realistic, and not counted.
        early = [d for d in free if d.plan <= eve and cal.add(d.due, 5) < start]
        for dossier in _pick(rng, early, len(early) // 40):
            self._late(dossier, eve)

    def _fit_inside(self, dossiers: list[_Dossier]) -> None:
        """Received in the period: 2 withdrawn, `_PENDING` still open at its end, the rest
        resolved in it; `_LATE` resolved late in all, counting the carried-over ones."""
        rng, end = self.rng, PERIOD_END
        middle = [d for d in dossiers if date(2022, 3, 1) <= d.received.date() <= date(2022, 7, 31)]
        self._withdraw(middle, ("Công dân yêu cầu rút hồ sơ", "Trả lại hồ sơ"), end)
        free = [d for d in dossiers if d.outcome is None]
        stuck = [d for d in free if d.proc.days >= 10
                 and end - timedelta(days=150) <= d.received.date() and d.due < end]
        for dossier in _pick(rng, stuck, _PENDING_OVERDUE):
            dossier.plan = self.cal.add(end, rng.randint(1, 25))  # late, after the period
        free = [d for d in free if d.plan is None]
        for dossier in free:
            dossier.plan = self._natural_day(dossier)
        self._fit_boundary(free, _PENDING - _PENDING_OVERDUE, end)
        resolved = [d for d in free if d.plan <= end]
        room = [d for d in resolved if d.due < end]
        late = _LATE - _CARRIED_LATE
        for dossier in _pick(rng, room, late, [3.0 if d.proc.days >= 10 else 1.0 for d in room]):
            self._late(dossier, end)

    def _fit_after(self, dossiers: list[_Dossier]) -> None:
        """Received after the period: they only matter to later periods."""
        early = [d for d in dossiers if d.received.date() <= date(2022, 9, 23)]
        self._withdraw(early, ("Dừng xử lý", "Công dân yêu cầu rút hồ sơ"), LAST_DAY)
        free = [d for d in dossiers if d.outcome is None]
        for dossier in free:
            dossier.plan = self._natural_day(dossier)

    def _fit_boundary(self, dossiers: list[_Dossier], target: int, last: date) -> None:
        """Make exactly `target` dossiers close after `last`, never past their due day:
        close the ones nearest the boundary earlier, or let the latest received stay open
        longer."""
        rng, cal = self.rng, self.cal
        crossing = [d for d in dossiers if d.plan > last]
        if len(crossing) > target:
            crossing.sort(key=lambda d: d.plan)
            for dossier in crossing[:len(crossing) - target]:
                days = cal.between(dossier.received.date(), last)
                dossier.plan = rng.choice(days) if days else dossier.received.date()
        elif len(crossing) < target:
            room = [d for d in dossiers if d.plan <= last < d.due]
            room.sort(key=lambda d: d.received, reverse=True)
            if len(room) < target - len(crossing):
                raise RuntimeError("demo inbox: too few dossiers to carry over a boundary")
            for dossier in room[:target - len(crossing)]:
                dossier.plan = rng.choice(cal.between(last + timedelta(days=1), dossier.due))

    def _submissions_never_received(self) -> list[_Dossier]:
        """Online submissions the desk never accepted: `Mới đăng ký` on the newest export,
        `Không được tiếp nhận` once refused. They are counted nowhere."""
        rng = self.rng
        moments = []
        for export_day in (date(2022, 1, 5), date(2022, 4, 5), date(2022, 7, 5)):
            for _ in range(3):  # new on that export, refused by the next one
                submitted = export_day - timedelta(days=rng.randint(1, 5))
                moments.append((submitted, export_day + timedelta(days=rng.randint(1, 4))))
        for _ in range(8):  # still waiting on the newest export
            moments.append((LAST_DAY - timedelta(days=rng.randint(0, 6)), None))
        span = (LAST_DAY - FIRST_DAY).days
        for _ in range(13):
            submitted = FIRST_DAY + timedelta(days=rng.randint(0, span - 8))
            moments.append((submitted, submitted + timedelta(days=rng.randint(1, 3))))
        shares = _cumulative([d.share for d in self.desks])
        out = []
        for submitted, refused in moments:
            desk = rng.choices(self.desks, cum_weights=shares)[0]
            procs, weights = self._menu(desk.commune is None, True, False)
            # Citizens submit online at any hour, weekends included.
            at = datetime.combine(submitted, time(rng.randint(6, 22), rng.randint(0, 59),
                                                  rng.randint(0, 59)))
            dossier = _Dossier(desk, rng.choices(procs, cum_weights=weights)[0], True, at, None,
                               outcome="not_received")
            dossier.refused_at = (None if refused is None
                                  else datetime.combine(refused, time(9, rng.randint(0, 59))))
            out.append(dossier)
        return out

    # -- details

    def _finish(self, dossier: _Dossier) -> None:
        """Times, statuses and the applicant's (fake) data of one dossier."""
        rng, cal = self.rng, self.cal
        proc = dossier.proc
        if dossier.outcome != "not_received":
            if dossier.plan is not None and dossier.plan <= LAST_DAY:
                dossier.closed = _office_time(rng, dossier.plan, dossier.received)
                dossier.outcome = dossier.outcome or "resolved"
            dossier.ready_status = rng.choice(_READY)
            waits_tax = proc.field == _LAND and rng.random() < 0.25
            dossier.open_status = _TAX_STATUS if waits_tax else rng.choice(_OPEN_STATUSES)
            if dossier.outcome == "resolved" and rng.random() < 0.97:
                # Same-day procedures hand over at once; others when the citizen comes.
                wait = 0 if proc.days == 0 else rng.choice((0, 0, 0, 0, 1, 1, 2, 3, 5))
                dossier.handed = _office_time(rng, cal.add(dossier.closed.date(), wait),
                                              dossier.closed)
        people = self.people
        male = rng.random() < 0.5
        dossier.applicant = people.name(male)
        dossier.id_number = people.id_number(male)
        dossier.phone = people.phone()
        if rng.random() < (0.35 if dossier.online else 0.08):
            dossier.email = people.email(dossier.applicant)
        dossier.address = people.address(dossier.desk.commune)
        dossier.content = _describe(proc.topic, rng, people, dossier.applicant, male)

    @staticmethod
    def _number(dossiers: Sequence[_Dossier]) -> None:
        """Codes like 000.25.17.H10-220315-0012: agency, day of receipt, sequence."""
        sequence: dict[tuple[str, date], int] = {}
        for dossier in dossiers:  # sorted by receipt
            key = (dossier.desk.prefix, dossier.received.date())
            sequence[key] = sequence.get(key, 0) + 1
            dossier.code = f"{key[0]}-{key[1]:%y%m%d}-{sequence[key]:04d}"


# ------------------------------------------------------------------------- exports


@dataclass(frozen=True)
class _Export:
    """One export as staff saved it: a snapshot of the system at `taken`."""

    file_name: str
    taken: datetime  # local time
    first: date  # window: dossiers received from `first` to `last`, plus older open ones
    last: date
    columns: tuple[tuple[str, str], ...]  # (header text, field)
    dates: dict[str, str]  # field → "cell" (an Excel date cell) or a strftime pattern
    level_words: bool  # Toàn trình / Một phần / empty rather than 4 / 3 / 2
    newest_first: bool = False
    title: tuple[str, ...] = ()  # xlsx only: the title block above the header


_SYSTEM = "HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TỈNH BÌNH PHƯỚC"
_EXPORTS = (
    _Export(
        "DanhSachHoSo_05012022.xlsx", datetime(2022, 1, 5, 7, 15), date(2021, 9, 1),
        date(2022, 1, 4),
        (("STT", "stt"), ("Mã hồ sơ", "code"), ("Mã thủ tục", "proc_code"),
         ("Tên thủ tục", "proc_name"), ("Lĩnh vực", "field"), ("Nội dung", "content"),
         ("Người nộp", "applicant"), ("Số CCCD", "id_number"), ("Số điện thoại", "phone"),
         ("Địa chỉ", "address"), ("Email", "email"), ("Đơn vị tiếp nhận", "desk"),
         ("Hình thức nộp", "channel"), ("Mức độ", "level"), ("Ngày tiếp nhận", "received"),
         ("Ngày hẹn trả", "due"), ("Ngày có kết quả", "finished"), ("Ngày trả", "handed"),
         ("Trạng thái", "status")),
        {"received": "cell", "due": "cell", "finished": "%d/%m/%Y %H:%M",
         "handed": "%d/%m/%Y %H:%M"},
        level_words=False,
        title=(_SYSTEM, "DANH SÁCH HỒ SƠ", "Từ ngày 01/09/2021 đến ngày 04/01/2022",
               "Ngày xuất: 05/01/2022 07:15"),
    ),
    _Export(
        "export_hoso_2022-04-05.csv", datetime(2022, 4, 5, 7, 15), date(2021, 12, 1),
        date(2022, 4, 4),
        (("STT", "stt"), ("Số hồ sơ", "code"), ("Tên thủ tục hành chính", "proc_name"),
         ("Mã TTHC", "proc_code"), ("Lĩnh vực", "field"), ("Trích yếu", "content"),
         ("Chủ hồ sơ", "applicant"), ("Số giấy tờ", "id_number"),
         ("Điện thoại liên lạc", "phone"), ("Thư điện tử", "email"),
         ("Địa chỉ chủ hồ sơ", "address"), ("Cơ quan tiếp nhận", "desk"),
         ("Kênh nộp", "channel"), ("Mức độ DVC", "level"), ("Ngày nhận", "received"),
         ("Hạn trả kết quả", "due"), ("Ngày hoàn thành", "finished"),
         ("Ngày trả kết quả", "handed"), ("Tình trạng", "status")),
        {"received": "%d/%m/%Y %H:%M:%S", "due": "%d/%m/%Y", "finished": "%d/%m/%Y %H:%M:%S",
         "handed": "%d/%m/%Y %H:%M:%S"},
        level_words=True,
    ),
    _Export(
        "DS ho so mot cua T7.2022.xlsx", datetime(2022, 7, 5, 7, 15), date(2022, 3, 1),
        date(2022, 7, 4),
        (("STT", "stt"), ("Mã hồ sơ", "code"), ("Tên TTHC", "proc_name"),
         ("Mã thủ tục", "proc_code"), ("Lĩnh vực", "field"), ("Nơi tiếp nhận", "desk"),
         ("Nội dung hồ sơ", "content"), ("Họ tên chủ hồ sơ", "applicant"),
         ("Số CCCD", "id_number"), ("Số điện thoại", "phone"), ("Email", "email"),
         ("Địa chỉ", "address"), ("Hình thức tiếp nhận", "channel"), ("Mức độ", "level"),
         ("Ngày tiếp nhận", "received"), ("Hạn xử lý", "due"),
         ("Ngày có kết quả", "finished"), ("Ngày trả", "handed"), ("Trạng thái", "status")),
        {"received": "%d/%m/%Y %H:%M:%S", "due": "cell", "finished": "cell", "handed": "cell"},
        level_words=True,
        title=("UBND TỈNH BÌNH PHƯỚC", "HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
               "DANH SÁCH HỒ SƠ", "Từ ngày 01/03/2022 đến ngày 04/07/2022",
               "Ngày xuất: 05/07/2022 07:15"),
    ),
    _Export(
        "hoso_1cua_03-10-2022.csv", datetime(2022, 10, 3, 7, 15), date(2022, 6, 1),
        date(2022, 10, 2),
        (("STT", "stt"), ("Mã hồ sơ", "code"), ("Mã thủ tục", "proc_code"),
         ("Tên thủ tục", "proc_name"), ("Lĩnh vực", "field"), ("Đơn vị tiếp nhận", "desk"),
         ("Người nộp hồ sơ", "applicant"), ("Số CCCD", "id_number"),
         ("Số điện thoại", "phone"), ("Email", "email"), ("Địa chỉ", "address"),
         ("Nội dung", "content"), ("Hình thức nộp", "channel"), ("Mức độ", "level"),
         ("Ngày tiếp nhận", "received"), ("Ngày hẹn trả", "due"),
         ("Ngày có kết quả", "finished"), ("Ngày trả", "handed"), ("Trạng thái", "status")),
        {"received": "%d/%m/%Y %H:%M", "due": "%d/%m/%Y", "finished": "%d/%m/%Y %H:%M",
         "handed": "%d/%m/%Y %H:%M"},
        level_words=False, newest_first=True,
    ),
)
_LEVEL_WORDS = {2: "", 3: "Một phần", 4: "Toàn trình"}


def _in_export(dossier: _Dossier, export: _Export) -> bool:
    """"Hồ sơ trong kỳ": received in the window, or received earlier and not yet closed
    when the window starts (closed later shows here with the state it had)."""
    received = dossier.received.date()
    if received > export.last or dossier.received >= export.taken:
        return False
    if received >= export.first:
        return True
    if dossier.outcome == "not_received":
        return False
    return dossier.closed is None or dossier.closed.date() >= export.first


def _state(dossier: _Dossier, at: datetime) -> tuple[str, datetime | None, datetime | None]:
    """Status, finish and hand-over as the system showed them at `at`."""
    if dossier.outcome == "not_received":
        refused = dossier.refused_at is not None and dossier.refused_at < at
        return (_REFUSED if refused else _NEW_SUBMISSION), None, None
    if dossier.closed is not None and dossier.closed < at:
        if dossier.outcome == "withdrawn":
            return dossier.end_status, dossier.closed, None
        if dossier.handed is not None and dossier.handed < at:
            return _HANDED, dossier.closed, dossier.handed
        return dossier.ready_status, dossier.closed, None
    fresh = at - dossier.received < timedelta(days=1)
    return (_JUST_RECEIVED if fresh else dossier.open_status), None, None


def _export_rows(dossiers: Sequence[_Dossier], export: _Export, text_only: bool) -> list[list]:
    """The export's data rows; `text_only` for CSV, where every value is text."""
    chosen = [d for d in dossiers if _in_export(d, export)]
    if export.newest_first:
        chosen.reverse()

    def when(value: datetime | date | None, field: str) -> object:
        if value is None:
            return None
        if field == "due":
            value = value if type(value) is date else value.date()
        pattern = export.dates[field]
        return value if pattern == "cell" else value.strftime(pattern)

    rows = []
    for number, d in enumerate(chosen, start=1):
        status, finished, handed = _state(d, export.taken)
        level = _LEVEL_WORDS[d.proc.level] if export.level_words else d.proc.level
        values = {
            "stt": number, "code": d.code, "proc_code": d.proc.code, "proc_name": d.proc.name,
            "field": d.proc.field, "content": d.content, "applicant": d.applicant,
            "id_number": d.id_number, "phone": d.phone, "email": d.email or None,
            "address": d.address, "desk": d.desk.name,
            "channel": "Trực tuyến" if d.online else "Trực tiếp",
            "level": level or None, "received": when(d.received, "received"),
            "due": when(d.due, "due"), "finished": when(finished, "finished"),
            "handed": when(handed, "handed"), "status": status,
        }
        row = [values[field] for _, field in export.columns]
        rows.append([("" if v is None else str(v)) for v in row] if text_only else row)
    return rows


def _write_csv_export(path: Path, export: _Export, dossiers: Sequence[_Dossier]) -> None:
    """UTF-8 with BOM (so Excel shows the diacritics), comma-separated, header first."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([header for header, _ in export.columns])
        writer.writerows(_export_rows(dossiers, export, text_only=True))


# The system's xlsx exports are written here as the server writes them, one sheet of
# inline strings, rather than with openpyxl: without lxml, openpyxl needs ~25 µs a cell,
# and the two exports hold ~350,000 cells.
_EXCEL_EPOCH = datetime(1899, 12, 30)
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = _XML + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/></Types>')
_ROOT_RELS = _XML + (
    f'<Relationships xmlns="{_NS_PKG}"><Relationship Id="rId1" Type="{_NS_REL}/officeDocument"'
    ' Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK_RELS = _XML + (
    f'<Relationships xmlns="{_NS_PKG}"><Relationship Id="rId1" Type="{_NS_REL}/worksheet"'
    f' Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_NS_REL}/styles"'
    ' Target="styles.xml"/></Relationships>')
# Styles: 0 plain, 1 date, 2 date and time, 3 bold.
_STYLES = _XML + (
    f'<styleSheet xmlns="{_NS_MAIN}"><numFmts count="2">'
    '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Times New Roman"/></font>'
    '<font><b/><sz val="11"/><name val="Times New Roman"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    '</cellStyles></styleSheet>')


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_xml(ref: str, value: object, bold: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f'<c r="{ref}" s="2"><v>{(value - _EXCEL_EPOCH) / timedelta(days=1)!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="1"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    style = ' s="3"' if bold else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _write_xlsx_export(path: Path, export: _Export, dossiers: Sequence[_Dossier]) -> None:
    """Sheet `DanhSachHoSo`: title block, a blank row, the header, one row per dossier."""
    header = [text for text, _ in export.columns]
    rows: list[Sequence[object]] = [[line] for line in export.title]
    rows += [[], header, *_export_rows(dossiers, export, text_only=False)]
    bold = set(range(len(export.title) + 2))
    letters = [_column_letter(i) for i in range(len(header))]
    chunks = [_XML, f'<worksheet xmlns="{_NS_MAIN}"><sheetData>']
    for number, row in enumerate(rows, start=1):
        cells = "".join(_cell_xml(f"{letters[i]}{number}", v, number - 1 in bold)
                        for i, v in enumerate(row))
        chunks.append(f'<row r="{number}">{cells}</row>')
    chunks.append("</sheetData></worksheet>")
    workbook = _XML + (
        f'<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}"><sheets>'
        '<sheet name="DanhSachHoSo" sheetId="1" r:id="rId1"/></sheets></workbook>')
    parts = [("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _ROOT_RELS),
             ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
             ("xl/styles.xml", _STYLES), ("xl/worksheets/sheet1.xml", "".join(chunks))]
    path.write_bytes(_zip([(name, text.encode()) for name, text in parts], export.taken))


# ------------------------------------------------------------------ report workbooks

_Row = tuple[int | None, int | None, int | None]  # plan, month's flow, lũy kế
_Figures = dict[str, list[_Row]]  # indicator → rows for M01…M09
_MONTHS = 9

# code, town figure at M09, town target population (None: no plan), share already done by
# Dec 2021, pace of the monthly increments M01…M09, the dose it follows (per commune never
# above it: nobody gets a second dose without a first).
_VACCINATION = (
    ("vax_18_dose1", 46_000, 43_478, 0.975, (3, 2, 1.5, 1, .8, .6, .5, .4, .3), None),
    ("vax_18_dose2", 45_337, 46_004, 0.935, (4, 3, 2, 1.2, 1, .8, .6, .5, .4), "vax_18_dose1"),
    ("vax_18_booster", 23_709, 46_306, 0.06, (5, 6, 5, 3, 2, 1.5, 1, .8, .6), "vax_18_dose2"),
    ("vax_18_additional", 13_642, None, 0.12, (2, 3, 3, 2, 1.5, 1, 1, .8, .5), "vax_18_dose2"),
    ("vax_12_17_dose1", 7_458, 7_533, 0.96, (3, 2, 1.5, 1, .8, .6, .5, .4, .3), None),
    ("vax_12_17_dose2", 7_143, 7_535, 0.86, (4, 3, 2, 1.5, 1, .8, .6, .5, .4), "vax_12_17_dose1"),
    # Vietnam began vaccinating children aged 5-11 in mid-April 2022: from M05 on.
    ("vax_5_11_dose1", 3_978, 7_945, 0.0, (0, 0, 0, 0, 5, 4, 2, 1.5, 1), None),
)
# The article's other town totals for 2022-9M: the sum of the monthly flows over the
# communes for `sum` indicators, the sum of the communes' M09 values for stocks; and plans.
_TOTALS = {
    "food_safety_inspected": 174, "tet_gifts": 3_640, "tet_gifts_value": 1_641_750_000,
    "jobs_created": 2_585, "job_loans_value": 13_125_000_000, "job_loans_workers": 240,
    "vocational_trainees": 225, "households": 14_350,
    "poor_households_start": 56, "poor_households": 33,
    "near_poor_households_start": 99, "near_poor_households": 69,
}
_PLANS = {"jobs_created": 3_500, "vocational_trainees": 350}
# F0 cases in isolation per month relative to the March 2022 Omicron peak: none by M09.
_F0_CURVE = (0.15, 0.3, 1.0, 0.45, 0.08, 0.02, 0.0, 0.01, 0.0)


def _running(flows: Sequence[int], plan: int | None = None) -> list[_Row]:
    """Rows of a `sum` indicator: the month's flow and the running total since M01."""
    rows, total = [], 0
    for flow in flows:
        total += flow
        rows.append((plan, flow, total))
    return rows


def _path(rng: random.Random, final: int, base: float, pace: Sequence[float]) -> list[int]:
    """A cumulative count for Dec 2021, M01…M09 that starts at ~`base`×`final`, grows
    monthly in proportion to `pace` (with noise) and ends exactly at `final`."""
    start = min(1.0, base * rng.uniform(0.99, 1.01))
    steps = [p * rng.uniform(0.6, 1.4) for p in pace]
    total, reached, shares = sum(steps), 0.0, [start]
    for step in steps:
        reached += step
        shares.append(start + (1 - start) * reached / total)
    shares[-1] = 1.0
    return [round(final * s) for s in shares]


def _grid(rng: random.Random, total: int, commune_weights: Sequence[float],
          month_weights: Sequence[float], active: float = 1.0) -> list[list[int]]:
    """`total` spread over communes × months; a cell is empty with probability 1-`active`."""
    weights = [c * m * rng.uniform(0.5, 1.5) * (rng.random() < active)
               for c in commune_weights for m in month_weights]
    flat = _split(total, weights)
    return [flat[i * _MONTHS:(i + 1) * _MONTHS] for i in range(len(commune_weights))]


def _commune_figures(rng: random.Random) -> dict[str, _Figures]:
    """Every commune indicator for M01…M09; the town totals are exactly the article's."""
    n = len(_COMMUNES)
    size = [c.households * rng.uniform(0.97, 1.03) for c in _COMMUNES]
    figures: dict[str, _Figures] = {c.code: {} for c in _COMMUNES}

    def put(code: str, rows_per_commune: Sequence[list[_Row]]) -> None:
        for commune, rows in zip(_COMMUNES, rows_per_commune, strict=True):
            figures[commune.code][code] = rows

    adults = [s * rng.uniform(0.95, 1.05) for s in size]
    children = [s * rng.uniform(0.85, 1.15) for s in size]
    finals: dict[str, list[int]] = {}
    for code, actual, target, base, pace, follows in _VACCINATION:
        population = children if "_18_" not in code else adults
        plans = (_split(target, [p * rng.uniform(0.98, 1.02) for p in population])
                 if target else [None] * n)
        if follows is None:
            weights = [(p or a) * rng.uniform(0.93, 1.07) for p, a in zip(plans, adults,
                                                                           strict=True)]
        elif code.endswith("dose2"):
            weights = [f * rng.uniform(0.985, 1.0) for f in finals[follows]]
        else:
            weights = [f * rng.uniform(0.85, 1.15) for f in finals[follows]]
        finals[code] = _split(actual, weights)
        started = next(i for i, p in enumerate(pace) if p)
        rows = []
        for plan, final in zip(plans, finals[code], strict=True):
            cumulative = _path(rng, final, base, pace)
            rows.append([(plan if m >= started else None, cumulative[m + 1] - cumulative[m],
                          cumulative[m + 1]) for m in range(_MONTHS)])
        put(code, rows)

    put("covid_f0_active", [
        [(None, None, round(s / sum(size) * rng.uniform(200, 380) * f * rng.uniform(0.7, 1.3)))
         for f in _F0_CURVE] for s in size])
    # Inspections peak before Tết, in the food-safety action month (15 Apr – 15 May) and
    # before the Mid-Autumn festival.
    put("food_safety_inspected", [_running(r) for r in _grid(
        rng, _TOTALS["food_safety_inspected"], size, (2.0, 1.6, 0.5, 0.5, 2.2, 0.5, 0.3, 0.6, 1.5),
        active=0.75)])

    needy = [s * c.poverty for s, c in zip(size, _COMMUNES, strict=True)]
    # Tết (1 Feb 2022) gifts go out in M01-M02, a few late ones in M03.
    gifts = _grid(rng, _TOTALS["tet_gifts"], needy, (0.55, 0.42, 0.03, 0, 0, 0, 0, 0, 0))
    flat = [g for row in gifts for g in row]
    # Gift values in steps of 50,000 đồng, roughly 450,000 đồng a gift.
    value = _split(_TOTALS["tet_gifts_value"] // 50_000,
                   [g * rng.uniform(0.8, 1.25) for g in flat])
    put("tet_gifts", [_running(r) for r in gifts])
    put("tet_gifts_value", [_running([v * 50_000 for v in value[i * _MONTHS:(i + 1) * _MONTHS]])
                            for i in range(n)])

    job_plans = _split(_PLANS["jobs_created"], [s * rng.uniform(0.85, 1.15) for s in size])
    jobs = _grid(rng, _TOTALS["jobs_created"], size,
                 (0.8, 0.6, 1.3, 1.1, 1.1, 1.0, 1.0, 1.0, 1.0))
    put("jobs_created", [_running(r, p) for r, p in zip(jobs, job_plans, strict=True)])
    # Loans are disbursed in batches, in steps of 5,000,000 đồng.
    workers = _grid(rng, _TOTALS["job_loans_workers"], size, (1,) * _MONTHS, active=0.45)
    flat = [w for row in workers for w in row]
    loans = _split(_TOTALS["job_loans_value"] // 5_000_000,
                   [w * rng.uniform(0.7, 1.3) for w in flat])
    put("job_loans_value", [_running([v * 5_000_000 for v in loans[i * _MONTHS:(i + 1) * _MONTHS]])
                            for i in range(n)])
    put("job_loans_workers", [_running(r) for r in workers])

    # Vocational training comes in classes of 15-35 trainees, none in the Tết month.
    trainees = [[0] * _MONTHS for _ in range(n)]
    for size_of_class in _split(_TOTALS["vocational_trainees"],
                                [rng.uniform(0.7, 1.3) for _ in range(9)]):
        commune = rng.choices(range(n), weights=size)[0]
        trainees[commune][rng.choice((0, 2, 3, 4, 5, 6, 7, 8))] += size_of_class
    training_plans = _split(_PLANS["vocational_trainees"],
                            [s * rng.uniform(0.8, 1.2) for s in size])
    put("vocational_trainees", [_running(r, p) for r, p in zip(trainees, training_plans,
                                                                 strict=True)])

    households = _split(_TOTALS["households"], size)
    rows = []
    for final in households:
        path = [final]
        for _ in range(_MONTHS - 1):
            path.insert(0, path[0] - rng.randint(0, 4))
        rows.append([(None, None, h) for h in path])
    put("households", rows)

    for prefix in ("poor", "near_poor"):
        start_total = _TOTALS[f"{prefix}_households_start"]
        end_total = _TOTALS[f"{prefix}_households"]
        starts = _split(start_total, [w * rng.uniform(0.8, 1.2) for w in needy])
        drops = _split_capped(start_total - end_total,
                              [s * rng.uniform(0.7, 1.3) for s in starts], starts)
        put(f"{prefix}_households_start", [[(None, None, s)] * _MONTHS for s in starts])
        rows = []
        for start, drop in zip(starts, drops, strict=True):
            # Households leave poverty after the mid-year reviews mostly; none in M01.
            steps = [0, *_split(drop, [w * rng.uniform(0.5, 1.5) for w in
                                       (0.5, 0.8, 1, 1.5, 1.5, 1.2, 1, 1)])]
            now, path = start, []
            for step in steps:
                now -= step
                path.append((None, None, now))
            rows.append(path)
        put(f"{prefix}_households", rows)
        put(f"new_{prefix}_households", [_running([0] * _MONTHS) for _ in range(n)])
    return figures


def _town_figures(rng: random.Random) -> dict[str, _Figures]:
    """The departments' own indicators (reporter scope `town`) for M01…M09."""
    rounds: _Figures = {}
    # code, rounds at M09, rounds by Dec 2021, pace of new rounds M01…M09
    for code, final, base, pace in (
            ("vax_rounds_18", 24, 20, (3, 2, 2, 1, 1, 1, .5, .5, .5)),
            ("vax_rounds_booster", 11, 1, (3, 3, 2, 1, 1, 1, .5, .5, .5)),
            ("vax_rounds_12_17", 3, 2, (1, 1, 1, .5, .5, .5, .5, .5, .5)),
            ("vax_rounds_5_11", 4, 0, (0, 0, 0, 0, 2, 1, 1, 1, 1))):
        steps = _split(final - base, [p * rng.uniform(0.5, 1.5) for p in pace])
        now, rows = base, []
        for step in steps:
            now += step
            rows.append((None, step, now))
        rounds[code] = rows

    # The Thị ủy's Tết gifts (1,000,000 đồng each) went out in January, mostly after the
    # 14th (M02): one gift to every poor and near-poor household and full orphan.
    party: _Figures = {}
    by_month = [0] * _MONTHS
    for code, total in (("party_gifts_poor", _TOTALS["poor_households_start"]),
                        ("party_gifts_near_poor", _TOTALS["near_poor_households_start"]),
                        ("party_gifts_orphan", 11)):
        early = round(total * rng.uniform(0.2, 0.4))
        flows = [early, total - early] + [0] * (_MONTHS - 2)
        party[code] = _running(flows)
        by_month = [a + b for a, b in zip(by_month, flows, strict=True)]
    party["party_gifts_value"] = _running([g * 1_000_000 for g in by_month])

    fairs = [rng.choice((0, 0, 1, 1, 1, 2)) for _ in range(_MONTHS)]
    return {"ttyt_688": rounds, "vptu_688": party, "ldtbxh_688": {"job_fairs": _running(fairs)}}


@dataclass(frozen=True)
class _Report:
    """One workbook to write: who, which month, what it says."""

    file_name: str
    reporter: str
    month: int
    top: str  # row 1, column A
    unit: str  # row 2, column A: the reporter's title
    place: str  # for the date line
    signer_title: tuple[str, ...]
    signers: tuple[str, str]  # (prepared by, signed by)
    habits: _Habits
    figures: _Figures
    day: int  # day of the date line
    arrived: datetime
    seed: int  # drives how numbers are typed; a corrected copy keeps its original's


def _number_cell(rng: random.Random, value: int | None, habits: _Habits, money: bool) -> object:
    """A number as this reporter types it: a number cell, Vietnamese text, or `-` for 0."""
    if value is None:
        return None
    if value == 0:
        return "-"
    if money and habits.money_suffix:
        return f"{_vn_int(value)} đồng"
    if rng.random() < habits.text_numbers:
        return _vn_int(value)
    return value


def _write_report(path: Path, report: _Report, catalog: dict[str, _Indicator]) -> None:
    """A monthly report workbook in the usual template (commune-workbook.md)."""
    habits, m = report.habits, report.month
    rng = random.Random(report.seed)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = rng.choice(("Sheet1", "BC", "Báo cáo", f"T{m}"))
    bold = Font(name="Times New Roman", bold=True)
    party = report.reporter == "vptu_688"
    heading = (("ĐẢNG CỘNG SẢN VIỆT NAM", None) if party
               else ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"))
    sheet["A1"], sheet["E1"] = report.top, heading[0]
    sheet["A2"], sheet["E2"] = report.unit, heading[1]
    if habits.reference_no:
        sheet["A3"] = f"Số: {rng.randint(40, 400)}/BC-UBND"
    # Who writes "tháng 09/2022" also pads the date line: "ngày 14, tháng 09, năm 2022".
    sheet["E3"] = (f"{report.place}, ngày {report.day:02d}, tháng {m:02d}, năm {YEAR}"
                   if habits.period_style == 1
                   else f"{report.place}, ngày {report.day} tháng {m} năm {YEAR}")
    sheet["A4"] = _TITLE
    # Staff sometimes switch to another way of writing the period.
    style = habits.period_style if rng.random() < 0.85 else rng.randrange(len(_PERIOD_LINES))
    sheet["A5"] = _PERIOD_LINES[style].format(m=m)
    row = 6
    for line in habits.lead_lines:
        sheet.cell(row, 1, line)
        row += 1
    row += 1  # a blank row above the table
    for column, text in enumerate(_HEADERS[habits.header], start=1):
        sheet.cell(row, column, text).font = bold
    if habits.number_row:
        row += 1
        for column in range(1, 9):
            sheet.cell(row, column, f"({column})")
    for merged in ("A4:H4", "A5:H5", "E1:H1", "E2:H2", "E3:H3"):
        sheet.merge_cells(merged)
    for cell in ("A1", "A2", "E1", "E2", "A4"):
        sheet[cell].font = bold
    for cell in ("A4", "A5", "E1", "E2", "E3"):
        sheet[cell].alignment = Alignment(horizontal="center")

    codes = [c for c in catalog if c in report.figures]
    for section, domain in enumerate(dict.fromkeys(catalog[c].domain for c in codes)):
        row += 1
        sheet.cell(row, 1, _ROMAN[section]).font = bold
        sheet.cell(row, 2, _SECTIONS[domain]).font = bold
        for number, code in enumerate((c for c in codes if catalog[c].domain == domain), 1):
            indicator = catalog[code]
            plan, flow, cumulative = report.figures[code][m - 1]
            money = indicator.unit == "đồng"
            name = (indicator.synonyms[0] if code in habits.synonyms and indicator.synonyms
                    else indicator.name)
            row += 1
            cells = [number, name, indicator.unit, _number_cell(rng, plan, habits, money),
                     _number_cell(rng, flow, habits, money),
                     _number_cell(rng, cumulative, habits, money)]
            if plan:
                cells.append(_vn_decimal(100 * (cumulative or 0) / plan, habits.rate_digits))
            for column, value in enumerate(cells, start=1):
                sheet.cell(row, column, value)
            if code == "vocational_trainees" and flow:
                sheet.cell(row, 8, rng.choice(("Lớp may công nghiệp", "Lớp sửa chữa máy nông "
                                               "nghiệp", "Lớp kỹ thuật trồng tiêu, điều")))

    row += 2
    sheet.cell(row, 2, "NGƯỜI LẬP BIỂU").font = bold
    for offset, line in enumerate(report.signer_title):
        sheet.cell(row + offset, 6, line).font = bold
    sheet.cell(row + 5, 2, report.signers[0]).font = bold
    sheet.cell(row + 5, 6, report.signers[1]).font = bold
    for column, width in zip("ABCDEFGH", (6, 62, 9, 12, 14, 13, 10, 22), strict=True):
        sheet.column_dimensions[column].width = width
    _save_openpyxl(workbook, path, report.arrived)


def _reports(rng: random.Random, people: _People, catalog: dict[str, _Indicator]
             ) -> list[_Report]:
    """Every monthly workbook, in the order they arrive, plus one corrected resubmission."""
    reporters = {row["reporter"]: row for row in _read_seed("reporters.csv")}
    figures = {f"ubnd_{code}": f for code, f in _commune_figures(rng).items()}
    figures.update(_town_figures(rng))
    senders = []
    for commune in _COMMUNES:
        reporter = f"ubnd_{commune.code}"
        name = reporters[reporter]["name_vi"]  # "UBND phường Long Thủy"
        unit = name.upper() if commune.habits.upper_title else name
        place = name.split(" ", 2)[2]
        chair = (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH") if rng.random() < 0.6
                 else ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"))
        senders.append((reporter, "UBND THỊ XÃ PHƯỚC LONG", [unit] * _MONTHS, place, chair,
                        commune.habits))
    for reporter, (top, title_index, title, habits) in _DEPARTMENTS.items():
        row = reporters[reporter]
        titles = [row["name_vi"], *(t.strip() for t in row["title_synonyms"].split("|"))]
        units = [titles[title_index].upper()] * _MONTHS
        if reporter == "ldtbxh_688":
            for m in _LABOUR_SHORT_TITLE_MONTHS:
                units[m - 1] = titles[1]
        senders.append((reporter, top, units, "Phước Long", (title,), habits))

    reports = []
    for reporter, top, units, place, chair, habits in senders:
        signers = (people.name(rng.random() < 0.4), people.name(rng.random() < 0.7))
        for m in range(1, _MONTHS + 1):
            # Reports are dated on a working day around the 14th, the data cut-off.
            days = [d for d in (12, 13, 14, 14, 14, 15, 16) if date(YEAR, m, d).weekday() < 5]
            day = rng.choice(days)
            late = rng.choice((1, 2, 3)) if rng.random() < 0.08 else 0
            arrived = (datetime(YEAR, m, day, rng.randint(9, 15), rng.randint(0, 59))
                       + timedelta(days=late))
            reports.append(_Report(habits.file_name.format(m=m), reporter, m, top, units[m - 1],
                                   place, chair, signers, habits, figures[reporter], day,
                                   arrived, rng.getrandbits(32)))
    reports.append(_correct(reports))
    reports.sort(key=lambda r: r.arrived)
    return reports


def _correct(reports: list[_Report]) -> _Report:
    """Long Thủy's September report first went out with a typo in the number of households;
    the corrected file (sửa) follows three days later and is the one that counts."""
    index = next(i for i, r in enumerate(reports) if r.reporter == "ubnd_25217" and r.month == 9)
    right = reports[index]
    plan, flow, households = right.figures["households"][8]
    digits = str(households)
    typo = int(digits[:-2] + digits[-1] + digits[-2])
    typo = typo if typo != households else households + 9
    wrong_figures = {**right.figures,
                     "households": [*right.figures["households"][:8], (plan, flow, typo)]}
    first = datetime(YEAR, 9, 13, 10, 20)
    reports[index] = replace(right, figures=wrong_figures, day=13, arrived=first)
    return replace(right, file_name=right.file_name.replace(".xlsx", " (sua).xlsx"), day=16,
                   arrived=datetime(YEAR, 9, 16, 14, 5))


# ------------------------------------------------------------------------ public API


def write_demo_inbox(inbox: Path, seed: int = 20220921) -> list[Path]:
    """Write the demo inbox files into `inbox` (created if missing); return their paths."""
    inbox = Path(inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    catalog = _catalog()
    communes = {row["reporter"]: row["name_vi"] for row in _read_seed("reporters.csv")}
    names = [communes[f"ubnd_{c.code}"] for c in _COMMUNES]
    people = _People(rng, [(n.split(" ", 2)[2], c.ward) for n, c in zip(names, _COMMUNES,
                                                                         strict=True)])
    desks = [_Desk(_TOWN_DESK, _TOWN_PREFIX, _TOWN_SHARE, None)]
    desks += [_Desk(n, c.prefix, c.share, i) for i, (n, c) in enumerate(zip(names, _COMMUNES,
                                                                             strict=True))]
    dossiers = _DossierSimulation(rng, desks, people).run()

    written = []
    for export in _EXPORTS:
        path = inbox / export.file_name
        if path.suffix == ".csv":
            _write_csv_export(path, export, dossiers)
        else:
            _write_xlsx_export(path, export, dossiers)
        # The pipeline dates a CSV export by its modification time: the export's own time.
        os.utime(path, (_epoch(export.taken), _epoch(export.taken)))
        written.append(path)
    for report in _reports(rng, people, catalog):
        path = inbox / report.file_name
        _write_report(path, report, catalog)
        os.utime(path, (_epoch(report.arrived), _epoch(report.arrived)))
        written.append(path)
    return written
