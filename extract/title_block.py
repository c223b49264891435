"""The title block of a report workbook: who reported (the reporter line, or the file
name), for which month (the period line, or the file name) and on which day (the date line
"…, ngày 14 tháng 9 năm 2022"). Lines are compared folded; reporters are resolved within the
home area as of the month reported."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import PurePath

from common.area import Area, current_area
from common.catalog import Reporter, load_reporters
from common.periods import month_code, parse_period
from common.text import fold
from common.units import home_units, resolve_unit, valid_on
from extract.problems import FileRejected, Problem

_DATE_LINE = re.compile(r"ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})")
# The first month named, with the first year after it: 'tháng 9 và phương hướng tháng 10
# năm 2022' reports September. Then 'T9/2022'.
_PERIOD_PATTERNS = [re.compile(r"\bthang (\d{1,2})\b.*?\b(\d{4})\b"),
                    re.compile(r"\bt ?(\d{1,2}) (\d{4})\b")]
FILENAME_PERIOD = re.compile(r"(?:thang|\bt)\s*(\d{1,2})(?:\s+(\d{4}))?\b")
_NOT_THE_REPORTER = ("kinh gui", "don vi nhan", "noi nhan", "can cu")
_REPORTER_LABEL = re.compile(r"^don vi bao cao ")
_UNIT_ABBREVIATIONS = [(re.compile(r"^p "), "phuong "), (re.compile(r"^x "), "xa "),
                       (re.compile(r"^tt "), "thi tran ")]
_COUNCIL_PREFIXES = ("ubnd ", "uy ban nhan dan ")


@lru_cache(maxsize=65536, typed=True)
def fold_cell(value: object) -> str:
    # 'Ð' (U+00D0, Icelandic eth) stands in for 'Đ' in text from old converters.
    return fold(value.replace("Ð", "Đ").replace("ð", "đ") if isinstance(value, str) else value)


def title_lines(rows: list[list[object]]) -> list[str]:
    """Folded lines of the title block; a cell may hold several lines."""
    return [key for key, _ in title_texts(rows)]


def title_texts(rows: list[list[object]]) -> list[tuple[str, str]]:
    """(folded, as written) of each line of the title block."""
    return [(key, line.strip()) for row in rows for c in row if isinstance(c, str) and c
            for line in c.splitlines() if (key := fold_cell(line))]


def date_line(title: list[str]) -> dt.date | None:
    """The day of the date line, "…, ngày 14 tháng 9 năm 2022"."""
    for text in title:
        match = _DATE_LINE.search(text)
        if match and not text.startswith(_NOT_THE_REPORTER):
            day, month, year = map(int, match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def period_in_content(title: list[str]) -> tuple[int, int] | None:
    for text in title:
        if _DATE_LINE.search(text) or text.startswith(_NOT_THE_REPORTER):
            continue
        for pattern in _PERIOD_PATTERNS:
            match = pattern.search(text)
            if match and 1 <= int(match.group(1)) <= 12:
                return int(match.group(2)), int(match.group(1))
    return None


def report_period(title: list[str], filename: str, sheet: str) -> str:
    content = period_in_content(title)
    from_name = FILENAME_PERIOD.search(fold_cell(PurePath(filename).stem))
    name_month = int(from_name.group(1)) if from_name and 1 <= int(from_name.group(1)) <= 12 \
        else None
    name_year = int(from_name.group(2)) if from_name and from_name.group(2) else None
    if content and name_month and (content[1] != name_month or
                                   (name_year and content[0] != name_year)):
        raise FileRejected([Problem(
            "period_mismatch", "error",
            f"Kỳ báo cáo trong tệp là tháng {content[1]}/{content[0]} nhưng tên tệp ghi "
            f"tháng {name_month}{'/' + str(name_year) if name_year else ''}.", sheet=sheet)])
    if content:
        _check_date_line(title, *content, sheet)
        return month_code(*content)
    if name_month and name_year:
        return month_code(name_year, name_month)
    raise FileRejected([Problem(
        "period_not_found", "error",
        "Không đọc được kỳ báo cáo (ví dụ 'Tháng 9 năm 2022') ở phần đầu báo cáo hoặc tên tệp.",
        sheet=sheet)])


# A month's report is dated from the first day of its period (the 15th of the month before)
# up to this long after its cut-off, the 14th: later is a late report, earlier or much
# later is a title that names the wrong month (or a date line copied from an old report).
REPORTING_WINDOW = dt.timedelta(days=62)


def _check_date_line(title: list[str], year: int, month: int, sheet: str) -> None:
    """Reject a title month that its own date line contradicts, naming both readings."""
    dated = date_line(title)
    period = parse_period(month_code(year, month))
    if dated is None or period.start_date <= dated <= period.end_date + REPORTING_WINDOW:
        return
    raise FileRejected([Problem(
        "period_date_mismatch", "error",
        f"Tiêu đề ghi kỳ báo cáo tháng {month}/{year} nhưng ngày ký báo cáo là "
        f"{dated:%d/%m/%Y}, ngoài thời gian báo cáo của tháng đó ({period.start_date:%d/%m/%Y}"
        f" – {(period.end_date + REPORTING_WINDOW):%d/%m/%Y}). Hãy sửa tháng ở tiêu đề hoặc "
        "ngày ký rồi gửi lại.", sheet=sheet)])


def _communes_on(on: dt.date) -> dict[str, Reporter]:
    """The area's commune reporters by unit code, among the units existing on a day (a code
    reused by the 2025 reform names the unit of that day)."""
    return {r.unit_code: r for r in load_reporters().values() if r.scope == "commune"
            and (r.valid_from or dt.date.min) <= on <= (r.valid_to or dt.date.max)}


def _department_names() -> tuple[tuple[str, Reporter], ...]:
    """Folded names and title synonyms of the area's departments, longest first."""
    return _department_names_of(current_area())


@lru_cache(maxsize=8)
def _department_names_of(area: Area) -> tuple[tuple[str, Reporter], ...]:
    names = [(fold(n), r) for r in load_reporters().values() if r.scope == "town"
             for n in (r.name_vi, *r.title_synonyms)]
    return tuple(sorted(names, key=lambda item: len(item[0]), reverse=True))


def _reporter_in_content(title: list[tuple[str, str]], on: dt.date) -> Reporter | None:
    """The reporter a title line names. A province has communes of the same name (two "Xã
    Tân Thành"): the council line above ("UBND HUYỆN BÙ ĐĂNG") tells them apart, and a name
    spelled with its diacritics ("Lộc Thạnh") is tried before its folded form."""
    communes = _communes_on(on)
    district = _district_in(title, on)
    for line, written in title:
        if line.startswith(_NOT_THE_REPORTER):
            continue
        text = _REPORTER_LABEL.sub("", line)
        for name, reporter in _department_names():
            if text == name or text.startswith(name + " "):
                return reporter
        prefix = next((p for p in _COUNCIL_PREFIXES if text.startswith(p)), None)
        if prefix:
            rest = text[len(prefix):]
            for pattern, full in _UNIT_ABBREVIATIONS:
                rest = pattern.sub(full, rest)
            code = resolve_unit(written, on, district) or resolve_unit(rest, on, district)
            if code in communes:
                return communes[code]
    return None


def _district_in(title: list[tuple[str, str]], on: dt.date) -> str | None:
    """The district (before the 2025 reform) a title block's council line names."""
    districts = {u.unit_code for u in home_units() if u.level == "district"}
    for line, written in title:
        if line.startswith(_COUNCIL_PREFIXES) and not line.startswith(_NOT_THE_REPORTER):
            code = resolve_unit(written, on)
            if code in districts:
                return code
    return None


def _names_in_file_names(on: dt.date) -> tuple[tuple[str, Reporter], ...]:
    return _file_names_of(current_area(), on)


@lru_cache(maxsize=256)
def _file_names_of(area: Area, on: dt.date) -> tuple[tuple[str, Reporter], ...]:
    """Every reporter's names as a file name may carry them (folded, without spaces): the
    departments' titles and the communes' names as of `on`."""
    communes = _communes_on(on)
    names = [(name.replace(" ", ""), r) for name, r in _department_names()]
    for unit in home_units():
        if unit.level == "commune" and valid_on(unit, on) and unit.unit_code in communes:
            short = fold(unit.unit_name.split(" ", 1)[1]).replace(" ", "")
            names.append((short, communes[unit.unit_code]))
    return tuple(names)


def _reporter_in_name(filename: str, on: dt.date) -> Reporter | None:
    """The reporter a file name points to ('BC thang 9 - Long Thuy.xlsx'), only when it
    points to exactly one."""
    squeezed = fold_cell(PurePath(filename).stem).replace(" ", "")
    found = {r for name, r in _names_in_file_names(on) if name in squeezed}
    return found.pop() if len(found) == 1 else None


def reporter_of(title: list[tuple[str, str]], filename: str, sheet: str, period_code: str
                ) -> Reporter:
    on = dt.date(int(period_code[:4]), int(period_code[-2:]), 14)
    content, by_name = _reporter_in_content(title, on), _reporter_in_name(filename, on)
    if content and by_name and content != by_name:
        raise FileRejected([Problem(
            "reporter_mismatch", "error",
            f"Đơn vị báo cáo trong tệp là '{content.name_vi}' nhưng tên tệp chỉ "
            f"'{by_name.name_vi}'.", sheet=sheet)])
    if content or by_name:
        return content or by_name
    raise FileRejected([Problem(
        "reporter_not_found", "error",
        "Không xác định được đơn vị báo cáo (ví dụ 'UBND phường Long Thủy') ở phần đầu báo cáo "
        "hoặc tên tệp.", sheet=sheet)])
