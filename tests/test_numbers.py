import datetime as dt
from decimal import Decimal

import pytest

from common.vn_format import vn_int, vn_pct
from common.vn_parse import NotADate, NotANumber, parse_vn_date, parse_vn_number


@pytest.mark.parametrize(("cell", "expected"), [
    (6210, Decimal(6210)),
    (105.8, Decimal("105.8")),
    ("6.210", Decimal(6210)),
    ("105,8", Decimal("105.8")),
    ("105,8%", Decimal("105.8")),
    ("98,55 %", Decimal("98.55")),
    ("1.641.750.000", Decimal(1641750000)),
    ("1.641.750.000 đồng", Decimal(1641750000)),
    ("13.125.000.000đ", Decimal(13125000000)),
    ("-", Decimal(0)),  # statistical convention: no occurrence
    ("x", None), ("…", None), ("...", None), ("", None), (None, None),  # no figure
    ("  46.000 ", Decimal(46000)),
])
def test_parse_vn_number(cell, expected):
    assert parse_vn_number(cell) == expected


@pytest.mark.parametrize("cell", ["1.64", "abc", "12.34,5", "1,2,3", "năm"])
def test_parse_vn_number_rejects(cell):
    with pytest.raises(NotANumber):
        parse_vn_number(cell)


@pytest.mark.parametrize(("cell", "expected"), [
    ("15/03/2022", dt.datetime(2022, 3, 15)),
    ("05/04/2022", dt.datetime(2022, 4, 5)),  # day first, never month first
    ("15/03/2022 08:35", dt.datetime(2022, 3, 15, 8, 35)),
    ("15/03/2022 08:35:12", dt.datetime(2022, 3, 15, 8, 35, 12)),
    ("1/2/2022", dt.datetime(2022, 2, 1)),
    (dt.datetime(2022, 3, 15, 8, 0), dt.datetime(2022, 3, 15, 8, 0)),
    (dt.date(2022, 3, 15), dt.datetime(2022, 3, 15)),
    ("", None), (None, None),
])
def test_parse_vn_date(cell, expected):
    assert parse_vn_date(cell) == expected


@pytest.mark.parametrize("cell", ["31/02/2022", "2022-03-15", "15/13/2022", "hôm qua"])
def test_parse_vn_date_rejects(cell):
    with pytest.raises(NotADate):
        parse_vn_date(cell)


def test_vietnamese_formatting():
    assert vn_int(21473) == "21.473"
    assert vn_int(1641750000) == "1.641.750.000"
    assert vn_pct(20861 / 21114, 1) == "98,8%"
    assert vn_pct(45337 / 46004) == "98,55%"
    assert vn_pct(7458 / 7533) == "99%"
    assert vn_pct(None) == "—"
