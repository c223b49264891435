"""Fake applicants and signers: many distinct Vietnamese names, citizen IDs, phone numbers,
e-mail addresses and addresses in Phước Long, built from common parts. They fill the
personal-data columns of the one-stop exports, which must never reach the warehouse."""

from __future__ import annotations

import random
from collections.abc import Sequence

from baocao.demo.apportion import cumulative
from common.text import fold

# Family names and how often they come up (roughly per cent of applicants).
FAMILIES = (
    ("Nguyễn", 31), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Huỳnh", 4), ("Hoàng", 3),
    ("Phan", 4), ("Vũ", 2), ("Võ", 4), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2),
    ("Ngô", 2), ("Dương", 1.5), ("Lý", 1), ("Đào", 1), ("Đinh", 1.2), ("Mai", 0.8),
    ("Trương", 1.2), ("Lâm", 0.8), ("Cao", 0.6), ("Lương", 0.6), ("Châu", 0.5), ("Hà", 0.6),
    ("Tô", 0.4), ("Kiều", 0.3), ("Vương", 0.3), ("Lưu", 0.5), ("Quách", 0.3), ("Tạ", 0.4),
    ("Điểu", 2.5),  # the S'tiêng family name common in Bình Phước
)
# Repeated entries are the common ones: drawn uniformly, "Văn" and "Thị" come up most.
MIDDLE_MALE = ("Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công", "Đình",
               "Ngọc", "Xuân", "Thanh", "Hoàng", "Trọng", "Tấn", "Anh", "Gia", "Quang", "Duy")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Hồng",
                 "Bích", "Thùy", "Phương", "Minh", "Hoài", "Diễm", "Khánh", "Bảo", "Cẩm")
GIVEN_MALE = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hào", "Hiếu", "Hòa", "Hoàng", "Hùng",
    "Huy", "Khang", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Lợi", "Luân", "Minh",
    "Nam", "Nghĩa", "Nhân", "Phát", "Phong", "Phúc", "Phước", "Quân", "Quang", "Sang", "Sơn",
    "Tài", "Tâm", "Tân", "Thắng", "Thành", "Thiện", "Thịnh", "Toàn", "Trí", "Trung", "Tuấn",
    "Tùng", "Vinh", "Vũ", "Việt", "Bảo", "Duy", "Hưng", "Lực", "Mạnh", "Tiến", "Tín")
GIVEN_FEMALE = (
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


class People:
    """Fake applicants: many distinct names, IDs, phones and addresses from common parts."""

    def __init__(self, rng: random.Random, places: Sequence[tuple[str, bool]]) -> None:
        self.rng = rng
        self.places = places  # (commune name, is a ward), for addresses
        self._families = [f for f, _ in FAMILIES]
        self._family_weights = cumulative([w for _, w in FAMILIES])

    def family(self) -> str:
        return self.rng.choices(self._families, cum_weights=self._family_weights)[0]

    def name(self, male: bool, family: str | None = None) -> str:
        rng = self.rng
        middle = rng.choice(MIDDLE_MALE if male else MIDDLE_FEMALE)
        given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
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
        parts = fold(name).split()  # no diacritics, lower case
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
