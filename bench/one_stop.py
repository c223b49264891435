"""Benchmark: a 1,000,000-dossier one-stop export through the pipeline.

    .venv/bin/python bench/one_stop.py [--rows 1000000] [--keep DIR]

Writes a realistic CSV export (the system's columns, personal data included, ~5 % bad rows)
into a temporary folder and, in this one process, times:

(a) DuckDB's own `CREATE TABLE AS SELECT * FROM read_csv(...)` of the file: the baseline;
(b) the pipeline's one-stop path, stage by stage, with the functions the nightly flow's
    tasks call (archive, extract, validate with GX on every row, stage and load, rebuild
    the models, validate the facts, check the invariants, publish), without Prefect's
    orchestration around them;
(c) the route a user would write: pandas `read_csv` → GX on the pandas frame →
    `DataFrame.to_sql` through duckdb-engine (timed on a slice, extrapolated linearly).

Peak RSS is the process's high-water mark (`getrusage`), read after (a)+(b), before (c).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

HEADER = ["STT", "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Đơn vị tiếp nhận",
          "Người nộp hồ sơ", "Số CCCD", "Số điện thoại", "Email", "Địa chỉ", "Nội dung",
          "Hình thức nộp", "Mức độ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả",
          "Ngày trả", "Trạng thái"]
DESKS = ["Bộ phận một cửa thị xã Phước Long", "UBND phường Thác Mơ", "UBND phường Long Thủy",
         "UBND phường Phước Bình", "UBND phường Long Phước", "UBND phường Sơn Giang",
         "UBND xã Long Giang", "UBND xã Phước Tín"]
FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Đặng", "Điểu"]
MIDDLES = ["Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thanh", "Đức", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hương", "Lan", "Long", "Minh", "Nam",
         "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]
# Seven kinds of bad rows, one row in twenty: the reader must reject each with its reason.
BAD_KINDS = ["unparseable_date", "unknown_status", "finished_before_received",
             "closed_without_date", "missing_dossier_code", "unknown_channel",
             "conflicting_duplicate"]


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def generate(path: Path, rows: int) -> Path:
    """Write the export with DuckDB (a few seconds for a million rows): header first, UTF-8
    with BOM, comma-separated, as the province's system writes its CSV exports."""
    from transform.due_dates import load_procedures

    procedures = load_procedures()
    codes, names, fields, days = (list(procedures[c]) for c in (
        "procedure_code", "procedure_name", "field", "working_days"))
    statuses_open = ["Đang xử lý", "Chờ bổ sung", "Yêu cầu bổ sung giấy tờ", "Được tiếp nhận"]
    con = duckdb.connect()
    # A deterministic pseudo-random integer per dossier and purpose.
    con.execute("create macro h(i, k) as cast(hash(i, k) % 1000000007 as bigint)")
    body = path.with_suffix(".body")
    con.execute(f"""
    copy (
    with base as (
        select i,
               h(i, 1) % {len(codes)} as p,
               h(i, 2) % {len(DESKS)} as desk,
               h(i, 3) % 100 as fate,
               h(i, 4) % 3 as chan,
               timestamp '2021-09-01 07:00:00' + to_days(cast(h(i, 5) % 400 as integer))
                   + to_minutes(h(i, 18) % 600) as received,
               to_minutes(cast(h(i, 6) % (20 * 24 * 60) as bigint)) as took,
               case when i % 20 = 13 then (i // 20) % 7 else -1 end as bad
        from range({rows}) t(i)
    ), dossier as (
        select *, {_sql_list(codes)}[p + 1] as proc_code, {_sql_list(names)}[p + 1] as proc_name,
               {_sql_list(fields)}[p + 1] as field, {days}[p + 1] as days,
               case when fate < 80 then 'resolved' when fate < 82 then 'withdrawn'
                    when fate < 84 then 'not_received' else 'open' end as outcome,
               {_sql_list(FAMILIES)}[h(i, 7) % {len(FAMILIES)} + 1] || ' '
               || {_sql_list(MIDDLES)}[h(i, 8) % {len(MIDDLES)} + 1] || ' '
               || {_sql_list(GIVEN)}[h(i, 9) % {len(GIVEN)} + 1] as applicant
        from base
    )
    select i + 1 as "STT",
           case when bad = 4 then ''
                else '000.00.' || (15 + desk) || '.H10-' || strftime(received, '%y%m%d') || '-'
                     || lpad(cast(case when bad = 6 then i - 1 else i end as varchar), 7, '0')
           end as "Mã hồ sơ",
           proc_code as "Mã thủ tục", proc_name as "Tên thủ tục", field as "Lĩnh vực",
           {_sql_list(DESKS)}[desk + 1] as "Đơn vị tiếp nhận",
           applicant as "Người nộp hồ sơ",
           '070' || lpad(cast(h(i, 10) % 1000000000 as varchar), 9, '0') as "Số CCCD",
           '09' || lpad(cast(h(i, 11) % 100000000 as varchar), 8, '0') as "Số điện thoại",
           lower(strip_accents(replace(applicant, ' ', ''))) || (h(i, 12) % 100)
               || '@gmail.com' as "Email",
           'Tổ ' || (h(i, 13) % 12 + 1) || ', KP ' || (h(i, 14) % 6 + 1) as "Địa chỉ",
           'Hồ sơ của ' || applicant as "Nội dung",
           case when bad = 5 then 'Fax'
                when chan = 0 then 'Trực tuyến' else 'Trực tiếp' end as "Hình thức nộp",
           cast(2 + h(i, 15) % 3 as varchar) as "Mức độ",
           case when bad = 0 then '31/02/2022 08:00'
                else strftime(received, '%d/%m/%Y %H:%M:%S') end as "Ngày tiếp nhận",
           strftime(received + to_days(cast(days * 7 // 5 as integer)), '%d/%m/%Y')
               as "Ngày hẹn trả",
           case when bad = 3 then null
                when bad = 2 then strftime(received - interval 3 day, '%d/%m/%Y %H:%M')
                when outcome in ('resolved', 'withdrawn')
                    then strftime(received + took, '%d/%m/%Y %H:%M') end as "Ngày có kết quả",
           case when outcome = 'resolved' and bad <> 3 and h(i, 16) % 2 = 0
                then strftime(received + took + interval 1 day, '%d/%m/%Y %H:%M')
           end as "Ngày trả",
           case when bad = 1 then 'Chờ phê duyệt'
                when bad in (2, 3) or outcome = 'resolved' then 'Đã trả kết quả'
                when outcome = 'withdrawn' then 'Công dân yêu cầu rút hồ sơ'
                when outcome = 'not_received' then 'Không được tiếp nhận'
                else {_sql_list(statuses_open)}[h(i, 17) % 4 + 1] end as "Trạng thái"
    from dossier order by i
    ) to '{body}' (header true, delimiter ',')""")
    with path.open("wb") as out, body.open("rb") as src:
        out.write("\ufeff".encode())
        while chunk := src.read(1 << 24):
            out.write(chunk)
    body.unlink()
    return path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed(label: str, times: dict[str, float]):
    start = time.perf_counter()
    yield
    times[label] = time.perf_counter() - start
    print(f"  {label:<44} {times[label]:7.2f} s   (peak RSS {peak_rss_mb():6.0f} MB)",
          flush=True)


def main() -> None:  # pragma: no cover - a benchmark
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="folder to keep the files in")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_one_stop_"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"generating {args.rows:,} dossiers in {folder} …", flush=True)
    export = generate(folder / "inbox" / "hoso_1cua.csv", args.rows)
    print(f"  {export.stat().st_size / 1e6:.0f} MB", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
