"""The one-stop system's dossier export (`.xlsx`, `.xls`, HTML saved as `.xls`, `.csv`) →
one row per dossier. Only the columns of `extract.one_stop_vocabulary` are ever kept:
personal data and free text are dropped as the header is matched, before any value is
parsed, stored or logged.

Every rule runs as SQL in an in-memory DuckDB, over a table `parsed` of the matched
columns as text, in file order. A CSV export is read into it by DuckDB itself (a
province-wide export holds a million rows); a workbook's rows, already in memory, are
handed over as a frame, with date cells kept as timestamps. Values that repeat (status,
channel, level, unit, procedure, field) are folded or stripped once per distinct value;
dates written the usual way are read by `strptime`, others by one format per distinct
shape of text (`0/0/0000 00:00`), each shape checked in Python against the one date pattern
of `common.vn_parse`. The results are those of a Python reader applying
`common.vn_parse.parse_vn_date`, `str.strip` and `common.text.fold` to every cell. Bad rows
are returned with their reason, the rest is returned clean.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import BinaryIO

import duckdb
import numpy as np
import pandas as pd

from common.text import fold
from common.units import REORGANISATION_DATE, resolve_unit
from common.vn_parse import parse_vn_date
from extract.export_age import exported_at_from_title
from extract.headers import best_header_guess, cell_address, find_header_row
from extract.one_stop_flags import flag_columns
from extract.one_stop_rows import Spill, SpilledRows, accepted_rows
from extract.one_stop_vocabulary import (
    CHANNELS,
    CONTENT_COLUMNS,
    DATE_FIELDS,
    HEADER_INDEX,
    HEADERS,
    ONLINE_FLAG_TRUE,
    REQUIRED,
    SERVICE_LEVELS,
    STATUS_OUTCOME,
)
from extract.problems import FileRejected, Problem, ProblemList
from extract.sql_literals import sql_text
from extract.tabular import (
    CSV_SUFFIXES,
    CsvHead,
    Sheet,
    bulk_readable,
    has_blank_line_after,
    read_csv_head,
    read_csv_rows,
    read_sheets,
)

# The one date pattern (extract.numbers), applied to a value's shape: digits as '0'.
_DATE_SHAPE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{4})"
                         r"(?:([ T]+)(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_WHITESPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())
_DIGITS = "0123456789"
# What a bounded reader's DuckDB may hold in memory before spilling to disk.
_SPILL_MEMORY = "512MB"
# Unit names resolve to the units of the day of receipt: before or after the 2025 reform.
_AFTER = f"coalesce(cast(received_at__at as date) >= date '{REORGANISATION_DATE}', false)"


@dataclass
class OneStopExtract:
    dossiers: pd.DataFrame  # DOSSIER_COLUMNS, one row per accepted dossier
    problems: ProblemList  # rejected rows (error) and warnings
    exported_at: dt.datetime | None  # see extract.export_age: title block first
    sheet: str
    rows_read: int
    newest_row_at: dt.datetime | None = None  # newest receipt or closing in the rows
    exported_at_source: str | None = None  # 'title', 'rows', 'file_name' or 'mtime'
    spilled: SpilledRows | None = None  # the accepted rows, when too many for a frame


def read_one_stop(fileobj: BinaryIO, filename: str) -> OneStopExtract:
    """Read one export; raise FileRejected when no sheet has a recognisable header."""
    if PurePath(filename).suffix.lower() not in CSV_SUFFIXES:
        return one_stop_from_sheets(read_sheets(fileobj))
    with tempfile.TemporaryDirectory() as folder:  # DuckDB reads CSV from a file
        path = Path(folder) / "export.csv"
        path.write_bytes(fileobj.read())
        return read_one_stop_csv(path)


def looks_like_one_stop(sheets: list[Sheet]) -> bool:
    return any(find_header_row(s.rows, HEADER_INDEX, REQUIRED) for s in sheets)


def read_one_stop_csv(path: Path, head: CsvHead | None = None, spill: Spill | None = None
                      ) -> OneStopExtract:
    """A CSV export, read by DuckDB (a UTF-8 copy of a file in another code page) without
    ever loading the personal-data columns. Files DuckDB would number differently from a
    spreadsheet (empty lines between rows) or cannot decode go through the general reader.
    `spill`: where the accepted rows of a very large export go (extract.one_stop_rows);
    DuckDB then keeps the file's rows within a memory limit, spilling to that folder."""
    head = head or read_csv_head(path)
    found = find_header_row(head.sheet.rows, HEADER_INDEX, REQUIRED)
    if not found:
        raise FileRejected([_header_problem([head.sheet])])
    header_row, mapping = found
    with bulk_readable(path, head) as (source, head):
        skip = head.lines_read[header_row]
        if head.encoding is None or has_blank_line_after(source, skip, head.encoding):
            return _from_general_reader(source)
        with _connect(spill) as con:
            try:
                _parse_csv(con, source, head, header_row, mapping)
            except duckdb.Error:  # what DuckDB cannot parse, the csv module may
                return _from_general_reader(source)
            return _extract(con, mapping, header_row, head.sheet.name,
                            head.sheet.rows[:header_row], spill)


def _from_general_reader(path: Path) -> OneStopExtract:
    with path.open("rb") as handle:
        return one_stop_from_sheets([read_csv_rows(handle)])


def one_stop_from_sheets(sheets: list[Sheet]) -> OneStopExtract:
    for sheet in sheets:
        found = find_header_row(sheet.rows, HEADER_INDEX, REQUIRED)
        if found:
            header_row, mapping = found
            with _connect() as con:
                frame = _raw_frame(sheet.rows[header_row + 1:], mapping)
                con.register("raw_frame", frame)
                con.execute("create temp table raw as select " + ", ".join(
                    f"cast({c} as {'timestamp' if c.endswith('__cell') else 'varchar'}) as {c}"
                    for c in frame.columns) + " from raw_frame")
                _parse(con, "raw", mapping, cells={c.removesuffix("__cell") for c in frame.columns
                                                   if c.endswith("__cell")})
                return _extract(con, mapping, header_row, sheet.name, sheet.rows[:header_row])
    raise FileRejected([_header_problem(sheets)])


def one_stop_header_problem(sheets: list[Sheet]) -> Problem | None:
    """For a file with some dossier columns but not all that every export has: the problem
    naming the columns found and the ones missing. None when it has fewer than two."""
    if looks_like_one_stop(sheets) or max(
            (len(best_header_guess(s.rows, HEADER_INDEX)[1]) for s in sheets), default=0) < 2:
        return None
    return _header_problem(sheets)


def _header_problem(sheets: list[Sheet]) -> Problem:
    """The whole file is rejected (no row number: the message names the row)."""
    sheet = max(sheets, key=lambda s: len(best_header_guess(s.rows, HEADER_INDEX)[1]),
                default=Sheet("", []))
    row, mapping = best_header_guess(sheet.rows, HEADER_INDEX)
    missing = sorted(REQUIRED - mapping.keys())
    header_cells = [str(c) for c in (sheet.rows[row] if sheet.rows else []) if c not in (None, "")]
    return Problem(
        "header_not_found", "error",
        "Không tìm thấy dòng tiêu đề của danh sách hồ sơ. Thiếu cột: "
        + ", ".join(HEADERS[f][0] for f in missing)
        + (f". Dòng {row + 1} có các cột: " + "; ".join(header_cells) if header_cells else ""),
        sheet=sheet.name or None)


# ---------------------------------------------------------------- reading into `parsed`

def _connect(spill: Spill | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    if spill is not None:  # a bounded reader: what exceeds the limit goes to disk
        (spill.folder / "tmp").mkdir(parents=True, exist_ok=True)
        con.execute(f"set temp_directory = '{spill.folder / 'tmp'}'")
        con.execute(f"set memory_limit = '{_SPILL_MEMORY}'")
    return con


def _parse_csv(con: duckdb.DuckDBPyConnection, path: Path, head: CsvHead, header_row: int,
               mapping: dict[str, int]) -> None:
    """The data rows after the header; only the matched columns are selected, personal data
    is never read into a column."""
    width = len(head.sheet.rows[header_row])
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    selected = ", ".join(f"c{col} as {name}" for name, col in mapping.items())
    # A row shorter than the header is padded with empty cells, as the csv module reads
    # it; DuckDB pads only on one thread when a quoted cell holds a line break, so a file
    # with short rows is read again that way.
    for options in ("null_padding = false, parallel = true",
                    "null_padding = true, parallel = false"):
        source = f"""(select {selected}
            from read_csv($path, auto_detect = false, header = false, skip = $skip,
                          delim = $delim, quote = '"', escape = '"', encoding = $encoding,
                          columns = {columns}, strict_mode = false, {options}))"""
        try:
            _parse(con, source, mapping, cells=set(),
                   params={"path": str(path), "skip": head.lines_read[header_row],
                           "delim": head.delimiter, "encoding": head.encoding})
            return
        except duckdb.Error:
            if options.endswith("false"):
                raise


def _raw_frame(body: list[list[object]], mapping: dict[str, int]) -> pd.DataFrame:
    """A workbook's data rows as `raw`: every cell as trimmed text, date cells (and dates
    stored as numbers) also as timestamps in `<field>__cell`."""
    columns: dict[str, object] = {}
    for name, col in mapping.items():
        cells = [row[col] if col < len(row) else None for row in body]
        columns[name] = pd.Series([_as_text(c) or None for c in cells], dtype=object)
        if name in DATE_FIELDS:
            columns[f"{name}__cell"] = pd.Series([_date_cell(c) for c in cells],
                                                 dtype="datetime64[us]")
    return pd.DataFrame(columns)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and np.isnan(value))


def _as_text(value: object) -> str:
    if _is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date_cell(value: object) -> dt.datetime | None:
    """A cell typed as a date; None for text (parsed later) and other types (bad dates)."""
    if isinstance(value, bool) or _is_blank(value):
        return None
    if isinstance(value, int | float):  # a date cell without date formatting
        try:
            return dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))
        except OverflowError:
            return None
    if isinstance(value, dt.date):
        return parse_vn_date(value)
    return None


# ---------------------------------------------------------------- rules, as SQL on `parsed`

def _parse(con: duckdb.DuckDBPyConnection, source: str, mapping: dict[str, int],
           cells: set[str], params: dict | None = None) -> None:
    """`parsed`: the rows of `source` (the matched columns as text) in their order, so that
    rowid is a row's position below the header; the dossier code stripped, each date
    column as a timestamp `<field>__at` (null where its text is no date), and `blank` for
    a row whose matched cells are all empty (no row at all)."""
    dates = [f for f in DATE_FIELDS if f in mapping]
    con.execute(f"""create or replace temp table parsed as
        select * exclude (dossier_code), {_stripped("dossier_code")} as dossier_code,
               {', '.join(f"coalesce({f}__cell, {_canonical_date(f)}) as {f}__at"
                          if f in cells else f"{_canonical_date(f)} as {f}__at" for f in dates)},
               not {_not_blank_row(list(mapping))} as blank
        from {source}""", {**(params or {}), "ws": _WHITESPACE})
    for name in dates:
        _parse_other_dates(con, name)


def _extract(con: duckdb.DuckDBPyConnection, mapping: dict[str, int], header_row: int,
             sheet: str, title: list[list[object]], spill: Spill | None = None
             ) -> OneStopExtract:
    """The rules on `parsed`: the accepted dossiers, the rejected rows and the warnings."""
    rows_read = con.execute("select count(*) from parsed where not blank").fetchone()[0]
    _register_lookups(con, mapping)
    con.execute(_staged_sql(mapping, _text_cleanups(con, mapping), header_row + 2,
                            flag_columns(con, mapping)), {"ws": _WHITESPACE})
    _settle_duplicates(con)

    accepted, spilled = accepted_rows(con, sheet, spill), None
    if accepted.spilled is None:
        problems = _rejected_problems(con, mapping, sheet, header_row + 2) + accepted.warnings
    else:  # streamed: the rejected rows too, not one Problem each
        problems, spilled = accepted.warnings, replace(accepted.spilled, rejected=_spill_rejected(
            con, mapping, header_row + 2, accepted.spilled.rejected_parquet))
    return OneStopExtract(dossiers=accepted.frame, problems=ProblemList(problems),
                          exported_at=exported_at_from_title(title), sheet=sheet,
                          rows_read=rows_read, newest_row_at=accepted.newest_row_at,
                          spilled=spilled)


# Python's str.strip() strips these; SQL trims only where a value begins or ends with one
# (trimming every value with a set of characters costs seconds for a million rows).
_WHITESPACE_CODES = ", ".join(str(ord(ch)) for ch in _WHITESPACE)


def _edged(column: str) -> str:
    """Whether a text begins or ends with whitespace (visible ASCII first: the usual case)."""
    first, last = f"ascii({column})", f"ascii(right({column}, 1))"
    return (f"(case when {first} between 33 and 132 and {last} between 33 and 132 then false"
            f" else {first} in ({_WHITESPACE_CODES}) or {last} in ({_WHITESPACE_CODES}) end)")


def _stripped(column: str) -> str:
    return f"case when {_edged(column)} then nullif(trim({column}, $ws), '') else {column} end"


def _blank(column: str) -> str:
    return (f"(case when {column} is null then true when {_edged(column)}"
            f" then trim({column}, $ws) = '' else false end)")


def _not_blank_row(columns: list[str]) -> str:
    """A row with a dossier code that starts with a visible ASCII character (nearly every
    row) is no blank row; only the others have every cell checked."""
    return (f"(case when ascii(dossier_code) between 33 and 132 then true"
            f" else not ({' and '.join(_blank(c) for c in columns)}) end)")


# The exports' usual date texts: read by one strptime format each. The pattern (LIKE) keeps
# strptime from reading more than the date pattern allows (it takes any run of ASCII
# whitespace for the space, and single digits).
_CANONICAL_DATES = [("__/__/____ __:__:__", "%d/%m/%Y %H:%M:%S"),
                    ("__/__/____ __:__", "%d/%m/%Y %H:%M"), ("__/__/____", "%d/%m/%Y")]


def _canonical_date(column: str) -> str:
    branches = " ".join(f"when {len(like)} then case when {column} like '{like}' then"
                        f" try_strptime({column}, '{fmt}') end"
                        for like, fmt in _CANONICAL_DATES)
    return f"(case length({column}) {branches} end)"


def _parse_other_dates(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Dates written otherwise (one-digit day, other separators, a 'T', extra spaces):
    one strptime format per distinct shape of the text (digits as '0') that matches the
    date pattern; what matches no shape stays null, an unparseable date."""
    # DuckDB reads year 0000 as 1 BC; the date pattern's calendar starts at year 1.
    con.execute(f"update parsed set {name}__at = null"
                f" where {name}__at < timestamp '0001-01-01'")
    text = f"trim({name}, $ws)"
    shape = f"translate({text}, '{_DIGITS}', '0000000000')"
    other = f"{name} is not null and {name}__at is null"
    shapes = [s for (s,) in con.execute(f"select distinct {shape} from parsed where {other}",
                                        {"ws": _WHITESPACE}).fetchall()]
    # Only shapes of digits, separators, spaces and 'T' (the pattern's) reach the SQL text.
    branches = "".join(f" when '{s}' then try_strptime({text}, '{fmt}')"
                       for s in shapes if (fmt := _strptime_format(s)))
    if branches:
        con.execute(f"update parsed set {name}__at = case {shape}{branches} end"
                    f" where {other}", {"ws": _WHITESPACE})
        con.execute(f"update parsed set {name}__at = null"
                    f" where {name}__at < timestamp '0001-01-01'")


def _strptime_format(shape: str) -> str | None:
    """'00/00/0000 00:00' → '%d/%m/%Y %H:%M'; None for a shape that is no date."""
    match = _DATE_SHAPE.fullmatch(shape)
    if not match:
        return None
    sep1, sep2, gap, second = (match.group(i) for i in (2, 4, 6, 9))
    fmt = f"%d{sep1}%m{sep2}%Y"
    if gap:
        fmt += f"{gap}%H:%M" + (":%S" if second else "")
    return fmt


def _text_cleanups(con: duckdb.DuckDBPyConnection, mapping: dict[str, int]
                   ) -> dict[str, dict[str, str | None]]:
    """For the stored texts of few distinct values (procedure, field): the values that
    need stripping, and what they become."""
    cleanups = {}
    for name in ("procedure_code", "procedure_name", "field"):
        if name in mapping:
            values = [v for (v,) in con.execute(
                f"select distinct {name} from parsed where {name} is not null").fetchall()]
            cleanups[name] = {v: v.strip() or None for v in values if v.strip() != v}
    return cleanups


def _register_lookups(con: duckdb.DuckDBPyConnection, mapping: dict[str, int]) -> None:
    """Small tables mapping each distinct text to its meaning, folded once per value."""
    def distinct(column: str) -> list[str]:
        return [v for (v,) in con.execute(
            f"select distinct {column} from parsed where {column} is not null").fetchall()]

    channel = next((f for f in ("channel", "online_flag") if f in mapping), None)
    unit = _unit_column(mapping)
    units = con.execute(
        f"select distinct {unit}, {_AFTER} from parsed where {unit} is not null"
    ).fetchall() if unit else []
    lookups = {
        "status_map (text varchar, outcome varchar)": [
            (t, STATUS_OUTCOME[fold(t)]) for t in distinct("status")
            if fold(t) in STATUS_OUTCOME],
        "level_map (text varchar, level varchar)": [
            (t, SERVICE_LEVELS.get(fold(t))) for t in distinct("service_level")
        ] if "service_level" in mapping else [],
        "channel_map (text varchar, channel varchar)": [
            (t, CHANNELS.get(fold(t)) if channel == "channel"
             else "online" if fold(t) in ONLINE_FLAG_TRUE else "direct")
            for t in distinct(channel)] if channel else [],
        "unit_map (text varchar, after boolean, unit_code varchar)": [
            (t, after, resolve_unit(t, REORGANISATION_DATE if after else
                                    REORGANISATION_DATE - dt.timedelta(days=1)))
            for t, after in units],
    }
    for table, rows in lookups.items():
        con.execute(f"create or replace temp table {table}")
        if rows:
            con.executemany(f"insert into {table.split()[0]} values"
                            f" ({', '.join('?' for _ in rows[0])})", rows)


def _unit_column(mapping: dict[str, int]) -> str | None:
    return next((f for f in ("receiving_unit", "processing_unit") if f in mapping), None)


def _staged_sql(mapping: dict[str, int], cleanups: dict[str, dict[str, str | None]],
                first_row: int, flags: str) -> str:
    """Every row with its spreadsheet row number, its values in the warehouse's terms and
    its first reason, if any. `flags`: the select items of `one_stop_flags.flag_columns`."""
    dates = [f for f in DATE_FIELDS if f in mapping]
    closed = _first_of(["finished_at__at", "handed_over_at__at"], mapping)
    due = _first_of(["extended_due_date__at", "due_date__at"], mapping)
    unit = _unit_column(mapping)
    channel = next((f for f in ("channel", "online_flag") if f in mapping), None)
    channel_value = {"channel": "c.channel", "online_flag": "coalesce(c.channel, 'direct')",
                     None: "cast(null as varchar)"}[channel]
    level = ("coalesce(l.level, case when p.service_level is null then '2' end)"
             if "service_level" in mapping else "'2'")
    optional = ", ".join(_cleaned(f, cleanups[f]) if f in mapping
                         else f"cast(null as varchar) as {f}"
                         for f in ("procedure_code", "procedure_name", "field"))
    joins = [
        "left join status_map s on s.text = p.status",
        f"left join channel_map c on c.text = p.{channel}" if channel else "",
        "left join level_map l on l.text = p.service_level"
        if "service_level" in mapping else "",
        f"left join unit_map u on u.text = p.{unit} and u.after = {_AFTER}" if unit else "",
    ]
    reasons = [("p.dossier_code is null", "missing_dossier_code")]
    reasons += [(f"{f}__bad", f"unparseable_date:{f}") for f in dates]
    reasons += [
        ("status_text is null", "unknown_status"),
        ("channel is null", "unknown_channel"),
        ("received_at is null", "missing_received_date"),
        ("outcome in ('resolved', 'withdrawn') and closed is null", "closed_without_date"),
        ("cast(closed as date) < cast(received_at as date)", "finished_before_received"),
        ("unit_code is null", "unknown_unit"),
        ("service_level is null", "unknown_service_level"),
    ]
    reason = "case " + " ".join(f"when {cond} then '{rule}'" for cond, rule in reasons) + " end"
    return f"""
        create or replace temp table staged as
        select row_number, dossier_code, unit_code, procedure_code, procedure_name, field,
               channel, service_level,
               coalesce(service_level in ('3', '4'), false) as online_eligible,
               received_at, cast(cast(due as date) as timestamp) as due_date,
               case when outcome in ('resolved', 'withdrawn') then closed end as closed_at,
               outcome, has_fee, paid_online, digitised_receipt, digitised_result,
               {reason} as reason
        from (
            select p.rowid + {first_row} as row_number, p.dossier_code, {"u.unit_code" if unit else
                                                   "cast(null as varchar) as unit_code"},
                   {optional}, {channel_value} as channel, {level} as service_level,
                   p.received_at__at as received_at, {due} as due, {closed} as closed,
                   s.outcome, s.text as status_text, {flags},
                   {', '.join(f"case when p.{f} is null or p.{f}__at is not null then false"
                              f" else trim(p.{f}, $ws) <> '' end as {f}__bad" for f in dates)}
            from parsed p {' '.join(joins)}
            where not p.blank
        ) p"""


def _cleaned(name: str, cleanup: dict[str, str | None]) -> str:
    if not cleanup:
        return f"p.{name}"
    cases = " ".join(f"when {sql_text(raw)} then {sql_text(clean)}"
                     for raw, clean in cleanup.items())
    return f"case p.{name} {cases} else p.{name} end as {name}"


def _first_of(columns: list[str], mapping: dict[str, int]) -> str:
    present = [f"p.{c}" for c in columns if c.removesuffix("__at") in mapping]
    if not present:
        return "cast(null as timestamp)"
    return f"coalesce({', '.join(present)})" if len(present) > 1 else present[0]


def _settle_duplicates(con: duckdb.DuckDBPyConnection) -> None:
    """A code twice in one export with different content: neither row can be trusted, both
    are rejected. Repeated identical rows are one dossier: the first is kept."""
    content = ", ".join(CONTENT_COLUMNS)
    con.execute("""
        create or replace temp table repeated as
        select * from staged where reason is null and dossier_code in (
            select dossier_code from staged where reason is null group by 1
            having count(*) > 1)""")
    con.execute(f"""
        update staged set reason = 'conflicting_duplicate'
        where reason is null and dossier_code in (
            select dossier_code from (select distinct {content} from repeated)
            group by 1 having count(*) > 1)""")
    con.execute(f"""
        delete from staged where reason is null and row_number in (
            select row_number from repeated
            qualify row_number() over (partition by {content} order by row_number) > 1)""")


def _rejected_problems(con: duckdb.DuckDBPyConnection, mapping: dict[str, int],
                       sheet: str, first_row: int) -> list[Problem]:
    """One error per rejected row: its rule, message, cell and the row's matched cells
    (no personal data: those columns were never read)."""
    fields = list(mapping)
    rows = con.execute(f"""
        select s.row_number, s.reason, {', '.join(_stripped(f'p.{f}') for f in fields)}
        from staged s join parsed p on p.rowid + {first_row} = s.row_number
        where s.reason is not null order by s.row_number""", {"ws": _WHITESPACE}).fetchall()
    described = {reason: (reason.split(":")[0], _reason_vi(reason), _column_of(reason, mapping))
                 for reason in {row[1] for row in rows}}
    problems = []
    for row_number, reason, *values in rows:
        rule, message, column = described[reason]
        problems.append(Problem(
            rule, "error", message, sheet=sheet or None, row_number=row_number,
            cell=f"{column}{row_number}" if column else None,
            raw={f: v for f, v in zip(fields, values, strict=True) if v is not None}))
    return problems


def _spill_rejected(con: duckdb.DuckDBPyConnection, mapping: dict[str, int],
                    first_row: int, target: str) -> int:
    """The rows `_rejected_problems` would return, written to `target` (Parquet) as the
    rejected_row rows `transform.batch` makes of those problems; returns how many."""
    con.execute("create or replace temp table reasons (reason varchar, rule varchar,"
                " message varchar, letter varchar)")
    reasons = [(r, r.split(":")[0], _reason_vi(r), _column_of(r, mapping)) for (r,) in
               con.execute("select distinct reason from staged where reason is not null"
                           ).fetchall()]
    if reasons:
        con.executemany("insert into reasons values (?, ?, ?, ?)", reasons)
    raw = ", ".join(f"""case when {_stripped(f'p.{f}')} is not null then '"{f}": ' ||
                    to_json({_stripped(f'p.{f}')}) end""" for f in mapping)
    con.execute(f"""create or replace temp table rejected_out as
        select s.row_number, r.rule, r.message as reason, r.letter || s.row_number as cell,
               '{{' || nullif(concat_ws(', ', {raw}), '') || '}}' as raw_row
        from staged s join parsed p on p.rowid + {first_row} = s.row_number
        join reasons r using (reason) order by s.row_number""", {"ws": _WHITESPACE})
    con.execute(f"copy rejected_out to '{target}' (format parquet)")
    return con.execute("select count(*) from rejected_out").fetchone()[0]


_REASONS_VI = {
    "missing_dossier_code": "thiếu mã hồ sơ",
    "unparseable_date": "ngày không đọc được (cần dạng ngày/tháng/năm)",
    "unknown_status": "trạng thái không xác định",
    "unknown_channel": "hình thức nộp không xác định",
    "missing_received_date": "thiếu ngày tiếp nhận",
    "closed_without_date": "hồ sơ đã kết thúc nhưng không có ngày kết thúc",
    "finished_before_received": "ngày có kết quả trước ngày tiếp nhận",
    "unknown_unit": "đơn vị tiếp nhận không thuộc địa bàn hoặc trùng tên với đơn vị khác",
    "unknown_service_level": "mức độ dịch vụ công không xác định",
    "conflicting_duplicate": "mã hồ sơ lặp lại trong cùng tệp với nội dung khác nhau",
}


# The column that shows a rule's problem, in order of preference.
_RULE_COLUMNS = {
    "missing_dossier_code": ["dossier_code"], "unknown_status": ["status"],
    "unknown_channel": ["channel", "online_flag"], "missing_received_date": ["received_at"],
    "closed_without_date": ["finished_at", "handed_over_at", "status"],
    "finished_before_received": ["finished_at", "handed_over_at"],
    "unknown_unit": ["receiving_unit", "processing_unit"],
    "unknown_service_level": ["service_level"], "conflicting_duplicate": ["dossier_code"],
}


def _column_of(reason: str, mapping: dict[str, int]) -> str | None:
    """The column letter of the cell that shows a reason's problem."""
    rule, _, column = reason.partition(":")
    for name in [column] if column else _RULE_COLUMNS.get(rule, []):
        if name in mapping:
            return cell_address(0, mapping[name])[:-1]
    return None


def _reason_vi(reason: str) -> str:
    rule, _, column = reason.partition(":")
    text = _REASONS_VI[rule]
    if column:
        text += f" (cột {HEADERS[column][0]})"
    return text[0].upper() + text[1:]
