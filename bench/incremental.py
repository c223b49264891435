"""Benchmark: a nightly run with nothing new must cost about what a run on an empty inbox
costs, even with 10,000 old files still in the inbox.

In one process run: load 10,000 small one-stop exports once, then time (a) a nightly run
on an empty inbox and (b) a nightly run over the unchanged 10,000 files. Prints both and
the ratio (b)/(a); goal ≤ 1.2. Usage: python bench/incremental.py [N_FILES]
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

from prefect.testing.utilities import prefect_test_harness

from common.datafolder import DataPaths
from flows.nightly import run_nightly

HEADER = ["Mã hồ sơ", "Đơn vị tiếp nhận", "Hình thức nộp", "Mức độ", "Ngày tiếp nhận",
          "Ngày hẹn trả", "Ngày có kết quả", "Trạng thái", "Người nộp"]


def write_inbox(inbox: Path, count: int) -> None:
    inbox.mkdir(parents=True)
    for n in range(count):
        with (inbox / f"hoso_{n:05d}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for i in range(5):
                day = 1 + (n + i) % 28
                writer.writerow([f"000.25.17.H10-{n:05d}-{i}", "UBND phường Long Thủy",
                                 "Trực tiếp", "2", f"{day:02d}/03/2022 08:00",
                                 f"{day:02d}/04/2022", f"{day:02d}/03/2022 15:00",
                                 "Đã trả kết quả", f"Người nộp {n} {i}"])


def timed(label: str, paths: DataPaths) -> float:
    start = time.perf_counter()
    summary = run_nightly(paths)
    elapsed = time.perf_counter() - start
    print(f"{label:<40} {elapsed:8.3f} s  (new files: {summary['files_seen']})")
    return elapsed


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, prefect_test_harness(server_startup_timeout=90):
        data = Path(tmp) / "data"
        full, empty = data / "inbox", Path(tmp) / "empty"
        empty.mkdir()
        start = time.perf_counter()
        write_inbox(full, count)
        print(f"wrote {count} files in {time.perf_counter() - start:.1f} s")
        timed(f"first load of {count} files", DataPaths.of(data, inbox=full))
        timed("warm-up run, empty inbox", DataPaths.of(data, inbox=empty))
        baseline = timed("(a) nightly, empty inbox", DataPaths.of(data, inbox=empty))
        unchanged = timed(f"(b) nightly, {count} unchanged files",
                          DataPaths.of(data, inbox=full))
        print(f"ratio (b)/(a) = {unchanged / baseline:.2f}  (goal ≤ 1.2)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
