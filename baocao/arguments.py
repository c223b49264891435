"""What data staff type on the command line, checked before anything runs or is written:
period codes, months, dates, the scope, output files, unit codes, run ids and counts.

A bad value is a `BadArgument` whose message (Vietnamese) says what was wrong and, when a
valid value is close, suggests it. `Arguments` collects them so that a command tells every
problem at once; the CLI prints them and exits with 2, click's code for a usage error.
Light on purpose (no prefect, no GX): every command imports it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from common.periods import Period, calendar, month_code, parse_period, periods_of_year
from common.periods import month_range as _month_range
from common.text import fold
from common.vn_format import vn_date, vn_datetime
from common.vn_parse import NotADate, parse_vn_date

T = TypeVar("T")

PERIOD_FORMS = ("2022-M05 (tháng), 2022-Q3 (quý), 2022-H1 (6 tháng), 2022-9M (9 tháng), "
                "2022-Y (năm)")
SCOPES = {"area": "đơn vị và các đơn vị trực thuộc",
          "unit": "chỉ bộ phận một cửa của đơn vị"}
SHOWN = 3  # suggestions of a kind offered at most
UNITS_LISTED = 15  # units listed when none is close to what was typed


class BadArgument(ValueError):
    """One or more problems with what was typed, each a sentence for data staff."""

    def __init__(self, *messages: str):
        super().__init__("\n".join(messages))
        self.messages = list(messages)


class Arguments:
    """The problems of one command's arguments, gathered so that all are told at once."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def check(self, validate: Callable[..., T], *args, **kwargs) -> T | None:
        """validate(*args, **kwargs), or None with its problems kept."""
        try:
            return validate(*args, **kwargs)
        except BadArgument as exc:
            self.problems += exc.messages
            return None


# ---------------------------------------------------------------- periods

_MONTH_WORD = r"(?:m|t|thang)"
_YEAR = r"(?:nam )?(\d{4})"
# Forms staff write a period in, on the folded text (`fold`: no accents, punctuation as
# spaces): each gives the period's kind, and which groups hold the year and the number.
_PERIOD_FORMS: list[tuple[re.Pattern, str, int, int | None]] = [
    (re.compile(rf"^(\d{{4}}) ?9 ?{_MONTH_WORD}$"), "9M", 1, None),
    (re.compile(rf"^9 ?{_MONTH_WORD}(?: nam)? (\d{{4}})$"), "9M", 1, None),
    (re.compile(r"^6 thang dau nam (\d{4})$"), "H1", 1, None),
    (re.compile(r"^6 thang cuoi nam (\d{4})$"), "H2", 1, None),
    (re.compile(rf"^(\d{{4}}) ?{_MONTH_WORD} ?(\d{{1,2}})$"), "M", 1, 2),
    (re.compile(rf"^{_MONTH_WORD} ?(\d{{1,2}}) {_YEAR}$"), "M", 2, 1),
    (re.compile(r"^(\d{1,2}) (\d{4})$"), "M", 2, 1),
    (re.compile(r"^(\d{4}) (\d{1,2})$"), "M", 1, 2),
    (re.compile(r"^(\d{4}) ?(?:q|quy) ?(\d{1,2})$"), "Q", 1, 2),
    (re.compile(rf"^(?:q|quy) ?(\d{{1,2}}) {_YEAR}$"), "Q", 2, 1),
    (re.compile(r"^(\d{4}) ?h ?(\d{1,2})$"), "H", 1, 2),
    (re.compile(rf"^h ?(\d{{1,2}}) {_YEAR}$"), "H", 2, 1),
    (re.compile(r"^(?:nam )?(\d{4})(?: ?(?:y|nam))?$"), "Y", 1, None),
]
_RANGES = {"M": (12, "tháng chỉ từ M01 đến M12"), "Q": (4, "quý chỉ từ Q1 đến Q4"),
           "H": (2, "6 tháng chỉ có H1 (đầu năm) và H2 (cuối năm)")}


def period(text: str | None, option: str = "--period") -> str:
    """A period code `common.periods.parse_period` knows, exactly as typed (trimmed)."""
    code = _given(text, option, "2022-9M").strip()
    if _known(code):
        return code
    kind, year, number = _period_form(code)
    if kind in _RANGES and not 1 <= number <= _RANGES[kind][0]:
        raise BadArgument(f"{option}: Không có kỳ báo cáo '{text}': {_RANGES[kind][1]}.")
    suggestion = _code_of(kind, year, number) if kind else _close_period(code)
    if suggestion:
        raise BadArgument(f"{option}: Kỳ '{text}' không hợp lệ; có phải '{suggestion}'?")
    raise BadArgument(f"{option}: Kỳ '{text}' không hợp lệ (cần dạng {PERIOD_FORMS}).")


def _known(code: str) -> bool:
    try:
        parse_period(code)
    except ValueError:  # also a year that dates cannot hold
        return False
    return True


def _period_form(code: str) -> tuple[str | None, int, int]:
    key = fold(code)
    for pattern, kind, year_group, number_group in _PERIOD_FORMS:
        match = pattern.match(key)
        if match:
            number = int(match.group(number_group)) if number_group else 0
            return kind, int(match.group(year_group)), number
    return None, 0, 0


def _code_of(kind: str, year: int, number: int) -> str | None:
    code = {"M": month_code(year, number), "Q": f"{year}-Q{number}",
            "H": f"{year}-H{number}", "9M": f"{year}-9M", "H1": f"{year}-H1",
            "H2": f"{year}-H2", "Y": f"{year}-Y"}[kind]
    return code if _known(code) else None


def _close_period(code: str) -> str | None:
    """The nearest code by spelling: of the year typed, else of the calendar's years."""
    year = re.search(r"\d{4}", code)
    periods = (periods_of_year(int(year.group())) if year and _known(f"{year.group()}-Y")
               else calendar())
    close = difflib.get_close_matches(code.upper(), [p.period_code for p in periods], n=1,
                                      cutoff=0.75)
    return close[0] if close else None


def month(text: str | None, option: str, last: bool = False) -> str:
    """A month code. A longer period is refused with its first month suggested (its last
    when `last`: the end of a range)."""
    code = period(_given(text, option, "2022-M09" if last else "2022-M01"), option)
    found: Period = parse_period(code)
    if found.period_type != "month":
        suggestion = found.months[-1 if last else 0]
        raise BadArgument(f"{option}: '{text}' không phải là một tháng (cần dạng 2022-M05); "
                          f"có phải '{suggestion}'?")
    return code


def month_range(first: str | None, last: str | None) -> list[str]:
    """The months of `--from` … `--to`, both months, the first not after the last."""
    args = Arguments()
    start = args.check(month, first, "--from")
    end = args.check(month, last, "--to", last=True)
    if args.problems:
        raise BadArgument(*args.problems)
    if parse_period(end).end_date < parse_period(start).end_date:
        raise BadArgument(f"--from/--to: Khoảng tháng không hợp lệ: tháng đầu {start} sau tháng"
                          f" cuối {end}; có phải --from {end} --to {start}?")
    return _month_range(start, end)


# ---------------------------------------------------------------- days, scope, files

def day(text: str, option: str) -> dt.date:
    """A calendar day written dd/mm/yyyy."""
    value = text.strip()
    try:
        parsed = parse_vn_date(value)
    except NotADate:
        parsed = None
    if parsed is not None and parsed.time() == dt.time() and re.fullmatch(
            r"\d{1,2}/\d{1,2}/\d{4}", value):
        return parsed.date()
    suggestion = _close_day(value)
    raise BadArgument(f"{option}: Ngày '{text}' không hợp lệ (cần dạng ngày/tháng/năm, ví dụ "
                      "15/12/2021)" + (f"; có phải '{suggestion}'?" if suggestion else "."))


def _close_day(text: str) -> str | None:
    """The day meant by a date in another common shape: ISO, two-digit year, month first,
    other separators, a time of day."""
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if len(numbers) < 3:
        return None
    a, b, c = numbers[:3]
    if a > 31:  # 2022-01-31
        a, c = c, a
    if c < 100:
        c += 2000
    for d, m in ((a, b), (b, a)):  # 01/13/2022: month first
        try:
            return vn_date(dt.date(c, m, d))
        except ValueError:
            continue
    return None


def day_range(period_code: str | None, first: str | None, last: str | None
              ) -> tuple[dt.date | None, dt.date | None]:
    """`--tu-ngay` … `--den-ngay` (the first not after the last), used instead of a period."""
    if period_code is not None and (first or last):
        raise BadArgument("--period/--tu-ngay/--den-ngay: Dùng --period, hoặc --tu-ngay và "
                          "--den-ngay, không dùng cả hai.")
    if period_code is not None:
        return None, None
    if not (first and last):
        raise BadArgument("--period: Cần --period, hoặc cả --tu-ngay và --den-ngay.")
    args = Arguments()
    start, end = args.check(day, first, "--tu-ngay"), args.check(day, last, "--den-ngay")
    if args.problems:
        raise BadArgument(*args.problems)
    if start > end:
        raise BadArgument(f"--tu-ngay/--den-ngay: Từ ngày {vn_date(start)} sau đến ngày "
                          f"{vn_date(end)}; có phải --tu-ngay {vn_date(end)} --den-ngay "
                          f"{vn_date(start)}?")
    return start, end


def scope(text: str) -> str:
    if text in SCOPES:
        return text
    close = difflib.get_close_matches(fold(text), list(SCOPES), n=1, cutoff=0.5)
    choices = " hoặc ".join(f"'{s}' ({what})" for s, what in SCOPES.items())
    raise BadArgument(f"--scope: Phạm vi '{text}' không hợp lệ: chọn {choices}"
                      + (f"; có phải '{close[0]}'?" if close else "."))


def output_file(path: Path | None, suffixes: tuple[str, ...], written_as: str,
                option: str = "--out") -> Path:
    """A file to write, whose suffix says what is written in it (`suffixes[0]` suggested)."""
    path = _given(path, option, f"bieu{suffixes[0]}")
    if path.is_dir():
        raise BadArgument(f"{option}: '{path}' là một thư mục; cần tên một tệp "
                          f"{suffixes[0]} để ghi.")
    if path.suffix.lower() in suffixes:
        return path
    wanted = path.with_suffix(suffixes[0]) if path.suffix else path.with_name(
        path.name + suffixes[0])
    has = f"có đuôi '{path.suffix}'" if path.suffix else "không có đuôi"
    raise BadArgument(f"{option}: Tệp '{path}' {has} nhưng nội dung được ghi là {written_as} "
                      f"({suffixes[0]}); có phải '{wanted}'?")


def _given(value: T | None, option: str, example: str) -> T:
    """An option the command cannot do without: checked here, not by typer, whose message
    would be English."""
    if value is None:
        raise BadArgument(f"{option}: Cần {option}, ví dụ {option} {example}.")
    return value


def at_least_one(value: int, option: str) -> int:
    if value < 1:
        raise BadArgument(f"{option}: Cần một số từ 1 trở lên (đã nhập {value}).")
    return value


# ---------------------------------------------------------------- what the warehouse holds

def warehouse_units(warehouse: Path) -> list[tuple[str, str]]:
    """(unit code, its names over time) of dim_admin_unit, from the town down; none when
    the warehouse has no unit table yet."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        if not con.execute("select count(*) from duckdb_tables() where schema_name = 'main'"
                           " and table_name = 'dim_admin_unit'").fetchone()[0]:
            return []  # a warehouse whose first run failed holds only the run records
        return con.execute("""
            select unit_code, string_agg(unit_name, ' / ' order by valid_from nulls first)
            from dim_admin_unit group by unit_code
            order by min(case level when 'district' then 0 when 'commune' then 1 else 2 end),
                     unit_code""").fetchall()


def unit(text: str, units: list[tuple[str, str]], option: str = "--unit") -> str:
    """A unit code of the warehouse; a name, or a code close to one, gets the codes meant."""
    code = text.strip()
    names = dict(units)
    if code in names:
        return code
    key = _unit_key(code)
    by_name = [c for c, name in units if any(key and key == _unit_key(n)
                                             for n in name.split(" / "))]
    close = by_name or difflib.get_close_matches(code, list(names), n=SHOWN, cutoff=0.6)
    if not close:
        folded = {_unit_key(n): c for c, name in units for n in name.split(" / ")}
        close = list(dict.fromkeys(folded[k] for k in difflib.get_close_matches(
            key, list(folded), n=SHOWN, cutoff=0.6)))
    if close:
        options = " hoặc ".join(f"'{c}' ({names[c]})" for c in close)
        raise BadArgument(f"{option}: Không có đơn vị mã '{text}' trong kho số liệu; có phải "
                          f"{options}?")
    listed = ", ".join(f"{c} ({name})" for c, name in units[:UNITS_LISTED])
    more = len(units) - UNITS_LISTED
    raise BadArgument(f"{option}: Không có đơn vị mã '{text}' trong kho số liệu. Các mã có: "
                      f"{listed}" + (f", … và {more} mã khác" if more > 0 else "") + ".")


_UNIT_WORDS = re.compile(r"^(?:ubnd |uy ban nhan dan )?(?:thi xa |phuong |xa |tinh )?")


def _unit_key(name: str) -> str:
    """A unit name without its kind: 'UBND phường Thác Mơ', 'Thác Mơ' → 'thac mo'."""
    return _UNIT_WORDS.sub("", fold(name))


def warehouse_runs(warehouse: Path) -> list[tuple[str, dt.datetime]]:
    """(run id, start) of every run recorded, newest first."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select run_id, started_at from etl_run"
                           " order by started_at desc").fetchall()


def run(text: str, runs: list[tuple[str, dt.datetime]]) -> str:
    """'last', a run id, or the start of one as `baocao status` shows it (8 characters)."""
    value = text.strip()
    if value == "last":
        return value
    ids = [r for r, _ in runs]
    matching = [r for r in ids if r == value] or [r for r in ids if len(value) >= 4
                                                  and r.startswith(value)]
    if len(matching) == 1:
        return matching[0]
    newest = ", ".join(f"{r[:8]} ({vn_datetime(at)})" for r, at in runs[:SHOWN])
    told = (f"Mã '{text}' khớp {len(matching)} lần chạy" if matching
            else f"Không có lần chạy '{text}' trong kho số liệu")
    raise BadArgument(f"--run: {told}; dùng 'last'"
                      + (f" hoặc một mã trong các lần chạy gần nhất: {newest}" if newest else "")
                      + ".")
