import unicodedata

import pytest

from common.text import fold
from extract.headers import cell_address, find_header_row, synonym_index


@pytest.mark.parametrize(("a", "b"), [
    ("Ngày tiếp nhận", "NGAY TIEP NHAN"),
    ("Hòa", "Hoà"),  # new vs old tone placement
    ("Thủy", "Thuỷ"),
    ("Mã hồ sơ", unicodedata.normalize("NFD", "Mã hồ sơ")),
    ("Tỷ lệ (%)", "Tỷ lệ %"),
    ("Đơn vị  tính", "đơn vị tính"),
])
def test_fold_makes_variants_equal(a, b):
    assert fold(a) == fold(b)


def test_find_header_row_below_title_block():
    index = synonym_index({"code": ["Mã hồ sơ", "Số hồ sơ"], "status": ["Trạng thái"]})
    rows = [["DANH SÁCH HỒ SƠ"], ["Ngày xuất: 03/10/2022"], [],
            ["STT", "TRẠNG THÁI", "Số hồ sơ"]]
    assert find_header_row(rows, index, {"code", "status"}) == (3, {"status": 1, "code": 2})
    assert find_header_row(rows[:3], index, {"code", "status"}) is None


@pytest.mark.parametrize(("row", "col", "address"), [
    (0, 0, "A1"), (11, 5, "F12"), (0, 25, "Z1"), (0, 26, "AA1"), (9, 27, "AB10")])
def test_cell_address(row, col, address):
    assert cell_address(row, col) == address
